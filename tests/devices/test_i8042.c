/* The 8042 keyboard controller against the IBM PC AT Technical Reference and Brouwer's
 * "Keyboard scancodes" section 10: status bits, the command byte, the controller's own
 * commands, the output port (A20 gate and CPU reset), IRQ 1 / IRQ 12 levels, queueing
 * of device bytes and the set 2 to set 1 translation. */
#include <string.h>

#include "devices/a20.h"
#include "kbcrig.h"

static void test_power_on_status(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    /* Keyboard not locked; SYS clear (cold boot); nothing in either buffer. */
    assert_int_equal(rig_status(r), I8042_STR_UNLOCKED);
    assert_int_equal(i8042_command_byte(r->kbc), 0x00);
    rig_cmd(r, 0x20);
    assert_int_equal(rig_status(r), I8042_STR_UNLOCKED | I8042_STR_CMD | I8042_STR_OBF);
    assert_int_equal(io_in(r->m, I8042_DATA_PORT), 0x00);
    assert_int_equal(rig_status(r), I8042_STR_UNLOCKED | I8042_STR_CMD);
    /* Reading 0x60 again gives the old byte, with OBF still clear. */
    rig_cmd(r, 0xAA);
    assert_int_equal(io_in(r->m, I8042_DATA_PORT), 0x55);
    assert_int_equal(io_in(r->m, I8042_DATA_PORT), 0x55);
    assert_false(rig_status(r) & I8042_STR_OBF);
    rig_free(r);
}

static void test_self_test_sets_sys(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0xAA);
    assert_true(rig_status(r) & I8042_STR_SYS);
    rig_expect(r, BYTES(0x55));
    assert_int_equal(rig_status(r), 0x14 | I8042_STR_CMD); /* Brouwer's "typically 0x14" */
    rig_free(r);
}

static void test_command_byte_and_ram(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    assert_true(rig_status(r) & I8042_STR_CMD);
    rig_data(r, 0x65);
    assert_false(rig_status(r) & I8042_STR_CMD); /* A2 follows the last write */
    assert_true(rig_status(r) & I8042_STR_SYS);  /* command byte bit 2 */
    rig_cmd(r, 0x20);
    rig_expect(r, BYTES(0x65));
    rig_cmd(r, 0x60);
    rig_data(r, 0x61);
    assert_false(rig_status(r) & I8042_STR_SYS);
    /* The other 31 bytes of controller RAM. */
    rig_cmd(r, 0x7F);
    rig_data(r, 0xA5);
    rig_cmd(r, 0x65);
    rig_data(r, 0x5A);
    rig_cmd(r, 0x3F);
    rig_expect(r, BYTES(0xA5));
    rig_cmd(r, 0x25);
    rig_expect(r, BYTES(0x5A));
    rig_cmd(r, 0x20);
    rig_expect(r, BYTES(0x61));
    rig_free(r);
}

static void test_interface_tests_and_ports(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0xAB);
    rig_expect(r, BYTES(0x00));
    rig_cmd(r, 0xA9);
    rig_expect(r, BYTES(0x00));
    rig_cmd(r, 0xC0);
    rig_expect(r, BYTES(0xA0)); /* not locked, colour, no jumper, 512 KiB */
    rig_cmd(r, 0xD0);
    rig_expect(r, BYTES(0xCF)); /* lines released, A20 on, RESET inactive, buffers empty */
    rig_cmd(r, 0xA4);
    rig_expect(r, BYTES(0xF1)); /* no password */
    rig_free(r);

    r = rig_new(true, false);
    rig_cmd(r, 0xA9);
    rig_expect(r, BYTES(0xFF)); /* no mouse */
    rig_free(r);
}

static void test_disable_enable_commands(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0xAD);
    assert_int_equal(i8042_command_byte(r->kbc), I8042_CTR_KBDDIS);
    rig_cmd(r, 0xA7);
    assert_int_equal(i8042_command_byte(r->kbc), I8042_CTR_KBDDIS | I8042_CTR_AUXDIS);
    /* Keys pressed while the clock is held stay in the keyboard. */
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    io_advance(r->m, 20000000);
    assert_false(rig_status(r) & I8042_STR_OBF);
    rig_cmd(r, 0xA8);
    assert_int_equal(i8042_command_byte(r->kbc), I8042_CTR_KBDDIS);
    rig_cmd(r, 0xE0);                      /* test inputs: aux clock up, keyboard clock down */
    rig_expect(r, BYTES(0x02));
    rig_cmd(r, 0xAE);
    assert_int_equal(i8042_command_byte(r->kbc), 0x00);
    rig_expect(r, BYTES(0x1C)); /* untranslated set 2 'A' */
    rig_free(r);
}

