/* Far JMP, CALL, RET and IRET in protected mode: code segments, call gates with their
 * stack switch, returns to outer privilege levels, IRET to V86 mode (Intel SDM vol. 2, the
 * protected-mode branches of JMP, CALL, RET and IRET; vol. 3A, 5.8 privilege-level checks
 * for control transfers). Every check runs before any register changes. */
#include "cpu/ops.h"
#include "cpu/pmode.h"

/* ---- Stacks that are not current yet ---- */

void pstack_init_current(struct machine *m, struct pending_stack *st, uint32_t ext)
{
    struct cpu *c = &m->cpu;
    st->seg = c->seg[SEG_SS];
    st->selector = c->seg[SEG_SS].selector;
    st->esp = c->gpr[ESP];
    st->mask = c->stack_mask;
    st->cpl = c->cpl;
    st->error = ext;
}

void pstack_push(struct machine *m, struct pending_stack *st, uint32_t v, unsigned bytes)
{
    uint32_t sp = (st->esp - bytes) & st->mask;
    if (sp < st->seg.lo || (uint64_t)sp + bytes - 1 > st->seg.hi || !st->seg.writable)
        cpu_raise(m, EXC_SS, st->error);
    lin_write_as(m, st->seg.base + sp, v, bytes, st->cpl == 3);
    st->esp = (st->esp & ~st->mask) | sp;
}

void pstack_commit(struct machine *m, const struct pending_stack *st)
{
    struct cpu *c = &m->cpu;
    c->seg[SEG_SS] = st->seg;
    c->seg[SEG_SS].selector = st->selector;
    cpu_update_stack_mask(c);
    c->gpr[ESP] = st->esp;
}

void pstack_from_selector(struct machine *m, struct pending_stack *st, uint16_t ss, uint32_t esp,
                          unsigned cpl, uint32_t ext)
{
    struct descriptor d;
    if ((ss & 0xFFFC) == 0)
        cpu_raise(m, EXC_TS, ext);
    if ((ss & 3) != cpl || !desc_fetch(m, ss, &d) || !desc_writable(&d) || desc_dpl(&d) != cpl)
        cpu_raise(m, EXC_TS, sel_error(ss) | ext);
    if (!desc_present(&d))
        cpu_raise(m, EXC_SS, sel_error(ss) | ext);
    desc_set_accessed(m, &d);
    seg_cache_build(&st->seg, ss, desc_base(&d), desc_limit(&d), desc_attr(&d));
    st->selector = ss;
    st->mask = (st->seg.attr & SEG_ATTR_D) ? 0xFFFFFFFFu : 0xFFFF;
    st->esp = esp;
    st->cpl = cpl;
    st->error = sel_error(ss) | ext;
}

void tss_inner_stack(struct machine *m, unsigned dpl, uint16_t *ss, uint32_t *esp, uint32_t ext)
{
    struct cpu *c = &m->cpu;
    bool tss32 = (c->tr.attr & 0x08) != 0;
    uint32_t off = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
    uint32_t size = tss32 ? 8 : 4;
    if (off + size - 1 > c->tr.limit)
        cpu_raise(m, EXC_TS, sel_error(c->tr.selector) | ext);
    if (tss32) {
        *esp = sys_read(m, c->tr.base + off, 4);
        *ss = (uint16_t)sys_read(m, c->tr.base + off + 4, 2);
    } else {
        *esp = sys_read(m, c->tr.base + off, 2);
        *ss = (uint16_t)sys_read(m, c->tr.base + off + 2, 2);
    }
}

void load_cs(struct machine *m, uint16_t selector, const struct descriptor *d, unsigned cpl)
{
    struct cpu *c = &m->cpu;
    cpu_set_seg_cache(c, SEG_CS, (uint16_t)((selector & ~3u) | cpl), desc_base(d), desc_limit(d),
                      desc_attr(d));
    cpu_set_cpl(c, cpl);
}

void check_code_target(struct machine *m, uint16_t selector, struct descriptor *d, uint32_t ext)
{
    if ((selector & 0xFFFC) == 0)
        cpu_raise(m, EXC_GP, ext);
    if (!desc_fetch(m, selector, d) || !desc_is_code(d))
        cpu_raise(m, EXC_GP, sel_error(selector) | ext);
}

static void check_offset(struct machine *m, const struct descriptor *d, uint32_t offset)
{
    if (offset > desc_limit(d))
        cpu_raise(m, EXC_GP, 0);
}

