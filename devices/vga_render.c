/* Drawing the VGA's picture into a 32-bit host frame buffer the way the CRTC scans video
 * memory out: scanline by scanline from the start address (with byte and pixel panning,
 * the preset row scan, character height, double scan and the line-compare split screen),
 * through the shift registers' three formats (16-colour planar, CGA 2-bit interleave,
 * 256-colour), the attribute controller's palette and the DAC. Doubled scanlines are drawn
 * once. Only lines whose fetched video memory was written since the last frame are drawn
 * again, unless a register, the palette or the blink phase changed (FreeVGA: "CRT
 * Controller", "Attribute Controller", "DAC Operation"). Writes are known from the A0000
 * window's write path, which marks 4 KiB pages; the LFB also shows the planes, but guests
 * use it only in VBE modes, whose renderer (vbe_render.c) hashes lines instead. */
#include <stdlib.h>
#include <string.h>

#include "devices/vga_internal.h"
#include "machine/machine.h"

void vga_mark_all(struct vga *v)
{
    v->scr.full = true;
}

uint32_t vga_dac_rgb(const struct vga *v, unsigned index)
{
    const uint8_t *e = &v->dac[(index & v->dac_mask & 0xFF) * 3];
    if (vbe_enabled(v) && (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC))
        return (uint32_t)e[0] << 16 | (uint32_t)e[1] << 8 | e[2];
    uint32_t rgb = 0;
    for (unsigned c = 0; c < 3; c++) {
        unsigned six = e[c] & 0x3F;
        rgb = (rgb << 8) | (six << 2) | (six >> 4); /* 6 bits to 8, full scale to full */
    }
    return rgb;
}

void vga_attr_palette(const struct vga *v, uint32_t rgb[16])
{
    for (unsigned p = 0; p < 16; p++) {
        unsigned q = p & v->ar[0x12] & 0x0F;          /* colour plane enable */
        unsigned index = v->ar[q] & 0x3F;
        if (v->ar[0x10] & 0x80)                       /* P5-P4 from the colour select */
            index = (index & 0x0F) | ((v->ar[0x14] & 0x03u) << 4);
        index |= (v->ar[0x14] & 0x0Cu) << 4;          /* P7-P6 always from it */
        rgb[p] = vga_dac_rgb(v, index);
    }
}

bool vga_page_dirty(const struct vga *v, uint32_t plane_offset)
{
    uint32_t page = (plane_offset << 2) >> VGA_PAGE_SHIFT;
    return (v->scr.dirty[page >> 6] >> (page & 63)) & 1;
}

/* The frame buffer for a new picture size; true when the size changed. */
bool vga_screen_resize(struct vga *v, unsigned width, unsigned height, unsigned an, unsigned ad)
{
    struct vga_screen *s = &v->scr;
    s->aspect_num = an;
    s->aspect_den = ad;
    if (s->fb && s->width == width && s->height == height)
        return false;
    uint32_t *fb = calloc((size_t)width * height, sizeof *fb);
    if (!fb)
        return false; /* keep the old frame; the next call tries again */
    free(s->fb);
    s->fb = fb;
    s->width = width;
    s->height = height;
    s->full = true;
    return true;
}

/* Store a freshly drawn line; true when it differs from what the frame held. */
bool vga_store_line(struct vga *v, unsigned y, const uint32_t *line)
{
    uint32_t *row = v->scr.fb + (size_t)y * v->scr.width;
    size_t bytes = (size_t)v->scr.width * sizeof *row;
    if (memcmp(row, line, bytes) == 0)
        return false;
    memcpy(row, line, bytes);
    return true;
}

/* The memory address counter at character clock `c` of a line: CR17 bit 3 and CR14
 * bit 5 make it count every second or fourth clock. */
static uint32_t clock_ma(const struct vga *v, uint32_t row_ma, unsigned c)
{
    if (v->cr[0x14] & 0x20)
        return row_ma + c / 4;
    if (v->cr[0x17] & 0x08)
        return row_ma + c / 2;
    return row_ma + c;
}

static bool line_dirty(const struct vga *v, uint32_t row_ma, unsigned rowscan, unsigned clocks)
{
    for (unsigned c = 0; c < clocks; c++)
        if (vga_page_dirty(v, vga_scan_address(v, clock_ma(v, row_ma, c), rowscan)))
            return true;
    return false;
}

/* Graphics: each character clock fetches one byte from each plane at the same offset. */
static void graphics_line(const struct vga *v, uint8_t *out, uint32_t row_ma, unsigned rowscan,
                          unsigned clocks)
{
    unsigned shift = (v->gr[5] >> 5) & 3;
    for (unsigned c = 0; c < clocks; c++) {
        uint32_t a = vga_scan_address(v, clock_ma(v, row_ma, c), rowscan);
        uint8_t b[4] = { vga_plane(v, a, 0), vga_plane(v, a, 1), vga_plane(v, a, 2),
                         vga_plane(v, a, 3) };
        if (shift & 2) {
            memcpy(out, b, 4); /* 256 colours: four pixels, one per plane */
            out += 4;
        } else if (shift == 1) {
            /* CGA 4-colour: 2-bit pixels, plane 0 (with plane 2 as the upper bits) then
             * plane 1 (with plane 3). */
            for (unsigned i = 0; i < 4; i++) {
                unsigned sh = 6 - 2 * i;
                out[i] = (uint8_t)(((b[0] >> sh) & 3) | (((b[2] >> sh) & 3) << 2));
                out[4 + i] = (uint8_t)(((b[1] >> sh) & 3) | (((b[3] >> sh) & 3) << 2));
            }
            out += 8;
        } else {
            vga_planar_pixels(b, out);
            out += 8;
        }
    }
}

