/* The VGA's memory paths with known plane contents (set and checked through the LFB,
 * which shows the planes interleaved): write modes 0-3 with the map mask, set/reset,
 * rotation, the logical operations, the bit mask and the latches; read modes 0 and 1;
 * chain-4 and odd/even addressing; GR6's memory maps; misc output's RAM enable. */
#include "vga_rig.h"

static int setup(void **state)
{
    struct vga_rig *r = calloc(1, sizeof *r);
    vr_create(r, NULL, 0);
    vr_set_mode(r, VR_MODE12); /* planar, A0000, map mask 0F, write mode 0 */
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

static void set_planes(struct vga_rig *r, uint32_t off, uint8_t p0, uint8_t p1, uint8_t p2,
                       uint8_t p3)
{
    vr_set_plane(r, off, 0, p0);
    vr_set_plane(r, off, 1, p1);
    vr_set_plane(r, off, 2, p2);
    vr_set_plane(r, off, 3, p3);
}

static void assert_planes(struct vga_rig *r, uint32_t off, uint8_t p0, uint8_t p1, uint8_t p2,
                          uint8_t p3)
{
    assert_int_equal(vr_plane(r, off, 0), p0);
    assert_int_equal(vr_plane(r, off, 1), p1);
    assert_int_equal(vr_plane(r, off, 2), p2);
    assert_int_equal(vr_plane(r, off, 3), p3);
}

static void write_mode0(void **state)
{
    struct vga_rig *r = *state;
    vr_wr(r, 0xA0010, 0xA5);
    assert_planes(r, 0x10, 0xA5, 0xA5, 0xA5, 0xA5);

    vr_seq(r, 2, 0x05);                       /* map mask: planes 0 and 2 */
    vr_wr(r, 0xA0010, 0x3C);
    assert_planes(r, 0x10, 0x3C, 0xA5, 0x3C, 0xA5);
    vr_seq(r, 2, 0x0F);

    vr_gfx(r, 1, 0x03);                       /* set/reset on planes 0-1: 0 -> FF, 1 -> 00 */
    vr_gfx(r, 0, 0x01);
    vr_wr(r, 0xA0011, 0x77);
    assert_planes(r, 0x11, 0xFF, 0x00, 0x77, 0x77);
    vr_gfx(r, 1, 0x00);

    vr_gfx(r, 3, 0x03);                       /* rotate right by 3 */
    vr_wr(r, 0xA0012, 0x81);
    assert_planes(r, 0x12, 0x30, 0x30, 0x30, 0x30);
    vr_gfx(r, 3, 0x00);
}

static void logical_ops_and_bit_mask(void **state)
{
    struct vga_rig *r = *state;
    set_planes(r, 0x20, 0xF0, 0xCC, 0xAA, 0x0F);
    const uint8_t l[4] = { 0xF0, 0xCC, 0xAA, 0x0F };
    static const uint8_t funcs[4] = { 0x00, 0x08, 0x10, 0x18 }; /* replace, AND, OR, XOR */
    for (unsigned f = 0; f < 4; f++) {
        set_planes(r, 0x20, l[0], l[1], l[2], l[3]);
        (void)vr_rd(r, 0xA0020);              /* load the latches */
        vr_gfx(r, 3, funcs[f]);
        vr_gfx(r, 8, 0x3F);                   /* bits 7-6 keep the latch */
        vr_wr(r, 0xA0020, 0x5A);
        for (unsigned p = 0; p < 4; p++) {
            uint8_t d = 0x5A;
            if (f == 1) d &= l[p];
            if (f == 2) d |= l[p];
            if (f == 3) d ^= l[p];
            uint8_t want = (uint8_t)((d & 0x3F) | (l[p] & 0xC0));
            assert_int_equal(vr_plane(r, 0x20, p), want);
        }
    }
    vr_gfx(r, 3, 0x00);
    vr_gfx(r, 8, 0xFF);
}

static void write_mode1_copies_latches(void **state)
{
    struct vga_rig *r = *state;
    set_planes(r, 0x100, 0x12, 0x34, 0x56, 0x78);
    set_planes(r, 0x200, 0, 0, 0, 0);
    vr_gfx(r, 5, 0x01);
    vr_gfx(r, 8, 0x00);                       /* the bit mask does not apply in mode 1 */
    (void)vr_rd(r, 0xA0100);
    vr_seq(r, 2, 0x0B);                       /* but the map mask does */
    vr_wr(r, 0xA0200, 0xEE);
    assert_planes(r, 0x200, 0x12, 0x34, 0x00, 0x78);
}

static void write_mode2_and_3(void **state)
{
    struct vga_rig *r = *state;
    set_planes(r, 0x30, 0xAA, 0xAA, 0xAA, 0xAA);
    (void)vr_rd(r, 0xA0030);
    vr_gfx(r, 5, 0x02);
    vr_gfx(r, 8, 0x0F);
    vr_wr(r, 0xA0030, 0x05);                  /* colour 5: planes 0 and 2 set */
    assert_planes(r, 0x30, 0xAF, 0xA0, 0xAF, 0xA0);

    set_planes(r, 0x31, 0x55, 0x55, 0x55, 0x55);
    (void)vr_rd(r, 0xA0031);
    vr_gfx(r, 5, 0x03);
    vr_gfx(r, 0, 0x0A);                       /* colour 10 from set/reset */
    vr_gfx(r, 8, 0x3C);
    vr_gfx(r, 3, 0x04);                       /* rotate 4: F0 -> 0F, AND mask 3C -> 0C */
    vr_wr(r, 0xA0031, 0xF0);
    assert_planes(r, 0x31, 0x51, 0x5D, 0x51, 0x5D);
}

static void read_modes(void **state)
{
    struct vga_rig *r = *state;
    set_planes(r, 0x40, 0x11, 0x22, 0x44, 0x88);
    for (unsigned p = 0; p < 4; p++) {
        vr_gfx(r, 4, (uint8_t)p);
        assert_int_equal(vr_rd(r, 0xA0040), 0x11 << p);
    }
    /* Read mode 1: pixel 7 has colour 8 (plane 3), pixel 3 colour 1 ... */
    set_planes(r, 0x41, 0x0F, 0x33, 0x55, 0x80);
    vr_gfx(r, 5, 0x08);
    vr_gfx(r, 7, 0x0F);
    for (unsigned colour = 0; colour < 16; colour++) {
        vr_gfx(r, 2, (uint8_t)colour);
        uint8_t want = 0;
        for (unsigned bit = 0; bit < 8; bit++) {
            unsigned px = ((0x0F >> bit) & 1) | ((0x33 >> bit) & 1) << 1 |
                          ((0x55 >> bit) & 1) << 2 | ((0x80 >> bit) & 1) << 3;
            want |= (uint8_t)((px == colour) << bit);
        }
        assert_int_equal(vr_rd(r, 0xA0041), want);
    }
    vr_gfx(r, 7, 0x01);                       /* only plane 0 matters */
    vr_gfx(r, 2, 0x01);
    assert_int_equal(vr_rd(r, 0xA0041), 0x0F);
}

static void chain4_addressing(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE13);
    vr_wr(r, 0xA0005, 0x99);                  /* plane 1, offset 4 */
    vr_wr(r, 0xA0006, 0x66);                  /* plane 2, offset 4 */
    assert_int_equal(vr_plane(r, 4, 1), 0x99);
    assert_int_equal(vr_plane(r, 4, 2), 0x66);
    assert_int_equal(vr_plane(r, 4, 0), 0x00);
    assert_int_equal(vr_rd(r, 0xA0005), 0x99);
    assert_int_equal(vr_rd(r, 0xA0006), 0x66);
    vr_seq(r, 2, 0x0B);                       /* map mask without plane 2 */
    vr_wr(r, 0xA0006, 0x11);
    assert_int_equal(vr_plane(r, 4, 2), 0x66);
    vr_seq(r, 2, 0x0F);

    /* Mode X: unchained, the map mask picks the planes, the address is the offset. */
    vr_set_mode(r, VR_MODEX);
    vr_seq(r, 2, 0x06);
    vr_wr(r, 0xA0321, 0x42);
    assert_planes(r, 0x321, 0x00, 0x42, 0x42, 0x00);
}

