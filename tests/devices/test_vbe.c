/* The Bochs VBE extension: the ID handshake, GETCAPS, the amount of memory, setting
 * 1024x768x32 and reading pixels written through the LFB back from the render (with the
 * per-line change detection), 15/16/24-bit pixels, banked access at A0000, virtual width
 * and display offsets, the clear-on-enable, and clamping of impossible modes. */
#include <string.h>

#include "vga_rig.h"

#define IDX_ID 0
#define IDX_XRES 1
#define IDX_YRES 2
#define IDX_BPP 3
#define IDX_ENABLE 4
#define IDX_BANK 5
#define IDX_VIRT_WIDTH 6
#define IDX_VIRT_HEIGHT 7
#define IDX_X_OFFSET 8
#define IDX_Y_OFFSET 9
#define IDX_VIDEO_MEMORY_64K 10

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

static void set_mode(struct vga_rig *r, uint16_t w, uint16_t h, uint16_t bpp, uint16_t flags)
{
    vr_dispi(r, IDX_ENABLE, 0);
    vr_dispi(r, IDX_BPP, bpp);
    vr_dispi(r, IDX_XRES, w);
    vr_dispi(r, IDX_YRES, h);
    vr_dispi(r, IDX_BANK, 0);
    vr_dispi(r, IDX_ENABLE, (uint16_t)(0x01 | flags));
}

static void id_handshake(void **state)
{
    struct vga_rig *r = *state;
    assert_int_equal(vr_dispi_read(r, IDX_ID), 0xB0C5);
    vr_dispi(r, IDX_ID, 0xB0C0);
    assert_int_equal(vr_dispi_read(r, IDX_ID), 0xB0C0);
    vr_dispi(r, IDX_ID, 0xB0C4);
    assert_int_equal(vr_dispi_read(r, IDX_ID), 0xB0C4);
    vr_dispi(r, IDX_ID, 0x1234);                       /* not an ID: ignored */
    assert_int_equal(vr_dispi_read(r, IDX_ID), 0xB0C4);
    assert_int_equal(vr_inw(r, 0x1CE), IDX_ID);
    assert_int_equal(vr_dispi_read(r, IDX_VIDEO_MEMORY_64K), 256);
    assert_int_equal(vr_dispi_read(r, 0x55), 0);

    /* GETCAPS: the mode registers report the maximums while it is set. */
    vr_dispi(r, IDX_XRES, 640);
    vr_dispi(r, IDX_ENABLE, 0x02);
    assert_true(vr_dispi_read(r, IDX_XRES) >= 1280);
    assert_true(vr_dispi_read(r, IDX_YRES) >= 1024);
    assert_int_equal(vr_dispi_read(r, IDX_BPP), 32);
    vr_dispi(r, IDX_ENABLE, 0x00);
    assert_int_equal(vr_dispi_read(r, IDX_XRES), 640);

    /* The PCI identity SeaBIOS and Linux look for. */
    io_write(r->m, 0xCF8, 0x80000000u | (VGA_PCI_DEVICE << 11), 4);
    assert_int_equal(io_read(r->m, 0xCFC, 4), 0x11111234);
    io_write(r->m, 0xCF8, 0x80000008u | (VGA_PCI_DEVICE << 11), 4);
    assert_int_equal(io_read(r->m, 0xCFC, 4) >> 8, 0x030000);
    io_write(r->m, 0xCF8, 0x80000010u | (VGA_PCI_DEVICE << 11), 4);
    assert_int_equal(io_read(r->m, 0xCFC, 4), VR_LFB | 0x8);  /* prefetchable memory */
    io_write(r->m, 0xCFC, 0xFFFFFFFFu, 4);
    assert_int_equal(io_read(r->m, 0xCFC, 4), 0xFF000008u);  /* 16 MiB */
    io_write(r->m, 0xCFC, VR_LFB, 4);
}