static void test_a20_through_output_port(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    assert_true(machine_a20_enabled(r->m));
    /* HIMEM's sequence: D1 then DD (A20 off) / DF (A20 on). */
    rig_cmd(r, 0xD1);
    rig_data(r, 0xDD);
    assert_false(machine_a20_enabled(r->m));
    assert_int_equal(r->m->mem.a20_mask, 0xFFEFFFFFu);
    rig_cmd(r, 0xD0);
    rig_expect(r, BYTES(0xCD));
    assert_int_equal(i8042_output_port(r->kbc), 0xCD);
    /* The wrap-around at 1 MiB is visible through guest memory. */
    uint8_t b = 0x5A;
    phys_write_bytes(r->m, 0x000010, &b, 1);
    uint8_t back = 0;
    phys_read_bytes(r->m, 0x100010, &back, 1);
    assert_int_equal(back, 0x5A);
    rig_cmd(r, 0xD1);
    rig_data(r, 0xDF);
    assert_true(machine_a20_enabled(r->m));
    assert_int_equal(r->m->mem.a20_mask, 0xFFFFFFFFu);
    /* The HP Vectra commands. */
    rig_cmd(r, 0xDD);
    assert_false(machine_a20_enabled(r->m));
    rig_cmd(r, 0xDF);
    assert_true(machine_a20_enabled(r->m));
    rig_free(r);
}

static void prepare_cpu(struct machine *m)
{
    cpu_load_seg_real(m, SEG_CS, 0x1234);
    m->cpu.eip = 0x5678;
    m->cpu.gpr[EAX] = 0xDEADBEEF;
    m->cpu.icount = 123456;
}

static void assert_cpu_was_reset(struct machine *m)
{
    assert_int_equal(m->cpu.seg[SEG_CS].selector, 0xF000);
    assert_int_equal(m->cpu.eip, 0xFFF0);
    assert_int_equal(m->cpu.gpr[EAX], 0);
    assert_int_equal(m->cpu.icount, 123456); /* virtual time goes on */
}

static void test_reset_pulse(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    rig_data(r, 0x45);          /* the BIOS's command byte: SYS set */
    rig_cmd(r, 0xD1);
    rig_data(r, 0xDD);          /* A20 off: a CPU reset must leave it */
    prepare_cpu(r->m);
    rig_cmd(r, 0xFE);
    assert_cpu_was_reset(r->m);
    assert_true(rig_status(r) & I8042_STR_SYS); /* a warm boot for the BIOS */
    assert_false(machine_a20_enabled(r->m));
    assert_int_equal(i8042_command_byte(r->kbc), 0x45);

    /* Pulses that leave bit 0 alone do nothing. */
    prepare_cpu(r->m);
    rig_cmd(r, 0xFF);
    rig_cmd(r, 0xF1);
    assert_int_equal(r->m->cpu.eip, 0x5678);
    /* Any F0-FF command with bit 0 clear pulses RESET. */
    rig_cmd(r, 0xF0);
    assert_cpu_was_reset(r->m);
    /* Writing the output port with bit 0 clear. */
    prepare_cpu(r->m);
    rig_cmd(r, 0xD1);
    rig_data(r, 0xDE);
    assert_cpu_was_reset(r->m);
    assert_true(machine_a20_enabled(r->m));
    assert_int_equal(i8042_output_port(r->kbc) & 1, 1); /* RESET released again */
    rig_free(r);
}

