/* Unit tests of the window test's comparer: its renderer on small hand-built VGA states
 * whose pixels are worked out here by hand, the PNG reader against frontend/png.c's
 * writer, and the comparison catching a single wrong pixel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "frontend/png.h"
#include "tests/frontend/shot.h"

static uint8_t vram[4u << 16];

static void set_plane(uint32_t offset, unsigned p, uint8_t v)
{
    vram[offset * 4 + p] = v;
}

static void set_dac(struct vga_dump *d, unsigned index, uint8_t r, uint8_t g, uint8_t b)
{
    d->dac[index * 3] = r;
    d->dac[index * 3 + 1] = g;
    d->dac[index * 3 + 2] = b;
}

/* Two 9-dot cells of 16 scanlines: 'A' in yellow on blue, then a blinking box-drawing
 * character 0xC4 in light grey on black. */
static void text_state(struct vga_dump *d)
{
    memset(d, 0, sizeof *d);
    memset(vram, 0, sizeof vram);
    d->vram = vram;
    d->vram_len = sizeof vram;
    d->frame_ns = 1000;
    d->cr[0x01] = 1;     /* two character clocks */
    d->cr[0x12] = 15;    /* 16 scanlines */
    d->cr[0x09] = 0x0F;  /* 16-line characters */
    d->cr[0x13] = 1;
    d->cr[0x14] = 0x1F;
    d->cr[0x17] = 0xA3;  /* word mode */
    d->cr[0x18] = 0xFF;
    d->cr[0x07] = 0x10;  /* line compare 0x1FF: no split */
    d->cr[0x0A] = 0x20;  /* no cursor */
    d->gr[6] = 0x0E;     /* alphanumeric */
    d->ar[0x10] = 0x0C;  /* blink, line graphics */
    d->ar[0x12] = 0x0F;
    d->ar[0x13] = 0x08;  /* no panning in 9-dot mode */
    for (unsigned k = 0; k < 16; k++)
        d->ar[k] = (uint8_t)k;
    d->ar_index = 0x20;
    d->dac_mask = 0xFF;
    set_dac(d, 0x0E, 63, 63, 21);
    set_dac(d, 0x01, 0, 0, 42);
    set_dac(d, 0x07, 42, 42, 42);
    set_plane(0, 0, 'A');
    set_plane(0, 1, 0x1E);
    set_plane(2, 0, 0xC4);
    set_plane(2, 1, 0x87);
    set_plane('A' * 32 + 0, 2, 0x81);   /* row 0 of 'A': the outer dots */
    set_plane(0xC4 * 32 + 7, 2, 0xFF);  /* row 7 of 0xC4: a full line */
}

static uint32_t px(const struct picture *p, unsigned x, unsigned y)
{
    return p->px[(size_t)y * p->w + x];
}

static void test_text_pixels(void **state)
{
    struct vga_dump d;
    struct picture p;
    const char *mode;
    char err[200];
    text_state(&d);
    assert_int_equal(shot_render(&d, &p, &mode, err, sizeof err), 0);
    assert_string_equal(mode, "text");
    assert_int_equal(p.w, 18);
    assert_int_equal(p.h, 16);
    assert_int_equal(px(&p, 0, 0), 0xFFFF55);  /* 63,63,21 at 8 bits: 255,255,85 */
    assert_int_equal(px(&p, 1, 0), 0x0000AA);
    assert_int_equal(px(&p, 7, 0), 0xFFFF55);
    assert_int_equal(px(&p, 8, 0), 0x0000AA);  /* 9th dot of a letter: background */
    assert_int_equal(px(&p, 16, 7), 0xAAAAAA);
    assert_int_equal(px(&p, 17, 7), 0xAAAAAA); /* 9th dot of 0xC4 repeats the 8th */
    assert_int_equal(px(&p, 17, 6), 0x000000);
    free(p.px);

    d.now_ns = 16 * d.frame_ns; /* frame 16: blinking characters hidden */
    assert_int_equal(shot_render(&d, &p, &mode, err, sizeof err), 0);
    assert_int_equal(px(&p, 16, 7), 0x000000);
    assert_int_equal(px(&p, 0, 0), 0xFFFF55);
    free(p.px);

    d.now_ns = 0; /* the cursor on the letter, rows 14-15, covers all nine dots */
    d.cr[0x0A] = 14;
    d.cr[0x0B] = 15;
    assert_int_equal(shot_render(&d, &p, &mode, err, sizeof err), 0);
    assert_int_equal(px(&p, 8, 14), 0xFFFF55);
    assert_int_equal(px(&p, 8, 13), 0x0000AA);
    assert_int_equal(px(&p, 9, 14), 0x000000); /* the next cell is not the cursor's */
    free(p.px);

    d.now_ns = 8 * d.frame_ns; /* frame 8: the cursor is off */
    assert_int_equal(shot_render(&d, &p, &mode, err, sizeof err), 0);
    assert_int_equal(px(&p, 8, 14), 0x0000AA);
    free(p.px);

    /* The cursor on the blinking character while it is hidden: still the foreground. */
    d.now_ns = 16 * d.frame_ns;
    d.cr[0x0F] = 1;
    assert_int_equal(shot_render(&d, &p, &mode, err, sizeof err), 0);
    assert_int_equal(px(&p, 12, 14), 0xAAAAAA);
    assert_int_equal(px(&p, 17, 15), 0xAAAAAA);
    assert_int_equal(px(&p, 12, 7), 0x000000); /* its line is hidden */
    free(p.px);
}

