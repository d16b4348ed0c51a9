/* The rendered picture, pixel by pixel against what the test computes itself: text with
 * the test font (9-dot and 8-dot cells, the line-graphics column, the cursor and blinking
 * in virtual time), mode 13h, mode X, a mode 12h planar pixel, CGA mode 4, the split
 * screen, start-address and pixel panning, dirty tracking, and save/load. */
#include <string.h>

#include "vga_rig.h"

static int setup(void **state)
{
    struct vga_rig *r = calloc(1, sizeof *r);
    vr_create(r, NULL, 0);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    struct vga_rig *r = *state;
    vr_destroy(r);
    free(r);
    return 0;
}

static uint32_t px(const uint32_t *fb, unsigned w, unsigned x, unsigned y)
{
    return fb[(size_t)y * w + x];
}

/* Mode 3's attribute palette maps colour c to DAC entry c (0-5, 7), 14h (6), 38h+ (8-15). */
static uint32_t text_rgb(unsigned c)
{
    static const uint8_t map[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
                                     0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F };
    return vr_ega_rgb(map[c & 15]);
}

/* Check cell (col, row) of a text screen with `cw`-dot cells shows glyph `ch` in attr. */
static void assert_cell(const uint32_t *fb, unsigned w, unsigned cw, unsigned col, unsigned row,
                        uint8_t ch, uint8_t attr)
{
    for (unsigned y = 0; y < 16; y++) {
        uint8_t bits = vr_glyph_row(ch, y);
        for (unsigned x = 0; x < cw; x++) {
            bool on = x < 8 ? (bits >> (7 - x)) & 1 : false;
            uint32_t want = text_rgb(on ? attr & 15 : attr >> 4);
            uint32_t got = px(fb, w, col * cw + x, row * 16 + y);
            if (got != want)
                fail_msg("cell %u,%u '%c' pixel %u,%u: %06x, want %06x", col, row, ch, x, y, got,
                         want);
        }
    }
}

static void text_mode_pixels(void **state)
{
    struct vga_rig *r = *state;
    vr_load_font(r);
    const char *msg = "Hi!";
    for (unsigned k = 0; msg[k]; k++) {
        vr_wr(r, 0xB8000 + 160 + 2 * k, (uint8_t)msg[k]);  /* row 1 */
        vr_wr(r, 0xB8000 + 160 + 2 * k + 1, 0x1E);          /* yellow on blue */
    }
    vr_crtc(r, 0x0A, 0x20);                                  /* cursor off for now */
    bool changed;
    const uint32_t *fb = vr_render(r, 720, 400, &changed);
    assert_true(changed);
    assert_cell(fb, 720, 9, 0, 1, 'H', 0x1E);
    assert_cell(fb, 720, 9, 1, 1, 'i', 0x1E);
    assert_cell(fb, 720, 9, 2, 1, '!', 0x1E);
    assert_cell(fb, 720, 9, 3, 1, 0, 0x00);
    unsigned w, h;
    vga_display_aspect(r->v, &w, &h);
    assert_int_equal(w, 4);
    assert_int_equal(h, 3);

    /* Nothing changed: nothing to draw. One byte changed: that row only. */
    fb = vr_render(r, 720, 400, &changed);
    assert_false(changed);
    vr_wr(r, 0xB8000 + 160 + 2, 'j');
    fb = vr_render(r, 720, 400, &changed);
    assert_true(changed);
    assert_cell(fb, 720, 9, 1, 1, 'j', 0x1E);

    /* Line graphics: C4 repeats its 8th column in the 9th when AR10 bit 2 is set. */
    vr_wr(r, 0xB8000, 0xC4);
    vr_wr(r, 0xB8001, 0x07);
    vr_wr(r, 0xB8002, 0x41);
    vr_wr(r, 0xB8003, 0x07);
    fb = vr_render(r, 720, 400, NULL);
    for (unsigned y = 0; y < 16; y++) {
        assert_int_equal(px(fb, 720, 8, y), px(fb, 720, 7, y));
        assert_int_equal(px(fb, 720, 17, y), text_rgb(0));
    }

    /* 8-dot cells: 640 pixels. */
    vr_seq(r, 1, 0x01);
    fb = vr_render(r, 640, 400, NULL);
    assert_cell(fb, 640, 8, 0, 1, 'H', 0x1E);
    assert_cell(fb, 640, 8, 2, 1, '!', 0x1E);

    uint16_t cells[80 * 25];
    unsigned cols, rows;
    assert_true(vga_text_mode(r->v, &cols, &rows));
    assert_int_equal(cols, 80);
    assert_int_equal(rows, 25);
    vga_text_snapshot(r->v, cells);
    assert_int_equal(cells[80], 0x1E00 | 'H');
    assert_int_equal(cells[81], 0x1E00 | 'j');
}

