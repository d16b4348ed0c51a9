/* The slow path of guest memory accesses: segment limit and rights faults (SDM vol. 3A,
 * 5.3 and 6.15 #GP/#SS), the 8086's wrap inside a 64 KiB segment, TLB refills, MMIO, code
 * pages, and accesses that straddle two pages (both pages are translated before any byte
 * is written, so a fault on the second leaves nothing half-written). */
#include "machine/machine.h"
#include "mmu/mem.h"
#include "mmu/tlb_fill.h"

/* Limit and rights violations: #SS for the stack segment, #GP for the others (SDM vol. 3A,
 * 6.15). The 286 in real mode raises #GP for every segment, the stack included (captured
 * from a real 286 by SingleStepTests: no #SS appears in its 260,000 tests). */
static _Noreturn void segment_fault(struct machine *m, int sreg)
{
    bool stack = sreg == SEG_SS && m->cpu.model->id != CPU_286;
    cpu_raise(m, stack ? EXC_SS : EXC_GP, 0);
}

/* True when an out-of-limit access should wrap inside the segment (8086 only). */
static bool wraps_in_segment(const struct machine *m)
{
    return m->cpu.model->segment_wrap;
}

uint32_t mem_read_slow(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (!seg_offset_ok(s, off, size)) {
        if (!wraps_in_segment(m))
            segment_fault(m, sreg);
        uint32_t v = 0;
        for (unsigned k = 0; k < size; k++)
            v |= lin_read(m, s->base + ((off + k) & 0xFFFF), 1) << (8 * k);
        return v;
    }
    if (!s->readable)
        segment_fault(m, sreg);
    return lin_read(m, s->base + off, size);
}

void mem_write_slow(struct machine *m, int sreg, uint32_t off, uint32_t value, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (!seg_offset_ok(s, off, size)) {
        if (!wraps_in_segment(m))
            segment_fault(m, sreg);
        for (unsigned k = 0; k < size; k++)
            lin_write(m, s->base + ((off + k) & 0xFFFF), value >> (8 * k), 1);
        return;
    }
    if (!s->writable)
        segment_fault(m, sreg);
    lin_write(m, s->base + off, value, size);
}

void mem_check_write(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (!seg_offset_ok(s, off, size)) {
        if (!wraps_in_segment(m))
            segment_fault(m, sreg);
        return;
    }
    if (!s->writable)
        segment_fault(m, sreg);
    uint32_t lin = s->base + off;
    mmu_translate(m, lin, ACCESS_WRITE);
    if ((lin & 0xFFF) + size > 0x1000)
        mmu_translate(m, (lin | 0xFFF) + 1, ACCESS_WRITE);
}

uint32_t lin_read_slow(struct machine *m, uint32_t lin, unsigned size)
{
    if ((lin & 0xFFF) + size > 0x1000) {
        /* Straddles two pages: both must translate before the value is assembled. */
        uint32_t second = (lin | 0xFFF) + 1;
        unsigned first_bytes = second - lin;
        uint32_t lo = lin_read(m, lin, 1);
        for (unsigned k = 1; k < first_bytes; k++)
            lo |= lin_read(m, lin + k, 1) << (8 * k);
        uint32_t hi = 0;
        for (unsigned k = 0; k < size - first_bytes; k++)
            hi |= lin_read(m, second + k, 1) << (8 * k);
        return lo | (hi << (8 * first_bytes));
    }
    struct tlb_entry *e = tlb_fill(m, lin, ACCESS_READ);
    if (e)
        return load_le(e->host + (lin & 0xFFF), size);
    return phys_read(m, mmu_translate(m, lin, ACCESS_READ), size);
}

void lin_write_slow(struct machine *m, uint32_t lin, uint32_t value, unsigned size)
{
    if ((lin & 0xFFF) + size > 0x1000) {
        uint32_t second = (lin | 0xFFF) + 1;
        unsigned first_bytes = second - lin;
        uint32_t p0 = mmu_translate(m, lin, ACCESS_WRITE);
        uint32_t p1 = mmu_translate(m, second, ACCESS_WRITE);
        phys_write(m, p0, value, first_bytes);
        phys_write(m, p1, value >> (8 * first_bytes), size - first_bytes);
        return;
    }
    struct tlb_entry *e = tlb_fill(m, lin, ACCESS_WRITE);
    if (e && e->write_tag == (lin & PAGE_MASK)) {
        store_le(e->host + (lin & 0xFFF), value, size);
        return;
    }
    /* ROM, MMIO or a page holding decoded code: go through the physical bus. */
    phys_write(m, mmu_translate(m, lin, ACCESS_WRITE), value, size);
}
