/* The 8254 against the Intel datasheet (231164), sampled at exact PIT clock pulses: each
 * mode's OUT waveform and count sequence, gate effects (modes 0/4 pause, 1/5 trigger, 2/3
 * stop and reload), new counts during counting, BCD, the counter latch, read-back with the
 * status byte, the access modes, IRQ 0 edges at the right virtual times, and save/load.
 *
 * A count written during pulse T is loaded by pulse T+1 and counting starts at T+2, so
 * "N+1 pulses after the count is written" lands on pulse T+N+1. */
#include "devtest.h"

#include <stdlib.h>

#include "devices/pit.h"

#define T0 1000u /* every test starts at this pulse, well away from time 0 */

struct fx {
    struct machine *m;
    struct pit *pit;
    struct irq_probe probe;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = dt_machine();
    dt_probe_attach(f->m, &f->probe);
    f->pit = pit_create(f->m);
    assert_non_null(f->pit);
    pit_set_gate(f->pit, 2, true);
    dt_advance_to(f->m, pit_tick_ns(T0));
    /* Count edges from here: power-on left OUT 0 high (see pit_reset). */
    assert_true(f->probe.level[0]);
    f->probe.rises[0] = f->probe.falls[0] = 0;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    machine_destroy(f->m);
    free(f);
    return 0;
}

static void at(struct fx *f, uint64_t tick)
{
    dt_advance_to(f->m, pit_tick_ns(tick));
    assert_int_equal(pit_ticks_at(sched_now(f->m)), tick);
}

static void control(struct fx *f, uint8_t v)
{
    dt_out(f->m, 0x43, v);
}

static void write16(struct fx *f, unsigned ch, uint16_t v)
{
    dt_out(f->m, (uint16_t)(0x40 + ch), v & 0xFF);
    dt_out(f->m, (uint16_t)(0x40 + ch), v >> 8);
}

/* Two reads of a counter port, LSB first. */
static uint16_t read16(struct fx *f, unsigned ch)
{
    uint16_t lo = dt_in(f->m, (uint16_t)(0x40 + ch));
    return (uint16_t)(lo | dt_in(f->m, (uint16_t)(0x40 + ch)) << 8);
}

/* Latch and read a counter in LSB-then-MSB access mode. */
static uint16_t count(struct fx *f, unsigned ch)
{
    control(f, (uint8_t)(ch << 6));
    return read16(f, ch);
}

/* The status byte through read-back. */
static uint8_t status(struct fx *f, unsigned ch)
{
    control(f, (uint8_t)(0xE0 | 2u << ch));
    return dt_in(f->m, (uint16_t)(0x40 + ch));
}

static bool out(struct fx *f, unsigned ch)
{
    return (status(f, ch) & 0x80) != 0;
}

/* Expect count and OUT at pulse T0 + k for k = first, first+1, ... */
static void expect_seq(struct fx *f, unsigned ch, unsigned first, const uint16_t *counts,
                       const char *outs)
{
    for (unsigned k = 0; outs[k]; k++) {
        at(f, T0 + first + k);
        if (count(f, ch) != counts[k] || out(f, ch) != (outs[k] == 'H'))
            fail_msg("counter %u at T0+%u: count %u OUT %d, expected %u %c", ch, first + k,
                     count(f, ch), out(f, ch), counts[k], outs[k]);
    }
}

/* IRQ 0 rose at exactly the start of pulse `tick` (within one instruction). */
static void expect_rise(struct fx *f, unsigned n, uint64_t tick)
{
    assert_true(f->probe.rises[0] > n);
    uint64_t ns = f->probe.rise_ns[0][n], want = pit_tick_ns(tick);
    if (ns < want || ns > want + 10)
        fail_msg("IRQ 0 rise %u at %llu ns, expected pulse %llu at %llu ns", n,
                 (unsigned long long)ns, (unsigned long long)tick, (unsigned long long)want);
}

