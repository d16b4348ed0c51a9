/* The VGA adapter put together: video memory, the legacy ports and memory window, the
 * Bochs VBE ports, and the PCI function QEMU's "-vga std" presents (1234:1111, class
 * 0x030000, BAR0 a prefetchable 16 MiB linear frame buffer in host memory, the VGA BIOS
 * behind the expansion ROM BAR), at device 2 as on QEMU's i440FX board. */
#include <stdlib.h>
#include <string.h>

#include "devices/vga_internal.h"
#include "machine/machine.h"
#include "mmu/mem.h"

#define VGA_WINDOW_BASE 0xA0000u
#define VGA_WINDOW_SIZE 0x20000u

/* The ports a VGA decodes (IBM VGA Technical Reference, "Register Summary"); the rest of
 * 3B0-3DF stays free for an MDA-address parallel port at 3BC. */
static const struct { uint16_t first, count; } vga_ports[] = {
    { 0x3B4, 2 }, { 0x3BA, 1 }, { 0x3C0, 16 }, { 0x3D4, 2 }, { 0x3DA, 1 },
};
#define VGA_PORT_RANGES (sizeof vga_ports / sizeof vga_ports[0])

static void unmap_ports(struct machine *m, unsigned ranges)
{
    for (unsigned k = 0; k < ranges; k++)
        iobus_unmap(&m->io, vga_ports[k].first, vga_ports[k].count);
}

static void pci_defaults(struct vga *v)
{
    struct pci_function *f = &v->fn;
    /* Revision 0: QEMU reports 2 only with its extended registers in a BAR2 we lack. */
    pci_function_init(f, "vga", 0x1234, 0x1111, 0x00, 0x030000);
    pci_set16(f, 0x2C, 0x1AF4);   /* subsystem 1AF4:1100, which QEMU gives every device */
    pci_set16(f, 0x2E, 0x1100);
    f->wmask[0x04] = 0x03;        /* I/O and memory space enables */
    f->wmask[0x05] = 0x00;
    pci_set_bar_mem(f, 0, VGA_VRAM_SIZE, v->vram, NULL, NULL, v);
    if (v->rom)
        pci_set_rom(f, v->rom, v->rom_size);
}

static void vga_reset(void *dev)
{
    struct vga *v = dev;
    vga_regs_reset(v);
    vbe_reset(v);
    if (v->bus) {
        /* Unmap the BARs while the bus still knows where they are, then start afresh. */
        v->fn.config[0x04] = 0;
        pci_update_mappings(v->bus, &v->fn);
        pci_defaults(v);
    }
    vga_mark_all(v);
}

static void vga_destroy(void *dev)
{
    struct vga *v = dev;
    if (!v)
        return;
    free(v->vram);
    free(v->rom);
    free(v->scr.fb);
    free(v->scr.line_hash);
    free(v->scr.line);
    free(v->scr.index);
    free(v);
}

static const struct device_ops vga_ops = {
    .name = "vga",
    .state_version = 1,
    .reset = vga_reset,
    .save = vga_save,
    .load = vga_load,
    .destroy = vga_destroy,
};

struct vga *vga_create(struct machine *m, struct pci_bus *bus, const uint8_t *vgabios,
                       size_t size)
{
    struct vga *v = calloc(1, sizeof *v);
    unsigned ranges = 0; /* port ranges registered so far */
    if (!v)
        return NULL;
    v->m = m;
    v->vram = calloc(1, VGA_VRAM_SIZE);
    v->scr.line = calloc(VGA_MAX_WIDTH + 64, sizeof *v->scr.line);
    v->scr.index = calloc(VGA_MAX_WIDTH + 64, 1);
    if (!v->vram || !v->scr.line || !v->scr.index)
        goto fail;
    if (vgabios && size > 0 && size <= 0x40000) {
        uint32_t bar = 2048;
        while (bar < size)
            bar <<= 1;
        v->rom = calloc(1, bar);
        if (!v->rom)
            goto fail;
        memcpy(v->rom, vgabios, size);
        v->rom_size = bar;
    }
    vga_regs_reset(v);
    vbe_reset(v);
    vga_mark_all(v);

    if (physmem_map_mmio(&m->mem, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, vga_window_read,
                         vga_window_write, v, "vga-window") != 0)
        goto fail;
    for (ranges = 0; ranges < VGA_PORT_RANGES; ranges++)
        if (iobus_register(&m->io, vga_ports[ranges].first, vga_ports[ranges].count,
                           vga_port_read, vga_port_write, v, IO_SIZE_8, "vga") != 0)
            goto fail_vga_ports;
    if (iobus_register(&m->io, VBE_DISPI_IOPORT_INDEX, 3, vbe_port_read, vbe_port_write, v,
                       IO_SIZE_8 | IO_SIZE_16, "vbe") != 0)
        goto fail_vga_ports;
    if (bus) {
        v->fn.opaque = v;
        pci_defaults(v);
        if (pci_register(bus, &v->fn, VGA_PCI_DEVICE, 0) != 0)
            goto fail_ports;
        v->bus = bus;
    } else if (physmem_map_host(&m->mem, VGA_LFB_ISA_BASE, VGA_VRAM_SIZE, v->vram,
                                "vga-lfb") != 0) {
        goto fail_ports;
    }
    if (machine_add_device(m, &vga_ops, v) != 0)
        goto fail_bus;
    tlb_flush(m);
    return v;

fail_bus:
    if (v->bus)
        bus->fn[v->fn.devfn] = NULL;
    else
        physmem_unmap(&m->mem, VGA_LFB_ISA_BASE);
fail_ports:
    iobus_unmap(&m->io, VBE_DISPI_IOPORT_INDEX, 3);
fail_vga_ports:
    unmap_ports(m, ranges);
    physmem_unmap(&m->mem, VGA_WINDOW_BASE);
fail:
    vga_destroy(v);
    return NULL;
}
