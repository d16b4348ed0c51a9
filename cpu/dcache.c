/* The decode cache (see dcache.h). Blocks are found by physical address and decode mode in
 * a direct-mapped table, stored in one pool that is flushed whole when full, and go stale
 * when their page's generation moves on: physmem bumps it when a write touches a 128-byte
 * line that holds decoded code, which is how self-modifying code, DMA and loaders are seen. */
#include <stdio.h>
#include <stdlib.h>

#include "cpu/dcache_lookup.h"
#include "cpu/ops.h"
#include "mmu/mem.h"
#include "mmu/tlb_fill.h"

int dcache_init(struct dcache *dc)
{
    dc->table = malloc((1u << DCACHE_HASH_BITS) * sizeof *dc->table);
    dc->blocks = calloc(DCACHE_POOL_BLOCKS, sizeof *dc->blocks);
    dc->pool = malloc(DCACHE_POOL_INSNS * sizeof *dc->pool);
    dc->pool_used = 0;
    dc->blocks_used = 1;
    dc->epoch = 1; /* blocks[0] has epoch 0 and never matches */
    if (!dc->table || !dc->blocks || !dc->pool)
        return -1;
    for (uint32_t k = 0; k < 1u << DCACHE_HASH_BITS; k++)
        dc->table[k] = &dc->blocks[0];
    return 0;
}

void dcache_free(struct dcache *dc)
{
    free(dc->table);
    free(dc->blocks);
    free(dc->pool);
    dc->table = NULL;
    dc->blocks = NULL;
    dc->pool = NULL;
}

void dcache_flush(struct machine *m)
{
    m->dcache.epoch++;
    m->dcache.pool_used = 0;
    m->dcache.blocks_used = 1; /* the table's pointers to older records fail the epoch test */
    cpu_blocks_changed(&m->cpu); /* every link names a block that is gone */
    m->cpu.stats.dcache_flushes++;
}

void dcache_invalidate_page(struct machine *m, uint32_t page)
{
    m->mem.page_gen[page]++;
    m->mem.code_lines[page] = 0;
    cpu_blocks_changed(&m->cpu); /* links may name blocks of this page */
    m->cpu.stats.smc_invalidations++;
    cpu_signal(&m->cpu, EV_SMC); /* the running block may be one of them */
}

static uint32_t fnv1a(const uint8_t *p, unsigned n)
{
    uint32_t h = 0x811C9DC5u;
    for (unsigned k = 0; k < n; k++)
        h = (h ^ p[k]) * 0x01000193u;
    return h;
}

static void mark_code_lines(struct machine *m, uint32_t phys, unsigned bytes)
{
    struct physmem *pm = &m->mem;
    if (phys >= pm->ram_size)
        return; /* ROM never changes under us; MMIO code is never cached */
    uint32_t page = phys >> 12;
    unsigned first = (phys & 0xFFF) >> 7, last = ((phys & 0xFFF) + bytes - 1) >> 7;
    uint32_t lines = (uint32_t)(((2ull << last) - 1) & ~((1ull << first) - 1));
    if (pm->code_lines[page] == 0)
        tlb_drop_writes_to(m, page); /* from now on writes to this page take the slow path */
    pm->code_lines[page] |= lines;
}

/* Decode one instruction byte by byte through the MMU: for instructions that cross a page
 * or the CS limit, the 8086's wrap at offset 0xFFFF, and code outside RAM and ROM. Bytes
 * are fetched only as the decoder asks for them, so a fault is raised only by a byte the
 * instruction really has. Such instructions are never cached, nor linked to. */
static struct dblock *decode_uncached(struct machine *m, bool code32)
{
    struct cpu *c = &m->cpu;
    const struct segment *cs = &c->seg[SEG_CS];
    uint8_t buf[4096]; /* an 8086 instruction may carry any number of prefixes */
    unsigned got = 0, cap = c->model->max_insn_len ? c->model->max_insn_len + 1u : sizeof buf;
    struct insn *out = &m->dcache.scratch;
    while (decode_insn(&m->decoder, buf, got, code32, out) == DECODE_NEED_MORE) {
        if (got == cap) {
            out->fn = op_too_long;
            out->len = (uint16_t)got;
            break;
        }
        uint32_t off = c->eip + got;
        if (c->model->segment_wrap)
            off &= 0xFFFF;
        else if (off > cs->limit || (!code32 && off > 0xFFFF) || off < c->eip)
            cpu_raise(m, EXC_GP, 0);
        uint32_t phys = mmu_translate_fetch(m, cs->base + off);
        buf[got++] = phys_read8(m, phys);
    }
    struct dblock *b = &m->dcache.scratch_block;
    b->count = 1;
    b->end = out + 1;
    return b;
}

/* The block at CS:EIP from the hash table, decoded if it is not there, and the physical
 * address of CS:EIP (left alone for an uncached instruction). */
