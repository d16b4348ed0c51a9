/* The expected picture from a VGA dump, drawn scanline by scanline as the CRT controller
 * scans memory out (FreeVGA, "CRT Controller Registers": start address, offset, byte /
 * word / doubleword addressing, maximum scan line, double scan; "Attribute Controller
 * Registers"; "DAC Operation"), or the Bochs VBE frame buffer (Bochs' vbe.h). Written
 * apart from devices/vga_*.c on purpose: the two agree only if both read the reference
 * the same way. What this model leaves out is refused with a reason, not guessed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/frontend/shot.h"

static int refuse(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "the comparer does not model %s", why);
    return -1;
}

/* A DAC entry as 8-bit RGB: six bits scaled so 0 and 63 map to 0 and 255 (the top two
 * bits repeated below), or eight bits as written when VBE's 8-bit DAC is on. */
static uint32_t dac_rgb(const struct vga_dump *d, unsigned index)
{
    const uint8_t *e = &d->dac[(index & d->dac_mask & 0xFF) * 3];
    bool eight = (d->dispi[4] & 0x01) && (d->dispi[4] & 0x20);
    uint32_t rgb = 0;
    for (unsigned c = 0; c < 3; c++) {
        unsigned v = eight ? e[c] : (unsigned)((e[c] & 0x3F) << 2 | (e[c] & 0x3F) >> 4);
        rgb = rgb << 8 | v;
    }
    return rgb;
}

/* A 4-bit pixel through the attribute controller to a DAC index (AR00-0F, AR10 bit 7,
 * AR12 colour plane enable, AR14 colour select). */
static unsigned attr_index(const struct vga_dump *d, unsigned pixel)
{
    unsigned v = d->ar[pixel & d->ar[0x12] & 0x0F] & 0x3F;
    if (d->ar[0x10] & 0x80)
        v = (v & 0x0F) | (d->ar[0x14] & 3u) << 4;
    return v | (d->ar[0x14] & 0x0Cu) << 4;
}

static uint8_t plane(const struct vga_dump *d, uint32_t offset, unsigned p)
{
    return d->vram[(offset & 0xFFFF) * 4 + p];
}

/* The CRTC's memory address counter to a plane offset: byte mode, word mode (bit 13 or
 * 15 of the counter into bit 0, CR17 bit 5) or doubleword mode (times 4: in chain-4 the
 * CPU's byte N lands at offset N of plane N mod 4, so four pixels share offset 4 x MA;
 * this is mode 13h's well-known layout, with three quarters of each plane unused). */
static uint32_t crtc_address(const struct vga_dump *d, uint32_t ma)
{
    if (d->cr[0x14] & 0x40)
        return ma << 2;
    if (!(d->cr[0x17] & 0x40))
        return (ma << 1) | ((d->cr[0x17] & 0x20) ? (ma >> 15) & 1 : (ma >> 13) & 1);
    return ma;
}

static int render_vbe(const struct vga_dump *d, struct picture *p, const char **mode,
                      char *err, size_t errlen)
{
    unsigned w = d->dispi[1], h = d->dispi[2], bpp = d->dispi[3];
    unsigned vw = d->dispi[6] > w ? d->dispi[6] : w;
    unsigned bytes = (bpp + 7) / 8;
    if (bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32)
        return refuse(err, errlen, "VBE modes other than 8, 15, 16, 24 and 32 bits");
    uint64_t line = (uint64_t)vw * bytes;
    uint64_t start = (uint64_t)d->dispi[9] * line + (uint64_t)d->dispi[8] * bytes;
    if (start + line * h > d->vram_len)
        return refuse(err, errlen, "a VBE picture outside the dumped memory");
    static const char *names[] = { [8] = "vbe8", [15] = "vbe15", [16] = "vbe16",
                                   [24] = "vbe24", [32] = "vbe32" };
    *mode = names[bpp];
    p->w = w;
    p->h = h;
    p->px = malloc((size_t)w * h * sizeof *p->px);
    if (!p->px)
        return refuse(err, errlen, "pictures this big (out of memory)");
    for (unsigned y = 0; y < h; y++) {
        const uint8_t *s = d->vram + start + y * line;
        for (unsigned x = 0; x < w; x++, s += bytes) {
            uint32_t v, out;
            switch (bpp) {
            case 8:
                out = dac_rgb(d, s[0]);
                break;
            case 15:
            case 16: {
                v = s[0] | (uint32_t)s[1] << 8;
                unsigned gbits = bpp == 16 ? 6 : 5;
                unsigned r = (v >> (5 + gbits)) & 31, g = (v >> 5) & ((1u << gbits) - 1),
                         b = v & 31;
                unsigned g8 = gbits == 6 ? (g << 2 | g >> 4) : (g << 3 | g >> 2);
                out = (r << 3 | r >> 2) << 16 | g8 << 8 | (b << 3 | b >> 2);
                break;
            }
            default: /* 24 and 32: blue, green, red in memory order */
                out = (uint32_t)s[2] << 16 | (uint32_t)s[1] << 8 | s[0];
                break;
            }
            p->px[(size_t)y * w + x] = out;
        }
    }
    return 0;
}

