/* Delivering interrupts and exceptions in every mode: through the real-mode IVT (SDM vol. 3A,
 * 20.1.4), through IDT interrupt, trap and task gates in protected mode with the stack
 * switch to an inner level (6.12, 6.13), from V86 mode to ring 0 (20.3), and the VME
 * interrupt redirection of V86 tasks (20.4). */
#include "cpu/ops.h"
#include "cpu/pmode.h"

static bool has_error_code(int vector)
{
    return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC;
}

static void deliver_real(struct machine *m, unsigned vector, uint32_t ivt_base, uint16_t flags_image,
                         uint32_t clear)
{
    struct cpu *c = &m->cpu;
    uint32_t entry = vector * 4;
    if (!in_v86(c) && entry + 3 > c->idtr.limit)
        cpu_raise(m, EXC_GP, 0);
    uint16_t offset = (uint16_t)lin_read(m, ivt_base + entry, 2);
    uint16_t selector = (uint16_t)lin_read(m, ivt_base + entry + 2, 2);
    uint32_t sp = c->gpr[ESP];
    mem_write16(m, SEG_SS, (sp - 2) & c->stack_mask, flags_image);
    mem_write16(m, SEG_SS, (sp - 4) & c->stack_mask, c->seg[SEG_CS].selector);
    mem_write16(m, SEG_SS, (sp - 6) & c->stack_mask, (uint16_t)c->eip);
    set_sp(c, sp - 6);
    c->eflags &= ~clear;
    if (in_v86(c))
        seg_load_v86(m, SEG_CS, selector);
    else
        cpu_load_seg_real(m, SEG_CS, selector);
    c->eip = offset;
}

/* VME: a software INT n in V86 mode whose bit in the TSS redirection bitmap is clear goes to
 * the V86 task's own IVT. False when it must go to the protected-mode handler instead. */
static bool v86_redirects(struct machine *m, unsigned vector)
{
    struct cpu *c = &m->cpu;
    if (!(c->cr[4] & 1)) /* CR4.VME */
        return false;
    if (c->tr.limit < 0x67)
        cpu_raise(m, EXC_GP, 0);
    uint16_t iomap = (uint16_t)sys_read(m, c->tr.base + 0x66, 2);
    uint32_t byte = (uint32_t)iomap - 32 + vector / 8;
    if (byte > c->tr.limit)
        cpu_raise(m, EXC_GP, 0);
    return !(sys_read(m, c->tr.base + byte, 1) & (1u << (vector & 7)));
}

static void deliver_redirected(struct machine *m, unsigned vector)
{
    struct cpu *c = &m->cpu;
    bool iopl3 = (c->eflags & FLAG_IOPL) == FLAG_IOPL;
    uint16_t image = (uint16_t)cpu_get_eflags(c);
    if (!iopl3) {
        /* The handler sees VIF as IF and IOPL as 3 (SDM vol. 3A, 20.4.1). */
        image = (uint16_t)((image & ~FLAG_IF) | ((c->eflags & FLAG_VIF) ? FLAG_IF : 0) | FLAG_IOPL);
    }
    deliver_real(m, vector, 0, image, FLAG_TF | (iopl3 ? FLAG_IF : FLAG_VIF));
}

