/* The VGA adapter put together: video memory, the legacy ports and memory window, the
 * Bochs VBE ports, and the PCI function QEMU's "-vga std" presents (1234:1111, class
 * 0x030000, BAR0 a prefetchable 16 MiB linear frame buffer in host memory, the VGA BIOS
 * behind the expansion ROM BAR), at device 2 as on QEMU's i440FX board. */
#include <stdio.h>
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

static void vga_dump(void *dev, FILE *out);

static const struct device_ops vga_ops = {
    .name = "vga",
    .state_version = 1,
    .reset = vga_reset,
    .save = vga_save,
    .load = vga_load,
    .destroy = vga_destroy,
    .dump = vga_dump,
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

/* `info device vga`: what the registers make of the picture, every register of the
 * sequencer, CRTC, graphics and attribute controllers as rows (as Bochs's `info vga`
 * gives them), the DAC and VBE state, and in a text mode the text on the screen. */
static void vga_dump(void *dev, FILE *out)
{
    static const char *const gr_modes[2] = { "text", "graphics" };
    struct vga *v = dev;
    unsigned cols = 0, rows = 0;
    bool text = vga_text_mode(v, &cols, &rows);
    if (vbe_enabled(v))
        fprintf(out, "VBE mode %ux%u, %u bpp%s, bank %u, virtual width %u, offset %u,%u\n",
                v->vbe[VBE_DISPI_INDEX_XRES], v->vbe[VBE_DISPI_INDEX_YRES], vbe_bpp(v),
                (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_LFB_ENABLED) ? ", linear frame buffer" : "",
                v->vbe[VBE_DISPI_INDEX_BANK], v->vbe[VBE_DISPI_INDEX_VIRT_WIDTH],
                v->vbe[VBE_DISPI_INDEX_X_OFFSET], v->vbe[VBE_DISPI_INDEX_Y_OFFSET]);
    else if (text)
        fprintf(out, "VGA text mode %ux%u, %u-dot characters %u scanlines high\n", cols, rows,
                (v->sr[1] & 1) ? 8u : 9u, (v->cr[0x09] & 0x1Fu) + 1);
    else
        fprintf(out, "VGA graphics mode, %u character clocks by %u scanlines, %s\n",
                vga_hdisp(v), vga_vdisp(v),
                (v->gr[5] & 0x40) ? "256 colours" : (v->gr[5] & 0x20) ? "CGA 4 colours"
                                                                      : "16 colours (planar)");
    fprintf(out, "misc %02x: ports 3%cx, clock %u, RAM %s; start address %04x, offset %u, "
                 "line compare %u; screen %s\n",
            v->misc, (v->misc & 1) ? 'D' : 'B', (v->misc >> 2) & 3,
            (v->misc & 2) ? "enabled" : "disabled", vga_start_address(v), v->cr[0x13],
            vga_line_compare(v), (v->ar_index & 0x20) ? "on" : "blanked (palette source)");
    fprintf(out, "sequencer (index %02x):", v->sr_index);
    for (unsigned k = 0; k < sizeof v->sr; k++)
        fprintf(out, " %02x", v->sr[k]);
    fprintf(out, "\nCRTC (index %02x):", v->cr_index);
    for (unsigned k = 0; k < sizeof v->cr; k++)
        fprintf(out, "%s%02x", k && k % 16 == 0 ? "\n                 " : " ", v->cr[k]);
    fprintf(out, "\ngraphics (index %02x):", v->gr_index);
    for (unsigned k = 0; k < sizeof v->gr; k++)
        fprintf(out, " %02x", v->gr[k]);
    fprintf(out, "  (%s, write mode %u, read mode %u)", gr_modes[v->gr[6] & 1], v->gr[5] & 3,
            (v->gr[5] >> 3) & 1);
    fprintf(out, "\nattribute (index %02x, next write is %s):", v->ar_index,
            v->ar_data_next ? "data" : "an index");
    for (unsigned k = 0; k < sizeof v->ar; k++)
        fprintf(out, "%s%02x", k && k % 16 == 0 ? "\n                 " : " ", v->ar[k]);
    fprintf(out, "\nDAC: mask %02x, write index %02x, read index %02x, %s\n", v->dac_mask,
            v->dac_write_index, v->dac_read_index, v->dac_reading ? "reading" : "writing");
    fprintf(out, "VBE (index %x):", v->vbe_index);
    for (unsigned k = 0; k < VBE_DISPI_INDEX_NB; k++)
        fprintf(out, " %04x", v->vbe[k]);
    fputc('\n', out);
    unsigned ccol, crow;
    if (!text || cols == 0 || cols > 256 || rows > 128)
        return;
    if (vga_text_cursor(v, &ccol, &crow))
        fprintf(out, "cursor at row %u, column %u\n", crow, ccol);
    uint16_t *cells = calloc((size_t)cols * rows, sizeof *cells);
    if (!cells)
        return;
    vga_text_snapshot(v, cells);
    fprintf(out, "screen text (blank rows left out):\n");
    for (unsigned r = 0; r < rows; r++) {
        char line[256];
        unsigned n = vga_text_row_ascii(cells, cols, r, ' ', line);
        if (n)
            fprintf(out, "  %2u| %.*s\n", r, (int)n, line);
    }
    free(cells);
}
