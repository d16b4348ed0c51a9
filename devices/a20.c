/* The A20 gate and the CPU-only reset shared by the 8042 and port 0x92 (see a20.h). */
#include "devices/a20.h"

#include "machine/machine.h"
#include "mmu/mem.h"

#define A20_ON_MASK 0xFFFFFFFFu
#define A20_OFF_MASK 0xFFEFFFFFu

void machine_set_a20(struct machine *m, bool enabled)
{
    uint32_t mask = enabled ? A20_ON_MASK : A20_OFF_MASK;
    if (m->mem.a20_mask == mask)
        return;
    m->mem.a20_mask = mask;
    /* TLB entries cache physical addresses computed with the old mask, and the block
     * being run was decoded from them: forget both and make the run loop fetch afresh
     * after this instruction (EV_SMC: "the current block may be stale"). */
    tlb_flush(m);
    dcache_flush(m);
    cpu_signal(&m->cpu, EV_SMC);
}

bool machine_a20_enabled(const struct machine *m)
{
    return m->mem.a20_mask == A20_ON_MASK;
}

void machine_cpu_reset(struct machine *m)
{
    /* cpu_reset() clears the whole execution bookkeeping, icount included, but icount is
     * half of virtual time: keep it and the run loop's limit so that timers, the devices'
     * lazy clocks and the current machine_run() budget carry on. */
    struct cpu *c = &m->cpu;
    uint64_t icount = c->icount, run_limit = c->run_limit;
    cpu_reset(m);
    c->icount = icount;
    c->run_limit = run_limit;
    tlb_flush(m);
    dcache_flush(m);
    cpu_signal(c, EV_SMC); /* leave the block that ran the OUT */
}
