/* Filling and flushing the TLB. An entry caches linear page -> host page; its write tag
 * stays invalid for ROM and for RAM pages that hold decoded code, so every write there
 * takes the slow path and is checked against the decode cache. */
#include "machine/machine.h"
#include "mmu/mem.h"
#include "mmu/tlb_fill.h"
#include "mmu/translate.h"

void tlb_flush(struct machine *m)
{
    for (unsigned k = 0; k < TLB_SIZE; k++) {
        m->tlb.e[k].read_tag = TLB_INVALID;
        m->tlb.e[k].write_tag = TLB_INVALID;
    }
}

void tlb_drop_writes_to(struct machine *m, uint32_t phys_page)
{
    for (unsigned k = 0; k < TLB_SIZE; k++)
        if (m->tlb.e[k].phys_page == phys_page)
            m->tlb.e[k].write_tag = TLB_INVALID;
}

struct tlb_entry *tlb_fill(struct machine *m, uint32_t lin, enum access_kind kind)
{
    uint32_t phys = mmu_translate(m, lin, kind) & PAGE_MASK;
    bool writable;
    uint8_t *host = physmem_host(&m->mem, phys, &writable);
    m->cpu.stats.tlb_misses++;
    if (!host)
        return NULL; /* MMIO or unmapped: never cached */
    struct tlb_entry *e = &m->tlb.e[(lin >> 12) & (TLB_SIZE - 1)];
    uint32_t page = phys >> 12;
    bool has_code = phys < m->mem.ram_size && m->mem.code_lines[page] != 0;
    e->host = host;
    e->phys_page = page;
    e->read_tag = lin & PAGE_MASK;
    e->write_tag = (writable && !has_code) ? (lin & PAGE_MASK) : TLB_INVALID;
    return e;
}