int shot_render(const struct vga_dump *d, struct picture *p, const char **mode, char *err,
                size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (d->dispi[4] & 0x01)
        return render_vbe(d, p, mode, err, errlen);

    bool text = !(d->gr[6] & 1);
    unsigned shift = (d->gr[5] >> 5) & 3;
    bool c256 = !text && (shift & 2);
    if (!text && shift == 1)
        return refuse(err, errlen, "CGA 4-colour graphics (GR5 shift mode 1)");
    if (!(d->ar_index & 0x20) || (d->sr[1] & 0x20))
        return refuse(err, errlen, "a blanked screen");
    unsigned clocks = d->cr[0x01] + 1u;
    unsigned lines = (d->cr[0x12] | (d->cr[0x07] & 0x02u) << 7 | (d->cr[0x07] & 0x40u) << 3) + 1;
    unsigned msl = d->cr[0x09] & 0x1F;
    bool dbl = (d->cr[0x09] & 0x80) != 0;
    unsigned dots = text && !(d->sr[1] & 1) ? 9 : 8;
    unsigned lc = d->cr[0x18] | (d->cr[0x07] & 0x10u) << 4 | (d->cr[0x09] & 0x40u) << 3;
    if (lc < lines)
        return refuse(err, errlen, "the line-compare split screen");
    unsigned pan = d->ar[0x13] & 0x0F;
    if (dots == 9 ? pan != 8 : pan != 0)
        return refuse(err, errlen, "pixel panning (AR13)");
    if (d->cr[0x08] & 0x60)
        return refuse(err, errlen, "byte panning (CR08 bits 5-6)");
    if ((d->cr[0x14] & 0x20) || (d->cr[0x17] & 0x08))
        return refuse(err, errlen, "counting by 2 or 4 (CR14 bit 5, CR17 bit 3)");
    if (!text && (d->cr[0x17] & 3) != 3)
        return refuse(err, errlen, "the CGA/Hercules row-scan address substitution (CR17 bits 0-1)");

    if (text && !(d->cr[0x0A] & 0x20) && (d->cr[0x0B] & 0x60))
        return refuse(err, errlen, "cursor skew (CR0B bits 5-6)");

    /* 256 colours: two 4-bit halves latched into one pixel spanning two dots. */
    unsigned width = c256 ? clocks * 4 : clocks * dots;
    p->w = width;
    p->h = lines;
    p->px = malloc((size_t)width * lines * sizeof *p->px);
    if (!p->px)
        return refuse(err, errlen, "pictures this big (out of memory)");
    *mode = text ? "text" : c256 ? "256" : "planar16";

    /* Text: character maps (SR3) and the blink phases, on for the first half of each
     * period from frame 0: the cursor every 16 frames, blinking characters every 32. */
    static const uint32_t map_at[8] = { 0x0000, 0x4000, 0x8000, 0xC000,
                                        0x2000, 0x6000, 0xA000, 0xE000 };
    uint32_t font_a = map_at[((d->sr[3] >> 3) & 4) | ((d->sr[3] >> 2) & 3)];
    uint32_t font_b = map_at[((d->sr[3] >> 2) & 4) | (d->sr[3] & 3)];
    uint64_t frame = d->frame_ns ? d->now_ns / d->frame_ns : 0;
    bool cursor_phase = (frame % 16) < 8, blink_phase = (frame % 32) < 16;
    bool blink = (d->ar[0x10] & 0x08) != 0, line_gfx = (d->ar[0x10] & 0x04) != 0;
    unsigned cur_start = d->cr[0x0A] & 0x1F, cur_end = d->cr[0x0B] & 0x1F;
    bool cursor_enabled = !(d->cr[0x0A] & 0x20) && cur_start <= cur_end;
    uint32_t cursor_at = (uint32_t)d->cr[0x0E] << 8 | d->cr[0x0F];

    uint32_t row_ma = (uint32_t)d->cr[0x0C] << 8 | d->cr[0x0D];
    unsigned rs = d->cr[0x08] & 0x1F;
    bool second_of_pair = false;
    for (unsigned sl = 0; sl < lines; sl++) {
        uint32_t *out = p->px + (size_t)sl * width;
        for (unsigned c = 0; c < clocks; c++) {
            uint32_t ma = row_ma + c, a = crtc_address(d, ma);
            uint8_t b[4] = { plane(d, a, 0), plane(d, a, 1), plane(d, a, 2), plane(d, a, 3) };
            if (text) {
                uint8_t ch = b[0], at = b[1];
                uint32_t font = (at & 0x08) ? font_a : font_b;
                uint8_t glyph = plane(d, font + ch * 32u + rs, 2);
                unsigned fg = at & 0x0F, bg = at >> 4;
                if (rs == (d->cr[0x14] & 0x1Fu) && (at & 0x77) == 0x01)
                    glyph = 0xFF; /* the underline of the monochrome attribute */
                if (blink) {
                    /* A blinking character's dots (underline included) go; the cursor
                     * below still shows in the foreground colour (as QEMU's and
                     * VirtualBox's VGA draw it). */
                    bg &= 7;
                    if ((at & 0x80) && !blink_phase)
                        glyph = 0;
                }
                /* The cursor covers the whole cell, the 9th dot too. */
                bool cur = cursor_enabled && cursor_phase && ma == cursor_at &&
                           rs >= cur_start && rs <= cur_end;
                for (unsigned i = 0; i < dots; i++) {
                    bool on;
                    if (i < 8)
                        on = (glyph >> (7 - i)) & 1;
                    else
                        on = line_gfx && ch >= 0xC0 && ch <= 0xDF && (glyph & 1);
                    if (cur)
                        on = true;
                    out[c * dots + i] = dac_rgb(d, attr_index(d, on ? fg : bg));
                }
            } else if (c256) {
                for (unsigned i = 0; i < 4; i++) {
                    unsigned hi = attr_index(d, b[i] >> 4) & 0x0F,
                             lo = attr_index(d, b[i] & 0x0F) & 0x0F;
                    out[c * 4 + i] = dac_rgb(d, hi << 4 | lo);
                }
            } else {
                for (unsigned i = 0; i < 8; i++) {
                    unsigned sh = 7 - i, px = 0;
                    for (unsigned q = 0; q < 4; q++)
                        px |= ((b[q] >> sh) & 1u) << q;
                    out[c * 8 + i] = dac_rgb(d, attr_index(d, px));
                }
            }
        }
        /* The next scanline: double scan repeats each row scan; past the maximum scan
         * line the row address moves on by the offset register (in units of 2). */
        if (dbl && (second_of_pair = !second_of_pair))
            continue;
        if (rs >= msl) {
            rs = 0;
            row_ma += 2u * d->cr[0x13];
        } else {
            rs++;
        }
    }
    return 0;
}

