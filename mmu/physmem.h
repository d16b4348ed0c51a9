/* The physical address space of a PC: RAM from address 0, ROM images, and MMIO windows
 * owned by devices, plus the A20 gate (IBM PC/AT technical reference). Every write that
 * does not come through the TLB fast path (DMA, loaders, the debugger, the slow path)
 * lands here and is checked against the decode cache's code-page masks. */
#ifndef GLASS86_PHYSMEM_H
#define GLASS86_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

typedef uint32_t (*mmio_read_fn)(void *opaque, uint32_t offset, unsigned size);
typedef void (*mmio_write_fn)(void *opaque, uint32_t offset, uint32_t value, unsigned size);

struct mem_region {
    uint32_t base, size;
    uint8_t *host;          /* RAM or ROM bytes; NULL for MMIO */
    bool read_only;
    bool owned;             /* host bytes were copied here and are freed with the region */
    mmio_read_fn read;
    mmio_write_fn write;
    void *opaque;
    const char *name;
};

#define PHYSMEM_MAX_REGIONS 32

/* The PC's legacy area 0xC0000-0xFFFFF in 16 KiB chunks: each reads from ROM or from the
 * RAM underneath and sends writes to RAM or nowhere, as the i440FX PAM registers say
 * (Intel 440FX PCIset datasheet, 3.2.18). The BIOS copies itself to RAM this way. */
#define LEGACY_BASE 0xC0000u
#define LEGACY_SIZE 0x40000u
#define LEGACY_CHUNKS 16
#define LEGACY_READ_RAM 1u
#define LEGACY_WRITE_RAM 2u

struct physmem {
    uint8_t *ram;
    uint32_t ram_size;
    uint32_t a20_mask;      /* AND-ed into every physical address */
    uint32_t bus_mask;      /* the model's address bus width */
    bool pc_layout;         /* 0xA0000-0xFFFFF is the VGA window and the ROM area, not RAM */
    uint8_t *legacy_rom;    /* LEGACY_SIZE bytes of ROM behind 0xC0000-0xFFFFF */
    uint8_t legacy_mode[LEGACY_CHUNKS];
    struct mem_region regions[PHYSMEM_MAX_REGIONS];
    int region_count;
    /* Decode-cache bookkeeping per 4 KiB page of RAM: which 128-byte lines hold decoded
     * code, and a generation number bumped when any of them is written. */
    uint32_t *code_lines;
    uint32_t *page_gen;
    uint32_t page_count;
};

int physmem_init(struct physmem *pm, uint32_t ram_size, uint32_t bus_mask, bool pc_layout);
/* Put ROM bytes behind part of 0xC0000-0xFFFFF (a system BIOS, a VGA BIOS). */
int physmem_load_legacy_rom(struct physmem *pm, uint32_t base, const uint8_t *data, uint32_t size);
/* Set how a 16 KiB chunk of the legacy area reads and writes (LEGACY_* bits). The caller
 * flushes the TLB and the decode cache. */
void physmem_set_legacy_mode(struct physmem *pm, unsigned chunk, uint8_t mode);
/* Remove the region that starts at `base` (a PCI BAR moving). */
void physmem_unmap(struct physmem *pm, uint32_t base);
void physmem_free(struct physmem *pm);
/* Map a region above RAM; the bytes are copied for ROM. Returns 0 or -1 when full/overlapping. */
int physmem_map_rom(struct physmem *pm, uint32_t base, const uint8_t *data, uint32_t size,
                    const char *name);
/* Map device memory the guest reads and writes directly (a frame buffer); not copied. */
int physmem_map_host(struct physmem *pm, uint32_t base, uint32_t size, uint8_t *host,
                     const char *name);
int physmem_map_mmio(struct physmem *pm, uint32_t base, uint32_t size, mmio_read_fn rd,
                     mmio_write_fn wr, void *opaque, const char *name);

/* Host pointer of a physical byte in RAM or ROM, or NULL (MMIO, unmapped). `writable` is
 * set to false for ROM. Used by the TLB fill and the decoder. */
uint8_t *physmem_host(struct physmem *pm, uint32_t phys, bool *writable);

/* Byte-granular physical accesses with MMIO dispatch and code-page invalidation.
 * Unmapped reads return all ones, unmapped writes are dropped (as on a real bus). */
uint32_t phys_read(struct machine *m, uint32_t phys, unsigned size);
void phys_write(struct machine *m, uint32_t phys, uint32_t value, unsigned size);
void phys_write_bytes(struct machine *m, uint32_t phys, const void *src, size_t n);
void phys_read_bytes(struct machine *m, uint32_t phys, void *dst, size_t n);

static inline uint8_t phys_read8(struct machine *m, uint32_t a) { return (uint8_t)phys_read(m, a, 1); }
static inline void phys_write8(struct machine *m, uint32_t a, uint8_t v) { phys_write(m, a, v, 1); }

#endif
