/* Mode-dependent control transfers and segment loads: far JMP/CALL/RET, IRET, interrupt
 * and exception delivery, and port I/O permission. Real mode follows the SDM vol. 2
 * pseudo-code of each instruction ("real-address mode" branches) and vol. 3A, 20.1.4
 * (interrupt handling in real mode). Protected and V86 mode arrive with the next issue:
 * until then they are counted as unimplemented and raise #UD, never half-done. */
#include "cpu/ops.h"

/* Something this build does not implement yet: count it and raise #UD. */
static _Noreturn void unimplemented(struct machine *m)
{
    m->cpu.stats.unimplemented_ud++;
    cpu_raise(m, EXC_UD, NO_ERROR_CODE);
}

/* The EFLAGS bits POPF/IRET may change (SDM vol. 2, POPF, table 4-17): IOPL only at CPL 0,
 * IF only at CPL <= IOPL, and the 286 keeps IOPL and NT clear in real mode. */
uint32_t cpu_popf_mask(const struct cpu *c, unsigned w)
{
    uint32_t mask = c->model->flags_writable & ~(FLAG_VM | FLAG_RF);
    if (cpu_protected(c)) {
        if (c->cpl > 0)
            mask &= ~FLAG_IOPL;
        if (c->cpl > ((c->eflags & FLAG_IOPL) >> 12))
            mask &= ~FLAG_IF;
    } else if (c->model->id == CPU_286) {
        mask &= ~(FLAG_IOPL | FLAG_NT);
    }
    return w == 16 ? mask & 0xFFFF : mask;
}

void load_sreg(struct machine *m, int sreg, uint16_t selector)
{
    struct cpu *c = &m->cpu;
    if (!cpu_protected(c)) {
        cpu_load_seg_real(m, sreg, selector);
        return;
    }
    unimplemented(m);
}

void far_jump(struct machine *m, uint16_t selector, uint32_t offset, unsigned w)
{
    struct cpu *c = &m->cpu;
    if (cpu_protected(c))
        unimplemented(m);
    cpu_load_seg_real(m, SEG_CS, selector);
    c->eip = offset & width_mask(w);
}

void far_call(struct machine *m, uint16_t selector, uint32_t offset, unsigned w)
{
    struct cpu *c = &m->cpu;
    if (cpu_protected(c))
        unimplemented(m);
    unsigned size = w / 8;
    uint32_t sp = c->gpr[ESP];
    mem_write(m, SEG_SS, (sp - size) & c->stack_mask, c->seg[SEG_CS].selector, size);
    mem_write(m, SEG_SS, (sp - 2 * size) & c->stack_mask, c->eip & width_mask(w), size);
    set_sp(c, sp - 2 * size);
    cpu_load_seg_real(m, SEG_CS, selector);
    c->eip = offset & width_mask(w);
}

void far_return(struct machine *m, unsigned w, uint16_t pop_extra)
{
    struct cpu *c = &m->cpu;
    if (cpu_protected(c))
        unimplemented(m);
    unsigned size = w / 8;
    uint32_t offset = stack_peek(m, 0, size);
    uint16_t selector = (uint16_t)stack_peek(m, size, size);
    set_sp(c, c->gpr[ESP] + 2 * size + pop_extra);
    cpu_load_seg_real(m, SEG_CS, selector);
    c->eip = offset & width_mask(w);
}

void interrupt_return(struct machine *m, unsigned w)
{
    struct cpu *c = &m->cpu;
    if (cpu_protected(c))
        unimplemented(m);
    unsigned size = w / 8;
    uint32_t offset = stack_peek(m, 0, size);
    uint16_t selector = (uint16_t)stack_peek(m, size, size);
    uint32_t flags = stack_peek(m, 2 * size, size);
    set_sp(c, c->gpr[ESP] + 3 * size);
    cpu_load_seg_real(m, SEG_CS, selector);
    c->eip = offset & width_mask(w);
    uint32_t mask = cpu_popf_mask(c, w);
    cpu_set_eflags(c, (cpu_get_eflags(c) & ~mask) | (flags & mask));
}

void cpu_interrupt(struct machine *m, int vector, uint32_t error_code, bool software)
{
    struct cpu *c = &m->cpu;
    (void)error_code; /* real mode pushes no error code */
    (void)software;
    if (cpu_protected(c)) {
        /* Protected-mode delivery through the IDT is the next issue's work. Stop the
         * machine rather than pretend. */
        c->stats.unimplemented_ud++;
        machine_log(m, "protected-mode interrupt delivery (vector %d) is not implemented yet", vector);
        c->shutdown = true;
        cpu_signal(c, EV_STOP);
        return;
    }
    uint32_t entry = (uint32_t)vector * 4;
    if (entry + 3 > c->idtr.limit)
        cpu_raise(m, EXC_GP, 0);
    uint16_t offset = (uint16_t)lin_read(m, c->idtr.base + entry, 2);
    uint16_t selector = (uint16_t)lin_read(m, c->idtr.base + entry + 2, 2);
    uint32_t sp = c->gpr[ESP];
    mem_write16(m, SEG_SS, (sp - 2) & c->stack_mask, (uint16_t)cpu_get_eflags(c));
    mem_write16(m, SEG_SS, (sp - 4) & c->stack_mask, c->seg[SEG_CS].selector);
    mem_write16(m, SEG_SS, (sp - 6) & c->stack_mask, (uint16_t)c->eip);
    set_sp(c, sp - 6);
    c->eflags &= ~(FLAG_IF | FLAG_TF | FLAG_AC);
    cpu_load_seg_real(m, SEG_CS, selector);
    c->eip = offset;
    c->halted = false;
}

/* Port I/O. In protected mode a CPL above IOPL (or V86 mode) consults the TSS I/O
 * permission bitmap, which arrives with the next issue. */
static void check_io_permission(struct machine *m)
{
    struct cpu *c = &m->cpu;
    if (cpu_protected(c) && (in_v86(c) || c->cpl > ((c->eflags & FLAG_IOPL) >> 12)))
        unimplemented(m);
}

uint32_t port_in(struct machine *m, uint16_t port, unsigned bytes)
{
    check_io_permission(m);
    return io_read(m, port, bytes);
}

void port_out(struct machine *m, uint16_t port, uint32_t value, unsigned bytes)
{
    check_io_permission(m);
    io_write(m, port, value, bytes);
}
