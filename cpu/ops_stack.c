/* Stack instructions: PUSH/POP of registers, segment registers, immediates and memory,
 * PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE (Intel SDM vol. 2, the page of each). Every
 * instruction reads and writes memory before it moves ESP, so a fault leaves the stack as
 * it was: the run loop does not restore ESP after a fault. */
#include "cpu/ops.h"

ALWAYS_INLINE void push_reg(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    uint32_t v = reg_get(c, i->reg, w);
    if (i->reg == ESP && !c->model->push_sp_old)
        v = (v - w / 8) & 0xFFFF; /* the 8086 pushes the decremented SP */
    push(m, v, w / 8);
}
ALWAYS_INLINE void pop_reg(struct machine *m, const struct insn *i, unsigned w)
{
    uint32_t v = pop(m, w / 8);
    reg_set(&m->cpu, i->reg, w, v);
}
INST_NV(push_reg, push_reg)
INST_NV(pop_reg, pop_reg)

ALWAYS_INLINE void push_imm(struct machine *m, const struct insn *i, unsigned w)
{
    push(m, i->imm & width_mask(w), w / 8);
}
INST_NV(push_imm, push_imm)

/* The segment register is in bits 3..5 of the opcode (06 0E 16 1E, 0F A0 A8). With a
 * 32-bit operand the P6 moves ESP by 4 but writes only the 16-bit selector. */
ALWAYS_INLINE void push_sreg(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    uint32_t sp = stack_top_after_push(c, w / 8);
    mem_write16(m, SEG_SS, sp, c->seg[(i->opcode >> 3) & 7].selector);
    set_sp(c, sp);
}
ALWAYS_INLINE void pop_sreg(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    int s = (i->opcode >> 3) & 7;
    uint32_t sp = c->gpr[ESP] & c->stack_mask, mask = c->stack_mask;
    uint16_t sel = (uint16_t)mem_read(m, SEG_SS, sp, w / 8);
    load_sreg(m, s, sel);
    c->gpr[ESP] = (c->gpr[ESP] & ~mask) | ((sp + w / 8) & mask);
    if (s == SEG_SS) {
        c->inhibit_irq = 2; /* interrupts and debug traps */
        cpu_signal(c, EV_IRQ);
    }
}
INST_NV(push_sreg, push_sreg)
INST_NV(pop_sreg, pop_sreg)

ALWAYS_INLINE void push_E(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    uint32_t v = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0);
    if (!mem && i->rm == ESP && !m->cpu.model->push_sp_old)
        v = (v - w / 8) & 0xFFFF;
    push(m, v, w / 8);
}
INST_EV(push_Ev, push_E)

/* POP r/m: an ESP-based address is computed with ESP already incremented. A fault in the
 * write leaves ESP as it was on the 386 and later, while the 286 keeps the new SP; nothing
 * puts ESP back after a fault (see deliver_raised()), so the old value stays in ESP until
 * the write has succeeded. */
ALWAYS_INLINE void pop_E(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    struct cpu *c = &m->cpu;
    uint32_t v = stack_peek(m, 0, w / 8);
    uint32_t old_esp = c->gpr[ESP];
    set_sp(c, old_esp + w / 8);
    if (mem && !model_is(m, CPU_286)) {
        uint32_t new_esp = c->gpr[ESP];
        uint32_t ea = insn_ea(m, i);
        c->gpr[ESP] = old_esp;
        mem_write(m, i->seg, ea, v, w / 8);
        c->gpr[ESP] = new_esp;
        return;
    }
    rm_write(m, i, w, mem, mem ? insn_ea(m, i) : 0, v);
}
INST_EV(pop_Ev, pop_E)

