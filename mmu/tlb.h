/* The TLB: a small direct-mapped cache from linear page to host page, with the access
 * kinds allowed on the fast path encoded in its tags (the "slow bit" idea of halfix's
 * mmu.c). Without paging it caches the identity map with the A20 mask applied. */
#ifndef GLASS86_TLB_H
#define GLASS86_TLB_H

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
    uint8_t *host;      /* host address of the start of the page */
    uint32_t phys_page;
};

struct tlb {
    struct tlb_entry e[TLB_SIZE];
};

#endif
