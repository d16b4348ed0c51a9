/* Serial line backends (see chardev.h). Every host descriptor is non-blocking or polled
 * with a zero timeout, so a poll point never stalls the emulated machine; bytes read are
 * parked in a ring until the device asks for them, one at a time, at its line rate. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ptsname_r, accept4 */
#endif
#include "devices/chardev.h"
#include "devices/serial_script.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

enum chardev_kind { CD_NONE, CD_STDIO, CD_FILE, CD_PTY, CD_TCP, CD_SCRIPT, CD_EXPECT };

struct chardev {
    enum chardev_kind kind;
    int in_fd, out_fd;          /* stdio, pty; -1 when absent */
    bool in_eof;                /* stdin ended: stop polling it */
    FILE *file;                 /* file */
    bool tty_raw;               /* stdio switched the terminal to raw mode */
    struct termios saved_tty;
    int listen_fd, client_fd;   /* tcp */
    uint16_t port;
    char pty_name[64];
    uint8_t ring[CHARDEV_RING_LEN];
    size_t ring_head, ring_len;
    uint8_t *script_in;         /* script: fed; taken in from script_in_pos on */
    size_t script_in_len, script_in_pos, script_in_cap;
    uint8_t *script_out;        /* script: everything written */
    size_t script_out_len, script_out_cap;
    struct chardev *inner;      /* expect: where the output goes */
    struct serial_script *expect;
};

static struct chardev *alloc_chardev(enum chardev_kind kind)
{
    struct chardev *cd = calloc(1, sizeof *cd);
    if (!cd)
        return NULL;
    cd->kind = kind;
    cd->in_fd = cd->out_fd = -1;
    cd->listen_fd = cd->client_fd = -1;
    return cd;
}

static struct chardev *fail(struct chardev *cd, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, strerror(errno));
    chardev_close(cd);
    return NULL;
}

static int set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

struct chardev *chardev_none(void)
{
    return alloc_chardev(CD_NONE);
}

struct chardev *chardev_stdio(bool keep_signals, char *err, size_t errlen)
{
    struct chardev *cd = alloc_chardev(CD_STDIO);
    if (!cd) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cd->in_fd = STDIN_FILENO;
    cd->out_fd = STDOUT_FILENO;
    /* stdin is not made non-blocking: on a terminal it shares its open file with stdout
     * and stderr, which would start failing with EAGAIN. A zero-timeout poll() before
     * each read() does the same job. */
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &cd->saved_tty) == 0) {
        struct termios raw = cd->saved_tty;
        raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
        if (!keep_signals)
            raw.c_lflag &= ~(tcflag_t)ISIG;
        /* Output processing stays on: glass86's own messages still get their CR. */
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0)
            return fail(cd, err, errlen, "stdio: cannot set the terminal to raw mode");
        cd->tty_raw = true;
    }
    return cd;
}

struct chardev *chardev_file(const char *path, char *err, size_t errlen)
{
    struct chardev *cd = alloc_chardev(CD_FILE);
    if (!cd) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cd->file = fopen(path, "wb");
    if (!cd->file) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        chardev_close(cd);
        return NULL;
    }
    return cd;
}

struct chardev *chardev_pty(char *err, size_t errlen)
{
    struct chardev *cd = alloc_chardev(CD_PTY);
    if (!cd) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(cd, err, errlen, "pty: posix_openpt");
    cd->in_fd = cd->out_fd = fd;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, cd->pty_name, sizeof cd->pty_name) != 0)
        return fail(cd, err, errlen, "pty: cannot unlock the slave");
    /* Raw on both sides: the guest's bytes must arrive as they are. */
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    if (set_nonblocking(fd) != 0)
        return fail(cd, err, errlen, "pty: fcntl");
    fprintf(stderr, "glass86: serial port connected to %s\n", cd->pty_name);
    return cd;
}

