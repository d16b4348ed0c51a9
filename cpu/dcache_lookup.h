/* The fast path of dcache_get_block(), inlined into the run loop: a TLB hit for CS:EIP and
 * a cached block for its physical address in the current epoch and page generation;
 * anything else (a miss, code outside RAM and ROM, the check_dcache option) goes to
 * dcache_get_block(). */
#ifndef GLASS86_DCACHE_LOOKUP_H
#define GLASS86_DCACHE_LOOKUP_H

#include "machine/machine.h"
#include "mmu/tlb.h"

static inline uint32_t dcache_slot(uint32_t phys, unsigned mode)
{
    return ((phys ^ (mode << 31)) * 0x9E3779B1u) >> (32 - DCACHE_HASH_BITS);
}

/* The last offset a cached block may cover: the CS limit, and in 16-bit code also 0xFFFF,
 * where IP wraps (a block decoded at another CS:IP may run past it). */
static inline uint32_t dcache_code_limit(const struct segment *cs, unsigned mode)
{
    return (mode || cs->limit < 0xFFFF) ? cs->limit : 0xFFFF;
}

static inline const struct insn *dcache_lookup(struct machine *m, unsigned *count)
{
    struct cpu *c = &m->cpu;
    const struct segment *cs = &c->seg[SEG_CS];
    unsigned mode = (cs->attr & SEG_ATTR_D) ? 1 : 0;
    uint32_t eip = mode ? c->eip : (c->eip & 0xFFFF);
    uint32_t lin = cs->base + eip;
    const struct tlb_entry *e = &m->tlb.e[c->user][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->read_tag == (lin & 0xFFFFF000u)) {
        uint32_t phys = (e->phys_page << 12) | (lin & 0xFFF);
        const struct dblock *blk = &m->dcache.table[dcache_slot(phys, mode)];
        uint32_t gen = phys < m->mem.ram_size ? m->mem.page_gen[phys >> 12] : 0;
        if (blk->phys == phys && blk->gen == gen && blk->epoch == m->dcache.epoch &&
            blk->mode == mode && (uint64_t)eip + blk->bytes - 1 <= dcache_code_limit(cs, mode) &&
            !m->config.check_dcache) {
            c->eip = eip;
            c->stats.block_hits++;
            *count = blk->count;
            return &m->dcache.pool[blk->first];
        }
    }
    return dcache_get_block(m, count);
}

#endif
