/* Stray-write detection (see ramguard.h). RAM is all zeroes between tests, so within a
 * page any non-zero byte that the test's lists do not mention was written by the test.
 * Which pages to look at comes from the TLB (mmu/tlb.h): every data access of the run
 * went through an entry, and a valid tag is page-aligned while TLB_INVALID is not. */
#include "ramguard.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static bool push_page(uint32_t **pages, size_t *cap, size_t *n, uint32_t page)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        uint32_t *p = realloc(*pages, ncap * sizeof *p);
        if (!p)
            return false;
        *pages = p;
        *cap = ncap;
    }
    (*pages)[(*n)++] = page;
    return true;
}

long ramguard_scan(struct machine *m, const struct expectation *e, uint32_t **pages,
                   size_t *cap, struct ramguard_hit *hits, size_t max)
{
    const uint8_t *ram = m->mem.ram;
    uint32_t ram_size = m->mem.ram_size;
    uint32_t page_count = ram_size >> 12;
    size_t n = 0;
    /* Every entry of every privilege class, whatever shape struct tlb has. */
    const struct tlb_entry *all = (const struct tlb_entry *)&m->tlb.e;
    size_t entries = sizeof m->tlb.e / sizeof *all;
    for (size_t k = 0; k < entries; k++) {
        const struct tlb_entry *t = &all[k];
        if ((t->read_tag & ~PAGE_MASK) != 0 && (t->write_tag & ~PAGE_MASK) != 0)
            continue;
        uintptr_t h = (uintptr_t)t->host, base = (uintptr_t)ram;
        if (h < base || (h - base) >> 12 >= page_count)
            continue; /* ROM or not RAM at all */
        if (!push_page(pages, cap, &n, (uint32_t)((h - base) >> 12)))
            return -1;
    }
    for (size_t i = 0; i < e->ram_count; i++)
        if ((e->ram[i].addr >> 12) < page_count && !push_page(pages, cap, &n, e->ram[i].addr >> 12))
            return -1;
    qsort(*pages, n, sizeof **pages, cmp_u32);

    long found = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (*pages)[i] == (*pages)[i - 1])
            continue;
        uint32_t base = (*pages)[i] << 12;
        for (uint32_t off = 0; off < 4096; off += 64) {
            /* Almost every block is all zeroes: test 64 bytes at once (vectorises). */
            uint64_t acc = 0;
            for (int w = 0; w < 8; w++) {
                uint64_t v;
                memcpy(&v, ram + base + off + 8 * w, 8);
                acc |= v;
            }
            if (!acc)
                continue;
            for (uint32_t b = 0; b < 64; b++) {
                uint32_t addr = base + off + b;
                uint8_t v = ram[addr];
                if (!v || expect_find(e, addr))
                    continue;
                if ((size_t)found < max)
                    hits[found++] = (struct ramguard_hit){addr, v};
                phys_write8(m, addr, 0);
            }
        }
    }
    return found;
}
