/* The PCI bus (see pci.h): configuration mechanism #1, BAR mapping and INTx wiring. PCI
 * Local Bus Specification 2.1: 3.7.4.1 (configuration mechanism #1), 6.2.5 (base address
 * registers), 6.2.4 (interrupt pin/line); the PIRQ swizzle is the i440FX/PIIX3 board
 * wiring every PC emulator and firmware (SeaBIOS, the Bochs BIOS) assumes. */
#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"
#include "machine/machine.h"
#include "mmu/mem.h"

#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEM 0x2
#define PCI_BAR0 0x10
#define PCI_ROM_BAR 0x30
#define PCI_INTERRUPT_PIN 0x3D

static struct pci_function *addressed(struct pci_bus *bus, unsigned *reg)
{
    uint32_t a = bus->config_address;
    if (!(a & 0x80000000u) || ((a >> 16) & 0xFF) != 0)
        return NULL; /* configuration disabled, or a bus behind a bridge we do not have */
    *reg = a & 0xFC;
    return bus->fn[(a >> 8) & 0xFF];
}

/* 0xCF9, a byte-wide register inside the dword at 0xCF8, is the PIIX3's reset control
 * (82371SB datasheet, 4.1.12): setting RST_CPU (bit 2) resets the system. */
#define PCI_RESET_CONTROL 0xCF9

static uint32_t config_read(void *opaque, uint16_t port, unsigned size)
{
    struct pci_bus *bus = opaque;
    if (port == PCI_RESET_CONTROL && size == 1)
        return bus->reset_control;
    if (port < 0xCFC) {
        /* 0xCF8 is only the address register when read as a dword. */
        return size == 4 ? bus->config_address : 0xFFFFFFFFu;
    }
    unsigned reg;
    struct pci_function *f = addressed(bus, &reg);
    unsigned off = reg + (port & 3);
    if (!f)
        return 0xFFFFFFFFu; /* no device: master abort, all ones */
    uint32_t v = 0;
    for (unsigned k = 0; k < size && off + k < 256; k++)
        v |= (uint32_t)f->config[off + k] << (8 * k);
    return v;
}

static void config_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct pci_bus *bus = opaque;
    if (port == PCI_RESET_CONTROL && size == 1) {
        bool reset = (value & 0x4) && !(bus->reset_control & 0x4);
        bus->reset_control = (uint8_t)(value & 0x0A);
        if (reset)
            machine_request_reset(bus->m);
        return;
    }
    if (port < 0xCFC) {
        if (size == 4)
            bus->config_address = value & 0x80FFFFFCu;
        return;
    }
    unsigned reg;
    struct pci_function *f = addressed(bus, &reg);
    if (!f)
        return;
    unsigned off = reg + (port & 3);
    for (unsigned k = 0; k < size && off + k < 256; k++) {
        uint8_t mask = f->wmask[off + k];
        f->config[off + k] = (uint8_t)((f->config[off + k] & ~mask) | ((value >> (8 * k)) & mask));
    }
    if (off <= PCI_COMMAND + 1 || (off + size > PCI_BAR0 && off < PCI_BAR0 + 24) ||
        (off + size > PCI_ROM_BAR && off < PCI_ROM_BAR + 4))
        pci_update_mappings(bus, f);
    if (f->config_written)
        f->config_written(f, off, size);
}

struct pci_bus *pci_bus_create(struct machine *m)
{
    struct pci_bus *bus = calloc(1, sizeof *bus);
    if (!bus)
        return NULL;
    bus->m = m;
    if (iobus_register(&m->io, 0xCF8, 8, config_read, config_write, bus,
                       IO_SIZE_8 | IO_SIZE_16 | IO_SIZE_32, "pci-config") != 0) {
        free(bus);
        return NULL;
    }
    return bus;
}

void pci_function_init(struct pci_function *f, const char *name, uint16_t vendor, uint16_t device,
                       uint8_t revision, uint32_t class_code)
{
    /* Everything but the owner's hooks starts clear: BARs, ROM, the INTx level. */
    memset(f->config, 0, sizeof f->config);
    memset(f->wmask, 0, sizeof f->wmask);
    memset(f->bar, 0, sizeof f->bar);
    memset(&f->rom, 0, sizeof f->rom);
    f->intx = false;
    f->name = name;
    pci_set16(f, 0x00, vendor);
    pci_set16(f, 0x02, device);
    f->config[0x08] = revision;
    f->config[0x09] = (uint8_t)class_code;          /* programming interface */
    f->config[0x0A] = (uint8_t)(class_code >> 8);   /* subclass */
    f->config[0x0B] = (uint8_t)(class_code >> 16);  /* base class */
    /* Command: I/O, memory, bus master, SERR, parity enables are the writable bits. */
    f->wmask[PCI_COMMAND] = 0x47;
    f->wmask[PCI_COMMAND + 1] = 0x01;
    f->wmask[0x0C] = 0xFF; /* cache line size */
    f->wmask[0x0D] = 0xFF; /* latency timer */
    f->wmask[0x3C] = 0xFF; /* interrupt line: a scratch byte for the OS */
}

int pci_register(struct pci_bus *bus, struct pci_function *f, unsigned device, unsigned function)
{
    unsigned devfn = (device << 3) | function;
    if (device > 31 || function > 7 || bus->fn[devfn])
        return -1;
    f->devfn = (uint8_t)devfn;
    f->m = bus->m;
    bus->fn[devfn] = f;
    /* A multi-function device says so in function 0's header type. */
    if (function > 0 && bus->fn[device << 3])
        bus->fn[device << 3]->config[0x0E] |= 0x80;
    return 0;
}