/* ---- JMP and CALL ---- */

/* A direct transfer to a code segment (no gate): same privilege only. */
static void direct_code_checks(struct machine *m, uint16_t sel, const struct descriptor *d)
{
    unsigned cpl = m->cpu.cpl, rpl = sel & 3, dpl = desc_dpl(d);
    if (desc_conforming(d) ? dpl > cpl : (rpl > cpl || dpl != cpl))
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (!desc_present(d))
        cpu_raise(m, EXC_NP, sel_error(sel));
}

/* Gate checks common to JMP and CALL through a call gate or task gate, and TSS targets. */
static void gate_privilege_checks(struct machine *m, uint16_t sel, const struct descriptor *d)
{
    unsigned dpl = desc_dpl(d);
    if (dpl < m->cpu.cpl || dpl < (sel & 3u))
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (!desc_present(d))
        cpu_raise(m, EXC_NP, sel_error(sel));
}

static void to_task(struct machine *m, uint16_t sel, struct descriptor *d, enum task_source src)
{
    unsigned type = desc_type(d);
    gate_privilege_checks(m, sel, d);
    if (type == DT_TASK_GATE) {
        uint16_t tss = gate_selector(d);
        struct descriptor t;
        if ((tss & 4) || !desc_fetch(m, tss, &t))
            cpu_raise(m, EXC_GP, sel_error(tss));
        if (desc_type(&t) != DT_TSS16_AVAIL && desc_type(&t) != DT_TSS32_AVAIL)
            cpu_raise(m, EXC_GP, sel_error(tss));
        if (!desc_present(&t))
            cpu_raise(m, EXC_NP, sel_error(tss));
        task_switch(m, tss, &t, src, 0);
    } else {
        task_switch(m, sel, d, src, 0);
    }
}

void pm_far_jump(struct machine *m, uint16_t sel, uint32_t offset, unsigned w);
void pm_far_jump(struct machine *m, uint16_t sel, uint32_t offset, unsigned w)
{
    struct descriptor d;
    if ((sel & 0xFFFC) == 0)
        cpu_raise(m, EXC_GP, 0);
    if (!desc_fetch(m, sel, &d))
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (desc_is_code(&d)) {
        direct_code_checks(m, sel, &d);
        offset &= width_mask(w);
        check_offset(m, &d, offset);
        desc_set_accessed(m, &d);
        load_cs(m, sel, &d, m->cpu.cpl);
        m->cpu.eip = offset;
        return;
    }
    switch (desc_type(&d)) {
    case DT_CALL_GATE16:
    case DT_CALL_GATE32: {
        gate_privilege_checks(m, sel, &d);
        uint16_t target = gate_selector(&d);
        struct descriptor cd;
        check_code_target(m, target, &cd, 0);
        unsigned dpl = desc_dpl(&cd);
        if (desc_conforming(&cd) ? dpl > m->cpu.cpl : dpl != m->cpu.cpl)
            cpu_raise(m, EXC_GP, sel_error(target));
        if (!desc_present(&cd))
            cpu_raise(m, EXC_NP, sel_error(target));
        uint32_t off = gate_offset(&d);
        check_offset(m, &cd, off);
        desc_set_accessed(m, &cd);
        load_cs(m, target, &cd, m->cpu.cpl);
        m->cpu.eip = off;
        return;
    }
    case DT_TASK_GATE:
    case DT_TSS16_AVAIL:
    case DT_TSS32_AVAIL:
        to_task(m, sel, &d, TASK_JMP);
        return;
    default:
        cpu_raise(m, EXC_GP, sel_error(sel));
    }
}

