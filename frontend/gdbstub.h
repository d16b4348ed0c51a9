/* `glass86 --gdb PORT`: a GDB remote stub on localhost, so the real gdb can attach
 * (`target remote :PORT`), read and write registers and memory, set breakpoints and
 * watchpoints, step, continue and interrupt the guest. The guest runs in the debugger's
 * loop (frontend/dbg_run.c), which polls the socket for Ctrl-C. */
#ifndef GLASS86_GDBSTUB_H
#define GLASS86_GDBSTUB_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/session.h"

struct machine;

/* Wait for gdb, serve it until it detaches (the guest then runs on to its end), kills
 * the guest or goes away. The ending is reported like run_guest()'s. A bare ROM. */
struct outcome gdbstub_session(struct machine *m, uint16_t port, uint64_t max_insns,
                               unsigned ring_size);

/* The stub for a frontend with its own run loop (a PC: frontend/pc_session.c). */
struct gdbstub_config {
    uint16_t port;
    uint64_t max_insns;        /* stop for good when icount reaches it (0: no bound) */
    unsigned ring_size;        /* `monitor show ring` */
    /* Called every few thousand instructions while the guest runs (a window's refresh);
     * true stops the guest as gdb's Ctrl-C does. NULL: none. */
    bool (*poll)(void *opaque);
    /* True when the session must end now (SIGINT, SIGTERM): asked when a signal
     * interrupts the wait for gdb or for its next packet. NULL: never. */
    bool (*cancelled)(void *opaque);
    void *opaque;
};

enum gdbstub_end {
    GDBSTUB_FAILED,       /* no socket, or out of memory (message on stderr) */
    GDBSTUB_DETACHED,     /* gdb detached: the caller runs the guest on */
    GDBSTUB_KILLED,       /* gdb killed the guest or closed the connection */
    GDBSTUB_CANCELLED,    /* cfg->cancelled() said so */
    GDBSTUB_GUEST_ENDED,  /* the guest ended under gdb: *r says how (not yet reported) */
};

/* Wait for gdb and serve it; the guest is left where gdb left it. */
enum gdbstub_end gdbstub_serve(struct machine *m, const struct gdbstub_config *cfg,
                               struct outcome *r);

#endif