struct chardev *chardev_tcp(uint16_t port, bool wait, char *err, size_t errlen)
{
    struct chardev *cd = alloc_chardev(CD_TCP);
    if (!cd) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cd->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (cd->listen_fd < 0)
        return fail(cd, err, errlen, "tcp: socket");
    int one = 1;
    setsockopt(cd->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* Localhost only: a serial console is a root shell, not something to offer the net. */
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(cd->listen_fd, (struct sockaddr *)&a, sizeof a) != 0)
        return fail(cd, err, errlen, "tcp: bind 127.0.0.1");
    if (listen(cd->listen_fd, 1) != 0)
        return fail(cd, err, errlen, "tcp: listen");
    socklen_t alen = sizeof a;
    if (getsockname(cd->listen_fd, (struct sockaddr *)&a, &alen) == 0)
        cd->port = ntohs(a.sin_port);
    if (wait) {
        fprintf(stderr, "glass86: waiting for a connection on 127.0.0.1:%u\n", cd->port);
        do
            cd->client_fd = accept4(cd->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        while (cd->client_fd < 0 && errno == ECONNABORTED);
        if (cd->client_fd < 0)
            return fail(cd, err, errlen, "tcp: accept");
    }
    if (set_nonblocking(cd->listen_fd) != 0)
        return fail(cd, err, errlen, "tcp: fcntl");
    return cd;
}

struct chardev *chardev_script(void)
{
    return alloc_chardev(CD_SCRIPT);
}

void chardev_script_feed(struct chardev *cd, const void *data, size_t n)
{
    if (!cd || cd->kind != CD_SCRIPT || n == 0)
        return;
    /* Drop what was taken in already, then append, growing by doubling. */
    size_t left = cd->script_in_len - cd->script_in_pos;
    if (cd->script_in_pos) {
        memmove(cd->script_in, cd->script_in + cd->script_in_pos, left);
        cd->script_in_pos = 0;
        cd->script_in_len = left;
    }
    if (left + n > cd->script_in_cap) {
        size_t cap = cd->script_in_cap ? cd->script_in_cap : 256;
        while (cap < left + n)
            cap *= 2;
        uint8_t *p = realloc(cd->script_in, cap);
        if (!p)
            return;
        cd->script_in = p;
        cd->script_in_cap = cap;
    }
    memcpy(cd->script_in + left, data, n);
    cd->script_in_len = left + n;
}

const uint8_t *chardev_script_output(const struct chardev *cd, size_t *len)
{
    *len = cd && cd->kind == CD_SCRIPT ? cd->script_out_len : 0;
    return cd && cd->kind == CD_SCRIPT ? cd->script_out : NULL;
}

struct chardev *chardev_expect(struct chardev *inner, struct serial_script *script)
{
    struct chardev *cd = alloc_chardev(CD_EXPECT);
    if (!cd) {
        chardev_close(inner);
        serial_script_free(script);
        return NULL;
    }
    cd->inner = inner;
    cd->expect = script;
    return cd;
}

struct serial_script *chardev_serial_script(const struct chardev *cd)
{
    return cd && cd->kind == CD_EXPECT ? cd->expect : NULL;
}

const char *chardev_pty_name(const struct chardev *cd)
{
    return cd && cd->kind == CD_PTY ? cd->pty_name : NULL;
}

uint16_t chardev_tcp_port(const struct chardev *cd)
{
    return cd && cd->kind == CD_TCP ? cd->port : 0;
}

static bool parse_port(const char *s, uint16_t *port, bool *wait)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || v > 65535)
        return false;
    *port = (uint16_t)v;
    *wait = false;
    if (*end == '\0')
        return true;
    if (strcmp(end, ",wait") == 0) {
        *wait = true;
        return true;
    }
    return false;
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    if (!spec || strcmp(spec, "none") == 0) {
        struct chardev *cd = chardev_none();
        if (!cd)
            snprintf(err, errlen, "out of memory");
        return cd;
    }
    if (strcmp(spec, "stdio") == 0)
        return chardev_stdio(true, err, errlen);
    if (strcmp(spec, "stdio,signal=off") == 0)
        return chardev_stdio(false, err, errlen);
    if (strncmp(spec, "file:", 5) == 0 && spec[5])
        return chardev_file(spec + 5, err, errlen);
    if (strcmp(spec, "pty") == 0)
        return chardev_pty(err, errlen);
    if (strncmp(spec, "tcp:", 4) == 0) {
        uint16_t port;
        bool wait;
        if (!parse_port(spec + 4, &port, &wait)) {
            snprintf(err, errlen, "'%s': expected tcp:PORT or tcp:PORT,wait", spec);
            return NULL;
        }
        return chardev_tcp(port, wait, err, errlen);
    }
    snprintf(err, errlen, "unknown serial backend '%s' (none, stdio, file:PATH, pty, tcp:PORT)", spec);
    return NULL;
}

/* Write all of a buffer to a blocking descriptor, or as much as a non-blocking one takes;
 * false when the descriptor is broken. */
static bool write_fd(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else {
            return w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        }
    }
    return true;
}

static void drop_client(struct chardev *cd)
{
    if (cd->client_fd >= 0)
        close(cd->client_fd);
    cd->client_fd = -1;
}

