/* Descriptor tables and protected-mode segment loads (Intel SDM vol. 3A, 3.4-3.5 and 5.5-5.7;
 * vol. 2, MOV/POP to a segment register). Every check of a data or stack segment load, in
 * the order the SDM lists them, so the first failing check picks the fault. */
#include "cpu/descriptor.h"
#include "cpu/ops.h"

uint32_t sys_read(struct machine *m, uint32_t lin, unsigned size) { return lin_read_as(m, lin, size, 0); }
void sys_write(struct machine *m, uint32_t lin, uint32_t value, unsigned size) { lin_write_as(m, lin, value, size, 0); }

bool desc_fetch(struct machine *m, uint16_t selector, struct descriptor *d)
{
    struct cpu *c = &m->cpu;
    uint32_t base, limit;
    if (selector & 4) {
        if (!(c->ldtr.attr & SEG_ATTR_P) || c->ldtr.selector < 4)
            return false; /* no LDT loaded */
        base = c->ldtr.base;
        limit = c->ldtr.limit;
    } else {
        base = c->gdtr.base;
        limit = c->gdtr.limit;
    }
    uint32_t off = selector & 0xFFF8u;
    if (off + 7 > limit)
        return false;
    d->addr = base + off;
    d->lo = sys_read(m, d->addr, 4);
    d->hi = sys_read(m, d->addr + 4, 4);
    return true;
}

bool desc_fetch_idt(struct machine *m, unsigned vector, struct descriptor *d)
{
    struct cpu *c = &m->cpu;
    uint32_t off = vector * 8;
    if (off + 7 > c->idtr.limit)
        return false;
    d->addr = c->idtr.base + off;
    d->lo = sys_read(m, d->addr, 4);
    d->hi = sys_read(m, d->addr + 4, 4);
    return true;
}

void desc_set_accessed(struct machine *m, struct descriptor *d)
{
    if (desc_is_segment(d) && !(d->hi & 0x100)) {
        d->hi |= 0x100;
        sys_write(m, d->addr + 5, (d->hi >> 8) & 0xFF, 1);
    }
}

void desc_write_hi(struct machine *m, const struct descriptor *d)
{
    sys_write(m, d->addr + 4, d->hi, 4);
}

void seg_load_cache(struct machine *m, int sreg, uint16_t selector, const struct descriptor *d)
{
    cpu_set_seg_cache(&m->cpu, sreg, selector, desc_base(d), desc_limit(d), desc_attr(d));
}

void seg_load_null(struct machine *m, int sreg, uint16_t selector)
{
    /* Attribute 0 (not present): every access through it faults with #GP(0). */
    cpu_set_seg_cache(&m->cpu, sreg, selector, 0, 0, 0);
}

void seg_load_v86(struct machine *m, int sreg, uint16_t selector)
{
    /* Present, DPL 3, read/write data (code for CS), accessed, limit 64 KiB. */
    uint16_t attr = sreg == SEG_CS ? 0x00FB : 0x00F3;
    cpu_set_seg_cache(&m->cpu, sreg, selector, (uint32_t)selector << 4, 0xFFFF, attr);
}

void load_data_sreg_pm(struct machine *m, int sreg, uint16_t selector)
{
    struct cpu *c = &m->cpu;
    struct descriptor d;
    unsigned rpl = selector & 3;
    if (sreg == SEG_SS) {
        load_stack_segment(m, selector, c->cpl, EXC_GP);
        return;
    }
    if ((selector & 0xFFFC) == 0) {
        seg_load_null(m, sreg, selector);
        return;
    }
    if (!desc_fetch(m, selector, &d))
        cpu_raise(m, EXC_GP, sel_error(selector));
    if (!desc_is_segment(&d) || !desc_readable(&d))
        cpu_raise(m, EXC_GP, sel_error(selector));
    if (desc_is_data(&d) || !desc_conforming(&d)) {
        if (rpl > desc_dpl(&d) || c->cpl > desc_dpl(&d))
            cpu_raise(m, EXC_GP, sel_error(selector));
    }
    if (!desc_present(&d))
        cpu_raise(m, EXC_NP, sel_error(selector));
    desc_set_accessed(m, &d);
    seg_load_cache(m, sreg, selector, &d);
}

void load_stack_segment(struct machine *m, uint16_t selector, unsigned cpl, int fault_vector)
{
    struct descriptor d;
    if ((selector & 0xFFFC) == 0)
        cpu_raise(m, fault_vector, fault_vector == EXC_TS ? sel_error(selector) : 0);
    if ((selector & 3) != cpl)
        cpu_raise(m, fault_vector, sel_error(selector));
    if (!desc_fetch(m, selector, &d))
        cpu_raise(m, fault_vector, sel_error(selector));
    if (!desc_writable(&d) || desc_dpl(&d) != cpl)
        cpu_raise(m, fault_vector, sel_error(selector));
    if (!desc_present(&d))
        cpu_raise(m, EXC_SS, sel_error(selector));
    desc_set_accessed(m, &d);
    seg_load_cache(m, SEG_SS, selector, &d);
}

void invalidate_outer_segments(struct machine *m)
{
    struct cpu *c = &m->cpu;
    static const int regs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (unsigned k = 0; k < 4; k++) {
        struct segment *s = &c->seg[regs[k]];
        bool is_data = (s->attr & 0x18) == 0x10;
        bool conforming_code = (s->attr & 0x1C) == 0x1C;
        unsigned dpl = (s->attr >> 5) & 3;
        if ((is_data || !conforming_code) && dpl < c->cpl)
            seg_load_null(m, regs[k], 0);
    }
}