static void odd_even_addressing(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE3);
    vr_wr(r, 0xB8000, 'A');
    vr_wr(r, 0xB8001, 0x1F);
    vr_wr(r, 0xB8002, 'B');
    vr_wr(r, 0xB8003, 0x2E);
    assert_int_equal(vr_plane(r, 0, 0), 'A');
    assert_int_equal(vr_plane(r, 0, 1), 0x1F);
    assert_int_equal(vr_plane(r, 2, 0), 'B');
    assert_int_equal(vr_plane(r, 2, 1), 0x2E);
    assert_int_equal(vr_plane(r, 1, 0), 0x00);
    assert_int_equal(vr_plane(r, 0, 2), 0x00); /* the font plane is untouched */
    assert_int_equal(vr_rd(r, 0xB8000), 'A');
    assert_int_equal(vr_rd(r, 0xB8003), 0x2E);
    vr_gfx(r, 4, 0x02);                        /* read map 2/3 pair */
    vr_set_plane(r, 2, 2, 0x77);
    assert_int_equal(vr_rd(r, 0xB8002), 0x77);
}

static void memory_maps(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE3);                  /* GR6 map 3: B8000-BFFFF */
    assert_int_equal(vr_rd(r, 0xA0000), 0xFF);
    assert_int_equal(vr_rd(r, 0xB0000), 0xFF);
    vr_wr(r, 0xB0000, 0x12);                   /* nobody answers */
    assert_int_equal(vr_plane(r, 0, 0), 0x00);

    vr_gfx(r, 6, 0x0A);                        /* map 2: B0000-B7FFF */
    vr_wr(r, 0xB0000, 0x34);
    assert_int_equal(vr_plane(r, 0, 0), 0x34);
    assert_int_equal(vr_rd(r, 0xB8000), 0xFF);

    vr_gfx(r, 6, 0x06);                        /* map 1: A0000-AFFFF */
    vr_wr(r, 0xA0004, 0x56);
    assert_int_equal(vr_plane(r, 4, 0), 0x56);
    assert_int_equal(vr_rd(r, 0xB0000), 0xFF);

    vr_gfx(r, 6, 0x02);                        /* map 0: A0000-BFFFF */
    vr_wr(r, 0xB8006, 0x78);                   /* offset 18006h: 64 KiB planes wrap */
    assert_int_equal(vr_plane(r, 0x8006, 0), 0x78);
    assert_int_equal(vr_rd(r, 0xA0004), 0x56);

    vr_out(r, 0x3C2, 0x65);                    /* misc bit 1 clear: no CPU access */
    assert_int_equal(vr_rd(r, 0xA0004), 0xFF);
    vr_wr(r, 0xA0004, 0x00);
    assert_int_equal(vr_plane(r, 4, 0), 0x56);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(write_mode0, setup, teardown),
        cmocka_unit_test_setup_teardown(logical_ops_and_bit_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(write_mode1_copies_latches, setup, teardown),
        cmocka_unit_test_setup_teardown(write_mode2_and_3, setup, teardown),
        cmocka_unit_test_setup_teardown(read_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(chain4_addressing, setup, teardown),
        cmocka_unit_test_setup_teardown(odd_even_addressing, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_maps, setup, teardown),
    };
    vr_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