static void lfb_1024x768x32(void **state)
{
    struct vga_rig *r = *state;
    set_mode(r, 1024, 768, 32, 0x40);
    assert_int_equal(vr_dispi_read(r, IDX_XRES), 1024);
    assert_int_equal(vr_dispi_read(r, IDX_YRES), 768);
    assert_int_equal(vr_dispi_read(r, IDX_BPP), 32);
    assert_int_equal(vr_dispi_read(r, IDX_VIRT_WIDTH), 1024);
    assert_false(vga_text_mode(r->v, NULL, NULL));

    phys_write(r->m, VR_LFB + (10 * 1024 + 20) * 4, 0x00123456, 4);
    phys_write(r->m, VR_LFB + (767 * 1024 + 1023) * 4, 0x00FF8000, 4);
    bool changed;
    const uint32_t *fb = vr_render(r, 1024, 768, &changed);
    assert_true(changed);
    assert_int_equal(fb[10 * 1024 + 20], 0x123456);
    assert_int_equal(fb[767 * 1024 + 1023], 0xFF8000);
    assert_int_equal(fb[10 * 1024 + 21], 0);
    unsigned an, ad;
    vga_display_aspect(r->v, &an, &ad);
    assert_int_equal(an, 4);
    assert_int_equal(ad, 3);

    fb = vr_render(r, 1024, 768, &changed);
    assert_false(changed);
    phys_write(r->m, VR_LFB + (500 * 1024 + 3) * 4, 0x00ABCDEF, 4);
    fb = vr_render(r, 1024, 768, &changed);
    assert_true(changed);
    assert_int_equal(fb[500 * 1024 + 3], 0xABCDEF);
    /* The top byte of a 32-bit pixel is not colour. */
    phys_write(r->m, VR_LFB + (500 * 1024 + 3) * 4, 0xFFABCDEF, 4);
    fb = vr_render(r, 1024, 768, &changed);
    assert_false(changed);

    /* Display offsets scroll the picture. */
    vr_dispi(r, IDX_Y_OFFSET, 10);
    vr_dispi(r, IDX_X_OFFSET, 20);
    fb = vr_render(r, 1024, 768, NULL);
    assert_int_equal(fb[0], 0x123456);

    /* Back to VGA text. */
    vr_dispi(r, IDX_ENABLE, 0);
    vr_render(r, 720, 400, NULL);
    assert_true(vga_text_mode(r->v, NULL, NULL));
}

static void packed_depths(void **state)
{
    struct vga_rig *r = *state;
    set_mode(r, 640, 480, 16, 0x40);
    phys_write(r->m, VR_LFB + 2 * 5, 0xF800, 2);              /* red */
    phys_write(r->m, VR_LFB + 2 * 6, 0x07E0, 2);              /* green */
    const uint32_t *fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(fb[5], 0xFF0000);
    assert_int_equal(fb[6], 0x00FF00);

    set_mode(r, 640, 480, 15, 0x40);
    phys_write(r->m, VR_LFB + 2 * 5, 0x001F, 2);              /* blue */
    fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(fb[5], 0x0000FF);
    assert_int_equal(fb[4], 0);

    set_mode(r, 800, 600, 24, 0x40);
    phys_write(r->m, VR_LFB + 3 * 801, 0x010203, 3);
    fb = vr_render(r, 800, 600, NULL);
    assert_int_equal(fb[801], 0x010203);
    unsigned an, ad;
    vga_display_aspect(r->v, &an, &ad);
    assert_int_equal(an * 3, ad * 4);

    set_mode(r, 320, 200, 8, 0x40);
    vr_dac(r, 7, 0x3F, 0x00, 0x20);
    phys_write8(r->m, VR_LFB + 320 + 1, 7);
    fb = vr_render(r, 320, 200, NULL);
    assert_int_equal(fb[321], 0xFF0082);
    vr_dispi(r, IDX_ENABLE, 0x01 | 0x20 | 0x80);              /* 8-bit DAC */
    vr_dac(r, 7, 0x80, 0x00, 0xFF);
    fb = vr_render(r, 320, 200, NULL);
    assert_int_equal(fb[321], 0x8000FF);
}

