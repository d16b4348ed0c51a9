/* The 486 and P6 read-modify-write instructions: XADD, CMPXCHG and CMPXCHG8B (Intel SDM
 * vol. 2). The memory destination is always written, as the locked bus cycle on a real
 * chip does, so a read-only page faults even when the comparison fails. */
#include "cpu/ops.h"

ALWAYS_INLINE void xadd(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    struct cpu *c = &m->cpu;
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint32_t dest = rmw_read(m, i, w, mem, ea, NULL), src = reg_get(c, i->reg, w);
    uint32_t sum = (dest + src) & width_mask(w);
    lf_add(&c->lf, dest, src, sum, w);
    reg_set(c, i->reg, w, dest);
    rm_write(m, i, w, mem, ea, sum);
}
INST_EB(xadd_EbGb, xadd)
INST_EV(xadd_EvGv, xadd)

ALWAYS_INLINE void cmpxchg(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    struct cpu *c = &m->cpu;
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint32_t dest = rmw_read(m, i, w, mem, ea, NULL), acc = reg_get(c, EAX, w);
    uint32_t diff = (acc - dest) & width_mask(w);
    if (dest == acc) {
        rm_write(m, i, w, mem, ea, reg_get(c, i->reg, w));
    } else {
        rm_write(m, i, w, mem, ea, dest);
        reg_set(c, EAX, w, dest);
    }
    lf_sub(&c->lf, acc, dest, diff, w);
}
INST_EB(cmpxchg_EbGb, cmpxchg)
INST_EV(cmpxchg_EvGv, cmpxchg)

HANDLER(cmpxchg8b_m)
{
    struct cpu *c = &m->cpu;
    uint32_t ea = insn_ea(m, i);
    uint32_t ea_hi = (ea + 4) & ((i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF);
    /* Checked as writes first: the locked read has write intent. */
    mem_check_write(m, i->seg, ea, 4);
    mem_check_write(m, i->seg, ea_hi, 4);
    uint32_t lo = mem_read32(m, i->seg, ea), hi = mem_read32(m, i->seg, ea_hi);
    bool equal = lo == c->gpr[EAX] && hi == c->gpr[EDX];
    uint32_t new_lo = equal ? c->gpr[EBX] : lo, new_hi = equal ? c->gpr[ECX] : hi;
    mem_write32(m, i->seg, ea, new_lo);
    mem_write32(m, i->seg, ea_hi, new_hi);
    if (!equal) {
        c->gpr[EAX] = lo;
        c->gpr[EDX] = hi;
    }
    uint32_t flags = lf_get(&c->lf);
    lf_load(&c->lf, equal ? (flags | FLAG_ZF) : (flags & ~FLAG_ZF));
}
