/* The VGA's registers as a guest sees them through the ports: index/data pairs and their
 * masks, CRTC write protection and the mono/colour port blocks, the attribute controller's
 * flip-flop, the DAC's index auto-increment and 3-byte cycle, miscellaneous output and
 * feature control, and input status 1's retrace and display-enable bits in virtual time. */
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

static void index_data_pairs(void **state)
{
    struct vga_rig *r = *state;
    vr_seq(r, 2, 0x0A);
    vr_out(r, 0x3C4, 2);
    assert_int_equal(vr_in(r, 0x3C4), 2);
    assert_int_equal(vr_in(r, 0x3C5), 0x0A);
    vr_seq(r, 2, 0xFF);
    assert_int_equal(vr_in(r, 0x3C5), 0x0F); /* the map mask has four bits */
    vr_out(r, 0x3C4, 0x0C);                   /* index bits 0-2 only */
    assert_int_equal(vr_in(r, 0x3C4), 0x04);

    /* A word write is index then data, as OUT DX,AX does. */
    vr_outw(r, 0x3CE, 0x5A08);
    vr_out(r, 0x3CE, 8);
    assert_int_equal(vr_in(r, 0x3CF), 0x5A);
    vr_gfx(r, 5, 0xFF);
    assert_int_equal(vr_in(r, 0x3CF), 0x7B);

    vr_crtc(r, 0x0C, 0x12);
    vr_crtc(r, 0x0D, 0x34);
    vr_out(r, 0x3D4, 0x0C);
    assert_int_equal(vr_in(r, 0x3D5), 0x12);
    vr_out(r, 0x3D4, 0x0D);
    assert_int_equal(vr_in(r, 0x3D5), 0x34);
    assert_int_equal(vr_in(r, 0x3D4), 0x0D);
    vr_out(r, 0x3D4, 0x40);                   /* beyond CR18: reads 0, writes vanish */
    vr_out(r, 0x3D5, 0x99);
    assert_int_equal(vr_in(r, 0x3D5), 0x00);
}

static void crtc_protect_and_port_block(void **state)
{
    struct vga_rig *r = *state;
    vr_crtc(r, 0x11, 0x80 | 0x0E);            /* protect CR0-7 */
    uint8_t cr1 = 0x4F;
    vr_crtc(r, 0x01, 0x27);
    vr_out(r, 0x3D4, 0x01);
    assert_int_equal(vr_in(r, 0x3D5), cr1);
    vr_out(r, 0x3D4, 0x07);
    uint8_t cr7 = vr_in(r, 0x3D5);
    vr_out(r, 0x3D5, 0x00);                   /* only the line compare bit gets through */
    assert_int_equal(vr_in(r, 0x3D5), cr7 & ~0x10);
    vr_out(r, 0x3D5, 0xFF);
    assert_int_equal(vr_in(r, 0x3D5), cr7 | 0x10);
    vr_crtc(r, 0x11, 0x0E);
    vr_crtc(r, 0x01, 0x27);
    vr_out(r, 0x3D4, 0x01);
    assert_int_equal(vr_in(r, 0x3D5), 0x27);

    /* Misc output bit 0 picks the colour (3Dx) or mono (3Bx) block. */
    assert_int_equal(vr_in(r, 0x3CC), 0x67);
    vr_out(r, 0x3C2, 0x66);
    assert_int_equal(vr_in(r, 0x3CC), 0x66);
    assert_int_equal(vr_in(r, 0x3D5), 0xFF);
    vr_out(r, 0x3B4, 0x01);
    assert_int_equal(vr_in(r, 0x3B5), 0x27);
    vr_out(r, 0x3BA, 0x03);                   /* feature control, mono block */
    assert_int_equal(vr_in(r, 0x3CA), 0x03);
    vr_out(r, 0x3C2, 0x67);
    assert_int_equal(vr_in(r, 0x3B5), 0xFF);
    vr_out(r, 0x3DA, 0x00);
    assert_int_equal(vr_in(r, 0x3CA), 0x00);
    assert_int_equal(vr_in(r, 0x3C3), 0x01);  /* video subsystem enabled */
}

static void attribute_flip_flop(void **state)
{
    struct vga_rig *r = *state;
    (void)vr_in(r, 0x3DA);
    vr_out(r, 0x3C0, 0x05);                   /* index (palette source off) */
    vr_out(r, 0x3C0, 0x2A);                   /* data */
    assert_int_equal(vr_in(r, 0x3C0), 0x05);
    assert_int_equal(vr_in(r, 0x3C1), 0x2A);
    vr_out(r, 0x3C0, 0x33);                   /* an index again: the flip-flop toggled */
    assert_int_equal(vr_in(r, 0x3C0), 0x33);
    vr_out(r, 0x3C0, 0xFF);                   /* data for AR13: four bits */
    assert_int_equal(vr_in(r, 0x3C1), 0x0F);

    /* Reading 3DA resets the flip-flop in the middle of a pair. */
    vr_out(r, 0x3C0, 0x06);
    (void)vr_in(r, 0x3DA);
    vr_out(r, 0x3C0, 0x25);
    vr_out(r, 0x3C0, 0x11);
    assert_int_equal(vr_in(r, 0x3C0), 0x25);
    assert_int_equal(vr_in(r, 0x3C1), 0x11);
    (void)vr_in(r, 0x3DA);
    vr_out(r, 0x3C0, 0x05);                   /* an index after the reset */
    assert_int_equal(vr_in(r, 0x3C1), 0x11);
    /* Reading 3BA does nothing while the colour block is decoded: data comes next. */
    (void)vr_in(r, 0x3BA);
    vr_out(r, 0x3C0, 0x27);
    assert_int_equal(vr_in(r, 0x3C0), 0x05);
    assert_int_equal(vr_in(r, 0x3C1), 0x27);
    (void)vr_in(r, 0x3DA);
    vr_out(r, 0x3C0, 0x20);
}