static void test_mode0_waveform(void **state)
{
    struct fx *f = *state;
    control(f, 0x30); /* counter 0, LSB then MSB, mode 0, binary */
    assert_false(out(f, 0));
    write16(f, 0, 5);
    expect_seq(f, 0, 1, (const uint16_t[]){ 5, 4, 3, 2, 1, 0, 0xFFFF, 0xFFFE }, "LLLLLHHH");
    assert_int_equal(f->probe.rises[0], 1);
    expect_rise(f, 0, T0 + 6);
    /* A new count drops OUT again and restarts. */
    write16(f, 0, 2);
    assert_false(f->probe.level[0]);
    at(f, T0 + 8 + 3);
    assert_true(f->probe.level[0]);
    expect_rise(f, 1, T0 + 11);
}

static void test_mode0_gate_and_first_byte(void **state)
{
    struct fx *f = *state;
    control(f, 0xB0); /* counter 2, mode 0 */
    write16(f, 2, 10);
    at(f, T0 + 3);
    assert_int_equal(count(f, 2), 8);
    pit_set_gate(f->pit, 2, false); /* counting stops */
    at(f, T0 + 50);
    assert_int_equal(count(f, 2), 8);
    pit_set_gate(f->pit, 2, true);
    at(f, T0 + 51);
    assert_int_equal(count(f, 2), 7);
    /* Writing the first byte of a new count stops counting until the second. */
    dt_out(f->m, 0x42, 3);
    at(f, T0 + 60);
    assert_int_equal(count(f, 2), 7);
    assert_false(out(f, 2));
    dt_out(f->m, 0x42, 0);
    at(f, T0 + 61);
    assert_int_equal(count(f, 2), 3);
    at(f, T0 + 64);
    assert_true(out(f, 2));
}

static void test_mode1_one_shot(void **state)
{
    struct fx *f = *state;
    pit_set_gate(f->pit, 2, false);
    control(f, 0xB2); /* counter 2, mode 1 */
    write16(f, 2, 3);
    at(f, T0 + 20);
    assert_true(out(f, 2));
    assert_true(status(f, 2) & 0x40); /* NULL COUNT until a trigger loads it */
    pit_set_gate(f->pit, 2, true);     /* trigger at T0+20 */
    expect_seq(f, 2, 21, (const uint16_t[]){ 3, 2, 1, 0, 0xFFFF }, "LLLHH");
    assert_false(status(f, 2) & 0x40);
    /* Retrigger during the pulse: it starts over from the count register. */
    pit_set_gate(f->pit, 2, false);
    pit_set_gate(f->pit, 2, true);     /* T0+25 */
    at(f, T0 + 27);
    pit_set_gate(f->pit, 2, false);
    pit_set_gate(f->pit, 2, true);     /* T0+27: retrigger */
    write16(f, 2, 100);                /* a new count waits for the next trigger */
    expect_seq(f, 2, 28, (const uint16_t[]){ 3, 2, 1, 0 }, "LLLH");
}

static void test_mode2_rate_generator(void **state)
{
    struct fx *f = *state;
    control(f, 0x34); /* counter 0, mode 2 */
    assert_true(out(f, 0));
    write16(f, 0, 4);
    expect_seq(f, 0, 1, (const uint16_t[]){ 4, 3, 2, 1, 4, 3 }, "HHHLHH");
    expect_rise(f, 0, T0 + 5);
    /* A count written during a period takes effect at the next reload. */
    write16(f, 0, 6);
    expect_seq(f, 0, 6, (const uint16_t[]){ 3, 2, 1, 6, 5, 4, 3, 2, 1, 6 }, "HHLHHHHHLH");
    assert_int_equal(f->probe.rises[0], 3);
    expect_rise(f, 1, T0 + 9);
    expect_rise(f, 2, T0 + 15);
}