void pm_far_call(struct machine *m, uint16_t sel, uint32_t offset, unsigned w);
void pm_far_call(struct machine *m, uint16_t sel, uint32_t offset, unsigned w)
{
    struct cpu *c = &m->cpu;
    struct descriptor d;
    if ((sel & 0xFFFC) == 0)
        cpu_raise(m, EXC_GP, 0);
    if (!desc_fetch(m, sel, &d))
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (desc_is_code(&d)) {
        direct_code_checks(m, sel, &d);
        offset &= width_mask(w);
        struct pending_stack st;
        pstack_init_current(m, &st, 0);
        pstack_push(m, &st, c->seg[SEG_CS].selector, w / 8);
        pstack_push(m, &st, c->eip & width_mask(w), w / 8);
        check_offset(m, &d, offset);
        desc_set_accessed(m, &d);
        load_cs(m, sel, &d, c->cpl);
        pstack_commit(m, &st);
        c->eip = offset;
        return;
    }
    unsigned type = desc_type(&d);
    if (type == DT_TASK_GATE || type == DT_TSS16_AVAIL || type == DT_TSS32_AVAIL) {
        to_task(m, sel, &d, TASK_CALL);
        return;
    }
    if (type != DT_CALL_GATE16 && type != DT_CALL_GATE32)
        cpu_raise(m, EXC_GP, sel_error(sel));

    gate_privilege_checks(m, sel, &d);
    uint16_t target = gate_selector(&d);
    struct descriptor cd;
    check_code_target(m, target, &cd, 0);
    unsigned dpl = desc_dpl(&cd);
    if (dpl > c->cpl)
        cpu_raise(m, EXC_GP, sel_error(target));
    if (!desc_present(&cd))
        cpu_raise(m, EXC_NP, sel_error(target));
    unsigned gsize = type == DT_CALL_GATE32 ? 4 : 2;
    uint32_t off = gate_offset(&d);
    uint32_t ret_eip = c->eip, old_esp = c->gpr[ESP];
    uint16_t old_cs = c->seg[SEG_CS].selector, old_ss = c->seg[SEG_SS].selector;
    struct pending_stack st;

    if (!desc_conforming(&cd) && dpl < c->cpl) {
        /* More privileged: switch to the inner stack from the TSS and copy parameters. */
        uint16_t new_ss;
        uint32_t new_esp;
        tss_inner_stack(m, dpl, &new_ss, &new_esp, 0);
        pstack_from_selector(m, &st, new_ss, new_esp, dpl, 0);
        unsigned count = gate_param_count(&d);
        uint32_t params[32];
        for (unsigned k = 0; k < count; k++)
            params[k] = stack_peek(m, k * gsize, gsize);
        pstack_push(m, &st, old_ss, gsize);
        pstack_push(m, &st, old_esp & (gsize == 4 ? 0xFFFFFFFFu : 0xFFFF), gsize);
        for (unsigned k = count; k-- > 0;)
            pstack_push(m, &st, params[k], gsize);
        pstack_push(m, &st, old_cs, gsize);
        pstack_push(m, &st, ret_eip & (gsize == 4 ? 0xFFFFFFFFu : 0xFFFF), gsize);
        check_offset(m, &cd, off);
        desc_set_accessed(m, &cd);
        load_cs(m, target, &cd, dpl);
        pstack_commit(m, &st);
    } else {
        pstack_init_current(m, &st, 0);
        pstack_push(m, &st, old_cs, gsize);
        pstack_push(m, &st, ret_eip & (gsize == 4 ? 0xFFFFFFFFu : 0xFFFF), gsize);
        check_offset(m, &cd, off);
        desc_set_accessed(m, &cd);
        load_cs(m, target, &cd, c->cpl);
        pstack_commit(m, &st);
    }
    c->eip = off;
}

/* ---- RET and IRET ---- */

/* Checks of the code segment popped by RETF/IRET (SDM vol. 2, RET protected mode). */
static void return_code_checks(struct machine *m, uint16_t sel, struct descriptor *d)
{
    unsigned rpl = sel & 3;
    if ((sel & 0xFFFC) == 0)
        cpu_raise(m, EXC_GP, 0);
    if (!desc_fetch(m, sel, d) || !desc_is_code(d) || rpl < m->cpu.cpl)
        cpu_raise(m, EXC_GP, sel_error(sel));
    unsigned dpl = desc_dpl(d);
    if (desc_conforming(d) ? dpl > rpl : dpl != rpl)
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (!desc_present(d))
        cpu_raise(m, EXC_NP, sel_error(sel));
}

/* Return to CS:EIP; `frame` bytes of return frame (EIP, CS[, EFLAGS]) sit at the stack top,
 * then `extra` bytes of parameters (RETF imm16), then the outer ESP and SS if the
 * privilege goes down. Returns true when the return went to an outer level. */
