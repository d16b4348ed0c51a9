/* Data movement: MOV in all its forms, XCHG, LEA, XLAT, CBW/CWD and their 32-bit forms,
 * MOVZX/MOVSX, BSWAP, CMOVcc, SETcc, LAHF/SAHF, and the far-pointer loads LDS LES LSS LFS
 * LGS (Intel SDM vol. 2, the page of each). */
#include "cpu/ops.h"

ALWAYS_INLINE void mov_EG(struct machine *m, const struct insn *i, unsigned w, bool mem, int ea)
{
    rm_write(m, i, w, mem, mem ? ea_of(m, i, ea) : 0, reg_get(&m->cpu, i->reg, w));
}
ALWAYS_INLINE void mov_GE(struct machine *m, const struct insn *i, unsigned w, bool mem, int ea)
{
    reg_set(&m->cpu, i->reg, w, rm_read(m, i, w, mem, mem ? ea_of(m, i, ea) : 0));
}
ALWAYS_INLINE void mov_EI(struct machine *m, const struct insn *i, unsigned w, bool mem, int ea)
{
    rm_write(m, i, w, mem, mem ? ea_of(m, i, ea) : 0, i->imm & width_mask(w));
}
INST_EB_EA(mov_EbGb, mov_EG)
INST_EV_EA(mov_EvGv, mov_EG)
INST_EB_EA(mov_GbEb, mov_GE)
INST_EV_EA(mov_GvEv, mov_GE)
INST_EB_EA(mov_EbIb, mov_EI)
INST_EV_EA(mov_EvIv, mov_EI)

ALWAYS_INLINE void mov_reg_imm(struct machine *m, const struct insn *i, unsigned w)
{
    reg_set(&m->cpu, i->reg, w, i->imm);
}
INST_NV(mov_reg_Iv, mov_reg_imm)
HANDLER(mov_reg8_Ib) { cpu_set_reg8(&m->cpu, i->reg, (uint8_t)i->imm); }

/* MOV with a memory offset in the instruction (moffs); the segment may be overridden. */
HANDLER(mov_AL_Ob) { cpu_set_reg8(&m->cpu, 0, mem_read8(m, i->seg, i->imm)); }
HANDLER(mov_Ob_AL) { mem_write8(m, i->seg, i->imm, cpu_reg8(&m->cpu, 0)); }
ALWAYS_INLINE void mov_A_O(struct machine *m, const struct insn *i, unsigned w)
{
    reg_set(&m->cpu, EAX, w, mem_read(m, i->seg, i->imm, w / 8));
}
ALWAYS_INLINE void mov_O_A(struct machine *m, const struct insn *i, unsigned w)
{
    mem_write(m, i->seg, i->imm, reg_get(&m->cpu, EAX, w), w / 8);
}
INST_NV(mov_eAX_Ov, mov_A_O)
INST_NV(mov_Ov_eAX, mov_O_A)

/* Segment register number from ModRM.reg, or -1 (#UD). The 8086 decodes only two bits. */
static int sreg_of(const struct machine *m, unsigned reg)
{
    if (model_is(m, CPU_8086))
        return reg & 3;
    unsigned count = model_at_least(m, CPU_386) ? 6 : 4;
    return reg < count ? (int)reg : -1;
}

ALWAYS_INLINE void mov_E_S(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    int s = sreg_of(m, i->reg);
    if (s < 0)
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    uint16_t sel = m->cpu.seg[s].selector;
    if (mem)
        mem_write16(m, i->seg, insn_ea(m, i), sel); /* a memory destination is always 16 bits */
    else
        reg_set(&m->cpu, i->rm, w, sel);
}
INST_EV(mov_EvSw, mov_E_S)

ALWAYS_INLINE void mov_S_E(struct machine *m, const struct insn *i, bool mem)
{
    int s = sreg_of(m, i->reg);
    if (s < 0 || (s == SEG_CS && !model_is(m, CPU_8086)))
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    uint16_t sel = (uint16_t)rm_read(m, i, 16, mem, mem ? insn_ea(m, i) : 0);
    load_sreg(m, s, sel);
    if (s == SEG_SS) {
        m->cpu.inhibit_irq = 2; /* interrupts and debug traps */
        cpu_signal(&m->cpu, EV_IRQ);
    }
}
HANDLER(mov_SwEw_r) { mov_S_E(m, i, false); }
HANDLER(mov_SwEw_m) { mov_S_E(m, i, true); }

ALWAYS_INLINE void lea(struct machine *m, const struct insn *i, unsigned w, int ea)
{
    reg_set(&m->cpu, i->reg, w, ea_of(m, i, ea));
}
INST_MV_EA(lea_GvM, lea)

