/* The PS/2 keyboard behind the 8042 (translation off, so the keyboard's own bytes are
 * seen): its commands and replies after the IBM PS/2 keyboard reference, scan code sets,
 * the key queue, and typematic repeat timed in virtual time. */
#include <string.h>

#include "kbcrig.h"

static struct kbc_rig *kbd_rig(void)
{
    return rig_new(true, true);
}

static void test_reset_and_identify(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_data(r, 0xFF);
    rig_expect(r, BYTES(0xFA, 0xAA));
    rig_data(r, 0xF2);
    rig_expect(r, BYTES(0xFA, 0xAB, 0x83));
    rig_data(r, 0xEE);
    rig_expect(r, BYTES(0xEE)); /* echo: no ACK */
    rig_free(r);
}

static void test_leds_and_typematic_parameters(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_data(r, 0xED);
    rig_expect(r, BYTES(0xFA));
    rig_data(r, 0x07);
    rig_expect(r, BYTES(0xFA));
    assert_int_equal(ps2kbd_leds(r->kbd), PS2KBD_LED_SCROLL | PS2KBD_LED_NUM | PS2KBD_LED_CAPS);
    /* A bad parameter is asked for again; the command stays open. */
    rig_data(r, 0xED);
    rig_expect(r, BYTES(0xFA));
    rig_data(r, 0x10);
    rig_expect(r, BYTES(0xFE));
    rig_data(r, 0x02);
    rig_expect(r, BYTES(0xFA));
    assert_int_equal(ps2kbd_leds(r->kbd), PS2KBD_LED_NUM);
    /* A command in place of the parameter abandons the first command. */
    rig_data(r, 0xED);
    rig_data(r, 0xF2);
    rig_expect(r, BYTES(0xFA, 0xFA, 0xAB, 0x83));
    assert_int_equal(ps2kbd_leds(r->kbd), PS2KBD_LED_NUM);
    rig_data(r, 0xF3);
    rig_data(r, 0x20);
    rig_expect(r, BYTES(0xFA, 0xFA));
    rig_free(r);
}

static void test_scancode_sets(void **state)
{
    struct kbc_rig *r = kbd_rig();
    /* Both bytes are acknowledged; the set number follows the second ACK. */
    rig_data(r, 0xF0);
    rig_data(r, 0x00);
    rig_expect(r, BYTES(0xFA, 0xFA, 0x02));
    rig_data(r, 0xF0);
    rig_data(r, 0x01);
    rig_expect(r, BYTES(0xFA, 0xFA));
    assert_int_equal(ps2kbd_scancode_set(r->kbd), 1);
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    ps2kbd_key(r->kbd, PC_KEY_RIGHTALT, true);
    ps2kbd_key(r->kbd, PC_KEY_RIGHTALT, false);
    rig_expect(r, BYTES(0x1E, 0x9E, 0xE0, 0x38, 0xE0, 0xB8));
    rig_data(r, 0xF0);
    rig_data(r, 0x00);
    rig_expect(r, BYTES(0xFA, 0xFA, 0x01));
    /* Set 3: one byte per key; by default letters are make-only, Shift make/break. */
    rig_data(r, 0xF0);
    rig_data(r, 0x03);
    rig_expect(r, BYTES(0xFA, 0xFA));
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    ps2kbd_key(r->kbd, PC_KEY_LEFTSHIFT, true);
    ps2kbd_key(r->kbd, PC_KEY_LEFTSHIFT, false);
    ps2kbd_key(r->kbd, PC_KEY_KPMINUS, true);
    rig_expect(r, BYTES(0x1C, 0x12, 0xF0, 0x12, 0x84));
    ps2kbd_key(r->kbd, PC_KEY_KPMINUS, false);
    /* F8: every key make/break. */
    rig_data(r, 0xF8);
    rig_expect(r, BYTES(0xFA));
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    rig_expect(r, BYTES(0x1C, 0xF0, 0x1C));
    /* Set 4 does not exist. */
    rig_data(r, 0xF0);
    rig_data(r, 0x04);
    rig_expect(r, BYTES(0xFA, 0xFE));
    rig_data(r, 0x02);
    rig_expect(r, BYTES(0xFA));
    assert_int_equal(ps2kbd_scancode_set(r->kbd), 2);
    rig_free(r);
}