/* The pixel panning (AR13) in picture pixels, FreeVGA's table per mode. */
static unsigned pixel_pan(const struct vga *v, bool text, unsigned char_width)
{
    unsigned p = v->ar[0x13] & 0x0F;
    if (text && char_width == 9)
        return p < 8 ? p + 1 : 0;
    if (!text && (v->gr[5] & 0x40))
        return (p & 7) >> 1; /* 256 colours: in units of half a pixel */
    return p & 7;
}

static bool blank_frame(struct vga *v)
{
    if (!v->scr.full)
        return false;
    bool changed = false;
    for (unsigned y = 0; y < v->scr.height; y++) {
        memset(v->scr.line, 0, (size_t)v->scr.width * sizeof *v->scr.line);
        changed |= vga_store_line(v, y, v->scr.line);
    }
    return changed;
}

static bool render_vga(struct vga *v)
{
    struct vga_screen *s = &v->scr;
    bool text = !(v->gr[6] & 1);
    unsigned clocks = vga_hdisp(v);
    unsigned lines = vga_vdisp(v);
    unsigned msl = v->cr[0x09] & 0x1F;
    bool dbl = (v->cr[0x09] & 0x80) != 0;
    unsigned char_width = (v->sr[1] & 1) ? 8 : 9;
    unsigned ppc = text ? char_width : (v->gr[5] & 0x40) ? 4 : 8;
    /* Lines that repeat the one above are drawn once: double scan, and graphics rows
     * taller than one scanline unless the CGA/Hercules substitutions make them differ. */
    unsigned vscale = dbl ? 2 : 1;
    if (!text && (v->cr[0x17] & 3) == 3)
        vscale *= msl + 1;
    unsigned width = clocks * ppc, height = lines / vscale;
    if (height == 0)
        height = 1;
    if (height > VGA_MAX_HEIGHT)
        height = VGA_MAX_HEIGHT;
    vga_screen_resize(v, width, height, 4, 3);
    if (!s->fb)
        return false;
    width = s->width;
    height = s->height;
    if (!(v->ar_index & 0x20) || (v->sr[1] & 0x20))
        return blank_frame(v); /* palette being loaded, or screen off (SR1 bit 5) */

    bool cursor_on = true, blink_on = true;
    if (text) {
        uint64_t frame = sched_now(v->m) / vga_frame_period(v);
        /* The cursor blinks every 16 frames and blinking characters every 32. */
        unsigned cp = (unsigned)(frame >> 3) & 1, bp = (unsigned)(frame >> 4) & 1;
        if (cp != s->cursor_phase || bp != s->blink_phase)
            s->full = true;
        s->cursor_phase = cp;
        s->blink_phase = bp;
        cursor_on = cp == 0;
        blink_on = bp == 0;
        if (s->font_dirty)
            s->full = true;
    }

    uint32_t pal[256];
    if (text || !(v->gr[5] & 0x40))
        vga_attr_palette(v, pal);
    else
        for (unsigned k = 0; k < 256; k++)
            pal[k] = vga_dac_rgb(v, k);
    unsigned mask = text || !(v->gr[5] & 0x40) ? 0x0F : 0xFF;

    unsigned pan = pixel_pan(v, text, char_width);
    unsigned fetch = clocks + (pan ? 1 : 0);
    uint32_t row_ma = vga_start_address(v) + ((v->cr[0x08] >> 5) & 3);
    unsigned rowscan = v->cr[0x08] & 0x1F;
    unsigned lc = vga_line_compare(v);
    unsigned half = 0;
    bool changed = false;
    for (unsigned sl = 0; sl < lines; sl++) {
        unsigned y = sl / vscale;
        if (sl % vscale == 0 && y < height &&
            (s->full || line_dirty(v, row_ma, rowscan, fetch))) {
            if (text)
                vga_text_line(v, s->index, row_ma, rowscan, fetch, char_width, cursor_on,
                              blink_on);
            else
                graphics_line(v, s->index, row_ma, rowscan, fetch);
            for (unsigned x = 0; x < width; x++)
                s->line[x] = pal[s->index[x + pan] & mask];
            changed |= vga_store_line(v, y, s->line);
        }
        if (sl == lc) {
            /* Split screen: the lines after the compare line show memory from 0, without
             * panning when AR10 bit 5 asks for that. */
            row_ma = 0;
            rowscan = 0;
            half = 0;
            if (v->ar[0x10] & 0x20)
                pan = 0;
            continue;
        }
        if (dbl && (half ^= 1))
            continue;
        if (rowscan >= msl) {
            rowscan = 0;
            row_ma += 2u * v->cr[0x13];
        } else {
            rowscan++;
        }
    }
    return changed;
}

const uint32_t *vga_render(struct vga *v, unsigned *width, unsigned *height, bool *changed)
{
    struct vga_screen *s = &v->scr;
    bool resized_before = s->fb == NULL;
    unsigned old_w = s->width, old_h = s->height;
    bool any = vbe_enabled(v) ? vbe_render(v) : render_vga(v);
    if (resized_before || old_w != s->width || old_h != s->height)
        any = true;
    memset(s->dirty, 0, sizeof s->dirty);
    s->font_dirty = false;
    s->full = false;
    if (width)
        *width = s->width;
    if (height)
        *height = s->height;
    if (changed)
        *changed = any;
    return s->fb;
}

void vga_display_aspect(struct vga *v, unsigned *num, unsigned *den)
{
    *num = v->scr.aspect_num ? v->scr.aspect_num : 4;
    *den = v->scr.aspect_den ? v->scr.aspect_den : 3;
}

uint64_t vga_frame_ns(struct vga *v)
{
    return vga_frame_period(v);
}
