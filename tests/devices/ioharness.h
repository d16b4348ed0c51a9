/* What the keyboard-controller, PS/2 and serial tests share, all as inline helpers: a
 * quiet P6 machine, byte port access, virtual time moved by hand with due timers fired at
 * their own deadlines (as machine_run() does while the CPU idles in HLT), and an IRQ line
 * recorder in place of the 8259s. */
#ifndef GLASS86_IOHARNESS_H
#define GLASS86_IOHARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "machine/machine.h"

struct io_irqs {
    bool level[16];
    unsigned rises[16];
};

static inline void io_irqs_set(void *opaque, unsigned line, bool level)
{
    struct io_irqs *r = opaque;
    if (line >= 16)
        return;
    if (level && !r->level[line])
        r->rises[line]++;
    r->level[line] = level;
}

static inline bool io_irqs_pending(void *opaque)
{
    return false;
}

static inline uint8_t io_irqs_ack(void *opaque)
{
    return 0;
}

/* A P6 machine with 1 MiB of RAM; IRQ levels go to *irqs when it is not NULL. */
static inline struct machine *io_machine(struct io_irqs *irqs)
{
    struct machine_config cfg = { .model = CPU_P6, .ram_bytes = 1u << 20, .quiet = true };
    char err[200] = "";
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m)
        fail_msg("machine_create: %s", err);
    if (irqs) {
        struct interrupt_controller ic = { .opaque = irqs, .set_irq = io_irqs_set,
                                           .intr_pending = io_irqs_pending,
                                           .acknowledge = io_irqs_ack };
        machine_set_interrupt_controller(m, &ic);
    }
    return m;
}

static inline uint8_t io_in(struct machine *m, uint16_t port)
{
    return (uint8_t)io_read(m, port, 1);
}

static inline void io_out(struct machine *m, uint16_t port, uint8_t v)
{
    io_write(m, port, v, 1);
}

/* Move virtual time to `ns` (never back), firing each timer due on the way at its own
 * deadline, in deadline order. */
static inline void io_advance_to(struct machine *m, uint64_t ns)
{
    for (;;) {
        const struct timer *t = m->sched.armed;
        uint64_t target = t && t->deadline < ns ? t->deadline : ns;
        uint64_t want = sched_ns_to_insns(&m->sched, target);
        uint64_t have = m->cpu.icount + m->sched.idle_insns;
        if (want > have)
            m->sched.idle_insns += want - have;
        sched_run_due(m);
        if (target == ns)
            break;
    }
}

static inline void io_advance(struct machine *m, uint64_t ns)
{
    io_advance_to(m, sched_now(m) + ns);
}

#endif