static void test_special_keys_set2(void **state)
{
    struct kbc_rig *r = kbd_rig();
    ps2kbd_key(r->kbd, PC_KEY_PAUSE, true);
    ps2kbd_key(r->kbd, PC_KEY_PAUSE, false); /* no break code */
    rig_expect(r, BYTES(0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77));
    ps2kbd_key(r->kbd, PC_KEY_LEFTCTRL, true);
    ps2kbd_key(r->kbd, PC_KEY_PAUSE, true);  /* Ctrl+Pause = Break */
    ps2kbd_key(r->kbd, PC_KEY_PAUSE, false);
    ps2kbd_key(r->kbd, PC_KEY_LEFTCTRL, false);
    rig_expect(r, BYTES(0x14, 0xE0, 0x7E, 0xE0, 0xF0, 0x7E, 0xF0, 0x14));
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, true);
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, false);
    rig_expect(r, BYTES(0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12));
    ps2kbd_key(r->kbd, PC_KEY_LEFTALT, true);
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, true); /* Alt+PrintScreen = SysRq */
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, false);
    ps2kbd_key(r->kbd, PC_KEY_LEFTALT, false);
    rig_expect(r, BYTES(0x11, 0x84, 0xF0, 0x84, 0xF0, 0x11));
    ps2kbd_key(r->kbd, PC_KEY_RIGHTSHIFT, true);
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, true);
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, false);
    ps2kbd_key(r->kbd, PC_KEY_RIGHTSHIFT, false);
    rig_expect(r, BYTES(0x59, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xF0, 0x59));
    /* Out-of-range keys and repeated presses are ignored. */
    ps2kbd_key(r->kbd, PC_KEY_NONE, true);
    ps2kbd_key(r->kbd, (enum pc_key)PC_KEY_COUNT, true);
    ps2kbd_key(r->kbd, (enum pc_key)-5, true);
    ps2kbd_key(r->kbd, PC_KEY_Z, false);
    ps2kbd_key(r->kbd, PC_KEY_Z, true);
    ps2kbd_key(r->kbd, PC_KEY_Z, true);
    rig_expect(r, BYTES(0x1A));
    rig_free(r);
}

static void test_enable_disable_defaults(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_data(r, 0xF5);
    rig_expect(r, BYTES(0xFA));
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    uint8_t v;
    assert_false(rig_try_read(r, &v, NULL)); /* not scanning */
    rig_data(r, 0xF4);
    rig_expect(r, BYTES(0xFA));
    ps2kbd_key(r->kbd, PC_KEY_B, true);
    rig_expect(r, BYTES(0x32));
    rig_data(r, 0xF6);
    rig_expect(r, BYTES(0xFA));
    ps2kbd_key(r->kbd, PC_KEY_B, false);
    rig_expect(r, BYTES(0xF0, 0x32));
    rig_free(r);
}

static void test_resend_and_invalid(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_data(r, 0xF2);
    rig_expect(r, BYTES(0xFA, 0xAB, 0x83));
    rig_data(r, 0xFE);
    rig_expect(r, BYTES(0x83)); /* the last byte sent, again */
    rig_data(r, 0x42);         /* not a command */
    rig_expect(r, BYTES(0xFE));
    rig_data(r, 0xEF);
    rig_expect(r, BYTES(0xFE));
    rig_free(r);
}

/* Replies jump the queue of scan codes waiting in the keyboard. */
static void test_reply_before_queued_keys(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_cmd(r, 0xAD);
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    rig_data(r, 0xF2); /* enables the keyboard on the way */
    rig_expect(r, BYTES(0xFA, 0xAB, 0x83, 0x1C, 0xF0, 0x1C));
    rig_free(r);
}

static void test_queue_overrun(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_cmd(r, 0xAD);
    for (int k = 0; k < 40; k++) {
        ps2kbd_key(r->kbd, PC_KEY_A, true);  /* 1C */
        ps2kbd_key(r->kbd, PC_KEY_A, false); /* F0 1C */
    }
    rig_cmd(r, 0xAE);
    uint8_t buf[128];
    size_t n = rig_drain(r, buf, sizeof buf);
    /* 21 whole press/release pairs (63 bytes), then the set-2 overrun code. */
    assert_int_equal(n, 64);
    for (size_t k = 0; k + 1 < n; k++)
        assert_int_equal(buf[k], k % 3 == 0 ? 0x1C : k % 3 == 1 ? 0xF0 : 0x1C);
    assert_int_equal(buf[63], 0x00);
    rig_free(r);
}

/* Count the bytes `b` arriving until virtual time `until`, reading as they come. */
static unsigned count_until(struct kbc_rig *r, uint64_t until, uint8_t b)
{
    unsigned n = 0;
    while (sched_now(r->m) < until) {
        uint64_t step = until - sched_now(r->m);
        io_advance(r->m, step < 1000000 ? step : 1000000);
        while (rig_status(r) & I8042_STR_OBF)
            n += io_in(r->m, I8042_DATA_PORT) == b;
    }
    return n;
}

