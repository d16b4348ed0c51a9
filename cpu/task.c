/* Hardware task switches through JMP, CALL, IRET with NT, and task gates (Intel SDM vol. 3A,
 * 7.3 "Task switching", with the 32-bit TSS of figure 7-2 and the 16-bit TSS of figure 7-11):
 * save the old task, mark busy bits and the back link, load CR3, LDTR and the new task's
 * registers, then check its segments in the context of the new task. */
#include "cpu/debug.h"
#include "cpu/ops.h"
#include "cpu/pmode.h"

#define CR0_TS 0x8u
#define CR0_PG 0x80000000u

static bool is_tss32(unsigned type) { return (type & 0x08) != 0; }

static void save_state(struct machine *m, enum task_source src)
{
    struct cpu *c = &m->cpu;
    uint32_t base = c->tr.base;
    uint32_t flags = cpu_get_eflags(c);
    if (src == TASK_IRET)
        flags &= ~FLAG_NT;
    if (is_tss32(c->tr.attr & 0x1F)) {
        sys_write(m, base + 0x20, c->eip, 4);
        sys_write(m, base + 0x24, flags, 4);
        for (int r = EAX; r <= EDI; r++)
            sys_write(m, base + 0x28 + 4 * (uint32_t)r, c->gpr[r], 4);
        for (int s = SEG_ES; s <= SEG_GS; s++)
            sys_write(m, base + 0x48 + 4 * (uint32_t)s, c->seg[s].selector, 2);
    } else {
        sys_write(m, base + 0x0E, c->eip, 2);
        sys_write(m, base + 0x10, flags, 2);
        for (int r = EAX; r <= EDI; r++)
            sys_write(m, base + 0x12 + 2 * (uint32_t)r, c->gpr[r], 2);
        for (int s = SEG_ES; s <= SEG_DS; s++)
            sys_write(m, base + 0x22 + 2 * (uint32_t)s, c->seg[s].selector, 2);
    }
}

/* Segment checks of the new task, raising #TS / #NP / #SS with the selector. */
static void load_task_cs(struct machine *m, uint16_t sel)
{
    struct descriptor d;
    if ((sel & 0xFFFC) == 0 || !desc_fetch(m, sel, &d) || !desc_is_code(&d))
        cpu_raise(m, EXC_TS, sel_error(sel));
    unsigned rpl = sel & 3, dpl = desc_dpl(&d);
    if (desc_conforming(&d) ? dpl > rpl : dpl != rpl)
        cpu_raise(m, EXC_TS, sel_error(sel));
    if (!desc_present(&d))
        cpu_raise(m, EXC_NP, sel_error(sel));
    desc_set_accessed(m, &d);
    load_cs(m, sel, &d, rpl);
}

static void load_task_data(struct machine *m, int sreg, uint16_t sel)
{
    struct cpu *c = &m->cpu;
    struct descriptor d;
    if ((sel & 0xFFFC) == 0) {
        seg_load_null(m, sreg, sel);
        return;
    }
    if (!desc_fetch(m, sel, &d) || !desc_is_segment(&d) || !desc_readable(&d))
        cpu_raise(m, EXC_TS, sel_error(sel));
    if ((desc_is_data(&d) || !desc_conforming(&d)) &&
        (desc_dpl(&d) < c->cpl || desc_dpl(&d) < (sel & 3u)))
        cpu_raise(m, EXC_TS, sel_error(sel));
    if (!desc_present(&d))
        cpu_raise(m, EXC_NP, sel_error(sel));
    desc_set_accessed(m, &d);
    seg_load_cache(m, sreg, sel, &d);
}

static void load_task_ldt(struct machine *m, uint16_t sel)
{
    struct cpu *c = &m->cpu;
    struct descriptor d;
    if ((sel & 0xFFFC) == 0) {
        c->ldtr = (struct segment){ .selector = sel, .lo = 1 };
        return;
    }
    if ((sel & 4) || !desc_fetch(m, sel, &d) || desc_type(&d) != DT_LDT)
        cpu_raise(m, EXC_TS, sel_error(sel));
    if (!desc_present(&d))
        cpu_raise(m, EXC_TS, sel_error(sel));
    seg_cache_build(&c->ldtr, sel, desc_base(&d), desc_limit(&d), desc_attr(&d));
}