static void test_mode2_gate(void **state)
{
    struct fx *f = *state;
    control(f, 0xB4); /* counter 2, mode 2 */
    write16(f, 2, 5);
    at(f, T0 + 5);
    assert_int_equal(count(f, 2), 1);
    assert_false(out(f, 2));
    pit_set_gate(f->pit, 2, false); /* OUT goes high at once and counting stops */
    assert_true(out(f, 2));
    at(f, T0 + 9);
    assert_int_equal(count(f, 2), 1);
    assert_true(out(f, 2));
    pit_set_gate(f->pit, 2, true);  /* reload on the next pulse */
    expect_seq(f, 2, 10, (const uint16_t[]){ 5, 4, 3, 2, 1, 5 }, "HHHHLH");
}

static void test_mode3_square_wave(void **state)
{
    struct fx *f = *state;
    control(f, 0xB6); /* counter 2, mode 3 */
    write16(f, 2, 6);
    /* Even: decrements by two, OUT high N/2 and low N/2. */
    expect_seq(f, 2, 1, (const uint16_t[]){ 6, 4, 2, 6, 4, 2, 6 }, "HHHLLLH");
    control(f, 0xB6);
    write16(f, 2, 5); /* written at T0+7 */
    /* Odd: N-1 is loaded, high (N+1)/2, low (N-1)/2. */
    expect_seq(f, 2, 8, (const uint16_t[]){ 4, 2, 0, 4, 2, 4, 2, 0, 4 }, "HHHLLHHHL");
    pit_set_gate(f->pit, 2, false); /* low gate: OUT high, stopped */
    assert_true(out(f, 2));
    at(f, T0 + 30);
    pit_set_gate(f->pit, 2, true);
    expect_seq(f, 2, 31, (const uint16_t[]){ 4, 2, 0, 4, 2, 4 }, "HHHLLH");
    assert_int_equal(pit_period(f->pit, 2), 5);
}

static void test_mode3_new_count_at_half_cycle(void **state)
{
    struct fx *f = *state;
    control(f, 0x36); /* counter 0, mode 3 */
    write16(f, 0, 8);
    at(f, T0 + 2);
    write16(f, 0, 4);  /* in the high half: loaded when it ends, into the low half */
    expect_seq(f, 0, 3, (const uint16_t[]){ 4, 2, 4, 2, 4, 2, 4, 2 }, "HHLLHHLL");
    expect_rise(f, 0, T0 + 7);
}

static void test_mode3_irq_period(void **state)
{
    struct fx *f = *state;
    control(f, 0x36);
    write16(f, 0, 1000);
    at(f, T0 + 5000);
    /* OUT was high already; a rise starts every high half after the first: pulses
     * T0+1001, T0+2001, ... */
    assert_int_equal(f->probe.rises[0], 4);
    for (unsigned k = 0; k < 4; k++)
        expect_rise(f, k, T0 + 1001 + 1000 * k);
    assert_int_equal(pit_period(f->pit, 0), 1000);
}

static void test_mode4_strobe(void **state)
{
    struct fx *f = *state;
    control(f, 0x38); /* counter 0, mode 4 */
    write16(f, 0, 3);
    expect_seq(f, 0, 1, (const uint16_t[]){ 3, 2, 1, 0, 0xFFFF, 0xFFFE }, "HHHLHH");
    assert_int_equal(f->probe.rises[0], 1);
    expect_rise(f, 0, T0 + 5);
    assert_true(f->probe.last_fall_ns[0] >= pit_tick_ns(T0 + 4));
    /* Gate low pauses mode 4. */
    control(f, 0xB8);
    write16(f, 2, 4); /* T0+6 */
    at(f, T0 + 8);
    pit_set_gate(f->pit, 2, false);
    at(f, T0 + 30);
    assert_int_equal(count(f, 2), 3);
    pit_set_gate(f->pit, 2, true);
    expect_seq(f, 2, 31, (const uint16_t[]){ 2, 1, 0, 0xFFFF }, "HHLH");
}

