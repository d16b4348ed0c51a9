/* Linear to physical translation (Intel SDM vol. 3A, chapter 4, 32-bit paging): the
 * two-level walk with 4 KiB and 4 MiB (PSE) pages, accessed and dirty bits, U/S and R/W
 * checks with CR0.WP, and #PF with its error code and CR2. */
#ifndef GLASS86_TRANSLATE_H
#define GLASS86_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

/* What an access is; OR-ed bits. */
enum access_kind {
    ACCESS_READ = 0,
    ACCESS_WRITE = 1,
    ACCESS_FETCH = 2,
    ACCESS_USER = 4,   /* made with user privilege (CPL 3, not a system-table access) */
};

/* Result of a page walk. */
struct translation {
    uint32_t phys;      /* physical address of the byte */
    bool user_ok;       /* the page allows user accesses */
    bool write_ok;      /* the page allows writes at the privilege of the walk */
    bool dirty;         /* the D bit is already set (writes need not come back) */
    bool global;        /* G bit with CR4.PGE */
};

/* Translate or raise the #PF the access would raise; sets A/D bits like the hardware. */
uint32_t mmu_translate(struct machine *m, uint32_t lin, unsigned kind);
/* Full walk result for the TLB refill (raises #PF like mmu_translate). */
struct translation mmu_walk(struct machine *m, uint32_t lin, unsigned kind);
/* For the debugger: no fault, no A/D bits. Returns false when not mapped. */
bool mmu_peek(struct machine *m, uint32_t lin, uint32_t *phys);

/* Privilege of ordinary data accesses at the current CPL. */
unsigned mmu_user_bit(const struct machine *m);

#endif
