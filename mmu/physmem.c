/* The physical address space: RAM, ROM images and MMIO windows, the A20 gate, and the
 * per-page code masks that let writes find stale decoded code (see cpu/dcache.c). */
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "mmu/mem.h"
#include "mmu/physmem.h"

int physmem_init(struct physmem *pm, uint32_t ram_size, uint32_t bus_mask, bool pc_layout)
{
    memset(pm, 0, sizeof *pm);
    pm->ram_size = ram_size;
    pm->pc_layout = pc_layout;
    if (pc_layout) {
        pm->legacy_rom = malloc(LEGACY_SIZE);
        if (!pm->legacy_rom)
            return -1;
        memset(pm->legacy_rom, 0xFF, LEGACY_SIZE); /* an empty socket reads all ones */
    }
    pm->bus_mask = bus_mask;
    pm->a20_mask = 0xFFFFFFFFu;
    pm->page_count = (ram_size + 0xFFF) >> 12;
    pm->ram = calloc(1, ram_size ? ram_size : 1);
    pm->code_lines = calloc(pm->page_count + 1, sizeof *pm->code_lines);
    pm->page_gen = calloc(pm->page_count + 1, sizeof *pm->page_gen);
    if (!pm->ram || !pm->code_lines || !pm->page_gen) {
        physmem_free(pm);
        return -1;
    }
    return 0;
}

void physmem_free(struct physmem *pm)
{
    free(pm->legacy_rom);
    free(pm->ram);
    free(pm->code_lines);
    free(pm->page_gen);
    for (int k = 0; k < pm->region_count; k++)
        if (pm->regions[k].owned)
            free(pm->regions[k].host);
    memset(pm, 0, sizeof *pm);
}

static bool in_legacy_hole(const struct physmem *pm, uint32_t phys)
{
    return pm->pc_layout && phys >= 0xA0000 && phys < 0x100000;
}

static bool overlaps(const struct physmem *pm, uint32_t base, uint32_t size)
{
    uint64_t end = (uint64_t)base + size;
    /* Regions may sit in the VGA window of the legacy hole, or above RAM. */
    bool in_vga_window = pm->pc_layout && base >= 0xA0000 && end <= 0xC0000;
    if (base < pm->ram_size && !in_vga_window)
        return true;
    for (int k = 0; k < pm->region_count; k++) {
        const struct mem_region *r = &pm->regions[k];
        if (base < (uint64_t)r->base + r->size && r->base < end)
            return true;
    }
    return false;
}

int physmem_map_rom(struct physmem *pm, uint32_t base, const uint8_t *data, uint32_t size,
                    const char *name)
{
    if (pm->region_count == PHYSMEM_MAX_REGIONS || size == 0 || overlaps(pm, base, size))
        return -1;
    uint8_t *copy = malloc(size);
    if (!copy)
        return -1;
    memcpy(copy, data, size);
    pm->regions[pm->region_count++] = (struct mem_region){
        .base = base, .size = size, .host = copy, .read_only = true, .owned = true, .name = name,
    };
    return 0;
}

int physmem_map_host(struct physmem *pm, uint32_t base, uint32_t size, uint8_t *host,
                     const char *name)
{
    if (pm->region_count == PHYSMEM_MAX_REGIONS || size == 0 || overlaps(pm, base, size))
        return -1;
    pm->regions[pm->region_count++] = (struct mem_region){
        .base = base, .size = size, .host = host, .name = name,
    };
    return 0;
}

int physmem_map_mmio(struct physmem *pm, uint32_t base, uint32_t size, mmio_read_fn rd,
                     mmio_write_fn wr, void *opaque, const char *name)
{
    if (pm->region_count == PHYSMEM_MAX_REGIONS || size == 0 || overlaps(pm, base, size))
        return -1;
    pm->regions[pm->region_count++] = (struct mem_region){
        .base = base, .size = size, .read = rd, .write = wr, .opaque = opaque, .name = name,
    };
    return 0;
}

int physmem_load_legacy_rom(struct physmem *pm, uint32_t base, const uint8_t *data, uint32_t size)
{
    if (!pm->legacy_rom || base < LEGACY_BASE || (uint64_t)base + size > LEGACY_BASE + LEGACY_SIZE)
        return -1;
    memcpy(pm->legacy_rom + (base - LEGACY_BASE), data, size);
    return 0;
}

void physmem_set_legacy_mode(struct physmem *pm, unsigned chunk, uint8_t mode)
{
    if (chunk < LEGACY_CHUNKS)
        pm->legacy_mode[chunk] = mode;
}

void physmem_unmap(struct physmem *pm, uint32_t base)
{
    for (int k = 0; k < pm->region_count; k++) {
        if (pm->regions[k].base == base) {
            if (pm->regions[k].owned)
                free(pm->regions[k].host);
            pm->regions[k] = pm->regions[--pm->region_count];
            return;
        }
    }
}