static struct dblock *find_block(struct machine *m, uint32_t *phys_out)
{
    struct cpu *c = &m->cpu;
    struct dcache *dc = &m->dcache;
    const struct segment *cs = &c->seg[SEG_CS];
    bool code32 = cpu_code32(c);
    if (!code32)
        c->eip &= 0xFFFF;
    uint32_t eip = c->eip;
    /* A fetch fault belongs to the instruction about to run. */
    c->insn_eip = eip;
    if (eip > cs->limit && !c->model->segment_wrap)
        cpu_raise(m, EXC_GP, 0);

    uint32_t lin = cs->base + eip;
    struct tlb_entry *e = &m->tlb.e[c->user][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->read_tag != (lin & PAGE_MASK))
        e = tlb_fill(m, lin, ACCESS_FETCH | mmu_user_bit(m));
    if (!e)
        return decode_uncached(m, code32); /* code in MMIO */
    uint32_t phys = (e->phys_page << 12) | (lin & 0xFFF);
    uint8_t *host = e->host + (lin & 0xFFF);
    *phys_out = phys;
    if (phys >= m->mem.ram_size) {
        /* Outside RAM only ROM may be cached: nothing tracks writes to a frame buffer. */
        bool writable;
        physmem_host(&m->mem, phys, &writable);
        if (writable)
            return decode_uncached(m, code32);
    }

    struct physmem *pm = &m->mem;
    uint32_t gen = phys < pm->ram_size ? pm->page_gen[phys >> 12] : 0;
    struct dblock **slot = &dc->table[dcache_slot(phys, code32)];
    struct dblock *blk = *slot;
    if (blk->phys == phys && blk->mode == code32 && blk->epoch == dc->epoch && blk->gen == gen &&
        (uint64_t)eip + blk->bytes - 1 <= c->code_limit) {
        c->stats.block_hits++;
        if (m->config.check_dcache && fnv1a(host, blk->bytes) != blk->hash) {
            fprintf(stderr, "glass86: decode cache holds stale code at physical %08x "
                            "(a write was not seen): aborting\n", phys);
            abort();
        }
        return blk;
    }

    /* Decode a new block: straight-line code up to a branch or other block-ending
     * instruction, the end of the page, the CS limit or DCACHE_MAX_BLOCK instructions. */
    if (dc->pool_used + DCACHE_MAX_BLOCK > DCACHE_POOL_INSNS ||
        dc->blocks_used == DCACHE_POOL_BLOCKS)
        dcache_flush(m);
    uint32_t avail = 0x1000 - (phys & 0xFFF);
    uint64_t to_limit = (uint64_t)cs->limit - eip + 1;
    if (!code32 && 0x10000u - eip < to_limit)
        to_limit = 0x10000u - eip;
    if (to_limit < avail)
        avail = (uint32_t)to_limit;
    struct insn *out = &dc->pool[dc->pool_used];
    unsigned n = 0, bytes = 0;
    while (n < DCACHE_MAX_BLOCK && bytes < avail) {
        if (decode_insn(&m->decoder, host + bytes, avail - bytes, code32, &out[n]) != DECODE_OK)
            break;
        bytes += out[n].len;
        if (insn_def(&out[n++])->traits & T_ENDS)
            break;
    }
    if (n == 0)
        return decode_uncached(m, code32);

    /* A new record: the one the slot held before may be named by links, which stay right
     * since it keeps describing its own code until the next flush. */
    blk = &dc->blocks[dc->blocks_used++];
    *slot = blk;
    blk->link[0] = blk->link[1] = (struct dlink){ 0 };
    blk->end = out + n;
    blk->phys = phys;
    blk->mode = code32;
    blk->epoch = dc->epoch;
    blk->count = (uint16_t)n;
    blk->bytes = (uint16_t)bytes;
    blk->hash = m->config.check_dcache ? fnv1a(host, bytes) : 0;
    dc->pool_used += n;
    mark_code_lines(m, phys, bytes);
    blk->gen = phys < pm->ram_size ? pm->page_gen[phys >> 12] : 0;
    c->stats.blocks_decoded++;
    return blk;
}

const struct insn *dcache_get_block(struct machine *m, unsigned *count)
{
    uint32_t phys;
    const struct dblock *b = find_block(m, &phys);
    *count = b->count;
    return b->end - b->count;
}

struct dblock *dcache_find(struct machine *m, struct dblock *prev)
{
    struct cpu *c = &m->cpu;
    uint32_t phys = 0;
    struct dblock *b = find_block(m, &phys);
    /* No links to the one-off scratch block, and none at all under check_dcache, whose
     * check of the bytes runs on the hash path only, or for user code with alignment
     * checks on, whose TLB array is never filled (every fetch walks the page tables, and a
     * link must not skip that). The link is made after the decode, under the stamp that
     * holds now; a flush on the way may have given `prev`'s record to the new block, which
     * does no harm: a link is right whichever block holds it. */
    if (b != &m->dcache.scratch_block && !m->config.check_dcache && c->user < 2) {
        prev->link[1] = prev->link[0];
        prev->link[0] = (struct dlink){ .stamp = c->block_stamp, .epoch = c->link_epoch,
                                        .eip = c->eip, .phys = phys, .to = b };
    }
    return b;
}
