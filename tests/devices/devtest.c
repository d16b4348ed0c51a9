/* The device tests' shared helpers (see devtest.h). */
#include "devtest.h"

#include <stdlib.h>
#include <string.h>

#include "devices/iobus.h"

struct machine *dt_machine(void)
{
    struct machine_config cfg = { .model = CPU_P6, .ram_bytes = 2u << 20, .quiet = true };
    char err[200] = "";
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m)
        fail_msg("machine_create: %s", err);
    return m;
}

uint8_t dt_in(struct machine *m, uint16_t port)
{
    return (uint8_t)io_read(m, port, 1);
}

void dt_out(struct machine *m, uint16_t port, uint8_t value)
{
    io_write(m, port, value, 1);
}

uint64_t dt_next_deadline(const struct machine *m)
{
    return m->sched.armed ? m->sched.armed->deadline : UINT64_MAX;
}

void dt_advance_to(struct machine *m, uint64_t ns)
{
    if (ns == UINT64_MAX)
        fail_msg("advancing to the end of time: no timer armed?");
    for (;;) {
        sched_run_due(m);
        if (dt_next_deadline(m) > ns)
            break;
        sched_skip_to_next(m);
    }
    uint64_t target = sched_ns_to_insns(&m->sched, ns);
    uint64_t now = m->cpu.icount + m->sched.idle_insns;
    if (target > now)
        m->sched.idle_insns += target - now;
    sched_run_due(m);
}

void dt_advance(struct machine *m, uint64_t ns)
{
    dt_advance_to(m, sched_now(m) + ns);
}

static void probe_set_irq(void *opaque, unsigned line, bool level)
{
    struct irq_probe *p = opaque;
    if (line > 15 || p->level[line] == level)
        return;
    p->level[line] = level;
    uint64_t now = sched_now(p->m);
    if (level) {
        if (p->rises[line] < DT_MAX_EDGES)
            p->rise_ns[line][p->rises[line]] = now;
        p->rises[line]++;
    } else {
        p->falls[line]++;
        p->last_fall_ns[line] = now;
    }
}

void dt_probe_attach(struct machine *m, struct irq_probe *probe)
{
    memset(probe, 0, sizeof *probe);
    probe->m = m;
    machine_set_interrupt_controller(m, &(struct interrupt_controller){ .opaque = probe,
                                                                        .set_irq = probe_set_irq });
}

void dt_filter_from_env(void)
{
    const char *pattern = getenv("GLASS86_UNIT_FILTER");
    if (pattern && *pattern)
        cmocka_set_test_filter(pattern);
}
