/* What the chipset and disk tests share: a PC-layout P6 machine with the i440FX, the
 * PIIX3 and its IDE controller but no CPU running, an interrupt controller stand-in that
 * records the ISA IRQ levels, virtual time moved by hand, PCI configuration access
 * through ports 0xCF8/0xCFC, and temporary image files with known contents. */
#ifndef GLASS86_CHIPSET_FIXTURE_H
#define GLASS86_CHIPSET_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "machine/machine.h"

struct ide_controller;
struct piix3;
struct i440fx;

#define FIX_MAX_FILES 16

struct chipset_fixture {
    struct machine *m;
    struct i440fx *host;
    struct piix3 *isa;
    struct ide_controller *ide;
    bool irq[16];          /* ISA IRQ levels as the devices drive them */
    unsigned rises[16];    /* low-to-high transitions seen */
    char dir[64];          /* a temporary directory for images */
    char *files[FIX_MAX_FILES];
    int file_count;
};

/* The machine with host bridge, PIIX3 (both functions) and IDE controller. */
struct chipset_fixture *fix_create(uint32_t ram_bytes);
void fix_destroy(struct chipset_fixture *f);

/* Move virtual time forward by ns and fire what is due. */
void fix_advance(struct chipset_fixture *f, uint64_t ns);
/* Fire timers until none is armed (a drive is then idle or waiting for the host). */
void fix_settle(struct chipset_fixture *f);

/* PCI configuration mechanism #1, as a guest does it. */
uint32_t fix_pci_read(struct chipset_fixture *f, unsigned dev, unsigned fn, unsigned reg,
                      unsigned size);
void fix_pci_write(struct chipset_fixture *f, unsigned dev, unsigned fn, unsigned reg,
                   uint32_t value, unsigned size);

/* Map the bus-master registers at `port` and enable I/O decoding and bus mastering. */
void fix_enable_busmaster(struct chipset_fixture *f, uint16_t port);

/* A new file `name` in the temporary directory with `size` bytes; byte k is
 * fix_pattern(k, sector_size). Returns its path (freed by fix_destroy). */
const char *fix_make_image(struct chipset_fixture *f, const char *name, uint64_t size,
                           unsigned sector_size);
uint8_t fix_pattern(uint64_t offset, unsigned sector_size);
/* A sparse file of `size` zero bytes (a huge disk that costs nothing). */
const char *fix_make_sparse(struct chipset_fixture *f, const char *name, uint64_t size);
/* Bytes straight into / out of an image file, behind the emulator's back. */
void fix_file_write(const char *path, uint64_t offset, const void *data, size_t len);
void fix_file_read(const char *path, uint64_t offset, void *data, size_t len);
/* splitmix64: the same pseudo-random sequence on every host. */
static inline uint64_t fix_rand_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
/* FNV-1a 64 of a whole file, to prove it did not change. */
uint64_t fix_hash_file(const char *path);

#endif