static void test_mode5_triggered_strobe(void **state)
{
    struct fx *f = *state;
    pit_set_gate(f->pit, 2, false);
    control(f, 0xBA); /* counter 2, mode 5 */
    write16(f, 2, 3);
    at(f, T0 + 10);
    assert_true(out(f, 2));
    pit_set_gate(f->pit, 2, true); /* trigger */
    expect_seq(f, 2, 11, (const uint16_t[]){ 3, 2, 1, 0, 0xFFFF }, "HHHLH");
}

static void test_bcd(void **state)
{
    struct fx *f = *state;
    control(f, 0xB1); /* counter 2, mode 0, BCD */
    write16(f, 2, 0x0012);
    expect_seq(f, 2, 1, (const uint16_t[]){ 0x12, 0x11, 0x10, 0x09, 0x08 }, "LLLLL");
    control(f, 0xB1);
    write16(f, 2, 0x0000); /* 10000 in BCD */
    expect_seq(f, 2, 6, (const uint16_t[]){ 0x0000, 0x9999, 0x9998 }, "LLL");
    assert_int_equal(status(f, 2) & 0x3F, 0x31);
    /* Mode 2 in BCD runs N..1 in decimal. */
    control(f, 0xB5);
    write16(f, 2, 0x0011); /* at T0+8 */
    at(f, T0 + 10);
    assert_int_equal(count(f, 2), 0x10);
    at(f, T0 + 19);
    assert_int_equal(count(f, 2), 0x01);
    assert_false(out(f, 2));
    at(f, T0 + 20);
    assert_int_equal(count(f, 2), 0x11);
}

static void test_latch_and_access_modes(void **state)
{
    struct fx *f = *state;
    control(f, 0x34);
    write16(f, 0, 1000);
    at(f, T0 + 11);
    control(f, 0x00);                   /* latch: 990 */
    at(f, T0 + 20);
    control(f, 0x00);                   /* ignored: the first latch is unread */
    assert_int_equal(dt_in(f->m, 0x40), 990 & 0xFF);
    at(f, T0 + 30);
    assert_int_equal(dt_in(f->m, 0x40), 990 >> 8);
    control(f, 0x00);                   /* now a new latch: 971 */
    at(f, T0 + 40);
    assert_int_equal(read16(f, 0), 971);
    /* MSB only: writes the high byte, reads the high byte. */
    control(f, 0xA4);
    dt_out(f->m, 0x42, 0x12);           /* count 0x1200 */
    at(f, T0 + 42);
    assert_int_equal(dt_in(f->m, 0x42), 0x11); /* 0x11FF */
    /* LSB only. */
    control(f, 0x94);
    dt_out(f->m, 0x42, 0x40);
    at(f, T0 + 44);
    assert_int_equal(dt_in(f->m, 0x42), 0x3F);
    assert_int_equal(dt_in(f->m, 0x42), 0x3F);
    assert_int_equal(dt_in(f->m, 0x43), 0xFF); /* the control register reads as floating */
}

static void test_read_back(void **state)
{
    struct fx *f = *state;
    control(f, 0x34);
    assert_int_equal(status(f, 0), 0xF4); /* OUT high, NULL COUNT, LSB/MSB, mode 2 */
    write16(f, 0, 0x1234);
    assert_int_equal(status(f, 0), 0xF4); /* written, not loaded yet */
    at(f, T0 + 1);
    assert_int_equal(status(f, 0), 0xB4);
    control(f, 0x3C);                     /* mode 6 reads back as written */
    assert_int_equal(status(f, 0) & 0x0E, 0x0C);
    control(f, 0x30);
    assert_int_equal(status(f, 0), 0x70); /* mode 0: OUT low */
    write16(f, 0, 0x100);
    at(f, T0 + 5);
    /* Count and status latched together: status first, then the count. */
    control(f, 0xC2);
    assert_int_equal(dt_in(f->m, 0x40), 0x30);
    at(f, T0 + 9);
    assert_int_equal(dt_in(f->m, 0x40), 0xFD);
    assert_int_equal(dt_in(f->m, 0x40), 0x00);
    /* Several counters at once. */
    control(f, 0xB4);
    write16(f, 2, 7);                     /* at T0+9 */
    at(f, T0 + 10);
    control(f, 0xDE);                     /* counts of 0, 1 and 2 */
    at(f, T0 + 12);
    assert_int_equal(read16(f, 0), 0xF8);
    assert_int_equal(read16(f, 2), 7);
}

