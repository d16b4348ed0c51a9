/* The serial backends on their own: spec parsing, the scripted buffer, a file, a real
 * pseudo-terminal and a real TCP client on localhost. Host input only shows up after a
 * chardev_poll(), the device's virtual-time poll point. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/chardev.h"

static void pause_1ms(void)
{
    struct timespec ts = { 0, 1000000 };
    nanosleep(&ts, NULL);
}

/* Poll until `n` bytes are available (the host's pty and socket layers deliver
 * asynchronously); up to about two seconds. */
static bool poll_for(struct chardev *cd, size_t n)
{
    for (int k = 0; k < 2000; k++) {
        chardev_poll(cd);
        if (chardev_available(cd) >= n)
            return true;
        pause_1ms();
    }
    return false;
}

static void test_spec_parsing(void **state)
{
    char err[200];
    struct chardev *cd = chardev_open("none", err, sizeof err);
    assert_non_null(cd);
    assert_false(chardev_connected(cd));
    assert_false(chardev_has_input(cd));
    chardev_write(cd, 'x');
    chardev_poll(cd);
    assert_int_equal(chardev_getc(cd), -1);
    chardev_close(cd);
    static const char *bad[] = { "bogus", "file:", "tcp:", "tcp:x", "tcp:70000", "tcp:23,later",
                                 "stdio,signal=maybe" };
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        err[0] = '\0';
        assert_null(chardev_open(bad[k], err, sizeof err));
        assert_true(err[0] != '\0');
    }
    assert_null(chardev_open("file:/nonexistent-dir/x", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/x"));
    /* NULL is tolerated everywhere a device might pass it. */
    chardev_write(NULL, 'x');
    chardev_poll(NULL);
    assert_int_equal(chardev_getc(NULL), -1);
    chardev_restore_terminal(NULL);
    chardev_close(NULL);
}

static void test_script(void **state)
{
    struct chardev *cd = chardev_script();
    assert_non_null(cd);
    assert_true(chardev_has_input(cd));
    assert_true(chardev_connected(cd));
    chardev_script_feed(cd, "abc", 3);
    assert_int_equal(chardev_available(cd), 0); /* not before a poll point */
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), 3);
    assert_int_equal(chardev_getc(cd), 'a');
    chardev_script_feed(cd, "de", 2);
    assert_int_equal(chardev_getc(cd), 'b');
    assert_int_equal(chardev_getc(cd), 'c');
    assert_int_equal(chardev_getc(cd), -1);
    chardev_poll(cd);
    assert_int_equal(chardev_getc(cd), 'd');
    assert_int_equal(chardev_getc(cd), 'e');
    /* More than the ring holds waits for later polls. */
    uint8_t big[CHARDEV_RING_LEN + 100];
    for (size_t k = 0; k < sizeof big; k++)
        big[k] = (uint8_t)k;
    chardev_script_feed(cd, big, sizeof big);
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), CHARDEV_RING_LEN);
    for (size_t k = 0; k < CHARDEV_RING_LEN; k++)
        assert_int_equal(chardev_getc(cd), (uint8_t)k);
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), 100);
    for (int k = 0; k < 300; k++)
        chardev_write(cd, (uint8_t)k);
    size_t n;
    const uint8_t *out = chardev_script_output(cd, &n);
    assert_int_equal(n, 300);
    assert_int_equal(out[299], (uint8_t)299);
    assert_null(chardev_pty_name(cd));
    assert_int_equal(chardev_tcp_port(cd), 0);
    chardev_close(cd);
}

static void test_file(void **state)
{
    char path[] = "/tmp/glass86-chardev-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200];
    struct chardev *cd = chardev_file(path, err, sizeof err);
    assert_non_null(cd);
    assert_false(chardev_has_input(cd));
    assert_true(chardev_connected(cd));
    for (const char *p = "line 1\nline 2"; *p; p++)
        chardev_write(cd, (uint8_t)*p);
    chardev_close(cd);
    FILE *f = fopen(path, "rb");
    char got[32] = "";
    assert_int_equal(fread(got, 1, sizeof got - 1, f), 13);
    fclose(f);
    unlink(path);
    assert_string_equal(got, "line 1\nline 2");
}