static void cursor_and_blink(void **state)
{
    struct vga_rig *r = *state;
    vr_load_font(r);
    vr_wr(r, 0xB8000 + 2 * 5, ' ');
    vr_wr(r, 0xB8000 + 2 * 5 + 1, 0x07);
    vr_wr(r, 0xB8000 + 2 * 6, 'B');
    vr_wr(r, 0xB8000 + 2 * 6 + 1, 0x87);                     /* blinking */
    vr_crtc(r, 0x0E, 0x00);
    vr_crtc(r, 0x0F, 0x05);                                  /* cursor on cell 5 */
    vr_crtc(r, 0x0A, 0x0D);
    vr_crtc(r, 0x0B, 0x0E);
    unsigned col, row;
    assert_true(vga_text_cursor(r->v, &col, &row));
    assert_int_equal(col, 5);
    assert_int_equal(row, 0);

    /* Frames 0-7: cursor on; frames 0-15: blinking characters visible. */
    uint64_t frame = vga_frame_ns(r->v);
    vr_advance(r, frame / 2);
    const uint32_t *fb = vr_render(r, 720, 400, NULL);
    uint8_t space = vr_glyph_row(' ', 12);
    assert_int_equal(px(fb, 720, 45, 13), text_rgb(7));      /* cursor line 13 */
    assert_int_equal(px(fb, 720, 45, 14), text_rgb(7));
    assert_int_equal(px(fb, 720, 45, 12), text_rgb((space & 0x80) ? 7 : 0));
    assert_cell(fb, 720, 9, 6, 0, 'B', 0x07);

    vr_advance(r, 8 * frame);                                /* frame 8: cursor off */
    bool changed;
    fb = vr_render(r, 720, 400, &changed);
    assert_true(changed);
    uint8_t bits13 = vr_glyph_row(' ', 13);
    assert_int_equal(px(fb, 720, 45, 13), text_rgb((bits13 & 0x80) ? 7 : 0));
    vr_advance(r, 8 * frame);                                /* frame 16: blink off too */
    fb = vr_render(r, 720, 400, NULL);
    assert_int_equal(px(fb, 720, 45, 13), text_rgb(7));      /* cursor back */
    for (unsigned y = 0; y < 16; y++)                        /* 'B' is gone */
        for (unsigned x = 54; x < 63; x++)
            assert_int_equal(px(fb, 720, x, y), text_rgb(0));
}

static void mode13_pixels(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE13);
    vr_dac(r, 5, 63, 0, 0);
    vr_dac(r, 6, 0, 32, 63);
    vr_wr(r, 0xA0000 + 320 * 10 + 7, 5);
    vr_wr(r, 0xA0000 + 320 * 199 + 319, 6);
    bool changed;
    const uint32_t *fb = vr_render(r, 320, 200, &changed);
    assert_true(changed);
    assert_int_equal(px(fb, 320, 7, 10), 0xFF0000);
    assert_int_equal(px(fb, 320, 319, 199), 0x0082FF);
    assert_int_equal(px(fb, 320, 6, 10), 0x000000);
    assert_int_equal(px(fb, 320, 8, 10), 0x000000);
    assert_int_equal(px(fb, 320, 7, 9), 0x000000);
    unsigned w, h;
    vga_display_aspect(r->v, &w, &h);
    assert_int_equal(w * 3, h * 4);

    /* A palette change redraws everything. */
    vr_dac(r, 5, 0, 63, 0);
    fb = vr_render(r, 320, 200, &changed);
    assert_true(changed);
    assert_int_equal(px(fb, 320, 7, 10), 0x00FF00);
    /* Pixel panning in 256 colours counts half pixels: AR13 = 2 moves one pixel. */
    vr_attr(r, 0x13, 0x02);
    fb = vr_render(r, 320, 200, NULL);
    assert_int_equal(px(fb, 320, 6, 10), 0x00FF00);
}