static void dac_cycle(void **state)
{
    struct vga_rig *r = *state;
    vr_out(r, 0x3C8, 0x50);
    assert_int_equal(vr_in(r, 0x3C7), 0x00);  /* write mode */
    for (unsigned k = 0; k < 6; k++)
        vr_out(r, 0x3C9, (uint8_t)(k + 1));   /* two colours: 50h and 51h */
    assert_int_equal(vr_in(r, 0x3C8), 0x52);
    vr_out(r, 0x3C9, 0x3F);                   /* a partial colour leaves 52h alone */
    vr_out(r, 0x3C7, 0x50);
    assert_int_equal(vr_in(r, 0x3C7), 0x03);  /* read mode */
    for (unsigned k = 0; k < 6; k++)
        assert_int_equal(vr_in(r, 0x3C9), k + 1);
    for (unsigned k = 0; k < 3; k++)
        assert_int_equal(vr_in(r, 0x3C9), 0);

    /* The 6-bit DAC keeps six bits; the write index wraps from FFh to 0. */
    vr_dac(r, 0xFF, 0xFF, 0x40, 0x3F);
    assert_int_equal(vr_in(r, 0x3C8), 0x00);
    vr_out(r, 0x3C7, 0xFF);
    assert_int_equal(vr_in(r, 0x3C9), 0x3F);
    assert_int_equal(vr_in(r, 0x3C9), 0x00);
    assert_int_equal(vr_in(r, 0x3C9), 0x3F);
    /* A new index restarts the 3-byte cycle. */
    vr_out(r, 0x3C7, 0x50);
    (void)vr_in(r, 0x3C9);
    vr_out(r, 0x3C7, 0x51);
    assert_int_equal(vr_in(r, 0x3C9), 4);

    vr_out(r, 0x3C6, 0x0F);
    assert_int_equal(vr_in(r, 0x3C6), 0x0F);
}

/* Count rising edges of a status bit over `ns` of virtual time, sampling every 2 us. */
static unsigned count_edges(struct vga_rig *r, uint8_t bit, uint64_t ns, unsigned *high_samples)
{
    unsigned edges = 0, high = 0;
    bool last = (vr_in(r, 0x3DA) & bit) != 0;
    for (uint64_t t = 0; t < ns; t += 2000) {
        vr_advance(r, 2000);
        bool now = (vr_in(r, 0x3DA) & bit) != 0;
        edges += now && !last;
        high += now;
        last = now;
    }
    if (high_samples)
        *high_samples = high;
    return edges;
}

static void input_status_timing(void **state)
{
    struct vga_rig *r = *state;
    /* Mode 3: 449 lines of 31.78 us, 70.08 Hz; retrace lasts 2 lines. */
    unsigned high;
    unsigned frames = count_edges(r, 0x08, 1000000000u, &high);
    assert_in_range(frames, 69, 71);
    assert_true(high > 0 && high < 500000 / 20);

    /* Display enable (bit 0 clear) only inside the 400 visible lines and 80 columns. */
    uint64_t frame = vga_frame_ns(r->v);
    assert_in_range(frame, 14200000, 14350000);
    vr_advance(r, frame - sched_now(r->m) % frame + 1000); /* line 0, early in the line */
    assert_int_equal(vr_in(r, 0x3DA) & 0x09, 0x00);
    vr_advance(r, 30000);                                  /* into horizontal blanking */
    assert_int_equal(vr_in(r, 0x3DA) & 0x09, 0x01);
    vr_advance(r, 31778 * 412 - 30000);                    /* line 412: vertical retrace */
    assert_int_equal(vr_in(r, 0x3DA) & 0x09, 0x09);

    /* Mode 12h: 525 lines of 31.78 us, 59.94 Hz. */
    vr_set_mode(r, VR_MODE12);
    assert_in_range(count_edges(r, 0x08, 1000000000u, NULL), 59, 61);
}

static void reset_restores_power_on_state(void **state)
{
    struct vga_rig *r = *state;
    vr_set_mode(r, VR_MODE13);
    vr_dac(r, 0x50, 1, 2, 3);
    vr_dispi(r, 4, 0x01);
    machine_reset(r->m);
    assert_int_equal(vr_in(r, 0x3CC), 0x67);
    vr_out(r, 0x3C4, 4);
    assert_int_equal(vr_in(r, 0x3C5), 0x02);
    assert_int_equal(vr_dispi_read(r, 4), 0);
    assert_true(vga_text_mode(r->v, NULL, NULL));
    /* The PCI function starts over: BAR0 unassigned, memory decoding off. */
    io_write(r->m, 0xCF8, 0x80000010u | (VGA_PCI_DEVICE << 11), 4);
    assert_int_equal(io_read(r->m, 0xCFC, 4), 0x8);
    assert_int_equal(vr_rd(r, VR_LFB), 0xFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(index_data_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(crtc_protect_and_port_block, setup, teardown),
        cmocka_unit_test_setup_teardown(attribute_flip_flop, setup, teardown),
        cmocka_unit_test_setup_teardown(dac_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(input_status_timing, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_restores_power_on_state, setup, teardown),
    };
    vr_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
