/* Running a whole machine: the CPU in slices up to the next timer deadline, timers fired
 * in between, HLT skipped straight to the next deadline, and in real-time mode the
 * guest paced to the host clock. */
#ifndef GLASS86_RUN_H
#define GLASS86_RUN_H

#include <stdint.h>

struct machine;

enum run_result {
    RUN_BUDGET,     /* the instruction budget is used up */
    RUN_EXIT,       /* the guest asked to stop (exit port) */
    RUN_HALTED,     /* HLT with interrupts disabled, or with nothing left that could wake it */
    RUN_SHUTDOWN,   /* triple fault */
    RUN_STOPPED,    /* machine_request_stop(): the frontend or the debugger */
};

enum run_result machine_run(struct machine *m, uint64_t max_insns);
/* Ask a running machine_run() to return (safe from a signal handler in the same thread). */
void machine_request_stop(struct machine *m);

#endif
