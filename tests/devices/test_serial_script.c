/* The serial-line script (devices/serial_script.h) on its own and as a chardev: parsing,
 * escapes and quotes, expect matching across split output, sends released only by their
 * expect, the instruction-count timeouts, stop, a one-line error for each bad script, and
 * a 16550A fed by a script: a long send reaches a slow reader whole, without an overrun. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/chardev.h"
#include "devices/serial_script.h"
#include "devices/uart16550.h"
#include "ioharness.h"

static struct serial_script *parse(const char *text)
{
    char err[300] = "";
    struct serial_script *s = serial_script_parse(text, strlen(text), "t.script", err, sizeof err);
    if (!s)
        fail_msg("unexpected parse error: %s", err);
    return s;
}

static void emit(struct serial_script *s, const char *text)
{
    for (; *text; text++)
        serial_script_output(s, (uint8_t)*text);
}

/* Everything queued for the guest so far, as a string. */
static const char *taken(struct serial_script *s)
{
    static char buf[512];
    size_t n = serial_script_input(s, (uint8_t *)buf, sizeof buf - 1);
    buf[n] = '\0';
    return buf;
}

static void test_conversation(void **state)
{
    struct serial_script *s = parse("# log in\n"
                                    "\n"
                                    "send \\r\n"
                                    "expect login: \n"
                                    "send root\\n\n"
                                    "  expect \"# \"\n"
                                    "send echo $((6*7))\\n\n"
                                    "expect 42\n");
    /* The send before the first expect goes at once. */
    assert_string_equal(taken(s), "\r");
    assert_int_equal(serial_script_check(s, 100), SCRIPT_WAITING);
    emit(s, "Welcome\r\nlogin");
    assert_string_equal(taken(s), "");
    emit(s, ":");
    assert_string_equal(taken(s), "");
    emit(s, " ");
    assert_string_equal(taken(s), "root\n");
    /* The echo of what was typed is no prompt yet; the trailing blank matters. */
    emit(s, "root\r\n#");
    assert_string_equal(taken(s), "");
    emit(s, " ");
    assert_string_equal(taken(s), "echo $((6*7))\n");
    /* Output seen before the expect became current does not count: "42" is in the
     * earlier text only if split across the match, which starts afresh. */
    emit(s, "echo $((6*7))\r\n4");
    assert_int_equal(serial_script_check(s, 200), SCRIPT_WAITING);
    emit(s, "2\r\n");
    assert_int_equal(serial_script_check(s, 300), SCRIPT_FINISHED);
    char where[300];
    serial_script_where(s, where, sizeof where);
    assert_string_equal(where, "the end");
    /* Output after the end is ignored. */
    emit(s, "more");
    assert_int_equal(serial_script_check(s, 400), SCRIPT_FINISHED);
    serial_script_free(s);
}

static void test_match_starts_after_previous(void **state)
{
    struct serial_script *s = parse("expect ab\nexpect ab\nsend x\n");
    emit(s, "ab"); /* the first */
    assert_string_equal(taken(s), "");
    emit(s, "a");
    assert_string_equal(taken(s), "");
    emit(s, "b");
    assert_string_equal(taken(s), "x");
    serial_script_free(s);

    /* Overlapping candidates: "aab" contains "ab" ending at its last byte. */
    s = parse("expect aab\nsend y\n");
    emit(s, "aaaab");
    assert_string_equal(taken(s), "y");
    serial_script_free(s);
}

static void test_escapes_and_quotes(void **state)
{
    struct serial_script *s = parse("send \"  two blanks  \"\n"
                                    "send \\x41\\t\\e\\\\\\\"\n"
                                    "send \"a \\\"quoted\\\" word\"\n"
                                    "expect \\x1b[0m\\r\\n\n"
                                    "send ok\r\n"); /* a CRLF line: the \r is not text */
    assert_string_equal(taken(s), "  two blanks  A\t\x1b\\\"a \"quoted\" word");
    emit(s, "\x1b[0m\r\n");
    assert_string_equal(taken(s), "ok");
    serial_script_free(s);
}