void chardev_write(struct chardev *cd, uint8_t byte)
{
    if (!cd)
        return;
    switch (cd->kind) {
    case CD_NONE:
        break;
    case CD_STDIO:
    case CD_PTY:
        /* A pty nobody has opened, or a full one, drops the byte like an unplugged line. */
        write_fd(cd->out_fd, &byte, 1);
        break;
    case CD_FILE:
        fputc(byte, cd->file);
        if (byte == '\n')
            fflush(cd->file); /* so that `tail -f` follows the guest's console */
        break;
    case CD_TCP:
        if (cd->client_fd >= 0) {
            ssize_t w = send(cd->client_fd, &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                drop_client(cd);
        }
        break;
    case CD_SCRIPT:
        if (cd->script_out_len == cd->script_out_cap) {
            size_t cap = cd->script_out_cap ? cd->script_out_cap * 2 : 256;
            uint8_t *p = realloc(cd->script_out, cap);
            if (!p)
                return;
            cd->script_out = p;
            cd->script_out_cap = cap;
        }
        cd->script_out[cd->script_out_len++] = byte;
        break;
    case CD_EXPECT:
        chardev_write(cd->inner, byte);
        serial_script_output(cd->expect, byte);
        break;
    }
}

bool chardev_has_input(const struct chardev *cd)
{
    return cd && (cd->kind == CD_STDIO || cd->kind == CD_PTY || cd->kind == CD_TCP ||
                  cd->kind == CD_SCRIPT || cd->kind == CD_EXPECT);
}

static void ring_put(struct chardev *cd, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && cd->ring_len < CHARDEV_RING_LEN; i++)
        cd->ring[(cd->ring_head + cd->ring_len++) % CHARDEV_RING_LEN] = p[i];
}

/* Read what a descriptor has now, up to the room in the ring: the count read, 0 at end of
 * file, TAKE_NOTHING when there is nothing to read (or no room), TAKE_ERROR when the
 * descriptor is broken. */
#define TAKE_NOTHING (-1)
#define TAKE_ERROR (-2)

static ssize_t take_in(struct chardev *cd, int fd, bool is_socket)
{
    size_t room = CHARDEV_RING_LEN - cd->ring_len;
    if (room == 0 || fd < 0)
        return TAKE_NOTHING;
    if (!is_socket) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLIN | POLLHUP)))
            return TAKE_NOTHING;
    }
    uint8_t buf[CHARDEV_RING_LEN];
    ssize_t n = is_socket ? recv(fd, buf, room, MSG_DONTWAIT) : read(fd, buf, room);
    if (n > 0)
        ring_put(cd, buf, (size_t)n);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? TAKE_NOTHING : TAKE_ERROR;
    return n;
}

void chardev_poll(struct chardev *cd)
{
    if (!cd)
        return;
    switch (cd->kind) {
    case CD_STDIO:
        if (!cd->in_eof) {
            ssize_t n = take_in(cd, cd->in_fd, false);
            if (n == 0 || n == TAKE_ERROR)
                cd->in_eof = true; /* stdin from a file that ended, or a terminal gone */
        }
        break;
    case CD_PTY:
        take_in(cd, cd->in_fd, false); /* EIO while no one has the slave open */
        break;
    case CD_TCP:
        if (cd->client_fd < 0)
            cd->client_fd = accept4(cd->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (cd->client_fd >= 0) {
            ssize_t n = take_in(cd, cd->client_fd, true);
            if (n == 0 || n == TAKE_ERROR)
                drop_client(cd); /* the client went away; wait for the next one */
        }
        break;
    case CD_SCRIPT: {
        size_t left = cd->script_in_len - cd->script_in_pos;
        size_t room = CHARDEV_RING_LEN - cd->ring_len;
        size_t n = left < room ? left : room;
        ring_put(cd, cd->script_in + cd->script_in_pos, n);
        cd->script_in_pos += n;
        break;
    }
    case CD_EXPECT: {
        /* What the script has sent, as far as the ring has room: the UART takes it from
         * there only while its receiver has room, so nothing is lost. */
        uint8_t buf[CHARDEV_RING_LEN];
        size_t n = serial_script_input(cd->expect, buf, CHARDEV_RING_LEN - cd->ring_len);
        ring_put(cd, buf, n);
        break;
    }
    case CD_NONE:
    case CD_FILE:
        break;
    }
}

size_t chardev_available(const struct chardev *cd)
{
    return cd ? cd->ring_len : 0;
}

int chardev_getc(struct chardev *cd)
{
    if (!cd || cd->ring_len == 0)
        return -1;
    uint8_t b = cd->ring[cd->ring_head];
    cd->ring_head = (cd->ring_head + 1) % CHARDEV_RING_LEN;
    cd->ring_len--;
    return b;
}

bool chardev_connected(const struct chardev *cd)
{
    if (!cd || cd->kind == CD_NONE)
        return false;
    if (cd->kind == CD_TCP)
        return cd->client_fd >= 0;
    return true;
}

void chardev_restore_terminal(struct chardev *cd)
{
    if (cd && cd->tty_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &cd->saved_tty);
        cd->tty_raw = false;
    }
    if (cd && cd->inner)
        chardev_restore_terminal(cd->inner);
}

void chardev_close(struct chardev *cd)
{
    if (!cd)
        return;
    chardev_restore_terminal(cd);
    if (cd->kind == CD_PTY && cd->in_fd >= 0)
        close(cd->in_fd);
    if (cd->file)
        fclose(cd->file);
    drop_client(cd);
    if (cd->listen_fd >= 0)
        close(cd->listen_fd);
    free(cd->script_in);
    free(cd->script_out);
    chardev_close(cd->inner);
    serial_script_free(cd->expect);
    free(cd);
}