ALWAYS_INLINE void pusha(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    unsigned size = w / 8;
    uint32_t sp = c->gpr[ESP];
    for (int r = EAX; r <= EDI; r++)
        mem_write(m, SEG_SS, (sp - size * (r + 1)) & c->stack_mask, reg_get(c, r, w), size);
    set_sp(c, sp - 8 * size);
}
ALWAYS_INLINE void popa(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    unsigned size = w / 8;
    uint32_t v[8];
    for (int r = EDI; r >= EAX; r--)
        v[r] = stack_peek(m, size * (EDI - r), size);
    for (int r = EAX; r <= EDI; r++)
        if (r != ESP)
            reg_set(c, r, w, v[r]);
    set_sp(c, c->gpr[ESP] + 8 * size);
}
INST_NV(pusha, pusha)
INST_NV(popa, popa)

/* In V86 mode with IOPL < 3, PUSHF/POPF fault unless CR4.VME lets a 16-bit PUSHF/POPF
 * work on the virtual interrupt flag (SDM vol. 3A, 20.4). Returns true for the VME path. */
static bool v86_virtual_flags(struct machine *m, unsigned w)
{
    struct cpu *c = &m->cpu;
    if (!in_v86(c) || (c->eflags & FLAG_IOPL) == FLAG_IOPL)
        return false;
    if ((c->cr[4] & 1) && w == 16)
        return true;
    cpu_raise(m, EXC_GP, 0);
}

ALWAYS_INLINE void pushf(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    uint32_t image = cpu_get_eflags(c) & ~(FLAG_VM | FLAG_RF) & width_mask(w);
    if (v86_virtual_flags(m, w))
        image = (image & ~FLAG_IF) | ((c->eflags & FLAG_VIF) ? FLAG_IF : 0) | FLAG_IOPL;
    push(m, image, w / 8);
}
ALWAYS_INLINE void popf(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    bool virtual_if = v86_virtual_flags(m, w);
    uint32_t v = stack_peek(m, 0, w / 8);
    uint32_t mask = cpu_popf_mask(c, w);
    if (in_v86(c))
        mask &= ~FLAG_IOPL;
    if (virtual_if) {
        if ((v & FLAG_TF) || ((v & FLAG_IF) && (c->eflags & FLAG_VIP)))
            cpu_raise(m, EXC_GP, 0);
        mask &= ~FLAG_IF;
        c->eflags = (c->eflags & ~FLAG_VIF) | ((v & FLAG_IF) ? FLAG_VIF : 0);
    }
    set_sp(c, c->gpr[ESP] + w / 8);
    cpu_set_eflags(c, (cpu_get_eflags(c) & ~mask) | (v & mask));
}
INST_NV(pushf, pushf)
INST_NV(popf, popf)

/* ENTER: everything is computed in temporaries and committed at the end. */
ALWAYS_INLINE void enter(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    unsigned size = w / 8, level = i->disp & 31;
    uint32_t mask = c->stack_mask;
    uint32_t sp = c->gpr[ESP], bp = c->gpr[EBP];
    sp = (sp - size) & mask;
    mem_write(m, SEG_SS, sp, reg_get(c, EBP, w), size);
    uint32_t frame = sp;
    if (level > 0) {
        for (unsigned k = 1; k < level; k++) {
            bp = (bp - size) & mask;
            uint32_t v = mem_read(m, SEG_SS, bp & mask, size);
            sp = (sp - size) & mask;
            mem_write(m, SEG_SS, sp, v, size);
        }
        sp = (sp - size) & mask;
        mem_write(m, SEG_SS, sp, frame, size);
    }
    sp = (sp - (i->imm & 0xFFFF)) & mask;
    reg_set(c, EBP, w, frame);
    set_sp(c, sp);
}
ALWAYS_INLINE void leave(struct machine *m, const struct insn *i, unsigned w)
{
    struct cpu *c = &m->cpu;
    uint32_t bp = c->gpr[EBP] & c->stack_mask;
    uint32_t v = mem_read(m, SEG_SS, bp, w / 8);
    set_sp(c, bp + w / 8);
    reg_set(c, EBP, w, v);
}
INST_NV(enter, enter)
INST_NV(leave, leave)
