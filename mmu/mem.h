/* Guest memory accesses as instructions make them: segment:offset -> limit and rights
 * check (SDM vol. 3A, 5.3) -> linear address -> TLB -> host pointer. The fast path is a
 * range check and one tag compare; everything else (TLB miss, page-crossing access, MMIO,
 * code pages, segment faults, the 8086's wrap inside a segment) goes to mem_slow.c. */
#ifndef GLASS86_MEM_H
#define GLASS86_MEM_H

#include <stdint.h>
#include <string.h>

#include "machine/machine.h"

/* Forget every entry (CR0.PG/WP, CR4 changes, A20, reset). */
void tlb_flush(struct machine *m);
/* A CR3 load: forget every entry but the global ones. */
void tlb_flush_nonglobal(struct machine *m);
/* INVLPG: forget the entries of one linear page, global or not. */
void tlb_flush_page(struct machine *m, uint32_t lin);
/* Make every entry that maps physical page `phys_page` slow for writes. */
void tlb_drop_writes_to(struct machine *m, uint32_t phys_page);

/* Slow paths (mmu/mem_slow.c). */
uint32_t mem_read_slow(struct machine *m, int sreg, uint32_t off, unsigned size);
void mem_write_slow(struct machine *m, int sreg, uint32_t off, uint32_t value, unsigned size);
uint32_t lin_read_slow(struct machine *m, uint32_t lin, unsigned size);
void lin_write_slow(struct machine *m, uint32_t lin, uint32_t value, unsigned size);
/* Linear accesses with an explicit privilege (`user` = 0 for system-table accesses). */
uint32_t lin_read_as(struct machine *m, uint32_t lin, unsigned size, unsigned user);
void lin_write_as(struct machine *m, uint32_t lin, uint32_t value, unsigned size, unsigned user);
/* Linear to physical for an instruction fetch; raises the fault a fetch would raise. */
uint32_t mmu_translate_fetch(struct machine *m, uint32_t lin);
/* Linear to physical for the debugger: no fault, no A/D bits. Returns 0 when unmapped. */
int mmu_translate_debug(struct machine *m, uint32_t lin, uint32_t *phys);

static inline uint32_t load_le(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    memcpy(&v, p, size); /* little-endian host, checked in machine.c */
    return v;
}
static inline void store_le(uint8_t *p, uint32_t v, unsigned size) { memcpy(p, &v, size); }

/* Linear accesses at the current privilege. */
static inline uint32_t lin_read(struct machine *m, uint32_t lin, unsigned size)
{
    struct tlb_entry *e = &m->tlb.e[m->cpu.user][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->read_tag == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0x1000 - size)
        return load_le(e->host + (lin & 0xFFF), size);
    return lin_read_slow(m, lin, size);
}
static inline void lin_write(struct machine *m, uint32_t lin, uint32_t value, unsigned size)
{
    struct tlb_entry *e = &m->tlb.e[m->cpu.user][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->write_tag == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0x1000 - size) {
        store_le(e->host + (lin & 0xFFF), value, size);
        return;
    }
    lin_write_slow(m, lin, value, size);
}

static inline bool seg_offset_ok(const struct segment *s, uint32_t off, unsigned size)
{
    return off >= s->lo && (uint64_t)off + (size - 1) <= s->hi;
}

static inline uint32_t mem_read(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (__builtin_expect(seg_offset_ok(s, off, size) && s->readable, 1))
        return lin_read(m, s->base + off, size);
    return mem_read_slow(m, sreg, off, size);
}
static inline void mem_write(struct machine *m, int sreg, uint32_t off, uint32_t value, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (__builtin_expect(seg_offset_ok(s, off, size) && s->writable, 1)) {
        lin_write(m, s->base + off, value, size);
        return;
    }
    mem_write_slow(m, sreg, off, value, size);
}

static inline uint8_t mem_read8(struct machine *m, int sreg, uint32_t off) { return (uint8_t)mem_read(m, sreg, off, 1); }
static inline uint16_t mem_read16(struct machine *m, int sreg, uint32_t off) { return (uint16_t)mem_read(m, sreg, off, 2); }
static inline uint32_t mem_read32(struct machine *m, int sreg, uint32_t off) { return mem_read(m, sreg, off, 4); }
static inline void mem_write8(struct machine *m, int sreg, uint32_t off, uint8_t v) { mem_write(m, sreg, off, v, 1); }
static inline void mem_write16(struct machine *m, int sreg, uint32_t off, uint16_t v) { mem_write(m, sreg, off, v, 2); }
static inline void mem_write32(struct machine *m, int sreg, uint32_t off, uint32_t v) { mem_write(m, sreg, off, v, 4); }

/* Check that a write of `size` bytes at sreg:off would succeed, without writing; used by
 * instructions that must not change anything when a later part of them faults. */
void mem_check_write(struct machine *m, int sreg, uint32_t off, unsigned size);

#endif
