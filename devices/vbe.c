/* The Bochs VBE extension ("DISPI"): an index port at 0x1CE and a 16-bit data port at
 * 0x1CF reaching the ID handshake (0xB0C0-0xB0C5), resolution and depth, enable (with the
 * linear frame buffer, no-clear and get-capabilities bits), the 64 KiB bank at A0000, the
 * virtual screen and display offsets and the amount of video memory. Follows Bochs' vbe.h
 * and QEMU's hw/display/vga.c (which SeaBIOS's vgabios-stdvga and the LGPL vgabios drive):
 * values are stored as written while the extension is off and clamped to what fits in
 * video memory when it is switched on and on every later write. */
#include <string.h>

#include "devices/vga_internal.h"

bool vbe_enabled(const struct vga *v)
{
    return (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) != 0;
}

unsigned vbe_bpp(const struct vga *v)
{
    return v->vbe[VBE_DISPI_INDEX_BPP];
}

void vbe_reset(struct vga *v)
{
    memset(v->vbe, 0, sizeof v->vbe);
    v->vbe[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    v->vbe_index = 0;
    v->vbe_line_bytes = 0;
    v->vbe_start = 0;
}

/* Bytes per line of `pixels` at `bpp` (4 bpp is planar: half a byte per pixel). */
static uint32_t line_bytes(unsigned pixels, unsigned bpp)
{
    return bpp == 4 ? pixels / 2 : pixels * ((bpp + 7) / 8);
}

/* Make the registers describe a picture that fits in video memory (QEMU's
 * vbe_fixup_regs): a valid depth, a width that is a multiple of 8 and fits the maximum,
 * a virtual width at least the width, and offsets that keep the picture inside memory. */
void vbe_fixup(struct vga *v)
{
    uint16_t *r = v->vbe;
    if (!vbe_enabled(v))
        return;
    switch (r[VBE_DISPI_INDEX_BPP]) {
    case 4: case 8: case 15: case 16: case 24: case 32:
        break;
    default:
        r[VBE_DISPI_INDEX_BPP] = 8;
        break;
    }
    unsigned bpp = r[VBE_DISPI_INDEX_BPP];
    unsigned xres = r[VBE_DISPI_INDEX_XRES];
    if (xres > VBE_DISPI_MAX_XRES)
        xres = VBE_DISPI_MAX_XRES;
    xres = (xres + 7) & ~7u;
    if (xres == 0)
        xres = 8;
    r[VBE_DISPI_INDEX_XRES] = (uint16_t)xres;

    unsigned vw = r[VBE_DISPI_INDEX_VIRT_WIDTH];
    if (vw < xres)
        vw = xres;
    vw = (vw + 7) & ~7u;
    if (vw > 0xFFF8)
        vw = 0xFFF8;
    uint32_t lb = line_bytes(vw, bpp); /* at most 256 KiB: every line fits */
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = (uint16_t)vw;

    uint32_t maxy = VGA_VRAM_SIZE / lb;
    unsigned yres = r[VBE_DISPI_INDEX_YRES];
    if (yres == 0)
        yres = 1;
    if (yres > VBE_DISPI_MAX_YRES)
        yres = VBE_DISPI_MAX_YRES;
    if (yres > maxy)
        yres = maxy;
    r[VBE_DISPI_INDEX_YRES] = (uint16_t)yres;
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = (uint16_t)(maxy > 0xFFFF ? 0xFFFF : maxy);

    uint64_t start = (uint64_t)r[VBE_DISPI_INDEX_Y_OFFSET] * lb +
                     (uint64_t)line_bytes(r[VBE_DISPI_INDEX_X_OFFSET], bpp);
    if (start + (uint64_t)lb * yres > VGA_VRAM_SIZE) {
        r[VBE_DISPI_INDEX_X_OFFSET] = 0; /* the offsets run off video memory: start over */
        r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
        start = 0;
    }
    v->vbe_line_bytes = lb;
    v->vbe_start = (uint32_t)start;
}

static uint16_t data_read(const struct vga *v)
{
    unsigned index = v->vbe_index;
    if (index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K)
        return VGA_VRAM_SIZE >> 16;
    if (index >= VBE_DISPI_INDEX_NB)
        return 0;
    if (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
        /* With GETCAPS set the mode registers report the maximums instead. */
        switch (index) {
        case VBE_DISPI_INDEX_XRES: return VBE_DISPI_MAX_XRES;
        case VBE_DISPI_INDEX_YRES: return VBE_DISPI_MAX_YRES;
        case VBE_DISPI_INDEX_BPP: return VBE_DISPI_MAX_BPP;
        default: break;
        }
    }
    return v->vbe[index];
}

static void enable_write(struct vga *v, uint16_t value)
{
    uint16_t *r = v->vbe;
    bool was = vbe_enabled(v);
    if ((value & VBE_DISPI_ENABLED) && !was) {
        /* Switching on starts with an unscrolled screen as wide as the mode. */
        r[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
        r[VBE_DISPI_INDEX_X_OFFSET] = 0;
        r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
        r[VBE_DISPI_INDEX_ENABLE] = value;
        vbe_fixup(v);
        if (!(value & VBE_DISPI_NOCLEARMEM))
            memset(v->vram, 0, (size_t)v->vbe_line_bytes * r[VBE_DISPI_INDEX_YRES]);
    } else if (!(value & VBE_DISPI_ENABLED)) {
        r[VBE_DISPI_INDEX_BANK] = 0;
    }
    r[VBE_DISPI_INDEX_ENABLE] = value;
    vga_mark_all(v);
}

static void data_write(struct vga *v, uint16_t value)
{
    unsigned index = v->vbe_index;
    uint16_t *r = v->vbe;
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (value >= VBE_DISPI_ID0 && value <= VBE_DISPI_ID5)
            r[index] = value;
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        r[index] = value;
        vbe_fixup(v);
        vga_mark_all(v);
        break;
    case VBE_DISPI_INDEX_BANK:
        r[index] = value & ((VGA_VRAM_SIZE >> 16) - 1);
        break;
    case VBE_DISPI_INDEX_ENABLE:
        enable_write(v, value);
        break;
    default:
        break; /* VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only */
    }
}

/* Ports 0x1CE (index) and 0x1CF (data) are 16 bits wide; a byte access reaches the low
 * byte, and 0x1D0 answers as the data port too so a word at 0x1CF stays one access. */
uint32_t vbe_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct vga *v = opaque;
    return port == VBE_DISPI_IOPORT_INDEX ? v->vbe_index : data_read(v);
}

void vbe_port_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct vga *v = opaque;
    if (port == VBE_DISPI_IOPORT_INDEX)
        v->vbe_index = (uint16_t)value;
    else
        data_write(v, (uint16_t)value);
}