static void banked_window(void **state)
{
    struct vga_rig *r = *state;
    set_mode(r, 640, 480, 8, 0);
    vr_dac(r, 9, 0, 0x3F, 0);
    vr_dispi(r, IDX_BANK, 3);
    assert_int_equal(vr_dispi_read(r, IDX_BANK), 3);
    vr_wr(r, 0xA0010, 9);
    assert_int_equal(vr_rd(r, VR_LFB + 3 * 0x10000 + 0x10), 9);
    assert_int_equal(vr_rd(r, 0xA0010), 9);
    phys_write8(r->m, VR_LFB + 3 * 0x10000 + 0x11, 0x44);
    assert_int_equal(vr_rd(r, 0xA0011), 0x44);
    assert_int_equal(vr_rd(r, 0xB0000), 0xFF);                /* only 64 KiB at A0000 */
    uint32_t at = 3 * 0x10000 + 0x10;
    const uint32_t *fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(fb[at], 0x00FF00);
    vr_dispi(r, IDX_BANK, 0xFFFF);                            /* masked to video memory */
    assert_int_equal(vr_dispi_read(r, IDX_BANK), 0xFF);
    vr_wr(r, 0xAFFFF, 1);
    assert_int_equal(vr_rd(r, VR_LFB + 0xFFFFFF), 1);
}

static void virtual_width_and_clear(void **state)
{
    struct vga_rig *r = *state;
    phys_write(r->m, VR_LFB + 100, 0x11223344, 4);
    set_mode(r, 640, 480, 32, 0x40 | 0x80);                   /* NOCLEARMEM */
    assert_int_equal(phys_read(r->m, VR_LFB + 100, 4), 0x11223344);
    vr_dispi(r, IDX_ENABLE, 0);
    set_mode(r, 640, 480, 32, 0x40);                          /* clears */
    assert_int_equal(phys_read(r->m, VR_LFB + 100, 4), 0);

    vr_dispi(r, IDX_VIRT_WIDTH, 2048);
    assert_int_equal(vr_dispi_read(r, IDX_VIRT_WIDTH), 2048);
    assert_int_equal(vr_dispi_read(r, IDX_VIRT_HEIGHT), (16u << 20) / (2048 * 4));
    phys_write(r->m, VR_LFB + (2048 * 3 + 700) * 4, 0x00C0FFEE, 4);
    vr_dispi(r, IDX_X_OFFSET, 700);
    vr_dispi(r, IDX_Y_OFFSET, 3);
    const uint32_t *fb = vr_render(r, 640, 480, NULL);
    assert_int_equal(fb[0], 0xC0FFEE);
    /* An offset that would run off video memory is refused (reset to 0). */
    vr_dispi(r, IDX_Y_OFFSET, 2040);
    assert_int_equal(vr_dispi_read(r, IDX_Y_OFFSET), 0);
}

static void impossible_modes_are_clamped(void **state)
{
    struct vga_rig *r = *state;
    set_mode(r, 0xFFFF, 0xFFFF, 32, 0x40);
    unsigned w = vr_dispi_read(r, IDX_XRES), h = vr_dispi_read(r, IDX_YRES);
    assert_true(w <= 2560 && h <= 1600);
    assert_true((uint64_t)w * h * 4 <= 16u << 20);
    unsigned rw, rh;
    assert_non_null(vga_render(r->v, &rw, &rh, NULL));
    assert_int_equal(rw, w);
    assert_int_equal(rh, h);

    set_mode(r, 1, 0, 7, 0x40);                               /* odd depth, zero height */
    assert_int_equal(vr_dispi_read(r, IDX_BPP), 8);
    assert_int_equal(vr_dispi_read(r, IDX_XRES), 8);
    assert_int_equal(vr_dispi_read(r, IDX_YRES), 1);
    assert_non_null(vga_render(r->v, &rw, &rh, NULL));

    set_mode(r, 2560, 1600, 32, 0x40);                        /* the largest mode fits */
    assert_int_equal(vr_dispi_read(r, IDX_XRES), 2560);
    assert_int_equal(vr_dispi_read(r, IDX_YRES), 1600);
    phys_write(r->m, VR_LFB + (2560u * 1600 - 1) * 4, 0x00010203, 4);
    const uint32_t *fb = vr_render(r, 2560, 1600, NULL);
    assert_int_equal(fb[2560 * 1600 - 1], 0x010203);

    /* 4-bit planar VBE mode through the attribute palette. */
    vr_set_mode(r, VR_MODE12);
    set_mode(r, 800, 600, 4, 0);
    vr_seq(r, 2, 0x0F);
    vr_gfx(r, 5, 0x02);
    vr_gfx(r, 8, 0x80);
    (void)vr_rd(r, 0xA0000 + 100);
    vr_wr(r, 0xA0000 + 100, 0x0C);                            /* pixel 800 = (0, 1) */
    fb = vr_render(r, 800, 600, NULL);
    assert_int_equal(fb[800], vr_ega_rgb(0x3C));
    assert_int_equal(fb[801], 0);
}