void task_switch(struct machine *m, uint16_t selector, struct descriptor *d, enum task_source src,
                 uint32_t ext)
{
    struct cpu *c = &m->cpu;
    unsigned type = desc_type(d);
    bool new32 = is_tss32(type);
    uint32_t new_base = desc_base(d), new_limit = desc_limit(d);
    if (new_limit < (new32 ? 0x67u : 0x2Bu))
        cpu_raise(m, EXC_TS, sel_error(selector) | ext);
    /* The old TSS must hold the state about to be saved in it: up to GS (5Fh) in a 32-bit
     * TSS, DS (29h) in a 16-bit one, or #TS with the old TSS's selector (as Bochs models
     * the 386 and later). Not before the first LTR: glass86's TR is then no TSS at all. */
    bool old_is_tss = (c->tr.attr & 0x15) == 0x01; /* system type 1, 3, 9 or B */
    if (old_is_tss && c->tr.limit < (is_tss32(c->tr.attr & 0x1F) ? 0x5Fu : 0x29u))
        cpu_raise(m, EXC_TS, sel_error(c->tr.selector) | ext);

    /* Read the whole new state before anything changes. */
    uint32_t eip, flags, cr3 = 0, regs[8];
    uint16_t sels[SEG_COUNT] = { 0 }, ldt;
    bool trap = false;                 /* the T bit (32-bit TSS only) */
    if (new32) {
        cr3 = sys_read(m, new_base + 0x1C, 4);
        eip = sys_read(m, new_base + 0x20, 4);
        flags = sys_read(m, new_base + 0x24, 4);
        for (int r = EAX; r <= EDI; r++)
            regs[r] = sys_read(m, new_base + 0x28 + 4 * (uint32_t)r, 4);
        for (int s = SEG_ES; s <= SEG_GS; s++)
            sels[s] = (uint16_t)sys_read(m, new_base + 0x48 + 4 * (uint32_t)s, 2);
        ldt = (uint16_t)sys_read(m, new_base + 0x60, 2);
        trap = sys_read(m, new_base + 0x64, 2) & 1;
    } else {
        /* A 16-bit TSS has no EFLAGS high half, FS or GS: they become 0 and null (what
         * Bochs observed on the 386, 486 and Pentium). */
        eip = sys_read(m, new_base + 0x0E, 2);
        flags = sys_read(m, new_base + 0x10, 2);
        for (int r = EAX; r <= EDI; r++)
            regs[r] = (c->gpr[r] & 0xFFFF0000u) | sys_read(m, new_base + 0x12 + 2 * (uint32_t)r, 2);
        for (int s = SEG_ES; s <= SEG_DS; s++)
            sels[s] = (uint16_t)sys_read(m, new_base + 0x22 + 2 * (uint32_t)s, 2);
        ldt = (uint16_t)sys_read(m, new_base + 0x2A, 2);
    }

    /* The old task: state, busy bit. */
    save_state(m, src);
    if (src == TASK_JMP || src == TASK_IRET) {
        struct descriptor old;
        if (desc_fetch(m, c->tr.selector, &old)) {
            old.hi &= ~0x200u;
            desc_write_hi(m, &old);
        }
    }
    /* The new task: back link, busy bit, NT. */
    if (src == TASK_CALL || src == TASK_INT) {
        sys_write(m, new_base, c->tr.selector, 2);
        flags |= FLAG_NT;
    }
    if (src != TASK_IRET) {
        d->hi |= 0x200u;
        desc_write_hi(m, d);
    }
    seg_cache_build(&c->tr, selector, new_base, new_limit, (uint16_t)(desc_attr(d) | 0x02));
    c->cr[0] |= CR0_TS;
    if (c->dr[7] & 0x155u) {
        c->dr[7] &= ~0x155u; /* L0-L3 and LE belong to the old task */
        dbg_update(m);
    }
    if (new32 && (c->cr[0] & CR0_PG)) {
        c->cr[3] = cr3 & 0xFFFFF018u;
        tlb_flush_nonglobal(m);
    }

    /* Registers, then segments checked in the context of the new task. */
    for (int r = EAX; r <= EDI; r++)
        c->gpr[r] = regs[r];
    cpu_set_eflags(c, flags | c->model->flags_fixed1);
    c->eip = eip;
    /* From here on a fault belongs to the new task: it restarts from the new state. */
    c->insn_eip = eip;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        c->seg[s].selector = sels[s]; /* visible even if a check below faults */
    load_task_ldt(m, ldt);
    if (flags & FLAG_VM) {
        for (int s = SEG_ES; s <= SEG_GS; s++)
            seg_load_v86(m, s, sels[s]);
        cpu_set_cpl(c, 3);
    } else {
        load_task_cs(m, sels[SEG_CS]);
        struct pending_stack st;
        pstack_from_selector(m, &st, sels[SEG_SS], c->gpr[ESP], c->cpl, ext);
        pstack_commit(m, &st);
        load_task_data(m, SEG_ES, sels[SEG_ES]);
        load_task_data(m, SEG_DS, sels[SEG_DS]);
        load_task_data(m, SEG_FS, sels[SEG_FS]);
        load_task_data(m, SEG_GS, sels[SEG_GS]);
    }
    if (c->eip > c->seg[SEG_CS].limit)
        cpu_raise(m, EXC_GP, 0);
    if (trap) {
        c->dbg_task_trap = true;
        cpu_signal(c, EV_IRQ); /* the run loop takes the single-step path, which traps */
    }
}

void task_push_error(struct machine *m, uint32_t error_code)
{
    struct cpu *c = &m->cpu;
    unsigned bytes = (c->tr.attr & 0x08) ? 4 : 2;
    push(m, error_code, bytes);
}
