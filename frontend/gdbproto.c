/* Packet framing of the GDB remote protocol over a connected socket (see gdbproto.h). The
 * stub is single-threaded: it reads only when it expects a packet, and peeks for 0x03
 * while the guest runs. */
#include "frontend/gdbproto.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* The next received byte, blocking; -1 when the connection is gone. */
static int next_byte(struct gdb_conn *c)
{
    if (c->pos == c->len) {
        if (c->closed)
            return -1;
        ssize_t n;
        do
            n = recv(c->fd, c->buf, sizeof c->buf, 0);
        while (n < 0 && errno == EINTR && !(c->cancelled && c->cancelled(c->cancel_opaque)));
        if (n <= 0) {
            c->closed = true;
            return -1;
        }
        c->len = (size_t)n;
        c->pos = 0;
    }
    return c->buf[c->pos++];
}

static int send_all(struct gdb_conn *c, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            c->closed = true;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int gdb_recv_packet(struct gdb_conn *c, char *out, size_t cap)
{
    for (;;) {
        int ch;
        do {
            ch = next_byte(c);
            if (ch < 0)
                return -1;
            if (ch == 0x03)
                return GDB_INTERRUPT;
        } while (ch != '$'); /* acks and noise between packets */
        size_t n = 0;
        unsigned sum = 0;
        bool overflow = false;
        for (;;) {
            ch = next_byte(c);
            if (ch < 0)
                return -1;
            if (ch == '#')
                break;
            sum += (unsigned)ch;
            if (ch == '}') { /* escape: the next byte XOR 0x20 */
                int e = next_byte(c);
                if (e < 0)
                    return -1;
                sum += (unsigned)e;
                ch = e ^ 0x20;
            }
            if (n + 1 < cap)
                out[n++] = (char)ch;
            else
                overflow = true;
        }
        int h = next_byte(c), l = next_byte(c);
        if (h < 0 || l < 0)
            return -1;
        out[n] = '\0';
        bool good = hexval(h) >= 0 && hexval(l) >= 0 &&
                    (unsigned)(hexval(h) * 16 + hexval(l)) == (sum & 0xFF) && !overflow;
        if (send_all(c, good ? "+" : "-", 1) < 0)
            return -1;
        if (good)
            return (int)n;
    }
}

int gdb_send_packet(struct gdb_conn *c, const char *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char frame[2 * GDB_PACKET_MAX + 8];
    size_t n = 0;
    unsigned sum = 0;
    frame[n++] = '$';
    for (size_t k = 0; k < len && n < sizeof frame - 4; k++) {
        char ch = data[k];
        if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
            frame[n++] = '}';
            sum += '}';
            ch ^= 0x20;
        }
        frame[n++] = ch;
        sum += (unsigned char)ch;
    }
    frame[n++] = '#';
    frame[n++] = hex[(sum >> 4) & 0xF];
    frame[n++] = hex[sum & 0xF];
    for (int tries = 0; tries < 5; tries++) {
        if (send_all(c, frame, n) < 0)
            return -1;
        int ack;
        do
            ack = next_byte(c);
        while (ack >= 0 && ack != '+' && ack != '-' && ack != 0x03);
        if (ack < 0)
            return -1;
        if (ack != '-')
            return 0; /* a 0x03 racing the reply is dropped: the guest is stopped anyway */
    }
    return -1;
}

int gdb_send_str(struct gdb_conn *c, const char *s)
{
    return gdb_send_packet(c, s, strlen(s));
}

bool gdb_interrupt_pending(struct gdb_conn *c)
{
    for (;;) {
        while (c->pos < c->len) {
            if (c->buf[c->pos] == 0x03) {
                c->pos++;
                return true;
            }
            if (c->buf[c->pos] != '+')
                return false; /* a packet: leave it for gdb_recv_packet() */
            c->pos++;
        }
        if (c->closed)
            return true; /* gdb went away: stop and let the reader notice */
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        if (poll(&p, 1, 0) <= 0)
            return false;
        ssize_t n = recv(c->fd, c->buf, sizeof c->buf, 0);
        if (n <= 0) {
            c->closed = true;
            return true;
        }
        c->len = (size_t)n;
        c->pos = 0;
    }
}

void gdb_to_hex(char *out, const void *bytes, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *b = bytes;
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = hex[b[k] >> 4];
        out[2 * k + 1] = hex[b[k] & 0xF];
    }
    out[2 * n] = '\0';
}

bool gdb_from_hex(void *bytes, const char *hex, size_t n)
{
    uint8_t *b = bytes;
    for (size_t k = 0; k < n; k++) {
        int h = hexval((unsigned char)hex[2 * k]);
        int l = h < 0 ? -1 : hexval((unsigned char)hex[2 * k + 1]);
        if (l < 0)
            return false;
        b[k] = (uint8_t)(h * 16 + l);
    }
    return true;
}

bool gdb_parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int d;
    if (hexval((unsigned char)*s) < 0)
        return false;
    while ((d = hexval((unsigned char)*s)) >= 0) {
        x = (x << 4) | (uint64_t)d;
        s++;
    }
    *p = s;
    *v = x;
    return true;
}