static void set_bar_wmask(struct pci_function *f, unsigned off, uint32_t mask)
{
    for (unsigned k = 0; k < 4; k++)
        f->wmask[off + k] = (uint8_t)(mask >> (8 * k));
}

void pci_set_bar_io(struct pci_function *f, unsigned index, uint32_t size, io_read_fn rd,
                    io_write_fn wr, uint8_t sizes, void *opaque)
{
    struct pci_bar *b = &f->bar[index];
    *b = (struct pci_bar){ .size = size, .io = true, .io_read = rd, .io_write = wr,
                           .io_sizes = sizes, .opaque = opaque };
    pci_set32(f, PCI_BAR0 + 4 * index, 0x1);
    set_bar_wmask(f, PCI_BAR0 + 4 * index, ~(size - 1) & 0xFFFFFFFCu); /* as QEMU: SeaBIOS sizes all 32 bits */
}

void pci_set_bar_mem(struct pci_function *f, unsigned index, uint32_t size, uint8_t *host,
                     mmio_read_fn rd, mmio_write_fn wr, void *opaque)
{
    struct pci_bar *b = &f->bar[index];
    *b = (struct pci_bar){ .size = size, .host = host, .mmio_read = rd, .mmio_write = wr,
                           .opaque = opaque };
    /* A host-memory BAR behaves like memory: say it is prefetchable. */
    pci_set32(f, PCI_BAR0 + 4 * index, host ? 0x8 : 0x0);
    set_bar_wmask(f, PCI_BAR0 + 4 * index, ~(size - 1) & 0xFFFFFFF0u);
}

void pci_set_rom(struct pci_function *f, uint8_t *rom, uint32_t size)
{
    uint32_t pow2 = 2048;
    while (pow2 < size)
        pow2 <<= 1;
    f->rom = (struct pci_bar){ .size = pow2, .host = rom, .image_size = size };
    set_bar_wmask(f, PCI_ROM_BAR, (~(pow2 - 1) & 0xFFFFF800u) | 1u);
}

static void unmap_bar(struct machine *m, struct pci_bar *b)
{
    if (!b->mapped)
        return;
    if (b->io)
        iobus_unmap(&m->io, (uint16_t)b->mapped_base, (uint16_t)b->size);
    else
        physmem_unmap(&m->mem, b->mapped_base);
    b->mapped = false;
}

static void map_bar(struct machine *m, struct pci_function *f, struct pci_bar *b, uint32_t base,
                    bool rom)
{
    int r;
    if (b->io) {
        if ((uint64_t)base + b->size > 0x10000)
            return;
        r = iobus_register(&m->io, (uint16_t)base, (uint16_t)b->size, b->io_read, b->io_write,
                           b->opaque, b->io_sizes, f->name);
    } else if (b->host && rom) {
        /* The BAR decodes a power of two; past the image it reads as an empty socket. */
        uint8_t *padded = malloc(b->size);
        if (!padded)
            return;
        memset(padded, 0xFF, b->size);
        memcpy(padded, b->host, b->image_size);
        r = physmem_map_rom(&m->mem, base, padded, b->size, f->name);
        free(padded); /* physmem_map_rom() keeps its own copy */
    } else if (b->host) {
        r = physmem_map_host(&m->mem, base, b->size, b->host, f->name);
    } else {
        r = physmem_map_mmio(&m->mem, base, b->size, b->mmio_read, b->mmio_write, b->opaque,
                             f->name);
    }
    if (r == 0) {
        b->mapped = true;
        b->mapped_base = base;
    } else {
        machine_log(m, "pci: %s: cannot map BAR at 0x%08x (size 0x%x): the range is taken",
                    f->name, base, b->size);
    }
}

static void update_bar(struct machine *m, struct pci_function *f, struct pci_bar *b, uint32_t reg,
                       bool enabled, bool rom)
{
    uint32_t base = reg & ~(b->size - 1) & (b->io ? 0xFFFCu : 0xFFFFFFF0u);
    bool want = enabled && base != 0 && base != (~(b->size - 1) & (b->io ? 0xFFFCu : 0xFFFFFFF0u));
    if (b->mapped && (!want || b->mapped_base != base))
        unmap_bar(m, b);
    if (want && !b->mapped)
        map_bar(m, f, b, base, rom);
}

void pci_update_mappings(struct pci_bus *bus, struct pci_function *f)
{
    struct machine *m = bus->m;
    uint16_t cmd = pci_get16(f, PCI_COMMAND);
    for (unsigned k = 0; k < 6; k++) {
        struct pci_bar *b = &f->bar[k];
        if (b->size)
            update_bar(m, f, b, pci_get32(f, PCI_BAR0 + 4 * k),
                       (cmd & (b->io ? PCI_COMMAND_IO : PCI_COMMAND_MEM)) != 0, false);
    }
    if (f->rom.size) {
        uint32_t reg = pci_get32(f, PCI_ROM_BAR);
        update_bar(m, f, &f->rom, reg & ~1u, (cmd & PCI_COMMAND_MEM) && (reg & 1), true);
    }
    /* Host pointers behind linear pages may have changed. */
    tlb_flush(m);
}

void pci_set_irq(struct pci_bus *bus, struct pci_function *f, bool level)
{
    unsigned pin = f->config[PCI_INTERRUPT_PIN];
    if (pin == 0 || pin > 4 || f->intx == level)
        return;
    f->intx = level;
    unsigned pirq = ((f->devfn >> 3) + pin - 1) & 3;
    bool before = bus->pirq_count[pirq] != 0;
    bus->pirq_count[pirq] = (uint8_t)(bus->pirq_count[pirq] + (level ? 1 : -1));
    bool after = bus->pirq_count[pirq] != 0;
    if (before != after && bus->route_pirq)
        bus->route_pirq(bus->route_opaque, pirq, after);
}
