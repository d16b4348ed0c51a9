/* The PS/2 mouse behind the 8042 (commands through D4, replies with AUXB set): reset and
 * identify, the IntelliMouse knocks, status, streaming packets at the sample rate with
 * sign, overflow and wheel bytes, scaling, remote and wrap modes, IRQ 12. */
#include "kbcrig.h"

static void aux(struct kbc_rig *r, uint8_t v)
{
    rig_cmd(r, 0xD4);
    rig_data(r, v);
}

/* Read one byte that must come from the aux device. */
static uint8_t aux_read(struct kbc_rig *r)
{
    uint8_t v = 0;
    bool is_aux = false;
    if (!rig_try_read(r, &v, &is_aux))
        fail_msg("no byte from the mouse");
    if (!is_aux)
        fail_msg("byte 0x%02x came without AUXB", v);
    return v;
}

static void aux_expect(struct kbc_rig *r, const uint8_t *want, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint8_t v = aux_read(r);
        if (v != want[k])
            fail_msg("mouse byte %zu: got 0x%02x, expected 0x%02x", k, v, want[k]);
    }
    uint8_t extra;
    if (rig_try_read(r, &extra, NULL))
        fail_msg("unexpected extra byte 0x%02x", extra);
}

static void set_rate(struct kbc_rig *r, uint8_t rate)
{
    aux(r, 0xF3);
    aux(r, rate);
    aux_expect(r, BYTES(0xFA, 0xFA));
}

static struct kbc_rig *streaming_rig(void)
{
    struct kbc_rig *r = rig_new(true, true);
    aux(r, 0xF4);
    aux_expect(r, BYTES(0xFA));
    return r;
}

static void test_reset_identify_status(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    aux(r, 0xFF);
    aux_expect(r, BYTES(0xFA, 0xAA, 0x00));
    aux(r, 0xF2);
    aux_expect(r, BYTES(0xFA, 0x00));
    aux(r, 0xE9);
    aux_expect(r, BYTES(0xFA, 0x00, 0x02, 100)); /* stream, disabled, 1:1, 4/mm, 100/s */
    static const uint8_t setup[] = { 0xE8, 0x03, 0xE7, 0xF0, 0xF4 };
    for (unsigned k = 0; k < sizeof setup; k++) {
        aux(r, setup[k]);
        aux_expect(r, BYTES(0xFA)); /* a driver waits for each ACK */
    }
    ps2mouse_move(r->mouse, 0, 0, 0, PS2MOUSE_LEFT | PS2MOUSE_RIGHT);
    aux(r, 0xE9);
    aux_expect(r, BYTES(0xFA, 0x75, 0x03, 100));
    aux(r, 0xF6);
    aux(r, 0xE9);
    aux_expect(r, BYTES(0xFA, 0xFA, 0x05, 0x02, 100));
    rig_free(r);
}

static void test_intellimouse_knocks(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    set_rate(r, 200);
    set_rate(r, 100);
    set_rate(r, 80);
    aux(r, 0xF2);
    aux_expect(r, BYTES(0xFA, 0x03));
    assert_int_equal(ps2mouse_id(r->mouse), 3);
    set_rate(r, 200);
    set_rate(r, 200);
    set_rate(r, 80);
    aux(r, 0xF2);
    aux_expect(r, BYTES(0xFA, 0x04));
    aux(r, 0xFF);
    aux_expect(r, BYTES(0xFA, 0xAA, 0x00));
    assert_int_equal(ps2mouse_id(r->mouse), 0);
    /* The Explorer knock alone does nothing to a standard mouse. */
    set_rate(r, 200);
    set_rate(r, 200);
    set_rate(r, 80);
    aux(r, 0xF2);
    aux_expect(r, BYTES(0xFA, 0x00));
    rig_free(r);
}

static void test_stream_packets(void **state)
{
    struct kbc_rig *r = streaming_rig();
    rig_cmd(r, 0x60);
    rig_data(r, I8042_CTR_AUXINT | I8042_CTR_KBDINT);
    ps2mouse_move(r->mouse, 10, -5, 0, PS2MOUSE_LEFT); /* right and up */
    assert_true(rig_status(r) == I8042_STR_UNLOCKED);  /* nothing before the transfer */
    io_advance(r->m, I8042_TRANSFER_NS);
    assert_true(r->irqs.level[12]);
    assert_false(r->irqs.level[1]);
    aux_expect(r, BYTES(0x09, 0x0A, 0x05));
    ps2mouse_move(r->mouse, -3, 4, 0, 0);              /* left and down; left released */
    aux_expect(r, BYTES(0x38, 0xFD, 0xFC));
    ps2mouse_move(r->mouse, 300, -1000, 0, PS2MOUSE_MIDDLE);
    aux_expect(r, BYTES(0x4C | 0x80, 0xFF, 0xFF)); /* both overflows, clipped */
    ps2mouse_move(r->mouse, -256, 0, 0, PS2MOUSE_MIDDLE);
    aux_expect(r, BYTES(0x1C, 0x00, 0x00));       /* -256 fits in 9 bits */
    ps2mouse_move(r->mouse, 0, 0, 0, 0);          /* a button change alone is news */
    aux_expect(r, BYTES(0x08, 0x00, 0x00));
    ps2mouse_move(r->mouse, 0, 0, 0, 0);          /* nothing new: no packet */
    aux_expect(r, NULL, 0);
    assert_true(r->irqs.rises[12] >= 12);
    rig_free(r);
}

