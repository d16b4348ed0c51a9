/* The glass86 debugger: a command line with Bochs's vocabulary (s, n, c, lb/pb/vb, watch,
 * x/xp, r, sreg, creg, info gdt, ...) that runs the guest in its own loop, one instruction
 * at a time with the checks breakpoints need, so the normal run loop pays nothing for it.
 * `--debug` enters it at reset; a display's hotkey can enter it at any time. */
#ifndef GLASS86_DEBUGGER_H
#define GLASS86_DEBUGGER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/session.h"

struct machine;
struct debugger;

struct debugger_config {
    FILE *out;                 /* the console's output (stdout) */
    FILE *in;                  /* commands, after the script (stdin); NULL: none */
    unsigned ring_size;        /* instructions remembered for `show ring` and triple
                                  faults; 0: no ring */
    const char *script;        /* --debug-script: commands run first, as `source` does */
    uint64_t max_insns;        /* --max-instructions: stop for good when icount reaches it
                                  (0: no bound) */
    /* Called every few thousand instructions while the guest runs in the debugger (a
     * display's refresh, the GDB stub's look for Ctrl-C); true stops the guest. */
    bool (*poll)(void *opaque);
    void *poll_opaque;
};

/* NULL when out of memory or when the disassembler cannot start (message on stderr). */
struct debugger *debugger_create(struct machine *m, const struct debugger_config *cfg);
void debugger_destroy(struct debugger *d);

enum debugger_verdict {
    DEBUGGER_RESUME,   /* `detach`: go on running the guest without the debugger */
    DEBUGGER_QUIT,     /* `quit`, or the end of the command input */
};

/* The command line: read and run commands until `detach` or `quit`. The run commands
 * (s, n, c, ...) run the guest inside, in the debugger's loop. A display's hotkey calls
 * it between two machine_run() calls, with a debugger made once by debugger_create();
 * on DEBUGGER_RESUME the display runs the guest on (breakpoints are not checked there),
 * on DEBUGGER_QUIT it ends, and debugger_guest_ended() says whether the guest ended
 * inside. The display refreshes itself through debugger_config.poll meanwhile. */
enum debugger_verdict debugger_enter(struct machine *m, struct debugger *d);

/* How the guest ended inside the debugger, if it did: true and *r filled. */
bool debugger_guest_ended(const struct debugger *d, struct outcome *r);

/* `glass86 --debug` and `--trace-ring N` without --debug: the whole session. With
 * `interactive` false the guest runs to its end in the debugger's loop (no prompt), and a
 * triple fault prints the ring on stderr. The ending is reported as run_guest() does. */
struct outcome debugger_session(struct machine *m, const struct debugger_config *cfg,
                                bool interactive);

#endif