static void modex_pixels(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODEX);
    vr_dac(r, 9, 63, 63, 0);
    /* Pixel (x, y) lives in plane x & 3 at offset y * 80 + x / 4. */
    vr_seq(r, 2, 1u << (7 & 3));
    vr_wr(r, 0xA0000 + 10 * 80 + 7 / 4, 9);
    vr_seq(r, 2, 1u << (316 & 3));
    vr_wr(r, 0xA0000 + 150 * 80 + 316 / 4, 9);
    const uint32_t *fb = vr_render(r, 320, 200, NULL);
    assert_int_equal(px(fb, 320, 7, 10), 0xFFFF00);
    assert_int_equal(px(fb, 320, 6, 10), 0);
    assert_int_equal(px(fb, 320, 3, 10), 0);
    assert_int_equal(px(fb, 320, 316, 150), 0xFFFF00);
    assert_int_equal(px(fb, 320, 317, 150), 0);

    /* Page flipping: the start address selects the second page at offset 16000. */
    vr_seq(r, 2, 0x0F);
    vr_wr(r, 0xA0000 + 16000 + 5 * 80 + 2, 9);               /* pixels 8-11 of line 5 */
    vr_crtc(r, 0x0C, 16000 >> 8);
    vr_crtc(r, 0x0D, 16000 & 0xFF);
    fb = vr_render(r, 320, 200, NULL);
    for (unsigned x = 8; x < 12; x++)
        assert_int_equal(px(fb, 320, x, 5), 0xFFFF00);
    assert_int_equal(px(fb, 320, 7, 10), 0);
}

/* Mode 12h: plot with write mode 2 and the bit mask, as a BIOS does. */
static void plot12(struct vga_rig *r, unsigned x, unsigned y, uint8_t colour)
{
    vr_gfx(r, 5, 0x02);
    vr_gfx(r, 8, (uint8_t)(0x80 >> (x & 7)));
    uint32_t a = 0xA0000 + y * 80 + x / 8;
    (void)vr_rd(r, a);
    vr_wr(r, a, colour);
    vr_gfx(r, 8, 0xFF);
    vr_gfx(r, 5, 0x00);
}

static void mode12_planar(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE12);
    plot12(r, 13, 5, 0x0C);
    plot12(r, 12, 5, 0x01);
    plot12(r, 639, 479, 0x0F);
    const uint32_t *fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(px(fb, 640, 13, 5), vr_ega_rgb(0x3C));
    assert_int_equal(px(fb, 640, 12, 5), vr_ega_rgb(0x01));
    assert_int_equal(px(fb, 640, 14, 5), 0);
    assert_int_equal(px(fb, 640, 639, 479), vr_ega_rgb(0x3F));
    assert_int_equal(vr_plane(r, 5 * 80 + 1, 2), 0x04);      /* bit 2 of byte 1: x = 13 */
}

static void split_screen_and_panning(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE12);
    plot12(r, 0, 0, 0x01);      /* memory line 0 */
    plot12(r, 0, 100, 0x02);    /* memory line 100 */
    plot12(r, 10, 100, 0x04);
    plot12(r, 8, 100, 0x06);
    vr_crtc(r, 0x0C, (80 * 100) >> 8);
    vr_crtc(r, 0x0D, (80 * 100) & 0xFF);
    vr_crtc(r, 0x18, 199);      /* line compare 199: the split starts on line 200 */
    vr_crtc(r, 0x11, 0x0C);
    vr_crtc(r, 0x07, (uint8_t)(0x3E & ~0x10));
    vr_crtc(r, 0x09, 0x00);
    const uint32_t *fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(px(fb, 640, 0, 0), vr_ega_rgb(0x02));
    assert_int_equal(px(fb, 640, 10, 0), vr_ega_rgb(0x04));
    assert_int_equal(px(fb, 640, 0, 199), 0);
    assert_int_equal(px(fb, 640, 0, 200), vr_ega_rgb(0x01));
    assert_int_equal(px(fb, 640, 0, 300), vr_ega_rgb(0x02));

    /* Pixel panning by 3 shifts the top left, and the split too unless AR10 bit 5. */
    vr_attr(r, 0x13, 0x03);
    fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(px(fb, 640, 7, 0), vr_ega_rgb(0x04));
    assert_int_equal(px(fb, 640, 5, 0), vr_ega_rgb(0x14));
    assert_int_equal(px(fb, 640, 7, 300), vr_ega_rgb(0x04));
    vr_attr(r, 0x10, 0x21);
    fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(px(fb, 640, 7, 0), vr_ega_rgb(0x04));
    assert_int_equal(px(fb, 640, 10, 300), vr_ega_rgb(0x04));
    assert_int_equal(px(fb, 640, 0, 200), vr_ega_rgb(0x01));

    /* Start address + 1: the picture moves left by a byte (8 pixels). */
    vr_attr(r, 0x13, 0x00);
    vr_crtc(r, 0x0D, (80 * 100 + 1) & 0xFF);
    fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(px(fb, 640, 2, 0), vr_ega_rgb(0x04));
    assert_int_equal(px(fb, 640, 0, 0), vr_ega_rgb(0x14));
}

