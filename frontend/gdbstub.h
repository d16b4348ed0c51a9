/* `glass86 --gdb PORT`: a GDB remote stub on localhost, so the real gdb can attach
 * (`target remote :PORT`), read and write registers and memory, set breakpoints and
 * watchpoints, step, continue and interrupt the guest. The guest runs in the debugger's
 * loop (frontend/dbg_run.c), which polls the socket for Ctrl-C. */
#ifndef GLASS86_GDBSTUB_H
#define GLASS86_GDBSTUB_H

#include <stdint.h>

#include "frontend/session.h"

struct machine;

/* Wait for gdb, serve it until it detaches (the guest then runs on to its end), kills
 * the guest or goes away. The ending is reported like run_guest()'s. */
struct outcome gdbstub_session(struct machine *m, uint16_t port, uint64_t max_insns,
                               unsigned ring_size);

#endif