/* Mode 13h's layout: pixel N of a row at plane N mod 4, offset N rounded down to 4. */
static void test_256_pixels(void **state)
{
    struct vga_dump d;
    struct picture p;
    const char *mode;
    char err[200];
    text_state(&d);
    memset(vram, 0, sizeof vram);
    d.gr[6] = 0x05;
    d.gr[5] = 0x40;
    d.cr[0x14] = 0x40;  /* doubleword */
    d.cr[0x17] = 0xA3;
    d.cr[0x09] = 0x41;  /* two scanlines per row */
    d.cr[0x01] = 3;     /* 16 pixels */
    d.cr[0x12] = 3;     /* 4 scanlines: 2 rows */
    d.cr[0x13] = 2;     /* 16 bytes a row */
    d.sr[1] = 0x01;
    d.ar[0x10] = 0x41;
    d.ar[0x13] = 0;
    set_dac(&d, 0x25, 1, 2, 3);
    set_plane(4, 1, 0x25);      /* pixel 5 of row 0 */
    set_plane(16 + 12, 3, 0x25); /* pixel 15 of row 1 */
    assert_int_equal(shot_render(&d, &p, &mode, err, sizeof err), 0);
    assert_string_equal(mode, "256");
    assert_int_equal(p.w, 16);
    assert_int_equal(p.h, 4);
    assert_int_equal(px(&p, 5, 0), 0x04080C);  /* 1, 2, 3 at 8 bits: 4, 8, 12 */
    assert_int_equal(px(&p, 5, 1), 0x04080C); /* the row's second scanline */
    assert_int_equal(px(&p, 4, 0), 0);
    assert_int_equal(px(&p, 15, 2), 0x04080C);
    assert_int_equal(px(&p, 15, 3), 0x04080C);
    free(p.px);
}

/* A picture through frontend/png.c and back, then compared, then with one pixel off. */
static void test_png_and_compare(void **state)
{
    struct vga_dump d;
    struct picture e, s;
    const char *mode;
    char err[200], path[] = "/tmp/glass86-shotcmp-XXXXXX";
    text_state(&d);
    assert_int_equal(shot_render(&d, &e, &mode, err, sizeof err), 0);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(png_write(path, e.px, e.w, e.h), 0);
    assert_int_equal(shot_read_png(path, &s, err, sizeof err), 0);
    remove(path);
    assert_int_equal(s.w, e.w);
    assert_int_equal(s.h, e.h);
    assert_int_equal(shot_compare(&e, &s, err, sizeof err), 0);
    s.px[3 * s.w + 5] ^= 0x010000;
    assert_int_equal(shot_compare(&e, &s, err, sizeof err), 1);
    s.px[3 * s.w + 5] ^= 0x010000;

    /* Half the lines: only right where pairs of scanlines are identical, as here not. */
    struct picture half = { s.w, s.h / 2, s.px };
    assert_int_equal(shot_compare(&e, &half, err, sizeof err), -1);
    struct picture narrow = { s.w - 1, s.h, s.px };
    assert_int_equal(shot_compare(&e, &narrow, err, sizeof err), -1);
    free(e.px);
    free(s.px);
}

static void test_bad_png(void **state)
{
    char err[200], path[] = "/tmp/glass86-shotcmp-XXXXXX";
    struct picture s;
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16), 16);
    close(fd);
    assert_int_equal(shot_read_png(path, &s, err, sizeof err), -1);
    remove(path);
    assert_non_null(strstr(err, "truncated"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_pixels),
        cmocka_unit_test(test_256_pixels),
        cmocka_unit_test(test_png_and_compare),
        cmocka_unit_test(test_bad_png),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
