/* Drawing a Bochs VBE mode: the linear frame buffer from the display start, packed pixels
 * at 8 (through the DAC), 15, 16, 24 or 32 bits, or the 4-bit planar format through the
 * attribute palette. Guests write the LFB straight into host memory (the PCI BAR is mapped
 * for the TLB's fast path), so no write path can say what changed. Each scanline's bytes
 * are hashed instead and compared with the hash of the last frame: one read of the visible
 * memory per frame, 8 bytes of bookkeeping per line, where a shadow copy would double the
 * memory (up to 16 MiB) and the traffic. The hash is a bijection of every input word for a
 * fixed state, so a line that changes in a single place always hashes differently. */
#include <stdlib.h>
#include <string.h>

#include "devices/vga_internal.h"

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h[4] = { k, k ^ 1, k ^ 2, k ^ 3 };
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (unsigned lane = 0; lane < 4; lane++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * lane, 8);
            h[lane] = rotl64(h[lane] ^ w, 29) * k;
        }
    }
    for (; i < n; i++)
        h[0] = rotl64(h[0] ^ p[i], 29) * k;
    return h[0] ^ rotl64(h[1], 16) ^ rotl64(h[2], 32) ^ rotl64(h[3], 48) ^ n;
}

static void convert_line(const struct vga *v, const uint8_t *src, uint32_t *out, unsigned w,
                         const uint32_t *pal)
{
    switch (vbe_bpp(v)) {
    case 4: {
        /* Planar: each 4-byte group holds one byte of each plane, eight pixels. */
        uint8_t px[8];
        for (unsigned x = 0; x < w; x += 8, src += 4) {
            vga_planar_pixels(src, px);
            for (unsigned i = 0; i < 8 && x + i < w; i++)
                out[x + i] = pal[px[i]];
        }
        break;
    }
    case 8:
        for (unsigned x = 0; x < w; x++)
            out[x] = pal[src[x]];
        break;
    case 15:
        for (unsigned x = 0; x < w; x++) {
            unsigned p = src[2 * x] | src[2 * x + 1] << 8;
            unsigned r = (p >> 10) & 31, g = (p >> 5) & 31, b = p & 31;
            out[x] = ((r << 3 | r >> 2) << 16) | ((g << 3 | g >> 2) << 8) | (b << 3 | b >> 2);
        }
        break;
    case 16:
        for (unsigned x = 0; x < w; x++) {
            unsigned p = src[2 * x] | src[2 * x + 1] << 8;
            unsigned r = p >> 11, g = (p >> 5) & 63, b = p & 31;
            out[x] = ((r << 3 | r >> 2) << 16) | ((g << 2 | g >> 4) << 8) | (b << 3 | b >> 2);
        }
        break;
    case 24:
        for (unsigned x = 0; x < w; x++, src += 3)
            out[x] = (uint32_t)src[2] << 16 | (uint32_t)src[1] << 8 | src[0];
        break;
    default:
        for (unsigned x = 0; x < w; x++, src += 4)
            out[x] = (uint32_t)src[2] << 16 | (uint32_t)src[1] << 8 | src[0];
        break;
    }
}

/* Smallest a:b with a/b = w/h. */
static void reduce(unsigned w, unsigned h, unsigned *a, unsigned *b)
{
    unsigned x = w, y = h;
    while (y) {
        unsigned t = x % y;
        x = y;
        y = t;
    }
    *a = w / x;
    *b = h / x;
}

bool vbe_render(struct vga *v)
{
    struct vga_screen *s = &v->scr;
    vbe_fixup(v); /* registers are clamped already; this refreshes the derived values */
    unsigned w = v->vbe[VBE_DISPI_INDEX_XRES], h = v->vbe[VBE_DISPI_INDEX_YRES];
    unsigned an, ad;
    reduce(w, h, &an, &ad);
    vga_screen_resize(v, w, h, an, ad);
    if (!s->fb || s->width != w || s->height != h)
        return false;
    if (s->line_hash_count < h) {
        uint64_t *lh = realloc(s->line_hash, h * sizeof *lh);
        if (!lh)
            return false;
        s->line_hash = lh;
        s->line_hash_count = h;
        s->full = true;
    }

    uint32_t pal[256];
    if (vbe_bpp(v) == 4)
        vga_attr_palette(v, pal);
    else
        for (unsigned k = 0; k < 256; k++)
            pal[k] = vga_dac_rgb(v, k);

    unsigned bpp = vbe_bpp(v);
    size_t visible = bpp == 4 ? w / 2 : (size_t)w * ((bpp + 7) / 8);
    bool changed = false;
    for (unsigned y = 0; y < h; y++) {
        size_t at = v->vbe_start + (size_t)y * v->vbe_line_bytes;
        if (at + visible > VGA_VRAM_SIZE)
            break; /* vbe_fixup() keeps the picture inside memory; stay safe anyway */
        const uint8_t *src = v->vram + at;
        uint64_t hash = hash_bytes(src, visible);
        if (!s->full && hash == s->line_hash[y])
            continue;
        s->line_hash[y] = hash;
        convert_line(v, src, s->line, w, pal);
        changed |= vga_store_line(v, y, s->line);
    }
    return changed;
}
