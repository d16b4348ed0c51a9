/* The TLB: a small direct-mapped cache from linear page to host page, with the access
 * kinds allowed on the fast path encoded in its tags (the "slow bit" idea of halfix's
 * mmu.c). Without paging it caches the identity map with the A20 mask applied. */
#ifndef GLASS86_TLB_H
#define GLASS86_TLB_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define PAGE_MASK 0xFFFFF000u
#define TLB_INVALID 1u /* never equal to a page-aligned tag */

/* One direct-mapped TLB entry. A tag matches only when the access is allowed on the fast
 * path, so "slow" pages (MMIO, ROM writes, code pages for writes, watchpoints) simply
 * keep an invalid tag for that kind of access. */
struct tlb_entry {
    uint32_t read_tag;
    uint32_t write_tag;
    uintptr_t addend;   /* host address of linear address `lin` in the page: addend + lin */
    uint8_t *host;      /* host address of the start of the page */
    uint32_t phys_page;
    bool global;        /* survives a CR3 reload (PTE.G with CR4.PGE) */
};
_Static_assert(sizeof(struct tlb_entry) == 32, "a TLB entry is found with a shift");

/* One array for supervisor accesses (CPL 0-2 and system tables) and one for user accesses
 * (CPL 3), so a privilege change costs nothing and U/S checks live in the tags. A third
 * array is never filled: user code running with alignment checks on uses it, so all its
 * accesses take the slow path, where the alignment is checked. */
struct tlb {
    struct tlb_entry e[3][TLB_SIZE];
};

#endif