long shot_compare(const struct picture *e, const struct picture *s, char *err, size_t errlen)
{
    if (s->w != e->w || s->h == 0 || e->h % s->h != 0) {
        snprintf(err, errlen, "the screenshot is %ux%u, the VGA sends %ux%u", s->w, s->h, e->w,
                 e->h);
        return -1;
    }
    unsigned scale = e->h / s->h;
    /* Merging runs of scanlines is only right when they are identical. */
    for (unsigned y = 0; y < e->h; y++) {
        const uint32_t *first = e->px + (size_t)(y - y % scale) * e->w;
        if (memcmp(first, e->px + (size_t)y * e->w, e->w * sizeof *first) != 0) {
            snprintf(err, errlen, "the screenshot has %u lines, but scanline %u of %u differs "
                     "from the one it would be merged with", s->h, y, e->h);
            return -1;
        }
    }
    long bad = 0;
    for (unsigned y = 0; y < s->h; y++) {
        for (unsigned x = 0; x < s->w; x++) {
            uint32_t want = e->px[(size_t)y * scale * e->w + x], got = s->px[(size_t)y * s->w + x];
            if (want != got && bad++ < 10)
                fprintf(stderr, "pixel (%u, %u): screenshot %06x, VGA memory says %06x\n", x, y,
                        got, want);
        }
    }
    return bad;
}