static void test_write_output_buffers(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    rig_data(r, I8042_CTR_KBDINT | I8042_CTR_AUXINT);
    rig_cmd(r, 0xD2);
    rig_data(r, 0x12);
    assert_int_equal(rig_status(r) & (I8042_STR_OBF | I8042_STR_AUXOBF), I8042_STR_OBF);
    assert_true(r->irqs.level[1]);
    assert_false(r->irqs.level[12]);
    rig_cmd(r, 0xD0);                  /* queued behind the unread byte */
    assert_int_equal(io_in(r->m, I8042_DATA_PORT), 0x12);
    /* The reply replaces it at once: the line dropped and rose again. */
    assert_true(r->irqs.level[1]);
    assert_int_equal(r->irqs.rises[1], 2);
    assert_int_equal(io_in(r->m, I8042_DATA_PORT), 0xDF); /* bit 4: keyboard buffer was full */
    assert_false(r->irqs.level[1]);
    rig_cmd(r, 0xD3);
    rig_data(r, 0x34);
    assert_int_equal(rig_status(r) & (I8042_STR_OBF | I8042_STR_AUXOBF),
                     I8042_STR_OBF | I8042_STR_AUXOBF);
    assert_true(r->irqs.level[12]);
    assert_false(r->irqs.level[1]);
    rig_cmd(r, 0xD0);
    uint8_t v;
    bool aux;
    assert_true(rig_try_read(r, &v, &aux));
    assert_int_equal(v, 0x34);
    assert_true(aux);
    assert_false(r->irqs.level[12]);
    assert_true(rig_try_read(r, &v, &aux));
    assert_false(aux);
    assert_int_equal(v, 0xEF);        /* bit 5: aux buffer was full */
    rig_free(r);
}

static void test_irq_gated_by_command_byte(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    io_advance(r->m, 1000000);
    assert_true(rig_status(r) & I8042_STR_OBF);
    assert_false(r->irqs.level[1]); /* interrupts off in the command byte */
    rig_cmd(r, 0x60);
    rig_data(r, I8042_CTR_KBDINT);
    assert_true(r->irqs.level[1]);  /* the level follows the enable at once */
    assert_int_equal(r->irqs.rises[1], 1);
    io_in(r->m, I8042_DATA_PORT);
    assert_false(r->irqs.level[1]);
    rig_free(r);
}

static void test_bytes_queue_and_never_overwrite(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    rig_data(r, I8042_CTR_KBDINT);
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    ps2kbd_key(r->kbd, PC_KEY_B, true);
    /* The first byte crosses the link in I8042_TRANSFER_NS. */
    io_advance(r->m, I8042_TRANSFER_NS - 100);
    assert_false(rig_status(r) & I8042_STR_OBF);
    io_advance(r->m, 100);
    assert_true(rig_status(r) & I8042_STR_OBF);
    /* However long nobody reads, the byte stays. */
    io_advance(r->m, 50000000);
    assert_int_equal(io_in(r->m, I8042_DATA_PORT), 0x1C);
    /* Each read drops IRQ 1; the next byte raises it again: one edge per byte. */
    rig_expect(r, BYTES(0xF0, 0x1C, 0x32));
    assert_int_equal(r->irqs.rises[1], 4);
    rig_free(r);
}

static void test_controller_reply_before_device_bytes(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    rig_cmd(r, 0x20);              /* before the key's byte has crossed */
    rig_expect(r, BYTES(0x00, 0x1C));
    rig_free(r);
}

static void test_translation(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    rig_data(r, I8042_CTR_XLATE);
    ps2kbd_key(r->kbd, PC_KEY_A, true);
    ps2kbd_key(r->kbd, PC_KEY_A, false);
    rig_expect(r, BYTES(0x1E, 0x9E));             /* F0 1C becomes 9E */
    ps2kbd_key(r->kbd, PC_KEY_RIGHTCTRL, true);
    ps2kbd_key(r->kbd, PC_KEY_RIGHTCTRL, false);
    rig_expect(r, BYTES(0xE0, 0x1D, 0xE0, 0x9D)); /* E0 14, E0 F0 14 */
    ps2kbd_key(r->kbd, PC_KEY_F7, true);          /* 83: the one set-2 code above 7F */
    ps2kbd_key(r->kbd, PC_KEY_F7, false);
    rig_expect(r, BYTES(0x41, 0xC1));
    ps2kbd_key(r->kbd, PC_KEY_PAUSE, true);       /* E1 14 77 E1 F0 14 F0 77 */
    ps2kbd_key(r->kbd, PC_KEY_PAUSE, false);
    rig_expect(r, BYTES(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5));
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, true); /* E0 12 E0 7C */
    ps2kbd_key(r->kbd, PC_KEY_PRINTSCREEN, false);
    rig_expect(r, BYTES(0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA));
    ps2kbd_key(r->kbd, PC_KEY_KPSLASH, true);
    rig_expect(r, BYTES(0xE0, 0x35));
    /* Keyboard replies go through the table too: the well-known AB 41 and 41 for set 2. */
    rig_data(r, 0xF2);
    rig_expect(r, BYTES(0xFA, 0xAB, 0x41));
    rig_data(r, 0xF0);
    rig_data(r, 0x00);
    rig_expect(r, BYTES(0xFA, 0xFA, 0x41));
    /* Without XLAT the set-2 bytes pass unchanged. */
    rig_cmd(r, 0x60);
    rig_data(r, 0x00);
    ps2kbd_key(r->kbd, PC_KEY_KPSLASH, false);
    rig_expect(r, BYTES(0xE0, 0xF0, 0x4A));
    rig_free(r);
}