static void test_sample_rate_limits_packets(void **state)
{
    struct kbc_rig *r = streaming_rig();
    set_rate(r, 10);                        /* 100 ms between reports */
    io_advance(r->m, 200000000);
    uint64_t t0 = sched_now(r->m);
    ps2mouse_move(r->mouse, 1, 0, 0, 0);
    aux_expect(r, BYTES(0x08, 0x01, 0x00)); /* the first report at once */
    ps2mouse_move(r->mouse, 2, 0, 0, 0);
    ps2mouse_move(r->mouse, 3, 0, 0, 0);    /* accumulated into the next sample */
    io_advance_to(r->m, t0 + 99000000);
    assert_false(rig_status(r) & I8042_STR_OBF);
    io_advance_to(r->m, t0 + 100000000 + I8042_TRANSFER_NS);
    aux_expect(r, BYTES(0x08, 0x05, 0x00));
    rig_free(r);
}

static void test_wheel_after_knock(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    set_rate(r, 200);
    set_rate(r, 100);
    set_rate(r, 80);
    aux(r, 0xF4);
    aux_expect(r, BYTES(0xFA));
    ps2mouse_move(r->mouse, 1, 1, 2, 0);
    aux_expect(r, BYTES(0x28, 0x01, 0xFF, 0x02));
    /* Twelve clicks up: -8 now, -4 in the next sample, none lost. */
    ps2mouse_move(r->mouse, 0, 0, -12, 0);
    aux_expect(r, BYTES(0x08, 0x00, 0x00, 0xF8, 0x08, 0x00, 0x00, 0xFC));
    /* ID 4: wheel in the low nibble, buttons 4 and 5 above. */
    set_rate(r, 200);
    set_rate(r, 200);
    set_rate(r, 80);
    ps2mouse_move(r->mouse, 0, 0, -1, PS2MOUSE_BUTTON4 | PS2MOUSE_BUTTON5 | PS2MOUSE_RIGHT);
    aux_expect(r, BYTES(0x0A, 0x00, 0x00, 0x3F));
    rig_free(r);
}

static void test_scaling_2to1(void **state)
{
    struct kbc_rig *r = streaming_rig();
    aux(r, 0xE7);
    aux_expect(r, BYTES(0xFA));
    static const int in[] = { 1, 2, 3, 4, 5, 6, -4, 200 };
    static const int out[] = { 1, 1, 3, 6, 9, 12, -6, 400 };
    for (unsigned k = 0; k < sizeof in / sizeof in[0]; k++) {
        ps2mouse_move(r->mouse, in[k], 0, 0, 0);
        io_advance(r->m, 20000000);
        uint8_t b0 = aux_read(r), b1 = aux_read(r), b2 = aux_read(r);
        int v = out[k] > 255 ? 255 : out[k];
        assert_int_equal(b1, (uint8_t)v);
        assert_int_equal(b2, 0);
        assert_int_equal(b0 & 0x10, out[k] < 0 ? 0x10 : 0);
        assert_int_equal(b0 & 0x40, out[k] > 255 ? 0x40 : 0);
    }
    rig_free(r);
}

static void test_remote_mode(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    aux(r, 0xF0);
    aux_expect(r, BYTES(0xFA));
    ps2mouse_move(r->mouse, 7, 0, 0, PS2MOUSE_RIGHT);
    io_advance(r->m, 50000000);
    uint8_t v;
    assert_false(rig_try_read(r, &v, NULL)); /* no streaming */
    aux(r, 0xEB);
    aux_expect(r, BYTES(0xFA, 0x0A, 0x07, 0x00));
    aux(r, 0xEB);                            /* counters were reset by the read */
    aux_expect(r, BYTES(0xFA, 0x0A, 0x00, 0x00));
    aux(r, 0xEA);
    aux_expect(r, BYTES(0xFA));
    rig_free(r);
}

static void test_wrap_mode_and_errors(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    aux(r, 0xEE);
    aux_expect(r, BYTES(0xFA));
    aux(r, 0x55);
    aux(r, 0xF2);
    aux_expect(r, BYTES(0x55, 0xF2)); /* echoed, not executed */
    aux(r, 0xEC);
    aux_expect(r, BYTES(0xFA));
    aux(r, 0xF2);
    aux_expect(r, BYTES(0xFA, 0x00));
    aux(r, 0x42);                    /* no such command */
    aux_expect(r, BYTES(0xFE));
    aux(r, 0xE8);
    aux(r, 0x09);                    /* bad resolution: asked again */
    aux(r, 0x01);
    aux_expect(r, BYTES(0xFA, 0xFE, 0xFA));
    aux(r, 0xFE);                    /* resend */
    aux_expect(r, BYTES(0xFA));
    rig_free(r);
}

/* Packets wait in the mouse while the aux clock is held, and the mouse stops adding
 * packets when its queue is full; motion keeps counting in the meantime. */
static void test_held_clock(void **state)
{
    struct kbc_rig *r = streaming_rig();
    set_rate(r, 200);
    rig_cmd(r, 0xA7);
    for (int k = 0; k < 20; k++) {
        ps2mouse_move(r->mouse, 1, 0, 0, 0);
        io_advance(r->m, 5000000);
    }
    rig_cmd(r, 0xA8);
    uint8_t buf[128];
    size_t n = rig_drain(r, buf, sizeof buf);
    assert_int_equal(n % 3, 0);
    int total = 0;
    for (size_t k = 0; k < n; k += 3) {
        assert_int_equal(buf[k] & 0x08, 0x08);
        total += buf[k + 1];
    }
    assert_int_equal(total, 20);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_identify_status),
        cmocka_unit_test(test_intellimouse_knocks),
        cmocka_unit_test(test_stream_packets),
        cmocka_unit_test(test_sample_rate_limits_packets),
        cmocka_unit_test(test_wheel_after_knock),
        cmocka_unit_test(test_scaling_2to1),
        cmocka_unit_test(test_remote_mode),
        cmocka_unit_test(test_wrap_mode_and_errors),
        cmocka_unit_test(test_held_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
