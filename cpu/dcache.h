/* The decode cache: straight-line blocks of decoded instructions, found by the guest
 * physical address of their first byte and the decode mode, kept in one pool that is
 * flushed whole when full (the trace cache of Bochs's cpu/icache.h). A block never crosses
 * a 4 KiB page; it is stale once its page's generation (physmem.page_gen) moves on. */
#ifndef GLASS86_DCACHE_H
#define GLASS86_DCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/decode.h"

#define DCACHE_MAX_BLOCK 32          /* instructions per block at most */
#define DCACHE_HASH_BITS 16
#define DCACHE_POOL_INSNS (1u << 18) /* 256 Ki instructions, 8 MiB */
#define DCACHE_POOL_BLOCKS (DCACHE_POOL_INSNS / 4) /* block records; most hold more */

struct dblock;

/* A successor a block ran into before: the block at CS:`eip`, physical address `phys`. It
 * holds while cpu.block_stamp still has the value it was made under, and needs no TLB
 * lookup while cpu.link_epoch has the value it was last checked under; see
 * cpu/dcache_lookup.h for why that is enough. */
struct dlink {
    uint64_t stamp;      /* cpu.block_stamp when made */
    uint64_t epoch;      /* cpu.link_epoch when CS:EIP last translated to `phys` */
    uint32_t eip;
    uint32_t phys;
    struct dblock *to;
};

struct dblock {
    const struct insn *end;  /* one past its last instruction in the pool (the run loop
                                counts back from there; the first is end - count) */
    uint32_t phys;       /* physical address of the first byte */
    uint32_t gen;        /* the page generation it was decoded under */
    uint32_t epoch;      /* dcache.epoch at decode time; older blocks are gone */
    uint16_t count;      /* instructions */
    uint16_t bytes;      /* guest bytes covered */
    uint8_t mode;        /* decode mode: bit 0 = 32-bit code */
    uint32_t hash;       /* FNV-1a of the bytes, for the check_dcache debug option */
    struct dlink link[2]; /* its last two successors, the newer first */
};

struct dcache {
    struct dblock **table;   /* direct-mapped, 1 << DCACHE_HASH_BITS entries: the block
                                last decoded for each slot, or blocks[0] */
    struct dblock *blocks;   /* the block records, DCACHE_POOL_BLOCKS, taken in decode order
                                from blocks[1] (blocks[0], of epoch 0, matches nothing). A
                                record that lost its slot stays as it is until the next
                                flush, so links to it still hold */
    uint32_t blocks_used;
    struct insn *pool;
    uint32_t pool_used;
    uint32_t epoch;          /* bumped by a whole flush, so flushing costs nothing per entry */
    struct insn scratch;     /* a one-off instruction that may not be cached */
    struct dblock scratch_block; /* ... and the one-instruction block around it */
    struct dblock entry;     /* where the run loop starts: a block with no code of its own,
                                whose links remember where the loop was entered before */
};

struct machine;

int dcache_init(struct dcache *dc);
void dcache_free(struct dcache *dc);
/* Forget every block (pool full, CPU reset, a test starts afresh). */
void dcache_flush(struct machine *m);

/* The block that starts at the current CS:EIP, decoding it if needed. Raises the fault
 * an instruction fetch would raise. An instruction that crosses a page or the CS limit, or
 * code outside RAM and ROM, comes back as a one-instruction block that is not cached. */
const struct insn *dcache_get_block(struct machine *m, unsigned *count);
/* The same for the run loop, which has just run block `prev` (or dcache.entry): the
 * block found becomes prev's newest link. The fast path is dcache_next() in
 * cpu/dcache_lookup.h. */
struct dblock *dcache_find(struct machine *m, struct dblock *prev);

/* A write touched code in physical page `page` (already known to hold decoded lines). */
void dcache_invalidate_page(struct machine *m, uint32_t page);

#endif
