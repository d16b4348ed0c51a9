/* The GDB remote serial protocol's framing ("Debugging with GDB", appendix E.1 Overview):
 * packets $data#checksum acknowledged with '+', binary escapes with '}', the lone 0x03
 * byte that asks to interrupt, and the hex encodings packets use. No emulator state here:
 * frontend/gdbstub.c gives the packets their meaning. */
#ifndef GLASS86_GDBPROTO_H
#define GLASS86_GDBPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDB_PACKET_MAX 16384

struct gdb_conn {
    int fd;
    uint8_t buf[4096];      /* bytes received and not yet consumed */
    size_t len, pos;
    bool closed;
    /* Asked when a signal interrupts a blocking read: true gives up (the connection then
     * counts as closed), so SIGINT/SIGTERM can end a PC's session while gdb is idle. */
    bool (*cancelled)(void *opaque);
    void *cancel_opaque;
};

/* Receive one packet into out (NUL-terminated, escapes undone). Returns its length,
 * GDB_INTERRUPT for a lone 0x03, or -1 when the connection closed. */
#define GDB_INTERRUPT (-2)
int gdb_recv_packet(struct gdb_conn *c, char *out, size_t cap);
/* Send "$data#cs" and wait for gdb's '+' (a '-' sends it again). 0, or -1 when closed. */
int gdb_send_packet(struct gdb_conn *c, const char *data, size_t len);
int gdb_send_str(struct gdb_conn *c, const char *s);
/* Without blocking: has gdb sent 0x03? (Other bytes waiting are kept.) */
bool gdb_interrupt_pending(struct gdb_conn *c);

/* Hex helpers: bytes to lowercase hex (out holds 2n+1), and back (false on a bad digit). */
void gdb_to_hex(char *out, const void *bytes, size_t n);
bool gdb_from_hex(void *bytes, const char *hex, size_t n);
/* A hex number at *p, which moves past it; false when there is no digit. */
bool gdb_parse_hex(const char **p, uint64_t *v);

#endif
