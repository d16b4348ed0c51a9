/* The small system ports: 0x61 (counter 2 gate and OUT, the refresh toggle, the speaker
 * state), 0x92 (A20 gate with the 1 MiB wrap, fast CPU reset that keeps virtual time),
 * and the POST code port 0x80. */
#include "devtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/a20.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "devices/port92.h"
#include "devices/post.h"
#include "mmu/mem.h"

static int setup(void **state)
{
    *state = dt_machine();
    return 0;
}

static int teardown(void **state)
{
    machine_destroy(*state);
    return 0;
}

static void test_port61_bits(void **state)
{
    struct machine *m = *state;
    struct pit *pit = pit_create(m);
    struct port61 *p = port61_create(m, pit);
    assert_non_null(p);
    assert_int_equal(dt_in(m, 0x61) & 0xCF, 0x00);
    dt_out(m, 0x61, 0xFC); /* bits 4-7 are not writable */
    assert_int_equal(dt_in(m, 0x61) & 0xCF, 0x0C);
    dt_out(m, 0x61, 0x00);
    /* Bit 5 is counter 2's OUT: mode 0 with gate (bit 0) controlling the count. */
    dt_advance_to(m, pit_tick_ns(100));
    dt_out(m, 0x43, 0xB0);
    dt_out(m, 0x42, 4);
    dt_out(m, 0x42, 0);
    dt_advance_to(m, pit_tick_ns(110));
    assert_int_equal(dt_in(m, 0x61) & 0x20, 0x00); /* gate low: loaded, not counting */
    dt_out(m, 0x61, 0x01);
    dt_advance_to(m, pit_tick_ns(113));
    assert_int_equal(dt_in(m, 0x61) & 0x20, 0x00);
    dt_advance_to(m, pit_tick_ns(114));
    assert_int_equal(dt_in(m, 0x61) & 0x20, 0x20);
    assert_int_equal(dt_in(m, 0x61) & 0xC0, 0x00); /* no parity or channel check errors */
}

static void test_port61_refresh_toggle(void **state)
{
    struct machine *m = *state;
    struct pit *pit = pit_create(m);
    port61_create(m, pit);
    /* Bit 4 flips every 18 PIT clocks (15.09 us), from virtual time alone. */
    unsigned flips = 0;
    uint8_t last = dt_in(m, 0x61) & 0x10;
    uint64_t last_flip_tick = 0;
    for (uint64_t t = 1; t <= 18 * 20; t++) {
        dt_advance_to(m, pit_tick_ns(t));
        uint8_t bit = dt_in(m, 0x61) & 0x10;
        if (bit != last) {
            flips++;
            assert_int_equal(t % 18, 0);
            if (last_flip_tick)
                assert_int_equal(t - last_flip_tick, 18);
            last_flip_tick = t;
            last = bit;
        }
    }
    assert_int_equal(flips, 20);
    /* Period in ns: 18 / 1.193182 MHz. */
    assert_in_range(pit_tick_ns(18), 15080, 15090);
}

static void test_port61_speaker_state(void **state)
{
    struct machine *m = *state;
    struct pit *pit = pit_create(m);
    struct port61 *p = port61_create(m, pit);
    dt_out(m, 0x43, 0xB6);
    dt_out(m, 0x42, 0xA9); /* 1193182 / 1193 = 1000 Hz */
    dt_out(m, 0x42, 0x04);
    dt_out(m, 0x61, 0x03);
    struct speaker_state s;
    port61_speaker(p, &s);
    assert_true(s.gate2);
    assert_true(s.data_enable);
    assert_int_equal(s.period, 1193);
    assert_int_equal(s.changes, 1);
    dt_out(m, 0x61, 0x01);
    port61_speaker(p, &s);
    assert_false(s.data_enable);
    assert_int_equal(s.changes, 2);
    /* Square wave on OUT2, readable through bit 5: high half then low half. */
    dt_advance(m, 200000); /* 0.2 ms into the 1 ms period... */
    assert_int_equal(dt_in(m, 0x61) & 0x20, 0x20);
    dt_advance(m, 500000); /* ...0.7 ms: the low half */
    assert_int_equal(dt_in(m, 0x61) & 0x20, 0x00);
}

static void test_port92_a20(void **state)
{
    struct machine *m = *state;
    struct port92 *p = port92_create(m);
    assert_non_null(p);
    assert_int_equal(dt_in(m, 0x92) & 0x02, 0x02); /* the machine starts with A20 on */
    phys_write8(m, 0x000123, 0x11);
    phys_write8(m, 0x100123, 0x22);
    assert_int_equal(phys_read8(m, 0x100123), 0x22);
    dt_out(m, 0x92, 0x00);
    assert_false(machine_a20_enabled(m));
    assert_int_equal(m->mem.a20_mask, 0xFFEFFFFFu);
    assert_int_equal(phys_read8(m, 0x100123), 0x11); /* wraps to the first megabyte */
    assert_int_equal(dt_in(m, 0x92), 0x00);
    dt_out(m, 0x92, 0x02);
    assert_int_equal(m->mem.a20_mask, 0xFFFFFFFFu);
    assert_int_equal(phys_read8(m, 0x100123), 0x22);
    assert_int_equal(dt_in(m, 0x92), 0x02);
}

