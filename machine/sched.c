/* The event scheduler (see sched.h). Armed timers sit in a list sorted by deadline; there
 * are a dozen at most, so insertion by walking the list is cheaper than any heap. */
#include <stddef.h>

#include "machine/machine.h"
#include "machine/sched.h"

void sched_init(struct scheduler *s, uint32_t ips)
{
    s->ns_per_insn_q32 = ((uint64_t)1000000000u << 32) / (ips ? ips : SCHED_DEFAULT_IPS);
    s->idle_insns = 0;
    s->armed = NULL;
}

static uint64_t virtual_insns(const struct machine *m)
{
    return m->cpu.icount + m->sched.idle_insns;
}

uint64_t sched_now(const struct machine *m)
{
    return (uint64_t)(((unsigned __int128)virtual_insns(m) * m->sched.ns_per_insn_q32) >> 32);
}

uint64_t sched_ns_to_insns(const struct scheduler *s, uint64_t ns)
{
    /* The first instruction count whose virtual time is at or past `ns`. */
    unsigned __int128 q = ((unsigned __int128)ns << 32) + s->ns_per_insn_q32 - 1;
    q /= s->ns_per_insn_q32;
    return q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
}

void timer_init(struct timer *t, const char *name, timer_fn fire, void *opaque)
{
    t->name = name;
    t->fire = fire;
    t->opaque = opaque;
    t->armed = false;
    t->next = NULL;
    t->deadline = 0;
}

void timer_cancel(struct machine *m, struct timer *t)
{
    if (!t->armed)
        return;
    for (struct timer **p = &m->sched.armed; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->armed = false;
    t->next = NULL;
}

void timer_arm(struct machine *m, struct timer *t, uint64_t when)
{
    timer_cancel(m, t);
    t->deadline = when;
    t->armed = true;
    struct timer **p = &m->sched.armed;
    while (*p && (*p)->deadline <= when)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    /* An earlier deadline than the one the CPU is running towards: stop it there. */
    uint64_t stop = sched_ns_to_insns(&m->sched, when);
    uint64_t now = virtual_insns(m);
    uint64_t icount_stop = m->cpu.icount + (stop > now ? stop - now : 0);
    if (icount_stop < m->cpu.run_limit)
        m->cpu.run_limit = icount_stop;
    cpu_lower_break_at(&m->cpu, icount_stop);
}

uint64_t sched_insns_until_next(const struct machine *m)
{
    const struct timer *t = m->sched.armed;
    if (!t)
        return UINT64_MAX;
    uint64_t stop = sched_ns_to_insns(&m->sched, t->deadline);
    uint64_t now = virtual_insns(m);
    return stop > now ? stop - now : 0;
}

void sched_run_due(struct machine *m)
{
    uint64_t now = sched_now(m);
    struct timer *t;
    while ((t = m->sched.armed) && t->deadline <= now) {
        m->sched.armed = t->next;
        t->armed = false;
        t->next = NULL;
        t->fire(t->opaque); /* may re-arm itself */
    }
}

bool sched_skip_to_next(struct machine *m)
{
    if (!m->sched.armed)
        return false;
    m->sched.idle_insns += sched_insns_until_next(m);
    return true;
}

void sched_stall(struct machine *m, uint64_t ns)
{
    struct cpu *c = &m->cpu;
    uint64_t insns = sched_ns_to_insns(&m->sched, ns);
    m->sched.idle_insns += insns;
    /* Every deadline is now `insns` instructions closer. */
    uint64_t room = c->run_limit > c->icount ? c->run_limit - c->icount : 0;
    c->run_limit -= insns < room ? insns : room;
    cpu_lower_break_at(c, c->run_limit);
}
