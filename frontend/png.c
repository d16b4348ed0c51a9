/* The PNG writer (see png.h): signature, IHDR, one IDAT holding the whole zlib stream,
 * IEND. Each chunk is length, type, data and a CRC-32 of type and data. */
#include "frontend/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int write_chunk(FILE *f, const char type[4], const uint8_t *data, uint32_t len)
{
    uint8_t head[8], tail[4];
    put_be32(head, len);
    for (unsigned k = 0; k < 4; k++)
        head[4 + k] = (uint8_t)type[k];
    uLong crc = crc32(0L, head + 4, 4);
    if (len)
        crc = crc32(crc, data, len);
    put_be32(tail, (uint32_t)crc);
    if (fwrite(head, 1, 8, f) != 8 || (len && fwrite(data, 1, len, f) != len) ||
        fwrite(tail, 1, 4, f) != 4)
        return -1;
    return 0;
}

int png_write(const char *path, const uint32_t *xrgb, unsigned w, unsigned h)
{
    /* Rows of 1 filter byte + 3 bytes per pixel; keep the whole image under 1 GiB. */
    if (w == 0 || h == 0 || w > 65535 || h > 65535 || (uint64_t)(3ull * w + 1) * h > (1u << 30)) {
        errno = EINVAL;
        return -1;
    }
    size_t row = 3 * (size_t)w + 1, raw_len = row * h;
    uint8_t *raw = malloc(raw_len);
    uLongf z_len = compressBound((uLong)raw_len);
    uint8_t *z = malloc(z_len);
    if (!raw || !z) {
        free(raw);
        free(z);
        errno = ENOMEM;
        return -1;
    }
    for (unsigned y = 0; y < h; y++) {
        uint8_t *p = raw + y * row;
        *p++ = 0; /* filter type None */
        for (unsigned x = 0; x < w; x++) {
            uint32_t px = xrgb[(size_t)y * w + x];
            *p++ = (uint8_t)(px >> 16);
            *p++ = (uint8_t)(px >> 8);
            *p++ = (uint8_t)px;
        }
    }
    int rc = compress2(z, &z_len, raw, (uLong)raw_len, Z_DEFAULT_COMPRESSION);
    free(raw);
    if (rc != Z_OK) {
        free(z);
        errno = ENOMEM;
        return -1;
    }

    FILE *f = fopen(path, "wb");
    if (!f) {
        free(z);
        return -1;
    }
    static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    uint8_t ihdr[13];
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = 8;  /* bits per sample */
    ihdr[9] = 2;  /* colour type: truecolour RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering, filter type per row */
    ihdr[12] = 0; /* no interlace */
    int bad = fwrite(signature, 1, 8, f) != 8 || write_chunk(f, "IHDR", ihdr, 13) != 0 ||
              write_chunk(f, "IDAT", z, (uint32_t)z_len) != 0 ||
              write_chunk(f, "IEND", NULL, 0) != 0;
    free(z);
    int saved = errno;
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        errno = saved ? saved : EIO;
        remove(path);
        return -1;
    }
    return 0;
}
