/* The shared machine fixture of the unit tests (see fixture.h). */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>

struct machine *fx_machine(enum cpu_model_id model, uint32_t ram_bytes)
{
    struct machine_config cfg = { .model = model, .ram_bytes = ram_bytes, .quiet = true };
    char err[200] = "";
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m)
        fail_msg("machine_create: %s", err);
    return m;
}

void fx_real_mode(struct machine *m, uint16_t cs, uint16_t ip)
{
    struct cpu *c = &m->cpu;
    for (int r = 0; r < 8; r++)
        c->gpr[r] = 0;
    c->gpr[ESP] = 0xFFF0;
    cpu_load_seg_real(m, SEG_CS, cs);
    cpu_load_seg_real(m, SEG_DS, 0);
    cpu_load_seg_real(m, SEG_ES, 0);
    cpu_load_seg_real(m, SEG_SS, 0);
    c->eip = ip;
    cpu_set_eflags(c, 0);
    c->halted = false;
}

void fx_load(struct machine *m, uint32_t phys, const void *bytes, size_t n)
{
    phys_write_bytes(m, phys, bytes, n);
}

void fx_run_from(struct machine *m, uint16_t cs, uint16_t ip, uint64_t max_insns)
{
    struct cpu *c = &m->cpu;
    cpu_load_seg_real(m, SEG_CS, cs);
    c->eip = ip;
    c->halted = false;
    enum cpu_stop why = cpu_run(m, max_insns);
    if (why != STOP_HALTED)
        fail_msg("run from %04x:%04x stopped with %d at %04x:%04x, not at a HLT", cs, ip, (int)why,
                 c->seg[SEG_CS].selector, c->eip);
}

void fx_filter_from_env(void)
{
    const char *pattern = getenv("GLASS86_UNIT_FILTER");
    if (pattern && *pattern)
        cmocka_set_test_filter(pattern);
}