static void test_pty(void **state)
{
    char err[200];
    struct chardev *cd = chardev_pty(err, sizeof err);
    if (!cd)
        skip(); /* no /dev/ptmx in this sandbox */
    const char *name = chardev_pty_name(cd);
    assert_non_null(name);
    chardev_poll(cd); /* nobody on the slave side yet: nothing, no error */
    assert_int_equal(chardev_available(cd), 0);
    int slave = open(name, O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    assert_int_equal(write(slave, "pty\r\n", 5), 5);
    assert_true(poll_for(cd, 5));
    char got[6] = "";
    for (int k = 0; k < 5; k++)
        got[k] = (char)chardev_getc(cd);
    assert_string_equal(got, "pty\r\n"); /* raw: CR not turned into LF */
    chardev_write(cd, 'O');
    chardev_write(cd, '\n');
    char back[2] = "";
    size_t n = 0;
    for (int k = 0; k < 2000 && n < 2; k++) {
        ssize_t r = read(slave, back + n, 2 - n);
        if (r > 0)
            n += (size_t)r;
    }
    assert_int_equal(n, 2);
    assert_memory_equal(back, "O\n", 2);
    close(slave);
    chardev_close(cd);
}

static void test_tcp(void **state)
{
    char err[200];
    struct chardev *cd = chardev_tcp(0, false, err, sizeof err);
    if (!cd)
        skip(); /* no loopback networking in this sandbox */
    uint16_t port = chardev_tcp_port(cd);
    assert_true(port != 0);
    chardev_poll(cd);
    assert_false(chardev_connected(cd));
    chardev_write(cd, 'x'); /* nobody there: dropped */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof a), 0);
    for (int k = 0; k < 2000 && !chardev_connected(cd); k++) {
        chardev_poll(cd);
        if (!chardev_connected(cd))
            pause_1ms();
    }
    assert_true(chardev_connected(cd));
    assert_int_equal(send(s, "ping", 4, 0), 4);
    assert_true(poll_for(cd, 4));
    char got[5] = "";
    for (int k = 0; k < 4; k++)
        got[k] = (char)chardev_getc(cd);
    assert_string_equal(got, "ping");
    chardev_write(cd, 'Q');
    char q = 0;
    assert_int_equal(recv(s, &q, 1, 0), 1);
    assert_int_equal(q, 'Q');
    /* The client leaves; the next one is accepted. */
    close(s);
    for (int k = 0; k < 2000 && chardev_connected(cd); k++) {
        chardev_poll(cd);
        if (chardev_connected(cd))
            pause_1ms();
    }
    assert_false(chardev_connected(cd));
    s = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof a), 0);
    for (int k = 0; k < 2000 && !chardev_connected(cd); k++) {
        chardev_poll(cd);
        if (!chardev_connected(cd))
            pause_1ms();
    }
    assert_true(chardev_connected(cd));
    close(s);
    chardev_close(cd);
}

/* With stdin not a terminal (as under ctest), stdio reads it without touching termios,
 * and an ended stdin stops being polled. Stdin is a pipe whose writer has gone. */
static void test_stdio_not_a_tty(void **state)
{
    if (isatty(STDIN_FILENO))
        skip();
    int saved = dup(STDIN_FILENO);
    int p[2];
    assert_true(saved >= 0);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "in", 2), 2);
    close(p[1]);
    dup2(p[0], STDIN_FILENO);
    close(p[0]);
    char err[200];
    struct chardev *cd = chardev_open("stdio", err, sizeof err);
    assert_non_null(cd);
    assert_true(chardev_has_input(cd));
    chardev_poll(cd);
    chardev_poll(cd); /* end of file: nothing more, no error */
    assert_int_equal(chardev_available(cd), 2);
    assert_int_equal(chardev_getc(cd), 'i');
    assert_int_equal(chardev_getc(cd), 'n');
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), 0);
    chardev_restore_terminal(cd);
    chardev_close(cd);
    dup2(saved, STDIN_FILENO);
    close(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_parsing),
        cmocka_unit_test(test_script),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_pty),
        cmocka_unit_test(test_tcp),
        cmocka_unit_test(test_stdio_not_a_tty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
