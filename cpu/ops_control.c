/* Control transfers within and across segments: Jcc, JMP, CALL, RET, LOOPcc, JCXZ, INT n,
 * INT3, INTO, INT1, IRET and HLT (Intel SDM vol. 2, the page of each). Targets are truncated
 * to the operand size; LOOP and JCXZ count in CX or ECX by the address size. */
#include "cpu/ops.h"

ALWAYS_INLINE void jcc(struct machine *m, const struct insn *i, unsigned w, unsigned cc)
{
    if (lf_cond(&m->cpu.lf, cc))
        branch_to(&m->cpu, m->cpu.eip + i->imm, w);
}
ALWAYS_INLINE void jmp_rel(struct machine *m, const struct insn *i, unsigned w)
{
    branch_to(&m->cpu, m->cpu.eip + i->imm, w);
}
ALWAYS_INLINE void call_rel(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    push(m, c->eip & width_mask(w), w / 8);
    branch_to(c, c->eip + i->imm, w);
}
INST_EACH_CC(INST_NV, jcc, jcc)
INST_NV(jmp_rel, jmp_rel)
INST_NV(call_rel, call_rel)

ALWAYS_INLINE void jmp_E(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    branch_to(&m->cpu, rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0), w);
}
ALWAYS_INLINE void call_E(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    struct cpu *c = &m->cpu;
    uint32_t target = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0);
    push(m, c->eip & width_mask(w), w / 8);
    branch_to(c, target, w);
}
INST_EV(jmp_Ev, jmp_E)
INST_EV(call_Ev, call_E)

ALWAYS_INLINE void ret_near(struct machine *m, const struct insn *i, unsigned w, uint32_t extra)
{
    struct cpu *c = &m->cpu;
    uint32_t old = c->gpr[ESP], mask = c->stack_mask;
    uint32_t esp = (old & ~mask) | ((old + w / 8 + extra) & mask);
    uint32_t target = stack_peek(m, 0, w / 8);
    c->gpr[ESP] = esp;
    branch_to(c, target, w);
}
ALWAYS_INLINE void ret_near0(struct machine *m, const struct insn *i, unsigned w) { ret_near(m, i, w, 0); }
ALWAYS_INLINE void ret_nearI(struct machine *m, const struct insn *i, unsigned w) { ret_near(m, i, w, i->imm & 0xFFFF); }
INST_NV(ret_near, ret_near0)
INST_NV(ret_near_imm, ret_nearI)

ALWAYS_INLINE void jmp_far_imm(struct machine *m, const struct insn *i, unsigned w)
{
    far_jump(m, (uint16_t)i->disp, i->imm, w);
}
ALWAYS_INLINE void call_far_imm(struct machine *m, const struct insn *i, unsigned w)
{
    far_call(m, (uint16_t)i->disp, i->imm, w);
}
INST_NV(jmp_far_Ap, jmp_far_imm)
INST_NV(call_far_Ap, call_far_imm)

ALWAYS_INLINE void far_pointer(struct machine *m, const struct insn *i, unsigned w, uint16_t *sel, uint32_t *off)
{
    uint32_t ea = insn_ea(m, i);
    *off = mem_read(m, i->seg, ea, w / 8);
    *sel = mem_read16(m, i->seg, (ea + w / 8) & ((i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF));
}
ALWAYS_INLINE void jmp_far_M(struct machine *m, const struct insn *i, unsigned w)
{
    uint16_t sel;
    uint32_t off;
    far_pointer(m, i, w, &sel, &off);
    far_jump(m, sel, off, w);
}
ALWAYS_INLINE void call_far_M(struct machine *m, const struct insn *i, unsigned w)
{
    uint16_t sel;
    uint32_t off;
    far_pointer(m, i, w, &sel, &off);
    far_call(m, sel, off, w);
}
INST_MV(jmp_far_Mp, jmp_far_M)
INST_MV(call_far_Mp, call_far_M)

ALWAYS_INLINE void ret_far0(struct machine *m, const struct insn *i, unsigned w) { far_return(m, w, 0); }
ALWAYS_INLINE void ret_farI(struct machine *m, const struct insn *i, unsigned w) { far_return(m, w, (uint16_t)i->imm); }
INST_NV(ret_far, ret_far0)
INST_NV(ret_far_imm, ret_farI)
ALWAYS_INLINE void iret(struct machine *m, const struct insn *i, unsigned w) { interrupt_return(m, w); }
INST_NV(iret, iret)

/* LOOP family: the counter is CX or ECX by address size; flags are not changed. */
ALWAYS_INLINE uint32_t count_reg_dec(struct machine *m, const struct insn *i)
{
    struct cpu *c = &m->cpu;
    if (i->attr & A_AD32)
        return --c->gpr[ECX];
    uint16_t cx = (uint16_t)(cpu_reg16(c, ECX) - 1);
    cpu_set_reg16(c, ECX, cx);
    return cx;
}
ALWAYS_INLINE void loop_cc(struct machine *m, const struct insn *i, unsigned w, int kind)
{
    struct cpu *c = &m->cpu;
    uint32_t count = count_reg_dec(m, i);
    bool zf = lf_zf(&c->lf);
    bool take = count != 0 && (kind == 0 || (kind == 1 && zf) || (kind == 2 && !zf));
    if (take)
        branch_to(c, c->eip + i->imm, w);
}
ALWAYS_INLINE void jcxz(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    uint32_t count = (i->attr & A_AD32) ? c->gpr[ECX] : cpu_reg16(c, ECX);
    if (count == 0)
        branch_to(c, c->eip + i->imm, w);
}
INST_NV(loop, loop_cc, 0)
INST_NV(loopz, loop_cc, 1)
INST_NV(loopnz, loop_cc, 2)
INST_NV(jcxz, jcxz)

HANDLER(int_Ib) { cpu_int_n(m, i->imm & 0xFF); }
HANDLER(int3) { cpu_interrupt(m, EXC_BP, NO_ERROR_CODE, true); }
HANDLER(int1) { cpu_interrupt(m, EXC_DB, NO_ERROR_CODE, false); }
HANDLER(into)
{
    if (lf_of(&m->cpu.lf))
        cpu_interrupt(m, EXC_OF, NO_ERROR_CODE, true);
}

HANDLER(hlt)
{
    require_cpl0(m);
    m->cpu.halted = true;
    cpu_signal(&m->cpu, EV_HALT);
}

/* BOUND: #BR when the signed index lies outside [lower, upper] read from memory. */
ALWAYS_INLINE void bound(struct machine *m, const struct insn *i, unsigned w)
{
    uint32_t ea = insn_ea(m, i);
    uint32_t amask = (i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF;
    int32_t lower = (int32_t)lf_sign_extend(mem_read(m, i->seg, ea, w / 8), w);
    int32_t upper = (int32_t)lf_sign_extend(mem_read(m, i->seg, (ea + w / 8) & amask, w / 8), w);
    int32_t index = (int32_t)lf_sign_extend(reg_get(&m->cpu, i->reg, w), w);
    if (index < lower || index > upper)
        cpu_raise(m, EXC_BR, NO_ERROR_CODE);
}
INST_MV(bound_GvMa, bound)