static void garbage_dispi_does_not_crash(void **state)
{
    struct vga_rig *r = *state;
    uint64_t seed = 99;
    for (unsigned round = 0; round < 300; round++) {
        for (unsigned k = 0; k < 8; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint16_t value = (uint16_t)(seed >> 40);
            if (k & 1)
                value &= 0x0FFF; /* plausible sizes as well as wild ones */
            vr_dispi(r, (uint16_t)((seed >> 20) % 12), value);
        }
        vr_dispi(r, IDX_ENABLE, (uint16_t)(0x01 | (seed & 0xE0)));
        vr_wr(r, 0xA0000 + (uint32_t)(seed % 0x20000), (uint8_t)seed);
        (void)vr_rd(r, 0xA0000 + (uint32_t)((seed >> 8) % 0x20000));
        unsigned w, h;
        assert_non_null(vga_render(r->v, &w, &h, NULL));
        unsigned bpp = vr_dispi_read(r, IDX_BPP);
        uint32_t line = bpp == 4 ? vr_dispi_read(r, IDX_VIRT_WIDTH) / 2
                                 : vr_dispi_read(r, IDX_VIRT_WIDTH) * ((bpp + 7) / 8);
        uint64_t end = (uint64_t)line * (vr_dispi_read(r, IDX_Y_OFFSET) + h);
        assert_true(end <= 16u << 20);
        assert_int_equal(w, vr_dispi_read(r, IDX_XRES));
    }
}

/* Without a PCI bus the LFB sits at Bochs' fixed address. */
static void isa_lfb(void **state)
{
    (void)state;
    struct machine_config cfg = { .model = CPU_P6, .ram_bytes = 32u << 20, .pc_layout = true,
                                  .quiet = true };
    char err[200] = "";
    struct machine *m = machine_create(&cfg, err, sizeof err);
    assert_non_null(m);
    struct vga *v = vga_create(m, NULL, NULL, 0);
    assert_non_null(v);
    io_write(m, 0x1CE, IDX_BPP, 2);
    io_write(m, 0x1CF, 8, 2);
    io_write(m, 0x1CE, IDX_ENABLE, 2);
    io_write(m, 0x1CF, 0x41, 2);
    phys_write8(m, VGA_LFB_ISA_BASE + 3, 0x5A);
    io_write(m, 0x1CE, IDX_BANK, 2);
    io_write(m, 0x1CF, 0, 2);
    assert_int_equal(phys_read8(m, 0xA0003), 0x5A);
    assert_null(vga_create(m, NULL, NULL, 0)); /* the ports and window are taken */
    machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(id_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(lfb_1024x768x32, setup, teardown),
        cmocka_unit_test_setup_teardown(packed_depths, setup, teardown),
        cmocka_unit_test_setup_teardown(banked_window, setup, teardown),
        cmocka_unit_test_setup_teardown(virtual_width_and_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(impossible_modes_are_clamped, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_dispi_does_not_crash, setup, teardown),
        cmocka_unit_test(isa_lfb),
    };
    vr_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
