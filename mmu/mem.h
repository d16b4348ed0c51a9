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

/* The fast paths below are always inlined: a call would cost what they save, and a handler
 * file with hundreds of handlers would otherwise run into the compiler's limits on
 * inlining and get calls to them instead. */
#define MEM_FAST static inline __attribute__((always_inline))

MEM_FAST uint32_t load_le(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    memcpy(&v, p, size); /* little-endian host, checked in machine.c */
    return v;
}
MEM_FAST void store_le(uint8_t *p, uint32_t v, unsigned size) { memcpy(p, &v, size); }

/* The TLB entry of a linear address for the current privilege class: the entry of
 * m->tlb.e[m->cpu.user], through the pointer to the class's array the CPU keeps
 * (cpu_update_user()), which saves the fast paths a multiplication. */
MEM_FAST const struct tlb_entry *tlb_entry_of(const struct machine *m, uint32_t lin)
{
    /* (lin >> 12) * sizeof(entry), masked to the array: one shift and one mask */
    uint32_t byte = (lin >> (12 - 5)) & ((TLB_SIZE - 1) << 5);
    _Static_assert(sizeof(struct tlb_entry) == 1u << 5, "the shift above");
    return (const struct tlb_entry *)((const char *)m->cpu.tlb_cur + byte);
}

/* True when the tag of `e` allows an access of `size` bytes at `lin` on the fast path. One
 * compare also turns away an access that runs into the next page (or wraps at 4 GiB): the
 * last byte's page is never the one in `e`, since consecutive pages have consecutive
 * indexes. */
MEM_FAST bool tlb_tag_ok(uint32_t tag, uint32_t lin, unsigned size)
{
    return tag == ((lin + (size - 1)) & PAGE_MASK);
}

/* Linear accesses at the current privilege. */
static inline uint32_t lin_read(struct machine *m, uint32_t lin, unsigned size)
{
    const struct tlb_entry *e = tlb_entry_of(m, lin);
    if (__builtin_expect(tlb_tag_ok(e->read_tag, lin, size), 1))
        return load_le((const uint8_t *)(e->addend + lin), size);
    return lin_read_slow(m, lin, size);
}
static inline void lin_write(struct machine *m, uint32_t lin, uint32_t value, unsigned size)
{
    const struct tlb_entry *e = tlb_entry_of(m, lin);
    if (__builtin_expect(tlb_tag_ok(e->write_tag, lin, size), 1)) {
        store_le((uint8_t *)(e->addend + lin), value, size);
        return;
    }
    lin_write_slow(m, lin, value, size);
}

static inline bool seg_offset_ok(const struct segment *s, uint32_t off, unsigned size)
{
    return off >= s->lo && (uint64_t)off + (size - 1) <= s->hi;
}

/* The fast path's segment check: the offset range and the right in one compare against the
 * segment's read_span or write_span (its last offset, or -1 to let nothing through). */
MEM_FAST bool seg_span_ok(uint32_t off, unsigned size, int64_t span)
{
    return (int64_t)off + (size - 1) <= span;
}

/* Calling mem_read_slow() and mem_write_slow() from the fast paths. An ordinary call
 * clobbers the caller-saved registers, so every handler that reads or writes memory would
 * save registers in a prologue and restore them in an epilogue, on its fast path too
 * (GCC cannot wrap them around the rare call alone). In the emulator core, built with
 * -mno-red-zone (GLASS86_SLOW_THUNKS, see CMakeLists.txt), the call goes through a
 * thunk in mmu/mem_slow.c instead that saves and restores every caller-saved integer
 * register itself: the asm statement below tells the compiler that only the result
 * register, the flags, memory and the vector and x87 registers change, so the handler
 * needs no frame. The red zone must be off because the call pushes its return address
 * below the stack pointer, where a leaf function could keep data. Elsewhere, and on
 * other hosts, these are plain calls. */
#if defined(__x86_64__) && defined(GLASS86_SLOW_THUNKS)
#define SLOW_THUNK_CLOBBERS "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", \
    "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", \
    "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"