static struct mem_region *region_of(struct physmem *pm, uint32_t phys)
{
    for (int k = 0; k < pm->region_count; k++) {
        struct mem_region *r = &pm->regions[k];
        if (phys - r->base < r->size)
            return r;
    }
    return NULL;
}

uint8_t *physmem_host(struct physmem *pm, uint32_t phys, bool *writable)
{
    if (phys < pm->ram_size && !in_legacy_hole(pm, phys)) {
        *writable = true;
        return pm->ram + phys;
    }
    if (in_legacy_hole(pm, phys) && phys >= LEGACY_BASE) {
        uint8_t mode = pm->legacy_mode[(phys - LEGACY_BASE) >> 14];
        if (mode & LEGACY_READ_RAM) {
            *writable = (mode & LEGACY_WRITE_RAM) != 0;
            return pm->ram + phys;
        }
        *writable = false;
        return pm->legacy_rom + (phys - LEGACY_BASE);
    }
    struct mem_region *r = region_of(pm, phys);
    if (r && r->host) {
        *writable = !r->read_only;
        return r->host + (phys - r->base);
    }
    *writable = false;
    return NULL;
}

/* A write to RAM page `page` covering bytes [off, off+n): drop decoded code it touches. */
static inline void note_ram_write(struct machine *m, uint32_t phys, unsigned n)
{
    struct physmem *pm = &m->mem;
    uint32_t page = phys >> 12;
    uint32_t lines = pm->code_lines[page];
    if (!lines)
        return;
    unsigned first = (phys & 0xFFF) >> 7, last = ((phys & 0xFFF) + n - 1) >> 7;
    if (last > 31)
        last = 31;
    uint32_t touched = (uint32_t)(((2ull << last) - 1) & ~((1ull << first) - 1));
    if (lines & touched)
        dcache_invalidate_page(m, page);
}

uint32_t phys_read(struct machine *m, uint32_t phys, unsigned size)
{
    struct physmem *pm = &m->mem;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        uint32_t a = (phys + k) & pm->a20_mask & pm->bus_mask;
        uint32_t byte;
        bool w;
        if (a < pm->ram_size && !in_legacy_hole(pm, a)) {
            byte = pm->ram[a];
        } else if (in_legacy_hole(pm, a) && a >= LEGACY_BASE) {
            byte = *physmem_host(pm, a, &w);
        } else {
            struct mem_region *r = region_of(pm, a);
            if (r && r->host)
                byte = r->host[a - r->base];
            else if (r && r->read)
                byte = r->read(r->opaque, a - r->base, 1) & 0xFF;
            else
                byte = 0xFF;
        }
        v |= byte << (8 * k);
    }
    return v;
}

void phys_write(struct machine *m, uint32_t phys, uint32_t value, unsigned size)
{
    struct physmem *pm = &m->mem;
    for (unsigned k = 0; k < size; k++) {
        uint32_t a = (phys + k) & pm->a20_mask & pm->bus_mask;
        uint8_t byte = (uint8_t)(value >> (8 * k));
        if (a < pm->ram_size && !in_legacy_hole(pm, a)) {
            pm->ram[a] = byte;
            note_ram_write(m, a, 1);
        } else if (in_legacy_hole(pm, a) && a >= LEGACY_BASE) {
            if ((pm->legacy_mode[(a - LEGACY_BASE) >> 14] & LEGACY_WRITE_RAM) && a < pm->ram_size) {
                pm->ram[a] = byte;
                note_ram_write(m, a, 1);
            }
        } else {
            struct mem_region *r = region_of(pm, a);
            if (r && r->host && !r->read_only)
                r->host[a - r->base] = byte;
            else if (r && r->write)
                r->write(r->opaque, a - r->base, byte, 1);
            /* ROM and unmapped addresses ignore writes, as on a real bus. */
        }
    }
}

void phys_write_bytes(struct machine *m, uint32_t phys, const void *src, size_t n)
{
    const uint8_t *s = src;
    struct physmem *pm = &m->mem;
    /* Bulk copies into RAM go page by page so the code-page check stays cheap. */
    while (n) {
        uint32_t a = phys & pm->a20_mask & pm->bus_mask;
        size_t chunk = 0x1000 - (a & 0xFFF);
        if (chunk > n)
            chunk = n;
        if (a < pm->ram_size && (uint64_t)a + chunk <= pm->ram_size && !in_legacy_hole(pm, a)) {
            memcpy(pm->ram + a, s, chunk);
            note_ram_write(m, a, (unsigned)chunk);
        } else {
            for (size_t k = 0; k < chunk; k++)
                phys_write(m, phys + (uint32_t)k, s[k], 1);
        }
        phys += (uint32_t)chunk;
        s += chunk;
        n -= chunk;
    }
}

void phys_read_bytes(struct machine *m, uint32_t phys, void *dst, size_t n)
{
    uint8_t *d = dst;
    for (size_t k = 0; k < n; k++)
        d[k] = (uint8_t)phys_read(m, phys + (uint32_t)k, 1);
}
