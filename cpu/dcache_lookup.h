/* The fast path of the block lookup, inlined into the run loop: the block that just ran
 * remembers the blocks that followed it (its links), and the next block is usually one of
 * them. Anything else goes to dcache_find() (cpu/dcache.c), which looks in the hash table
 * by physical address, decodes on a miss, and makes the link.
 *
 * Why a link is enough. It names the block at CS:`eip`, physical address `phys`, and holds
 * while cpu.block_stamp keeps the value the link was made under: the stamp moves on
 * (cpu_blocks_changed()) whenever a block a link may name stops being valid or changes
 * meaning: a whole flush (dcache_flush()), a write to a page holding code
 * (dcache_invalidate_page()), a change of CS's code size or limit, which the decode and
 * the limit check depended on (cpu_set_seg_cache()), and a CPU reset. A block that loses
 * its table slot to another is not one: its record keeps describing its own code until
 * the next flush. The fetch must also still translate to `phys`:
 *  - while cpu.link_epoch is the link's, nothing changed in the TLB, its class or CS.base
 *    (cpu_translation_changed()), so looking CS:EIP up in the TLB would find the entry
 *    it found when the link was made or last checked: the lookup is skipped;
 *  - otherwise the TLB is looked up, as the hash path does, and a hit on the same physical
 *    address renews the link's epoch. A TLB miss goes to the hash path, which refills the
 *    entry (and sets the accessed bits) exactly as without links. */
#ifndef GLASS86_DCACHE_LOOKUP_H
#define GLASS86_DCACHE_LOOKUP_H

#include "machine/machine.h"
#include "mmu/mem.h"

static inline uint32_t dcache_slot(uint32_t phys, unsigned mode)
{
    return ((phys ^ (mode << 31)) * 0x9E3779B1u) >> (32 - DCACHE_HASH_BITS);
}

/* The block at CS:EIP, after block `prev`. The caller runs it from `eip` (the EIP masked
 * to the code size), which it may still have to store in cpu.eip. */
static inline struct dblock *dcache_next(struct machine *m, struct dblock *prev, uint32_t eip)
{
    struct cpu *c = &m->cpu;
    struct dlink *l0 = &prev->link[0], *l1 = &prev->link[1];
    if (l0->eip == eip && l0->epoch == c->link_epoch) {
        c->stats.block_hits++;
        return l0->to;
    }
    if (l1->eip == eip && l1->epoch == c->link_epoch) {
        c->stats.block_hits++;
        return l1->to;
    }
    uint32_t lin = c->seg[SEG_CS].base + eip;
    const struct tlb_entry *e = tlb_entry_of(m, lin);
    if (e->read_tag == (lin & PAGE_MASK)) {
        uint32_t phys = (e->phys_page << 12) | (lin & 0xFFF);
        for (int k = 0; k < 2; k++) {
            struct dlink *l = &prev->link[k];
            if (l->eip == eip && l->phys == phys && l->stamp == c->block_stamp) {
                l->epoch = c->link_epoch;
                c->stats.block_hits++;
                return l->to;
            }
        }
    }
    return dcache_find(m, prev);
}

#endif