static void deliver_protected(struct machine *m, unsigned vector, uint32_t error_code, bool software)
{
    struct cpu *c = &m->cpu;
    uint32_t ext = software ? 0 : 1;
    uint32_t idt_error = vector * 8 + 2 + ext;
    struct descriptor gate;
    if (!desc_fetch_idt(m, vector, &gate))
        cpu_raise(m, EXC_GP, idt_error);
    unsigned type = desc_type(&gate);
    bool trap = type == DT_TRAP_GATE16 || type == DT_TRAP_GATE32;
    if (type != DT_TASK_GATE && type != DT_INT_GATE16 && type != DT_INT_GATE32 && !trap)
        cpu_raise(m, EXC_GP, idt_error);
    if (software && desc_dpl(&gate) < c->cpl)
        cpu_raise(m, EXC_GP, idt_error);
    if (!desc_present(&gate))
        cpu_raise(m, EXC_NP, idt_error);
    bool push_error = !software && has_error_code((int)vector) && error_code != NO_ERROR_CODE;

    if (type == DT_TASK_GATE) {
        uint16_t tss = gate_selector(&gate);
        struct descriptor t;
        if ((tss & 4) || !desc_fetch(m, tss, &t))
            cpu_raise(m, EXC_TS, sel_error(tss) | ext);
        if (desc_type(&t) != DT_TSS16_AVAIL && desc_type(&t) != DT_TSS32_AVAIL)
            cpu_raise(m, EXC_TS, sel_error(tss) | ext);
        if (!desc_present(&t))
            cpu_raise(m, EXC_NP, sel_error(tss) | ext);
        task_switch(m, tss, &t, TASK_INT, ext);
        if (push_error)
            task_push_error(m, error_code);
        return;
    }

    uint16_t target = gate_selector(&gate);
    struct descriptor cd;
    check_code_target(m, target, &cd, ext);
    unsigned dpl = desc_dpl(&cd);
    if (dpl > c->cpl)
        cpu_raise(m, EXC_GP, sel_error(target) | ext);
    if (!desc_present(&cd))
        cpu_raise(m, EXC_NP, sel_error(target) | ext);
    unsigned gsize = (type & 0x08) ? 4 : 2;
    uint32_t gmask = gsize == 4 ? 0xFFFFFFFFu : 0xFFFF;
    uint32_t offset = gate_offset(&gate);
    uint32_t flags = cpu_get_eflags(c);
    bool from_v86 = in_v86(c);
    struct pending_stack st;
    unsigned new_cpl;

    if (!desc_conforming(&cd) && dpl < c->cpl) {
        /* Inner privilege: the stack of level `dpl` from the TSS. */
        if (from_v86 && dpl != 0)
            cpu_raise(m, EXC_GP, sel_error(target) | ext);
        uint16_t ss;
        uint32_t esp;
        tss_inner_stack(m, dpl, &ss, &esp, ext);
        pstack_from_selector(m, &st, ss, esp, dpl, ext);
        if (from_v86) {
            pstack_push(m, &st, c->seg[SEG_GS].selector, gsize);
            pstack_push(m, &st, c->seg[SEG_FS].selector, gsize);
            pstack_push(m, &st, c->seg[SEG_DS].selector, gsize);
            pstack_push(m, &st, c->seg[SEG_ES].selector, gsize);
        }
        pstack_push(m, &st, c->seg[SEG_SS].selector, gsize);
        pstack_push(m, &st, c->gpr[ESP] & gmask, gsize);
        new_cpl = dpl;
    } else {
        if (from_v86)
            cpu_raise(m, EXC_GP, sel_error(target) | ext);
        pstack_init_current(m, &st, ext);
        new_cpl = c->cpl;
    }
    pstack_push(m, &st, flags & gmask, gsize);
    pstack_push(m, &st, c->seg[SEG_CS].selector, gsize);
    pstack_push(m, &st, c->eip & gmask, gsize);
    if (push_error)
        pstack_push(m, &st, error_code, gsize);
    if (offset > desc_limit(&cd))
        cpu_raise(m, EXC_GP, ext);

    /* Every check passed: commit. */
    desc_set_accessed(m, &cd);
    load_cs(m, target, &cd, new_cpl);
    pstack_commit(m, &st);
    if (from_v86) {
        seg_load_null(m, SEG_ES, 0);
        seg_load_null(m, SEG_DS, 0);
        seg_load_null(m, SEG_FS, 0);
        seg_load_null(m, SEG_GS, 0);
    }
    uint32_t clear = FLAG_TF | FLAG_NT | FLAG_VM | FLAG_RF | (trap ? 0 : FLAG_IF);
    cpu_set_eflags(c, flags & ~clear);
    c->eip = offset;
}

void cpu_interrupt(struct machine *m, int vector, uint32_t error_code, bool software)
{
    struct cpu *c = &m->cpu;
    if (m->interrupt_hook) /* the debugger's interrupt breakpoints */
        m->interrupt_hook(m->interrupt_hook_opaque, vector, error_code, software);
    c->halted = false;
    if (!cpu_protected(c)) {
        deliver_real(m, (unsigned)vector, c->idtr.base, (uint16_t)cpu_get_eflags(c),
                     FLAG_IF | FLAG_TF | FLAG_AC);
        return;
    }
    deliver_protected(m, (unsigned)vector, error_code, software);
}

void cpu_int_n(struct machine *m, unsigned vector)
{
    struct cpu *c = &m->cpu;
    if (cpu_protected(c) && in_v86(c) &&
        ((c->eflags & FLAG_IOPL) != FLAG_IOPL || (c->cr[4] & 1))) {
        /* IOPL 3 goes to the protected-mode handler; otherwise VME may redirect it, and
         * without redirection it is a #GP (SDM vol. 3A, table 20-2). */
        if (v86_redirects(m, vector)) {
            if (m->interrupt_hook)
                m->interrupt_hook(m->interrupt_hook_opaque, (int)vector, NO_ERROR_CODE, true);
            deliver_redirected(m, vector);
            return;
        }
        if ((c->eflags & FLAG_IOPL) != FLAG_IOPL)
            cpu_raise(m, EXC_GP, 0);
    }
    cpu_interrupt(m, (int)vector, NO_ERROR_CODE, true);
}
