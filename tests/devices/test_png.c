/* png_write: the file is a well-formed PNG (signature, IHDR, IDAT, IEND, every CRC right)
 * whose pixels inflate back to what was written; a mode 13h screen saved the same way. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "frontend/png.h"
#include "vga_rig.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Read a PNG written by png_write back into XRGB pixels (8-bit RGB, filter 0 only). */
static uint32_t *decode(const char *path, unsigned *w, unsigned *h)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);

    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    assert_memory_equal(data, sig, 8);
    uint8_t *idat = NULL;
    size_t idat_len = 0;
    bool saw_end = false;
    for (size_t at = 8; at < (size_t)size;) {
        assert_true(at + 12 <= (size_t)size);
        uint32_t len = be32(data + at);
        const uint8_t *type = data + at + 4;
        assert_true(at + 12 + len <= (size_t)size);
        uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), type, 4 + len);
        assert_int_equal(be32(data + at + 8 + len), crc);
        if (memcmp(type, "IHDR", 4) == 0) {
            assert_int_equal(len, 13);
            *w = be32(type + 4);
            *h = be32(type + 8);
            assert_int_equal(type[12], 8);   /* bit depth */
            assert_int_equal(type[13], 2);   /* RGB */
            assert_int_equal(type[16], 0);   /* not interlaced */
        } else if (memcmp(type, "IDAT", 4) == 0) {
            idat = realloc(idat, idat_len + len);
            memcpy(idat + idat_len, type + 4, len);
            idat_len += len;
        } else if (memcmp(type, "IEND", 4) == 0) {
            saw_end = true;
            assert_int_equal(at + 12 + len, (size_t)size);
        }
        at += 12 + len;
    }
    assert_true(saw_end);
    uLongf raw_len = (uLongf)(3 * *w + 1) * *h;
    uint8_t *raw = malloc(raw_len);
    uLongf got = raw_len;
    assert_int_equal(uncompress(raw, &got, idat, (uLong)idat_len), Z_OK);
    assert_int_equal(got, raw_len);
    uint32_t *px = malloc((size_t)*w * *h * 4);
    for (unsigned y = 0; y < *h; y++) {
        const uint8_t *row = raw + (size_t)y * (3 * *w + 1);
        assert_int_equal(row[0], 0);
        for (unsigned x = 0; x < *w; x++)
            px[(size_t)y * *w + x] = (uint32_t)row[1 + 3 * x] << 16 |
                                     (uint32_t)row[2 + 3 * x] << 8 | row[3 + 3 * x];
    }
    free(raw);
    free(idat);
    free(data);
    return px;
}

static void temp_path(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/glass86-png-%ld.png", (long)getpid());
}

static void round_trip(void **state)
{
    (void)state;
    uint32_t img[5 * 3];
    for (unsigned k = 0; k < 15; k++)
        img[k] = 0xFF000000u | (k * 0x110000u) | (k * 0x000700u) | (255 - k);
    char path[64];
    temp_path(path, sizeof path);
    assert_int_equal(png_write(path, img, 5, 3), 0);
    unsigned w, h;
    uint32_t *px = decode(path, &w, &h);
    assert_int_equal(w, 5);
    assert_int_equal(h, 3);
    for (unsigned k = 0; k < 15; k++)
        assert_int_equal(px[k], img[k] & 0xFFFFFF);
    free(px);
    remove(path);

    assert_int_equal(png_write(path, img, 0, 3), -1);
    assert_int_equal(png_write("/nonexistent-dir/x.png", img, 5, 3), -1);
}

static void screenshot_of_mode13(void **state)
{
    (void)state;
    struct vga_rig r;
    vr_create(&r, NULL, 0);
    vr_set_mode(&r, VR_MODE13);
    vr_dac(&r, 1, 63, 0, 0);
    vr_dac(&r, 2, 0, 0, 63);
    vr_wr(&r, 0xA0000 + 320 * 50 + 100, 1);
    vr_wr(&r, 0xA0000 + 320 * 199 + 0, 2);
    unsigned w, h;
    const uint32_t *fb = vga_render(r.v, &w, &h, NULL);
    char path[64];
    temp_path(path, sizeof path);
    assert_int_equal(png_write(path, fb, w, h), 0);
    unsigned pw, ph;
    uint32_t *px = decode(path, &pw, &ph);
    assert_int_equal(pw, 320);
    assert_int_equal(ph, 200);
    assert_int_equal(px[320 * 50 + 100], 0xFF0000);
    assert_int_equal(px[320 * 199], 0x0000FF);
    assert_int_equal(px[320 * 50 + 101], 0);
    free(px);
    remove(path);
    vr_destroy(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(screenshot_of_mode13),
    };
    vr_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