static void test_typematic_default(void **state)
{
    struct kbc_rig *r = kbd_rig();
    uint64_t t0 = sched_now(r->m);
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    /* The make at once, the first repeat after 500 ms, then every 91.74 ms (10.9/s). */
    assert_int_equal(count_until(r, t0 + 499000000, 0x1C), 1);
    assert_int_equal(count_until(r, t0 + 501000000, 0x1C), 1);
    uint64_t period = 11ull * 2 * 4170000;
    assert_int_equal(count_until(r, t0 + 500000000 + 10 * period + 1000000, 0x1C), 10);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    assert_int_equal(count_until(r, t0 + 3000000000ull, 0x1C), 1); /* the break's 1C */
    rig_free(r);
}

static void test_typematic_fastest_and_takeover(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_data(r, 0xF3);
    rig_data(r, 0x00); /* 30 characters/s after 250 ms */
    rig_expect(r, BYTES(0xFA, 0xFA));
    uint64_t t0 = sched_now(r->m);
    ps2kbd_key(r->kbd, PC_KEY_UP, true);
    /* E0-keys repeat with their prefix: count the 75s. */
    assert_int_equal(count_until(r, t0 + 249000000, 0x75), 1);
    uint64_t period = 8ull * 4170000;
    assert_int_equal(count_until(r, t0 + 250000000 + 29 * period + 1000000, 0x75), 30);
    /* Another key pressed takes over the repeat; releasing the first does not stop it. */
    uint64_t t1 = sched_now(r->m);
    ps2kbd_key(r->kbd, PC_KEY_X, true);
    ps2kbd_key(r->kbd, PC_KEY_UP, false);
    assert_int_equal(count_until(r, t1 + 250000000 + 9 * period + 1000000, 0x22), 11);
    ps2kbd_key(r->kbd, PC_KEY_X, false);
    assert_int_equal(count_until(r, t1 + 2000000000ull, 0x22), 1); /* the break */
    /* Pause never repeats. */
    ps2kbd_key(r->kbd, PC_KEY_PAUSE, true);
    assert_int_equal(count_until(r, sched_now(r->m) + 2000000000ull, 0xE1), 2);
    rig_free(r);
}

static void test_reset_clears_state(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_data(r, 0xF0);
    rig_data(r, 0x01);
    rig_data(r, 0xED);
    rig_data(r, 0x04);
    rig_expect(r, BYTES(0xFA, 0xFA, 0xFA, 0xFA));
    rig_data(r, 0xFF);
    rig_expect(r, BYTES(0xFA, 0xAA));
    assert_int_equal(ps2kbd_scancode_set(r->kbd), 2);
    assert_int_equal(ps2kbd_leds(r->kbd), 0);
    rig_free(r);
}

static void test_save_load(void **state)
{
    struct kbc_rig *r = kbd_rig();
    rig_cmd(r, 0xAD);
    ps2kbd_key(r->kbd, PC_KEY_K, true);
    uint64_t t_save = sched_now(r->m);
    struct state_buf saved = { 0 };
    const struct device_ops *ops = r->m->devices[1].ops;
    assert_string_equal(ops->name, "ps2kbd");
    ops->save(r->kbd, &saved);
    ps2kbd_key(r->kbd, PC_KEY_K, false);
    ps2kbd_key(r->kbd, PC_KEY_L, true);
    assert_true(ops->load(r->kbd, &saved, 1));
    rig_cmd(r, 0xAE);
    rig_expect(r, BYTES(0x42));
    /* K is held again after the load: the repeat comes back. */
    assert_int_equal(count_until(r, t_save + 550000000, 0x42), 1);
    state_free(&saved);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_and_identify),
        cmocka_unit_test(test_leds_and_typematic_parameters),
        cmocka_unit_test(test_scancode_sets),
        cmocka_unit_test(test_special_keys_set2),
        cmocka_unit_test(test_enable_disable_defaults),
        cmocka_unit_test(test_resend_and_invalid),
        cmocka_unit_test(test_reply_before_queued_keys),
        cmocka_unit_test(test_queue_overrun),
        cmocka_unit_test(test_typematic_default),
        cmocka_unit_test(test_typematic_fastest_and_takeover),
        cmocka_unit_test(test_reset_clears_state),
        cmocka_unit_test(test_save_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
