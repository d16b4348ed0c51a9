/* Running a guest to its end and saying how it ended: the guest's exit port, a halt
 * nothing can wake, a triple fault or the instruction bound. */
#ifndef GLASS86_FRONTEND_SESSION_H
#define GLASS86_FRONTEND_SESSION_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

/* Process exit codes besides the guest's own (0-255 from port 0xF4). */
enum {
    EXIT_SETUP_ERROR = 1,
    EXIT_INSN_LIMIT = 2,
    EXIT_HALTED = 3,
    EXIT_TRIPLE_FAULT = 4,
};

enum ending { END_GUEST_EXIT, END_INSN_LIMIT, END_HALTED, END_TRIPLE_FAULT };

struct outcome {
    enum ending ending;
    int exit_code;           /* what the process should exit with */
    uint64_t instructions;
    double seconds;          /* host time spent running the guest */
};

/* Run until the guest ends (max_insns 0: no bound). Prints the ending on stderr. */
struct outcome run_guest(struct machine *m, uint64_t max_insns);
/* Set r->exit_code from r->ending and print the ending line (and registers) on stderr;
 * shared with the debugger and the GDB stub, whose loops end guests too. */
void report_ending(struct machine *m, struct outcome *r);
/* The host's monotonic clock in seconds. */
double session_seconds(void);

/* "glass86: N instructions in S s = X MIPS" and the decode-cache counters, on stderr. */
void print_stats(const struct machine *m, const struct outcome *r);

#endif