/* A20 through the CPU: a real-mode load at FFFF:0133 is linear 0x100123. */
static void test_port92_a20_through_tlb(void **state)
{
    struct machine *m = *state;
    port92_create(m);
    phys_write8(m, 0x000123, 0x11);
    phys_write8(m, 0x100123, 0x22);
    /* mov al, [es:0x0133]; out 0x92, al (AL = 0 then); mov al, [es:0x0133]; hlt */
    static const uint8_t code[] = { 0x26, 0xA0, 0x33, 0x01, 0x88, 0xC3, 0x30, 0xC0, 0xE6, 0x92,
                                    0x26, 0xA0, 0x33, 0x01, 0xF4 };
    phys_write_bytes(m, 0x1000, code, sizeof code);
    cpu_load_seg_real(m, SEG_CS, 0);
    cpu_load_seg_real(m, SEG_ES, 0xFFFF);
    m->cpu.eip = 0x1000;
    assert_int_equal(cpu_run(m, 100), STOP_HALTED);
    assert_int_equal(m->cpu.gpr[EBX] & 0xFF, 0x22); /* before: A20 on */
    assert_int_equal(m->cpu.gpr[EAX] & 0xFF, 0x11); /* after: wrapped */
}

static void test_port92_fast_reset(void **state)
{
    struct machine *m = *state;
    port92_create(m);
    /* nop x4; mov al, 3; out 0x92, al; hlt (never reached) */
    static const uint8_t code[] = { 0x90, 0x90, 0x90, 0x90, 0xB0, 0x03, 0xE6, 0x92, 0xF4 };
    phys_write_bytes(m, 0x1000, code, sizeof code);
    cpu_load_seg_real(m, SEG_CS, 0);
    m->cpu.eip = 0x1000;
    m->cpu.gpr[ECX] = 0x1234;
    m->cpu.icount = 5000;
    assert_int_equal(cpu_step(m), STOP_LIMIT);
    for (int k = 0; k < 5; k++)
        cpu_step(m);
    /* The OUT reset the CPU: registers at their power-on values, time kept. */
    assert_int_equal(m->cpu.seg[SEG_CS].selector, 0xF000);
    assert_int_equal(m->cpu.eip, 0xFFF0);
    assert_int_equal(m->cpu.gpr[ECX], 0);
    assert_int_equal(m->cpu.icount, 5006);
    assert_true(machine_a20_enabled(m));
    assert_int_equal(dt_in(m, 0x92), 0x03);
    /* No second reset until bit 0 goes low and high again. */
    m->cpu.gpr[ECX] = 7;
    dt_out(m, 0x92, 0x03);
    assert_int_equal(m->cpu.gpr[ECX], 7);
    dt_out(m, 0x92, 0x02);
    dt_out(m, 0x92, 0x03);
    assert_int_equal(m->cpu.gpr[ECX], 0);
}

static void test_post(void **state)
{
    struct machine *m = *state;
    char logbuf[256] = "";
    FILE *log = fmemopen(logbuf, sizeof logbuf, "w");
    m->config.log = log;
    m->config.quiet = false;
    struct post *p = post_create(m, true);
    assert_non_null(p);
    assert_int_equal(post_last(p), 0);
    dt_out(m, 0x80, 0x55);
    dt_out(m, 0x80, 0x55); /* unchanged: not logged again */
    dt_out(m, 0x80, 0xAA);
    assert_int_equal(post_last(p), 0xAA);
    assert_int_equal(post_changes(p), 2);
    assert_int_equal(dt_in(m, 0x80), 0xAA);
    machine_reset(m);
    assert_int_equal(post_last(p), 0xAA); /* a POST card keeps showing it */
    fclose(log);
    m->config.log = NULL;
    m->config.quiet = true;
    assert_non_null(strstr(logbuf, "POST 55"));
    assert_non_null(strstr(logbuf, "POST AA"));
    assert_null(strstr(strstr(logbuf, "POST 55") + 1, "POST 55"));
    /* Without the option nothing is logged, and 0x81 is left to the DMA page registers. */
    struct machine *m2 = dt_machine();
    struct post *q = post_create(m2, false);
    dt_out(m2, 0x80, 0x12);
    assert_int_equal(post_last(q), 0x12);
    assert_int_equal(m2->io.owner[0x81], 0);
    machine_destroy(m2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_port61_bits),
        T(test_port61_refresh_toggle),
        T(test_port61_speaker_state),
        T(test_port92_a20),
        T(test_port92_a20_through_tlb),
        T(test_port92_fast_reset),
        T(test_post),
    };
    dt_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