static void cga_mode4(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE4);
    /* Even lines at B8000, odd lines at BA000; four 2-bit pixels per byte. */
    vr_wr(r, 0xB8000 + 0, 0x10);                 /* (1, 0) colour 1 */
    vr_wr(r, 0xBA000 + 0, 0x30);                 /* (1, 1) colour 3 */
    vr_wr(r, 0xB8000 + 80 + 1, 0x02);            /* (7, 2) colour 2 */
    const uint32_t *fb = vr_render(r, 320, 200, NULL);
    assert_int_equal(px(fb, 320, 1, 0), vr_ega_rgb(0x13));
    assert_int_equal(px(fb, 320, 1, 1), vr_ega_rgb(0x17));
    assert_int_equal(px(fb, 320, 7, 2), vr_ega_rgb(0x15));
    assert_int_equal(px(fb, 320, 0, 0), 0);
    assert_int_equal(px(fb, 320, 1, 2), 0);
}

static void save_and_load(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE13);
    vr_dac(r, 3, 10, 20, 30);
    for (unsigned k = 0; k < 64000; k += 97)
        vr_wr(r, 0xA0000 + k, 3);
    unsigned w, h;
    const uint32_t *fb = vga_render(r->v, &w, &h, NULL);
    uint32_t *copy = malloc((size_t)w * h * 4);
    memcpy(copy, fb, (size_t)w * h * 4);

    struct state_buf buf = { 0 };
    const struct device_ops *ops = NULL;
    for (int k = 0; k < r->m->device_count; k++)
        if (r->m->devices[k].dev == r->v)
            ops = r->m->devices[k].ops;
    assert_non_null(ops);
    ops->save(r->v, &buf);
    assert_false(buf.error);
    assert_true(buf.len < 200000);               /* 16 MiB of mostly zeros, compressed */

    struct vga_rig other;
    vr_create(&other, NULL, 0);
    buf.pos = 0;
    assert_true(ops->load(other.v, &buf, ops->state_version));
    assert_int_equal(buf.pos, buf.len);
    const uint32_t *fb2 = vr_render(&other, w, h, NULL);
    assert_memory_equal(fb2, copy, (size_t)w * h * 4);
    assert_int_equal(vr_rd(&other, 0xA0000 + 97), 3);
    assert_false(ops->load(other.v, &buf, 99));
    buf.pos = 0;
    buf.len /= 2;                                /* truncated: refused */
    assert_false(ops->load(other.v, &buf, ops->state_version));
    vr_destroy(&other);
    state_free(&buf);
    free(copy);
}

static void garbage_registers_do_not_crash(void **state)
{
    struct vga_rig *r = *state;
    uint64_t seed = 12345;
    for (unsigned round = 0; round < 200; round++) {
        for (unsigned k = 0; k < 64; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint16_t port = (uint16_t)(0x3C0 + ((seed >> 33) % 0x1B));
            vr_out(r, port, (uint8_t)(seed >> 45));
            if (port == 0x3C2)
                vr_out(r, 0x3C2, (uint8_t)((seed >> 45) | 3));
        }
        for (unsigned k = 0; k < 25; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            vr_crtc(r, (uint8_t)k, (uint8_t)(seed >> 40));
        }
        vr_wr(r, 0xA0000 + (uint32_t)(seed % 0x20000), (uint8_t)seed);
        unsigned w, h;
        const uint32_t *fb = vga_render(r->v, &w, &h, NULL);
        assert_non_null(fb);
        assert_true(w > 0 && w <= 2560 && h > 0 && h <= 2048);
        (void)vr_in(r, 0x3DA);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(text_mode_pixels, setup, teardown),
        cmocka_unit_test_setup_teardown(cursor_and_blink, setup, teardown),
        cmocka_unit_test_setup_teardown(mode13_pixels, setup, teardown),
        cmocka_unit_test_setup_teardown(modex_pixels, setup, teardown),
        cmocka_unit_test_setup_teardown(mode12_planar, setup, teardown),
        cmocka_unit_test_setup_teardown(split_screen_and_panning, setup, teardown),
        cmocka_unit_test_setup_teardown(cga_mode4, setup, teardown),
        cmocka_unit_test_setup_teardown(save_and_load, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_registers_do_not_crash, setup, teardown),
    };
    vr_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