/* Every key's set-2 bytes, translated by the controller, are its set-1 bytes: the key
 * table and the translation table agree (Brouwer: "Set 1 equals translated Set 2"). */
static void test_translation_of_every_key(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    rig_data(r, I8042_CTR_XLATE);
    for (int key = PC_KEY_NONE + 1; key < PC_KEY_COUNT; key++) {
        for (int press = 1; press >= 0; press--) {
            uint8_t want[PC_KEY_SEQ_MAX], got[16];
            size_t n = pc_key_sequence((enum pc_key)key, 1, press, 0, 0, want);
            ps2kbd_key(r->kbd, (enum pc_key)key, press);
            size_t m = rig_drain(r, got, sizeof got);
            if (m != n || memcmp(got, want, n) != 0)
                fail_msg("%s %s: %zu bytes translated, %zu expected", pc_key_name((enum pc_key)key),
                         press ? "make" : "break", m, n);
        }
    }
    rig_free(r);
}

static void test_missing_devices_time_out(void **state)
{
    struct kbc_rig *r = rig_new(false, false);
    rig_data(r, 0xFF);
    uint8_t v;
    bool aux;
    assert_true(rig_try_read(r, &v, &aux));
    assert_int_equal(v, 0xFE);
    assert_false(aux);
    assert_true(rig_status(r) & I8042_STR_TIMEOUT);
    rig_cmd(r, 0xD4);
    rig_data(r, 0xF2);
    assert_true(rig_try_read(r, &v, &aux));
    assert_int_equal(v, 0xFE);
    assert_true(aux);
    rig_free(r);
}

static void test_keyboard_write_enables_keyboard(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0xAD);
    rig_data(r, 0xF2);
    assert_false(i8042_command_byte(r->kbc) & I8042_CTR_KBDDIS);
    rig_expect(r, BYTES(0xFA, 0xAB, 0x83));
    rig_free(r);
}

static void test_unknown_command_ignored(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0xC8);
    rig_cmd(r, 0x90);
    uint8_t v;
    assert_false(rig_try_read(r, &v, NULL));
    assert_int_equal(rig_status(r) & ~I8042_STR_CMD, I8042_STR_UNLOCKED);
    /* A command in place of a pending one's data byte abandons it. */
    rig_cmd(r, 0xD1);
    rig_cmd(r, 0xAB);
    rig_data(r, 0xF2);           /* goes to the keyboard, not to the output port */
    rig_expect(r, BYTES(0x00, 0xFA, 0xAB, 0x83));
    assert_true(machine_a20_enabled(r->m));
    assert_int_equal(r->m->cpu.eip, 0xFFF0);
    rig_free(r);
}

