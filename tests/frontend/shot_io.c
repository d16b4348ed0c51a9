/* Reading the two files the window test compares: the VGA dump (layout in
 * devices/vga_dump.h) and a PNG (ISO/IEC 15948: chunks with CRCs, IHDR, the IDAT stream
 * inflated with zlib, the five row filters of section 9). Only what a screenshot can be:
 * 8-bit truecolour, with or without alpha, not interlaced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tests/frontend/shot.h"

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
    snprintf(err, errlen, "%s: %s", path, why);
    return -1;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = realloc(buf, cap *= 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
        }
        buf = bigger;
    }
    fclose(f);
    *len = n;
    return buf;
}

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned k = bytes; k-- > 0;)
        v = v << 8 | p[k];
    return v;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int shot_read_dump(const char *path, struct vga_dump *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    size_t len;
    uint8_t *buf = slurp(path, &len);
    if (!buf)
        return fail(err, errlen, path, "cannot read it");
    const size_t head = 8 + 16 + 1 + 8 + 0x19 + 9 + 0x15 + 1 + 1 + 768 + 20 + 4;
    if (len < head || memcmp(buf, "G86VGA\0\1", 8) != 0) {
        free(buf);
        return fail(err, errlen, path, "not a glass86 VGA dump (version 1)");
    }
    const uint8_t *p = buf + 8;
    d->now_ns = le(p, 8);
    d->frame_ns = le(p + 8, 8);
    p += 16;
    d->misc = *p++;
    memcpy(d->sr, p, sizeof d->sr), p += sizeof d->sr;
    memcpy(d->cr, p, sizeof d->cr), p += sizeof d->cr;
    memcpy(d->gr, p, sizeof d->gr), p += sizeof d->gr;
    memcpy(d->ar, p, sizeof d->ar), p += sizeof d->ar;
    d->ar_index = *p++;
    d->dac_mask = *p++;
    memcpy(d->dac, p, sizeof d->dac), p += sizeof d->dac;
    for (unsigned k = 0; k < 10; k++, p += 2)
        d->dispi[k] = (uint16_t)le(p, 2);
    d->vram_len = (uint32_t)le(p, 4);
    if (d->vram_len < (4u << 16) || len - head != d->vram_len) {
        free(buf);
        return fail(err, errlen, path, "video memory length does not match the file");
    }
    d->vram = malloc(d->vram_len);
    if (!d->vram) {
        free(buf);
        return fail(err, errlen, path, "out of memory");
    }
    memcpy(d->vram, buf + head, d->vram_len);
    free(buf);
    return 0;
}

void shot_free_dump(struct vga_dump *d)
{
    free(d->vram);
    d->vram = NULL;
}

static unsigned paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (unsigned)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* Undo the row filters in place; `bpp` bytes per pixel, rows of 1 + stride bytes. */
static int unfilter(uint8_t *raw, unsigned h, size_t stride, unsigned bpp)
{
    for (unsigned y = 0; y < h; y++) {
        uint8_t *row = raw + y * (stride + 1), type = row[0];
        uint8_t *cur = row + 1, *prev = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
        for (size_t i = 0; i < stride; i++) {
            unsigned a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0,
                     c = prev && i >= bpp ? prev[i - bpp] : 0;
            switch (type) {
            case 0: break;
            case 1: cur[i] = (uint8_t)(cur[i] + a); break;
            case 2: cur[i] = (uint8_t)(cur[i] + b); break;
            case 3: cur[i] = (uint8_t)(cur[i] + (a + b) / 2); break;
            case 4: cur[i] = (uint8_t)(cur[i] + paeth((int)a, (int)b, (int)c)); break;
            default: return -1;
            }
        }
    }
    return 0;
}

int shot_read_png(const char *path, struct picture *pic, char *err, size_t errlen)
{
    memset(pic, 0, sizeof *pic);
    size_t len;
    uint8_t *buf = slurp(path, &len);
    if (!buf)
        return fail(err, errlen, path, "cannot read it");
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    int rc = -1;
    uint8_t *z = NULL, *raw = NULL;
    size_t zlen = 0;
    unsigned w = 0, h = 0, bpp = 0;
    bool ended = false;
    if (len < 8 || memcmp(buf, sig, 8) != 0) {
        fail(err, errlen, path, "no PNG signature");
        goto out;
    }
    for (size_t at = 8; !ended;) {
        if (len - at < 12) {
            fail(err, errlen, path, "truncated chunk");
            goto out;
        }
        uint32_t n = be32(buf + at);
        const uint8_t *type = buf + at + 4, *data = buf + at + 8;
        if (n > len - at - 12) {
            fail(err, errlen, path, "truncated chunk");
            goto out;
        }
        if ((uint32_t)crc32(crc32(0L, type, 4), data, n) != be32(data + n)) {
            fail(err, errlen, path, "chunk CRC mismatch");
            goto out;
        }
        if (memcmp(type, "IHDR", 4) == 0) {
            w = be32(data);
            h = be32(data + 4);
            if (n != 13 || data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[10] ||
                data[11] || data[12] || w == 0 || h == 0 || w > 8192 || h > 8192) {
                fail(err, errlen, path, "not an 8-bit RGB(A), non-interlaced PNG");
                goto out;
            }
            bpp = data[9] == 2 ? 3 : 4;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            uint8_t *more = realloc(z, zlen + n + 1);
            if (!more) {
                fail(err, errlen, path, "out of memory");
                goto out;
            }
            z = more;
            memcpy(z + zlen, data, n);
            zlen += n;
        } else if (memcmp(type, "IEND", 4) == 0) {
            ended = true;
        }
        at += 12 + (size_t)n;
    }
    if (!bpp || !z) {
        fail(err, errlen, path, "no IHDR or no IDAT");
        goto out;
    }
    size_t stride = (size_t)w * bpp;
    uLongf rawlen = (uLongf)((stride + 1) * h);
    raw = malloc(rawlen);
    pic->px = malloc((size_t)w * h * sizeof *pic->px);
    if (!raw || !pic->px) {
        fail(err, errlen, path, "out of memory");
        goto out;
    }
    uLongf got = rawlen;
    if (uncompress(raw, &got, z, (uLong)zlen) != Z_OK || got != rawlen) {
        fail(err, errlen, path, "the image data does not inflate to its size");
        goto out;
    }
    if (unfilter(raw, h, stride, bpp) != 0) {
        fail(err, errlen, path, "unknown row filter");
        goto out;
    }
    for (unsigned y = 0; y < h; y++) {
        const uint8_t *s = raw + y * (stride + 1) + 1;
        for (unsigned x = 0; x < w; x++, s += bpp)
            pic->px[(size_t)y * w + x] = (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];
    }
    pic->w = w;
    pic->h = h;
    rc = 0;
out:
    if (rc != 0) {
        free(pic->px);
        pic->px = NULL;
    }
    free(raw);
    free(z);
    free(buf);
    return rc;
}
