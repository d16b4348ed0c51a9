/* The CPU's window on video memory at 0xA0000-0xBFFFF: GR6's memory map picks which part
 * answers, the sequencer's memory mode picks how an address reaches the planes (chain-4,
 * odd/even or planar), and the graphics controller's write modes 0-3 and read modes 0-1
 * combine the CPU's byte with set/reset, rotation, the logical operation, the bit mask and
 * the four latches. Follows FreeVGA's "Graphics Controller" and "Sequencer" chapters. In a
 * VBE packed-pixel mode the window is a 64 KiB bank of the linear frame buffer instead. */
#include "devices/vga_internal.h"

static inline uint8_t rotate_right(uint8_t b, unsigned n)
{
    n &= 7;
    return (uint8_t)((b >> n) | (b << ((8 - n) & 7)));
}

static void mark_dirty(struct vga *v, uint32_t vram_offset)
{
    uint32_t page = (vram_offset >> VGA_PAGE_SHIFT) & (VGA_PAGES - 1);
    v->scr.dirty[page >> 6] |= 1ull << (page & 63);
}

/* Plane offsets the window reaches: 64 KiB per plane in VGA modes; a 4-bit VBE mode
 * banks across all of video memory. */
static uint32_t plane_mask(const struct vga *v)
{
    return vbe_enabled(v) ? VGA_VRAM_SIZE / 4 - 1 : VGA_PLANE_MASK;
}

/* The window offset of CPU address `addr` (0 = 0xA0000), or false when GR6's memory map
 * leaves it unanswered. Also false while misc output bit 1 disables CPU access. */
static bool window_offset(const struct vga *v, uint32_t addr, uint32_t *off)
{
    if (!(v->misc & 0x02))
        return false;
    if (vbe_enabled(v)) {
        if (addr >= 0x10000)
            return false;
        *off = ((uint32_t)v->vbe[VBE_DISPI_INDEX_BANK] << 16) + addr;
        return true;
    }
    switch ((v->gr[6] >> 2) & 3) {
    case 0: /* A0000-BFFFF, 128 KiB */
        *off = addr;
        return true;
    case 1: /* A0000-AFFFF */
        *off = addr;
        return addr < 0x10000;
    case 2: /* B0000-B7FFF, monochrome */
        *off = addr - 0x10000;
        return addr >= 0x10000 && addr < 0x18000;
    default: /* B8000-BFFFF, colour */
        *off = addr - 0x18000;
        return addr >= 0x18000;
    }
}

static bool linear_window(const struct vga *v)
{
    return vbe_enabled(v) && vbe_bpp(v) != 4;
}

static uint8_t planar_read(struct vga *v, uint32_t off)
{
    unsigned plane;
    if (v->sr[4] & 0x08) {
        plane = off & 3;             /* chain-4: address bits 0-1 pick the plane */
        off &= ~3u;
    } else if (v->gr[5] & 0x10) {
        plane = (v->gr[4] & 2) | (off & 1); /* odd/even: bit 0 picks within the pair */
        off &= ~1u;
    } else {
        plane = v->gr[4] & 3;
    }
    off &= plane_mask(v);
    /* Every read loads all four latches (what write mode 1 and mode X copies rely on). */
    for (unsigned p = 0; p < 4; p++)
        v->latch[p] = v->vram[(off << 2) | p];
    if (!(v->gr[5] & 0x08))
        return v->latch[plane];
    /* Read mode 1: a 1 where every plane that matters matches the colour compare. */
    uint8_t differ = 0;
    for (unsigned p = 0; p < 4; p++) {
        if (v->gr[7] & (1u << p)) {
            uint8_t want = (v->gr[2] >> p) & 1 ? 0xFF : 0x00;
            differ |= v->latch[p] ^ want;
        }
    }
    return (uint8_t)~differ;
}

static void planar_write(struct vga *v, uint32_t off, uint8_t value)
{
    uint8_t planes = v->sr[2] & 0x0F;
    if (v->sr[4] & 0x08) {
        planes &= (uint8_t)(1u << (off & 3));
        off &= ~3u;
    } else if (!(v->sr[4] & 0x04)) {
        planes &= (uint8_t)(0x05u << (off & 1)); /* even bytes to planes 0/2, odd to 1/3 */
        off &= ~1u;
    }
    off &= plane_mask(v);
    if (!planes)
        return;

    uint8_t set_reset = v->gr[0], enable = v->gr[1], mask = v->gr[8];
    unsigned rotate = v->gr[3] & 7, func = (v->gr[3] >> 3) & 3;
    uint8_t data[4];
    switch (v->gr[5] & 3) {
    case 0: {
        uint8_t r = rotate_right(value, rotate);
        for (unsigned p = 0; p < 4; p++)
            data[p] = (enable >> p) & 1 ? ((set_reset >> p) & 1 ? 0xFF : 0x00) : r;
        break;
    }
    case 1:
        /* Write mode 1: the latches as they are, without the bit mask or the ALU. */
        for (unsigned p = 0; p < 4; p++)
            if (planes & (1u << p))
                v->vram[(off << 2) | p] = v->latch[p];
        goto written;
    case 2:
        for (unsigned p = 0; p < 4; p++)
            data[p] = (value >> p) & 1 ? 0xFF : 0x00;
        break;
    default:
        /* Write mode 3: set/reset is the colour, the rotated byte ANDs the bit mask. */
        mask &= rotate_right(value, rotate);
        for (unsigned p = 0; p < 4; p++)
            data[p] = (set_reset >> p) & 1 ? 0xFF : 0x00;
        break;
    }
    for (unsigned p = 0; p < 4; p++) {
        if (!(planes & (1u << p)))
            continue;
        uint8_t d = data[p], l = v->latch[p];
        switch (func) {
        case 1: d &= l; break;
        case 2: d |= l; break;
        case 3: d ^= l; break;
        default: break;
        }
        v->vram[(off << 2) | p] = (uint8_t)((d & mask) | (l & ~mask));
    }
written:
    mark_dirty(v, off << 2);
    if (planes & 4)
        v->scr.font_dirty = true;
}

static uint8_t read_byte(struct vga *v, uint32_t addr)
{
    uint32_t off;
    if (!window_offset(v, addr, &off))
        return 0xFF;
    if (linear_window(v))
        return v->vram[off & (VGA_VRAM_SIZE - 1)];
    return planar_read(v, off);
}

static void write_byte(struct vga *v, uint32_t addr, uint8_t value)
{
    uint32_t off;
    if (!window_offset(v, addr, &off))
        return;
    if (linear_window(v)) {
        off &= VGA_VRAM_SIZE - 1;
        v->vram[off] = value;
        mark_dirty(v, off);
        return;
    }
    planar_write(v, off, value);
}

uint32_t vga_window_read(void *opaque, uint32_t offset, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size && k < 4; k++)
        value |= (uint32_t)read_byte(opaque, offset + k) << (8 * k);
    return value;
}

void vga_window_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size && k < 4; k++)
        write_byte(opaque, offset + k, (uint8_t)(value >> (8 * k)));
}