static void test_status_latched_once(void **state)
{
    struct fx *f = *state;
    control(f, 0x30);
    write16(f, 0, 3);
    control(f, 0xE2);           /* status: OUT low, count not loaded yet */
    at(f, T0 + 10);
    control(f, 0xE2);           /* ignored: the first status is unread */
    assert_int_equal(dt_in(f->m, 0x40), 0x70);
    assert_int_equal(status(f, 0), 0xB0);
}

/* A timer served late (time moved past several OUT edges at once) still gives IRQ 0 the
 * edges, so a short low pulse in mode 2 is not lost. */
static void test_late_timer_keeps_edges(void **state)
{
    struct fx *f = *state;
    control(f, 0x34);
    write16(f, 0, 4);
    unsigned rises = f->probe.rises[0];
    /* Jump to pulse T0+42 (OUT high again) without firing the timer on the way. */
    uint64_t target = sched_ns_to_insns(&f->m->sched, pit_tick_ns(T0 + 42));
    f->m->sched.idle_insns += target - (f->m->cpu.icount + f->m->sched.idle_insns);
    assert_true(pit_get_out(f->pit, 0));
    assert_true(f->probe.rises[0] > rises);
    assert_true(f->probe.level[0]);
    sched_run_due(f->m);
    at(f, T0 + 44);
    assert_false(f->probe.level[0]); /* and the next edges are on time */
    at(f, T0 + 45);
    assert_true(f->probe.level[0]);
}

static void test_rate_through_scheduler(void **state)
{
    struct fx *f = *state;
    control(f, 0x34);
    write16(f, 0, 1193); /* ~1 kHz */
    dt_advance(f->m, 10000000);
    assert_int_equal(f->probe.rises[0], 10);
    for (unsigned k = 0; k < 10; k++)
        expect_rise(f, k, T0 + 1 + 1193 * (k + 1));
}

static void test_save_load(void **state)
{
    struct fx *f = *state;
    const struct device_ops *ops = NULL;
    for (int k = 0; k < f->m->device_count; k++)
        if (f->m->devices[k].dev == f->pit)
            ops = f->m->devices[k].ops;
    assert_non_null(ops);
    control(f, 0x34);
    write16(f, 0, 500);
    control(f, 0xB6);
    write16(f, 2, 77);
    at(f, T0 + 123);
    struct state_buf buf = { 0 };
    ops->save(f->pit, &buf);
    at(f, T0 + 456);
    uint16_t c0 = count(f, 0), c2 = count(f, 2);
    control(f, 0x30);
    control(f, 0xB0);
    assert_true(ops->load(f->pit, &buf, 1));
    assert_int_equal(count(f, 0), c0);
    assert_int_equal(count(f, 2), c2);
    assert_false(ops->load(f->pit, &buf, 9));
    state_free(&buf);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_mode0_waveform),
        T(test_mode0_gate_and_first_byte),
        T(test_mode1_one_shot),
        T(test_mode2_rate_generator),
        T(test_mode2_gate),
        T(test_mode3_square_wave),
        T(test_mode3_new_count_at_half_cycle),
        T(test_mode3_irq_period),
        T(test_mode4_strobe),
        T(test_mode5_triggered_strobe),
        T(test_bcd),
        T(test_latch_and_access_modes),
        T(test_read_back),
        T(test_status_latched_once),
        T(test_late_timer_keeps_edges),
        T(test_rate_through_scheduler),
        T(test_save_load),
    };
    dt_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