static void test_timeouts(void **state)
{
    struct serial_script *s = parse("expect one\n"
                                    "expect-timeout 2k\n"
                                    "expect two\n"
                                    "expect-timeout 0\n"
                                    "expect three\n");
    /* No timeout in force for the first: it waits forever. */
    assert_int_equal(serial_script_timeout(s), 0);
    assert_int_equal(serial_script_check(s, 10), SCRIPT_WAITING);
    assert_int_equal(serial_script_check(s, 10000000000ull), SCRIPT_WAITING);
    emit(s, "one");
    assert_int_equal(serial_script_timeout(s), 2000);
    /* Its time starts at the first check that sees it. */
    assert_int_equal(serial_script_check(s, 5000), SCRIPT_WAITING);
    assert_int_equal(serial_script_check(s, 6999), SCRIPT_WAITING);
    assert_int_equal(serial_script_check(s, 7000), SCRIPT_TIMED_OUT);
    char where[300];
    serial_script_where(s, where, sizeof where);
    assert_string_equal(where, "line 3: expect 'two'");
    emit(s, "two");
    assert_int_equal(serial_script_timeout(s), 0);
    assert_int_equal(serial_script_check(s, 1ull << 40), SCRIPT_WAITING);
    serial_script_free(s);

    s = parse("expect-timeout 3M\nexpect x\n");
    assert_int_equal(serial_script_timeout(s), 3000000);
    serial_script_free(s);
    s = parse("expect-timeout 1G\nexpect x\n");
    assert_int_equal(serial_script_timeout(s), 1000000000);
    serial_script_free(s);
}

static void test_stop(void **state)
{
    struct serial_script *s = parse("expect $ \nsend exit\\n\nstop\nsend never\n");
    assert_int_equal(serial_script_check(s, 1), SCRIPT_WAITING);
    emit(s, "$ ");
    assert_int_equal(serial_script_check(s, 2), SCRIPT_STOPPED);
    assert_string_equal(taken(s), "exit\n");
    serial_script_free(s);
}

static void test_bad_scripts(void **state)
{
    static const struct {
        const char *text, *error;
    } bad[] = {
        { "expect x\nfrobnicate 3\n", "t.script:2: unknown command 'frobnicate'" },
        { "expect\n", "t.script:1: expect needs a text" },
        { "send \"\"\n", "t.script:1: send needs a text" },
        { "send \"abc\n", "t.script:1: unterminated quote" },
        { "send \"abc\\\"\n", "t.script:1: unterminated quote" },
        { "send a\\qb\n", "t.script:1: unknown escape '\\q'" },
        { "send a\\x4\n", "t.script:1: \\x wants two hex digits" },
        { "send a\\\n", "t.script:1: a backslash ends the text" },
        { "expect-timeout soon\nexpect x\n", "t.script:1: expect-timeout wants an instruction count" },
        { "expect-timeout 5T\nexpect x\n", "t.script:1: expect-timeout wants an instruction count" },
        { "expect-timeout 99999999999999999999G\n", "t.script:1: expect-timeout wants" },
        { "send x\nstop now\n", "t.script:2: stop takes nothing after it" },
        { "# nothing\n\nstop\n", "t.script: no expect or send command" },
        { "", "t.script: no expect or send command" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char err[300] = "";
        struct serial_script *s = serial_script_parse(bad[k].text, strlen(bad[k].text), "t.script",
                                                      err, sizeof err);
        if (s)
            fail_msg("script %zu parsed: %s", k, bad[k].text);
        if (strncmp(err, bad[k].error, strlen(bad[k].error)) != 0)
            fail_msg("script %zu: got '%s', wanted '%s...'", k, err, bad[k].error);
        assert_null(strchr(err, '\n'));
    }
    /* A text longer than the matcher keeps. */
    char longer[SERIAL_SCRIPT_MAX_TEXT + 32];
    memset(longer, 'x', sizeof longer);
    memcpy(longer, "expect ", 7);
    longer[sizeof longer - 2] = '\n';
    longer[sizeof longer - 1] = '\0';
    char err[300];
    assert_null(serial_script_parse(longer, strlen(longer), "t.script", err, sizeof err));
    assert_non_null(strstr(err, "longer than"));
    /* A NUL byte: not a text file. */
    assert_null(serial_script_parse("send a\0b\n", 9, "t.script", err, sizeof err));
    assert_non_null(strstr(err, "NUL"));
}

static void test_load(void **state)
{
    char err[300];
    assert_null(serial_script_load("/nonexistent-dir/x.script", err, sizeof err));
    assert_non_null(strstr(err, "cannot open serial script '/nonexistent-dir/x.script'"));
    assert_null(serial_script_load("/", err, sizeof err));
    assert_non_null(strstr(err, "'/'"));
    char path[] = "/tmp/glass86-script-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "expect ok\nbogus\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    assert_null(serial_script_load(path, err, sizeof err));
    char want[100];
    snprintf(want, sizeof want, "%s:2: unknown command 'bogus'", path);
    assert_non_null(strstr(err, want));
    unlink(path);
}

/* As a serial backend: output reaches the inner backend and the matcher, input is taken
 * in at poll points only after its expect, and never more than the ring holds. */
static void test_chardev(void **state)
{
    struct chardev *inner = chardev_script(); /* keeps the output in memory */
    struct serial_script *s = parse("expect go\nsend 0123456789\n");
    struct chardev *cd = chardev_expect(inner, s);
    assert_non_null(cd);
    assert_ptr_equal(chardev_serial_script(cd), s);
    assert_null(chardev_serial_script(inner));
    assert_true(chardev_has_input(cd));
    assert_true(chardev_connected(cd));
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), 0);
    for (const char *p = "ready, go"; *p; p++)
        chardev_write(cd, (uint8_t)*p);
    size_t n;
    const uint8_t *out = chardev_script_output(inner, &n);
    assert_int_equal(n, 9);
    assert_memory_equal(out, "ready, go", 9);
    assert_int_equal(chardev_available(cd), 0); /* not before a poll point */
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), 10);
    for (int k = 0; k < 10; k++)
        assert_int_equal(chardev_getc(cd), '0' + k);
    assert_int_equal(serial_script_check(s, 0), SCRIPT_FINISHED);
    chardev_close(cd); /* closes the inner backend and frees the script */

    /* A send bigger than the ring is taken in over several polls, in order. */
    size_t big = CHARDEV_RING_LEN + 1000;
    char *text = malloc(big + 16);
    assert_non_null(text);
    memcpy(text, "send ", 5);
    for (size_t k = 0; k < big; k++)
        text[5 + k] = (char)('a' + k % 26);
    memcpy(text + 5 + big, "\n", 2);
    cd = chardev_expect(chardev_none(), parse(text));
    free(text);
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), CHARDEV_RING_LEN);
    for (size_t k = 0; k < 100; k++)
        assert_int_equal(chardev_getc(cd), 'a' + k % 26);
    chardev_poll(cd);
    assert_int_equal(chardev_available(cd), CHARDEV_RING_LEN);
    size_t got = 100;
    while (chardev_available(cd) || (chardev_poll(cd), chardev_available(cd))) {
        assert_int_equal(chardev_getc(cd), 'a' + got % 26);
        got++;
    }
    assert_int_equal(got, big);
    chardev_close(cd);
}


