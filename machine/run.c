/* The machine's main loop (see run.h). Virtual time only moves with retired instructions
 * and HLT skips, so with the same inputs every run is the same run. */
#include <time.h>

#include "machine/machine.h"
#include "machine/run.h"

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Real-time mode: sleep while the guest is ahead of the host clock. */
static void pace(struct machine *m)
{
    struct scheduler *s = &m->sched;
    uint64_t host = host_ns();
    if (!s->host_start_ns)
        s->host_start_ns = host - sched_now(m);
    uint64_t target = s->host_start_ns + sched_now(m);
    if (target > host + 1000000) {
        uint64_t ahead = target - host;
        if (ahead > 50000000)
            ahead = 50000000;
        struct timespec ts = { 0, (long)ahead };
        nanosleep(&ts, NULL);
    }
}

void machine_request_stop(struct machine *m)
{
    m->stop_requested = 1;
    cpu_signal(&m->cpu, EV_STOP);
}

/* Instructions retired plus instruction-times skipped in HLT: the budget is spent in
 * virtual time, so a guest idling with a periodic timer armed still comes back. */
static uint64_t virtual_insns(const struct machine *m)
{
    return m->cpu.icount + m->sched.idle_insns;
}

enum run_result machine_run(struct machine *m, uint64_t max_insns)
{
    struct cpu *c = &m->cpu;
    uint64_t start = virtual_insns(m);
    uint64_t end = max_insns > UINT64_MAX - start ? UINT64_MAX : start + max_insns;
    for (;;) {
        sched_run_due(m);
        if (m->reset_requested) {
            machine_log(m, "the guest reset the machine");
            machine_reset(m);
        }
        if (m->exit_requested)
            return RUN_EXIT;
        if (m->stop_requested) {
            m->stop_requested = 0;
            return RUN_STOPPED;
        }
        uint64_t now = virtual_insns(m);
        if (now >= end)
            return RUN_BUDGET;
        uint64_t slice = sched_insns_until_next(m);
        if (slice > end - now)
            slice = end - now;
        if (m->sched.realtime && slice > 1000000)
            slice = 1000000; /* look at the host clock now and then */
        if (slice == 0)
            slice = 1;
        switch (cpu_run(m, slice)) {
        case STOP_LIMIT:
            break;
        case STOP_SHUTDOWN:
            return RUN_SHUTDOWN;
        case STOP_REQUESTED:
            if (m->exit_requested)
                return RUN_EXIT;
            break; /* a stop or reset request: the top of the loop looks */
        case STOP_HALTED:
            /* Only an interrupt wakes a halted CPU: with IF clear (and no NMI to come)
             * or no timer left to raise one, it never wakes. */
            if (!(c->eflags & FLAG_IF) && !m->nmi_pending)
                return RUN_HALTED;
            if (!m->sched.armed)
                return RUN_HALTED;
            /* Skip to the next deadline, but not past the budget. */
            {
                uint64_t skip = sched_insns_until_next(m), left = end - virtual_insns(m);
                m->sched.idle_insns += skip < left ? skip : left;
            }
            break;
        }
        if (m->sched.realtime)
            pace(m);
    }
}
