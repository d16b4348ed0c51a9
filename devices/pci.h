/* The PCI bus: configuration space through configuration mechanism #1 (ports 0xCF8/0xCFC,
 * PCI Local Bus Specification 2.1, 3.7.4.1), base address registers mapped onto the port
 * and memory buses as the guest programs them, and INTx lines wired to PIRQA-D with the
 * usual slot swizzle and handed to the ISA bridge for routing. */
#ifndef GLASS86_PCI_H
#define GLASS86_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/iobus.h"
#include "mmu/physmem.h"

struct machine;
struct pci_function;

/* A base address register and what answers behind it. */
struct pci_bar {
    uint32_t size;            /* a power of two; 0 = not implemented */
    bool io;
    /* I/O BARs: */
    io_read_fn io_read;
    io_write_fn io_write;
    uint8_t io_sizes;
    /* Memory BARs: host bytes the guest accesses directly, or MMIO callbacks. */
    uint8_t *host;
    uint32_t image_size;      /* expansion ROM: bytes of `host` (the BAR may be larger) */
    mmio_read_fn mmio_read;
    mmio_write_fn mmio_write;
    void *opaque;
    /* Where it is mapped now (maintained by the bus). */
    bool mapped;
    uint32_t mapped_base;
};

struct pci_function {
    const char *name;
    uint8_t config[256];
    uint8_t wmask[256];       /* bits the guest may write, per config byte */
    struct pci_bar bar[6];
    struct pci_bar rom;       /* expansion ROM (offset 0x30), a read-only host memory BAR */
    uint8_t devfn;            /* device << 3 | function */
    struct machine *m;
    void *opaque;
    /* Optional: called after a guest write to config space (chipset registers). */
    void (*config_written)(struct pci_function *f, unsigned offset, unsigned size);
    bool intx;                /* INTx output level */
};

#define PCI_MAX_FUNCTIONS 256

struct pci_bus {
    struct machine *m;
    struct pci_function *fn[PCI_MAX_FUNCTIONS];
    uint32_t config_address;
    uint8_t reset_control;    /* 0xCF9 */
    uint8_t pirq_count[4];    /* devices asserting each of PIRQA-D (wired-OR) */
    /* The ISA bridge routes PIRQA-D to ISA IRQs (PIIX3 PIRQRC registers). */
    void (*route_pirq)(void *opaque, unsigned pirq, bool level);
    void *route_opaque;
};

struct pci_bus *pci_bus_create(struct machine *m);
/* Fill in the identity of a function: IDs, class code, header type 0. */
void pci_function_init(struct pci_function *f, const char *name, uint16_t vendor, uint16_t device,
                       uint8_t revision, uint32_t class_code);
int pci_register(struct pci_bus *bus, struct pci_function *f, unsigned device, unsigned function);
/* Declare BAR `index`; call before the guest can see the function. */
void pci_set_bar_io(struct pci_function *f, unsigned index, uint32_t size, io_read_fn rd,
                    io_write_fn wr, uint8_t sizes, void *opaque);
void pci_set_bar_mem(struct pci_function *f, unsigned index, uint32_t size, uint8_t *host,
                     mmio_read_fn rd, mmio_write_fn wr, void *opaque);
/* Give the function an expansion ROM of `size` bytes, which must stay valid. */
void pci_set_rom(struct pci_function *f, uint8_t *rom, uint32_t size);
/* Drive the function's INTx output (INTA..INTD by config byte 0x3D). */
void pci_set_irq(struct pci_bus *bus, struct pci_function *f, bool level);
/* Re-evaluate every BAR mapping (after reset or a config write). */
void pci_update_mappings(struct pci_bus *bus, struct pci_function *f);

static inline uint16_t pci_get16(const struct pci_function *f, unsigned off)
{
    return (uint16_t)(f->config[off] | (f->config[off + 1] << 8));
}
static inline uint32_t pci_get32(const struct pci_function *f, unsigned off)
{
    return pci_get16(f, off) | ((uint32_t)pci_get16(f, off + 2) << 16);
}
static inline void pci_set16(struct pci_function *f, unsigned off, uint16_t v)
{
    f->config[off] = (uint8_t)v;
    f->config[off + 1] = (uint8_t)(v >> 8);
}
static inline void pci_set32(struct pci_function *f, unsigned off, uint32_t v)
{
    pci_set16(f, off, (uint16_t)v);
    pci_set16(f, off + 2, (uint16_t)(v >> 16));
}

#endif