/* A guest that answers a prompt and then reads far slower than the line runs: every
 * byte of a send much longer than the FIFO and the backend's ring arrives, in order, and
 * the receiver never overruns (LSR.OE), because the UART takes a byte from the backend
 * only when its FIFO has room. */
static void test_uart_slow_reader(void **state)
{
    enum { LEN = CHARDEV_RING_LEN * 2 + 123 };
    char *text = malloc(LEN + 32);
    assert_non_null(text);
    int n = sprintf(text, "expect $ \nsend ");
    for (int k = 0; k < LEN; k++)
        text[n + k] = (char)('A' + k % 26);
    strcpy(text + n + LEN, "\n");
    struct serial_script *s = parse(text);
    free(text);
    struct machine *m = io_machine(NULL);
    struct chardev *inner = chardev_script();
    struct uart16550 *u = uart16550_create_com(m, 1, chardev_expect(inner, s));
    assert_non_null(u);
    uint16_t base = UART_COM1_BASE;
    io_out(m, base + UART_LCR, UART_LCR_DLAB); /* 115200 baud, 8N1, FIFOs on */
    io_out(m, base + UART_DLL, 1);
    io_out(m, base + UART_DLM, 0);
    io_out(m, base + UART_LCR, 0x03);
    io_out(m, base + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    uint64_t char_time = 10ull * 1000000000ull / 115200;
    io_advance(m, 5 * UART_POLL_NS);
    assert_false(io_in(m, base + UART_LSR) & UART_LSR_DR); /* nothing before the prompt */
    io_out(m, base + UART_THR, '$');
    io_out(m, base + UART_THR, ' ');
    io_advance(m, 3 * char_time);
    size_t out_len;
    const uint8_t *out = chardev_script_output(inner, &out_len);
    assert_int_equal(out_len, 2);
    assert_memory_equal(out, "$ ", 2);
    int got = 0;
    for (int step = 0; step < LEN * 4 && got < LEN; step++) {
        io_advance(m, 3 * char_time); /* three character times per byte read */
        uint8_t lsr = io_in(m, base + UART_LSR);
        assert_false(lsr & UART_LSR_OE);
        if (lsr & UART_LSR_DR) {
            assert_int_equal(io_in(m, base + UART_RBR), 'A' + got % 26);
            got++;
        }
    }
    assert_int_equal(got, LEN);
    io_advance(m, 5 * UART_POLL_NS);
    assert_false(io_in(m, base + UART_LSR) & (UART_LSR_DR | UART_LSR_OE));
    assert_int_equal(serial_script_check(s, 0), SCRIPT_FINISHED);
    machine_destroy(m); /* the UART closes the backend, which frees the script */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversation),
        cmocka_unit_test(test_match_starts_after_previous),
        cmocka_unit_test(test_escapes_and_quotes),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_bad_scripts),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_chardev),
        cmocka_unit_test(test_uart_slow_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