static void test_save_load(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    rig_data(r, 0x47);
    rig_cmd(r, 0x6A);
    rig_data(r, 0x99);
    ps2kbd_key(r->kbd, PC_KEY_Q, true);
    io_advance(r->m, 1000);                   /* the byte is crossing the link */
    rig_cmd(r, 0xD2);
    rig_data(r, 0x77);
    struct state_buf saved = { 0 };
    const struct device_ops *ops = r->m->devices[0].ops;
    assert_string_equal(ops->name, "i8042");
    ops->save(r->kbc, &saved);
    assert_false(saved.error);
    /* Change everything, then load. */
    assert_int_equal(rig_read(r), 0x77);
    rig_cmd(r, 0x60);
    rig_data(r, 0x00);
    saved.pos = 0;
    assert_false(ops->load(r->kbc, &saved, 2));
    saved.pos = 0;
    assert_true(ops->load(r->kbc, &saved, 1));
    assert_int_equal(i8042_command_byte(r->kbc), 0x47);
    assert_true(rig_status(r) & I8042_STR_OBF);
    /* Then the Q still waiting in the keyboard, translated (command byte 47: XLAT). */
    rig_expect(r, BYTES(0x77, 0x10));
    rig_cmd(r, 0x2A);
    rig_expect(r, BYTES(0x99));
    /* A truncated record is refused. */
    saved.len = 5;
    saved.pos = 0;
    assert_false(ops->load(r->kbc, &saved, 1));
    state_free(&saved);
    rig_free(r);
}

static void test_machine_reset(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    rig_cmd(r, 0x60);
    rig_data(r, 0x47);
    rig_cmd(r, 0xD2);
    rig_data(r, 0x11);
    assert_true(r->irqs.level[1]);
    machine_reset(r->m);
    assert_false(r->irqs.level[1]);
    assert_int_equal(rig_status(r), I8042_STR_UNLOCKED);
    assert_int_equal(i8042_command_byte(r->kbc), 0);
    assert_int_equal(i8042_output_port(r->kbc), 0xCF);
    rig_free(r);
}

static uint64_t next_rand(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Bad guest input never crashes: random writes and reads on both ports, keys and mouse
 * motion from the host, time moving on, save and load in between. */
static void test_random_traffic(void **state)
{
    struct kbc_rig *r = rig_new(true, true);
    uint64_t seed = 8042;
    struct state_buf saved = { 0 };
    for (int k = 0; k < 200000; k++) {
        uint64_t x = next_rand(&seed);
        switch (x % 8) {
        case 0:
        case 1:
            /* Never a reset pulse or A20 switch through 0x64: those change the CPU. */
            rig_cmd(r, (uint8_t)(x >> 8) >= 0xF0 ? 0xD4 : (uint8_t)(x >> 8));
            break;
        case 2:
        case 3:
            rig_data(r, (uint8_t)(x >> 8));
            break;
        case 4:
            io_in(r->m, (x >> 8) & 1 ? I8042_DATA_PORT : I8042_CMD_PORT);
            break;
        case 5:
            ps2kbd_key(r->kbd, (enum pc_key)((x >> 8) % (PC_KEY_COUNT + 3)), (x >> 20) & 1);
            break;
        case 6:
            ps2mouse_move(r->mouse, (int)((x >> 8) & 0xFFF) - 2048, (int)((x >> 20) & 0x3FF) - 512,
                          (int)((x >> 30) & 0x1F) - 16, (unsigned)(x >> 40));
            break;
        default:
            io_advance(r->m, (x >> 8) % 3000000);
            break;
        }
        if (k % 10007 == 0) {
            for (int d = 0; d < r->m->device_count; d++) {
                const struct device_ops *ops = r->m->devices[d].ops;
                saved.len = saved.pos = 0;
                ops->save(r->m->devices[d].dev, &saved);
                assert_true(ops->load(r->m->devices[d].dev, &saved, ops->state_version));
            }
        }
    }
    state_free(&saved);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_on_status),
        cmocka_unit_test(test_self_test_sets_sys),
        cmocka_unit_test(test_command_byte_and_ram),
        cmocka_unit_test(test_interface_tests_and_ports),
        cmocka_unit_test(test_disable_enable_commands),
        cmocka_unit_test(test_a20_through_output_port),
        cmocka_unit_test(test_reset_pulse),
        cmocka_unit_test(test_write_output_buffers),
        cmocka_unit_test(test_irq_gated_by_command_byte),
        cmocka_unit_test(test_bytes_queue_and_never_overwrite),
        cmocka_unit_test(test_controller_reply_before_device_bytes),
        cmocka_unit_test(test_translation),
        cmocka_unit_test(test_translation_of_every_key),
        cmocka_unit_test(test_missing_devices_time_out),
        cmocka_unit_test(test_keyboard_write_enables_keyboard),
        cmocka_unit_test(test_unknown_command_ignored),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_machine_reset),
        cmocka_unit_test(test_random_traffic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
