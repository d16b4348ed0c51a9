/* The event scheduler: one virtual clock for the whole machine, derived from instructions
 * retired (plus the time skipped while the CPU idles in HLT), and a set of one-shot
 * timers that devices arm for their next edge only. The CPU runs exactly up to the next
 * deadline, so a run is the same, instruction for instruction, every time. */
#ifndef GLASS86_SCHED_H
#define GLASS86_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

typedef void (*timer_fn)(void *opaque);

struct timer {
    uint64_t deadline;   /* virtual ns; meaningful while armed */
    timer_fn fire;
    void *opaque;
    const char *name;
    bool armed;
    struct timer *next;  /* in the armed list, sorted by deadline */
};

struct scheduler {
    uint64_t ns_per_insn_q32;  /* virtual ns per instruction, 32.32 fixed point */
    uint64_t idle_insns;       /* instruction-times that retired nothing: HLT skips and
                                  bus waits (sched_stall) */
    struct timer *armed;       /* sorted, earliest first */
    bool realtime;             /* pace virtual time to the host clock */
    uint64_t host_start_ns;    /* host clock when virtual time was 0 (realtime mode) */
};

/* Virtual instructions per second: how fast the guest believes its CPU is. */
#define SCHED_DEFAULT_IPS 100000000u

void sched_init(struct scheduler *s, uint32_t ips);
/* Virtual time now, in ns. */
uint64_t sched_now(const struct machine *m);
void timer_init(struct timer *t, const char *name, timer_fn fire, void *opaque);
/* Arm (or re-arm) a timer for absolute virtual time `when` in ns. */
void timer_arm(struct machine *m, struct timer *t, uint64_t when);
void timer_cancel(struct machine *m, struct timer *t);
/* Instructions that may retire before the earliest deadline (UINT64_MAX when none). */
uint64_t sched_insns_until_next(const struct machine *m);
/* Fire every timer whose deadline has come. */
void sched_run_due(struct machine *m);
/* The CPU is halted: move virtual time to the next deadline. False when nothing is armed. */
bool sched_skip_to_next(struct machine *m);
/* The instruction running now waits `ns` on a bus (an ISA I/O cycle): virtual time moves
 * on without retiring anything, and the CPU stops that much sooner for the next deadline. */
void sched_stall(struct machine *m, uint64_t ns);
/* Convert between virtual ns and instruction counts. */
uint64_t sched_ns_to_insns(const struct scheduler *s, uint64_t ns);

#endif
