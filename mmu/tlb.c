/* Filling and flushing the TLB. An entry caches linear page -> host page for one privilege
 * class; its write tag stays invalid for ROM, for pages whose D bit is still clear (the
 * first write must set it) and for RAM pages that hold decoded code, so those writes take
 * the slow path and are checked against the decode cache. */
#include "cpu/debug.h"
#include "machine/machine.h"
#include "mmu/mem.h"
#include "mmu/tlb_fill.h"
#include "mmu/translate.h"
#include "mmu/watch.h"

static void invalidate(struct tlb_entry *e)
{
    e->read_tag = TLB_INVALID;
    e->write_tag = TLB_INVALID;
    e->global = false;
}

/* Every change to the entries is reported with cpu_translation_changed(), so that a
 * translation made earlier (a link between decoded blocks, cpu/dcache_lookup.h) is known to
 * hold while nothing was reported. */

void tlb_flush(struct machine *m)
{
    cpu_translation_changed(&m->cpu);
    for (unsigned u = 0; u < 3; u++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            invalidate(&m->tlb.e[u][k]);
}

void tlb_flush_nonglobal(struct machine *m)
{
    cpu_translation_changed(&m->cpu);
    for (unsigned u = 0; u < 2; u++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            if (!m->tlb.e[u][k].global)
                invalidate(&m->tlb.e[u][k]);
}

void tlb_flush_page(struct machine *m, uint32_t lin)
{
    cpu_translation_changed(&m->cpu);
    for (unsigned u = 0; u < 2; u++)
        invalidate(&m->tlb.e[u][(lin >> 12) & (TLB_SIZE - 1)]);
}

void tlb_drop_writes_to(struct machine *m, uint32_t phys_page)
{
    for (unsigned u = 0; u < 2; u++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            if (m->tlb.e[u][k].phys_page == phys_page)
                m->tlb.e[u][k].write_tag = TLB_INVALID;
}

struct tlb_entry *tlb_fill(struct machine *m, uint32_t lin, unsigned kind)
{
    struct translation t = mmu_walk(m, lin, kind);
    uint32_t phys = t.phys & PAGE_MASK;
    bool writable;
    uint8_t *host = physmem_host(&m->mem, phys, &writable);
    m->cpu.stats.tlb_misses++;
    cpu_translation_changed(&m->cpu);
    if (!host)
        return NULL; /* MMIO or unmapped: never cached */
    unsigned user = (kind & ACCESS_USER) ? 1 : 0;
    struct tlb_entry *e = &m->tlb.e[user][(lin >> 12) & (TLB_SIZE - 1)];
    uint32_t page = phys >> 12;
    bool has_code = phys < m->mem.ram_size && m->mem.code_lines[page] != 0;
    e->host = host;
    e->addend = (uintptr_t)host - (lin & PAGE_MASK);
    e->phys_page = page;
    e->global = t.global;
    e->read_tag = lin & PAGE_MASK;
    e->write_tag = (writable && t.write_ok && t.dirty && !has_code) ? (lin & PAGE_MASK) : TLB_INVALID;
    if (m->watch.armed)
        watch_filter_tlb(m, e, lin); /* watched pages stay on the slow path */
    if (m->cpu.dbg_data_write && dbg_page_watched(m, lin & PAGE_MASK, true)) {
        e->write_tag = TLB_INVALID; /* a data breakpoint: every access is checked */
        if (dbg_page_watched(m, lin & PAGE_MASK, false))
            e->read_tag = TLB_INVALID;
    }
    return e;
}