MEM_FAST uint32_t mem_read_slow_call(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    register struct machine *a0 __asm__("rdi") = m;
    register int a1 __asm__("esi") = sreg;
    register uint32_t a2 __asm__("edx") = off;
    register unsigned a3 __asm__("ecx") = size;
    uint32_t v;
    __asm__ volatile("call glass86_mem_read_slow_thunk"
                     : "=a"(v) : "r"(a0), "r"(a1), "r"(a2), "r"(a3) : SLOW_THUNK_CLOBBERS);
    return v;
}
MEM_FAST void mem_write_slow_call(struct machine *m, int sreg, uint32_t off, uint32_t value,
                                  unsigned size)
{
    register struct machine *a0 __asm__("rdi") = m;
    register int a1 __asm__("esi") = sreg;
    register uint32_t a2 __asm__("edx") = off;
    register uint32_t a3 __asm__("ecx") = value;
    register unsigned a4 __asm__("r8") = size;
    __asm__ volatile("call glass86_mem_write_slow_thunk"
                     : : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(a4) : "rax", SLOW_THUNK_CLOBBERS);
}
#undef SLOW_THUNK_CLOBBERS
#else
MEM_FAST uint32_t mem_read_slow_call(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    return mem_read_slow(m, sreg, off, size);
}
MEM_FAST void mem_write_slow_call(struct machine *m, int sreg, uint32_t off, uint32_t value,
                                  unsigned size)
{
    mem_write_slow(m, sreg, off, value, size);
}
#endif

/* Reads and writes at sreg:off. Whatever the fast path turns away, the slow path checks
 * again from the start and raises the fault, so both give up into the same call. */
MEM_FAST uint32_t mem_read(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (__builtin_expect(seg_span_ok(off, size, s->read_span), 1)) {
        uint32_t lin = s->base + off;
        const struct tlb_entry *e = tlb_entry_of(m, lin);
        if (__builtin_expect(tlb_tag_ok(e->read_tag, lin, size), 1))
            return load_le((const uint8_t *)(e->addend + lin), size);
    }
    return mem_read_slow_call(m, sreg, off, size);
}
MEM_FAST void mem_write(struct machine *m, int sreg, uint32_t off, uint32_t value, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (__builtin_expect(seg_span_ok(off, size, s->write_span), 1)) {
        uint32_t lin = s->base + off;
        const struct tlb_entry *e = tlb_entry_of(m, lin);
        if (__builtin_expect(tlb_tag_ok(e->write_tag, lin, size), 1)) {
            store_le((uint8_t *)(e->addend + lin), value, size);
            return;
        }
    }
    mem_write_slow_call(m, sreg, off, value, size);
}

/* An operand that is read and then written back (ALU operations, INC, DEC, NOT, NEG on
 * memory): its host address when the fast path allows both accesses, else NULL, and the
 * caller reads and writes through mem_read() and mem_write(), which check (and fault)
 * each in turn. A segment that may be written may be read; a page may be writable on the
 * fast path but not readable (a read watchpoint), so both tags are compared. */
MEM_FAST uint8_t *mem_rmw_host(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (__builtin_expect(seg_span_ok(off, size, s->write_span), 1)) {
        uint32_t lin = s->base + off;
        const struct tlb_entry *e = tlb_entry_of(m, lin);
        if (__builtin_expect(tlb_tag_ok(e->write_tag, lin, size) && e->read_tag == e->write_tag, 1))
            return (uint8_t *)(e->addend + lin);
    }
    return NULL;
}

MEM_FAST uint8_t mem_read8(struct machine *m, int sreg, uint32_t off) { return (uint8_t)mem_read(m, sreg, off, 1); }
MEM_FAST uint16_t mem_read16(struct machine *m, int sreg, uint32_t off) { return (uint16_t)mem_read(m, sreg, off, 2); }
MEM_FAST uint32_t mem_read32(struct machine *m, int sreg, uint32_t off) { return mem_read(m, sreg, off, 4); }
MEM_FAST void mem_write8(struct machine *m, int sreg, uint32_t off, uint8_t v) { mem_write(m, sreg, off, v, 1); }
MEM_FAST void mem_write16(struct machine *m, int sreg, uint32_t off, uint16_t v) { mem_write(m, sreg, off, v, 2); }
MEM_FAST void mem_write32(struct machine *m, int sreg, uint32_t off, uint32_t v) { mem_write(m, sreg, off, v, 4); }

/* Check that a write of `size` bytes at sreg:off would succeed, without writing; used by
 * instructions that must not change anything when a later part of them faults. */
void mem_check_write(struct machine *m, int sreg, uint32_t off, unsigned size);

#endif