/* Far pointer loads: offset then selector; the register changes only once the segment
 * load has succeeded. */
ALWAYS_INLINE void load_far_pointer(struct machine *m, const struct insn *i, unsigned w, int sreg)
{
    uint32_t ea = insn_ea(m, i);
    uint32_t off = mem_read(m, i->seg, ea, w / 8);
    uint16_t sel = mem_read16(m, i->seg, (ea + w / 8) & ((i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF));
    load_sreg(m, sreg, sel);
    reg_set(&m->cpu, i->reg, w, off);
}
INST_MV(les_GvMp, load_far_pointer, SEG_ES)
INST_MV(lds_GvMp, load_far_pointer, SEG_DS)
INST_MV(lss_GvMp, load_far_pointer, SEG_SS)
INST_MV(lfs_GvMp, load_far_pointer, SEG_FS)
INST_MV(lgs_GvMp, load_far_pointer, SEG_GS)

ALWAYS_INLINE void xchg_EG(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint8_t *host = rmw_host(m, i, w, mem, ea);
    uint32_t a = rmw_read(m, i, w, mem, ea, host);
    rmw_write(m, i, w, mem, ea, host, reg_get(&m->cpu, i->reg, w));
    reg_set(&m->cpu, i->reg, w, a);
}
INST_EB(xchg_EbGb, xchg_EG)
INST_EV(xchg_EvGv, xchg_EG)
ALWAYS_INLINE void xchg_A_reg(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    uint32_t a = reg_get(c, EAX, w);
    reg_set(c, EAX, w, reg_get(c, i->reg, w));
    reg_set(c, i->reg, w, a);
}
INST_NV(xchg_eAX_reg, xchg_A_reg)

HANDLER(xlat)
{
    struct cpu *c = &m->cpu;
    uint32_t off = c->gpr[EBX] + cpu_reg8(c, 0);
    if (!(i->attr & A_AD32))
        off &= 0xFFFF;
    cpu_set_reg8(c, 0, mem_read8(m, i->seg, off));
}

ALWAYS_INLINE void cbw(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    reg_set(c, EAX, w, lf_sign_extend(reg_get(c, EAX, w / 2), w / 2));
}
ALWAYS_INLINE void cwd(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    reg_set(c, EDX, w, (reg_get(c, EAX, w) >> (w - 1)) ? 0xFFFFFFFFu : 0);
}
INST_NV(cbw, cbw)
INST_NV(cwd, cwd)

ALWAYS_INLINE void movx(struct machine *m, const struct insn *i, unsigned w, bool mem, int ea,
                        unsigned src_w, bool sign)
{
    uint32_t v = rm_read(m, i, src_w, mem, mem ? ea_of(m, i, ea) : 0);
    reg_set(&m->cpu, i->reg, w, sign ? lf_sign_extend(v, src_w) : v);
}
INST_EV_EA(movzx_GvEb, movx, 8, false)
INST_EV_EA(movzx_GvEw, movx, 16, false)
INST_EV_EA(movsx_GvEb, movx, 8, true)
INST_EV_EA(movsx_GvEw, movx, 16, true)

HANDLER(bswap)
{
    struct cpu *c = &m->cpu;
    if (i->attr & A_OP32)
        c->gpr[i->reg] = __builtin_bswap32(c->gpr[i->reg]);
    else
        cpu_set_reg16(c, i->reg, 0); /* undefined; Intel chips clear the low word */
}

ALWAYS_INLINE void cmov(struct machine *m, const struct insn *i, unsigned w, bool mem, unsigned cc)
{
    uint32_t v = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0); /* read even if not moved */
    if (lf_cond(&m->cpu.lf, cc))
        reg_set(&m->cpu, i->reg, w, v);
}
INST_EACH_CC(INST_EV, cmov_GvEv, cmov)

ALWAYS_INLINE void setcc(struct machine *m, const struct insn *i, unsigned w, bool mem, unsigned cc)
{
    rm_write(m, i, 8, mem, mem ? insn_ea(m, i) : 0, lf_cond(&m->cpu.lf, cc));
}
INST_EACH_CC(INST_EB, setcc_Eb, setcc)

HANDLER(lahf)
{
    struct cpu *c = &m->cpu;
    cpu_set_reg8(c, 4, (uint8_t)((lf_get(&c->lf) & 0xD5) | 0x02));
}
HANDLER(sahf)
{
    struct cpu *c = &m->cpu;
    uint32_t f = (lf_get(&c->lf) & ~0xD5u) | (cpu_reg8(c, 4) & 0xD5u);
    lf_load(&c->lf, f);
}

ALWAYS_INLINE void nop_E(struct machine *m, const struct insn *i, unsigned w, bool mem) {}
INST_EV(nop_Ev, nop_E)