static bool pm_return_to(struct machine *m, uint16_t sel, uint32_t eip, unsigned w, unsigned frame,
                         uint32_t extra)
{
    struct cpu *c = &m->cpu;
    struct descriptor d;
    return_code_checks(m, sel, &d);
    unsigned rpl = sel & 3;
    unsigned size = w / 8;
    if (rpl == c->cpl) {
        check_offset(m, &d, eip);
        desc_set_accessed(m, &d);
        load_cs(m, sel, &d, rpl);
        set_sp(c, c->gpr[ESP] + frame + extra);
        c->eip = eip;
        return false;
    }
    uint32_t new_esp = stack_peek(m, frame + extra, size);
    uint16_t new_ss = (uint16_t)stack_peek(m, frame + extra + size, size);
    check_offset(m, &d, eip);
    load_stack_segment(m, new_ss, rpl, EXC_GP); /* the last check; it changes only SS */
    desc_set_accessed(m, &d);
    load_cs(m, sel, &d, rpl);
    /* The parameter bytes of RETF imm16 are released on the outer stack too. */
    new_esp += extra;
    if (c->seg[SEG_SS].attr & SEG_ATTR_D)
        c->gpr[ESP] = size == 2 ? (uint16_t)new_esp : new_esp;
    else
        cpu_set_reg16(c, ESP, (uint16_t)new_esp);
    c->eip = eip;
    invalidate_outer_segments(m);
    return true;
}

void pm_far_return(struct machine *m, unsigned w, uint16_t pop_extra);
void pm_far_return(struct machine *m, unsigned w, uint16_t pop_extra)
{
    unsigned size = w / 8;
    uint32_t eip = stack_peek(m, 0, size);
    uint16_t sel = (uint16_t)stack_peek(m, size, size);
    pm_return_to(m, sel, eip & width_mask(w), w, 2 * size, pop_extra);
}

/* IRET to virtual-8086 mode (SDM vol. 2, IRET, RETURN-TO-VIRTUAL-8086-MODE). */
static void iret_to_v86(struct machine *m, uint32_t eip, uint16_t cs, uint32_t flags)
{
    struct cpu *c = &m->cpu;
    uint32_t new_esp = stack_peek(m, 12, 4);
    uint16_t ss = (uint16_t)stack_peek(m, 16, 4);
    uint16_t es = (uint16_t)stack_peek(m, 20, 4);
    uint16_t ds = (uint16_t)stack_peek(m, 24, 4);
    uint16_t fs = (uint16_t)stack_peek(m, 28, 4);
    uint16_t gs = (uint16_t)stack_peek(m, 32, 4);
    cpu_set_eflags(c, (flags & ~(FLAG_RF)) | FLAG_VM);
    seg_load_v86(m, SEG_CS, cs);
    seg_load_v86(m, SEG_SS, ss);
    seg_load_v86(m, SEG_ES, es);
    seg_load_v86(m, SEG_DS, ds);
    seg_load_v86(m, SEG_FS, fs);
    seg_load_v86(m, SEG_GS, gs);
    cpu_set_cpl(c, 3);
    c->gpr[ESP] = new_esp;
    c->eip = eip & 0xFFFF;
}

void pm_iret(struct machine *m, unsigned w);
void pm_iret(struct machine *m, unsigned w)
{
    struct cpu *c = &m->cpu;
    if (c->eflags & FLAG_NT) {
        /* Return from a nested task: the back link is the first word of the TSS. */
        uint16_t link = (uint16_t)sys_read(m, c->tr.base, 2);
        struct descriptor d;
        if ((link & 4) || !desc_fetch(m, link, &d))
            cpu_raise(m, EXC_TS, sel_error(link));
        if (desc_type(&d) != DT_TSS16_BUSY && desc_type(&d) != DT_TSS32_BUSY)
            cpu_raise(m, EXC_TS, sel_error(link));
        if (!desc_present(&d))
            cpu_raise(m, EXC_NP, sel_error(link));
        task_switch(m, link, &d, TASK_IRET, 0);
        return;
    }
    unsigned size = w / 8;
    uint32_t eip = stack_peek(m, 0, size);
    uint16_t sel = (uint16_t)stack_peek(m, size, size);
    uint32_t flags = stack_peek(m, 2 * size, size);
    if (w == 32 && (flags & FLAG_VM) && c->cpl == 0) {
        iret_to_v86(m, eip, sel, flags);
        return;
    }
    unsigned old_cpl = c->cpl;
    uint32_t mask = cpu_popf_mask(c, w); /* by the privilege before the return */
    if (old_cpl == 0 && w == 32)
        mask |= FLAG_VIF | FLAG_VIP;
    pm_return_to(m, sel, eip & width_mask(w), w, 3 * size, 0);
    mask |= FLAG_RF & width_mask(w);
    cpu_set_eflags(c, (cpu_get_eflags(c) & ~mask) | (flags & mask));
}
