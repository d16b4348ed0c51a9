/* The MC146818A against its datasheet: BCD and binary, 24 and 12 hours with the PM bit,
 * the calendar through a leap day and the century, periodic interrupt periods at several
 * rates, the alarm (exact and "don't care"), update-ended interrupts, the UIP window
 * (244 us before the update to its end), register C flags and IRQ 8, SET, the divider
 * reset, the NMI mask bit and the index register, CMOS access and save/load.
 *
 * The clock is created at virtual time 0, so its divider chain started then: updates end
 * at 32.768 kHz cycle 16449 + 32768 k (0.502 s + k s). */
#include "devtest.h"

#include <stdlib.h>

#include "devices/rtc.h"

#define BASE_LEAP 1709251198   /* 2024-02-29 23:59:58 UTC, a Thursday */
#define BASE_NOON 1907755200   /* 2030-06-15 12:00:00 UTC, a Saturday */

struct fx {
    struct machine *m;
    struct rtc *rtc;
    struct irq_probe probe;
};

static struct fx *make(time_t base)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = dt_machine();
    dt_probe_attach(f->m, &f->probe);
    f->rtc = rtc_create(f->m, base, false);
    assert_non_null(f->rtc);
    return f;
}

static int setup_leap(void **state)
{
    *state = make(BASE_LEAP);
    return 0;
}

static int setup_noon(void **state)
{
    *state = make(BASE_NOON);
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    machine_destroy(f->m);
    free(f);
    return 0;
}

static uint8_t rd(struct fx *f, uint8_t index)
{
    dt_out(f->m, 0x70, index);
    return dt_in(f->m, 0x71);
}

static void wr(struct fx *f, uint8_t index, uint8_t value)
{
    dt_out(f->m, 0x70, index);
    dt_out(f->m, 0x71, value);
}

/* When divider cycle `c` (32.768 kHz, from time 0) is reached. */
static uint64_t cycle_ns(uint64_t c)
{
    return (uint64_t)(((unsigned __int128)c * 1000000000u + 32767) / 32768);
}

static uint64_t update_end_ns(unsigned k)
{
    return cycle_ns(16449 + 32768ull * k);
}

static void expect_time(struct fx *f, uint8_t hour, uint8_t min, uint8_t sec)
{
    uint8_t h = rd(f, 4), m = rd(f, 2), s = rd(f, 0);
    if (h != hour || m != min || s != sec)
        fail_msg("time %02x:%02x:%02x, expected %02x:%02x:%02x", h, m, s, hour, min, sec);
}

static void expect_date(struct fx *f, uint8_t dow, uint8_t day, uint8_t mon, uint8_t year)
{
    uint8_t w = rd(f, 6), d = rd(f, 7), m = rd(f, 8), y = rd(f, 9);
    if (w != dow || d != day || m != mon || y != year)
        fail_msg("date dow %x %02x-%02x-%02x, expected dow %x %02x-%02x-%02x", w, y, m, d, dow,
                 year, mon, day);
}

static void test_bcd_leap_day_rollover(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x0A), 0x26);
    assert_int_equal(rd(f, 0x0B), 0x02);
    assert_int_equal(rd(f, 0x0D), 0x80);
    assert_int_equal(rd(f, 0x32), 0x20);
    expect_time(f, 0x23, 0x59, 0x58);
    expect_date(f, 5, 0x29, 0x02, 0x24);
    dt_advance_to(f->m, update_end_ns(0) - 10);
    expect_time(f, 0x23, 0x59, 0x58);
    dt_advance_to(f->m, update_end_ns(0));
    expect_time(f, 0x23, 0x59, 0x59);
    dt_advance_to(f->m, update_end_ns(1));
    expect_time(f, 0x00, 0x00, 0x00);
    expect_date(f, 6, 0x01, 0x03, 0x24);
    /* A long jump: 1000 days and 100 seconds later, computed at once. */
    dt_advance_to(f->m, update_end_ns(1 + 1000u * 86400 + 100));
    expect_time(f, 0x00, 0x01, 0x40);
    expect_date(f, 5, 0x26, 0x11, 0x26); /* 2026-11-26, a Thursday */
}

static void test_binary_century(void **state)
{
    struct fx *f = *state;
    wr(f, 0x0B, 0x86); /* SET, binary, 24 h */
    wr(f, 0, 59);
    wr(f, 2, 59);
    wr(f, 4, 23);
    wr(f, 6, 7);
    wr(f, 7, 31);
    wr(f, 8, 12);
    wr(f, 9, 99);
    wr(f, 0x0B, 0x06);
    dt_advance_to(f->m, update_end_ns(0));
    expect_time(f, 0, 0, 0);
    expect_date(f, 1, 1, 1, 0);
    dt_advance_to(f->m, update_end_ns(59 * 60 + 12));
    expect_time(f, 0, 59, 12);
}

static void test_12_hour_mode(void **state)
{
    struct fx *f = *state;
    wr(f, 0x0B, 0x80); /* SET, BCD, 12 h */
    wr(f, 4, 0x91);    /* 11 PM */
    wr(f, 2, 0x59);
    wr(f, 0, 0x59);
    wr(f, 0x0B, 0x00);
    dt_advance_to(f->m, update_end_ns(0));
    expect_time(f, 0x12, 0x00, 0x00); /* 12 AM: midnight, PM bit clear */
    expect_date(f, 1, 0x16, 0x06, 0x30);
    wr(f, 0x0B, 0x80);
    wr(f, 4, 0x11);    /* 11 AM */
    wr(f, 2, 0x59);
    wr(f, 0, 0x59);
    wr(f, 0x0B, 0x00);
    dt_advance_to(f->m, update_end_ns(1));
    expect_time(f, 0x92, 0x00, 0x00); /* 12 PM: noon */
    dt_advance_to(f->m, update_end_ns(1 + 3600));
    expect_time(f, 0x81, 0x00, 0x00); /* 1 PM */
}

/* With PIE on, IRQ 8 rises once per period; the handler's read of register C lowers it. */
static void periodic_at(struct fx *f, unsigned rs, unsigned periods)
{
    uint64_t period_cycles = 1ull << (rs - 1);
    wr(f, 0x0A, (uint8_t)(0x20 | rs));
    rd(f, 0x0C);
    wr(f, 0x0B, 0x42);
    unsigned rises = f->probe.rises[8];
    uint64_t start = sched_now(f->m);
    uint64_t first = (start * 32768 / 1000000000u / period_cycles + 1) * period_cycles;
    for (unsigned k = 0; k < periods; k++) {
        dt_advance_to(f->m, dt_next_deadline(f->m));
        assert_true(f->probe.level[8]);
        uint64_t want = cycle_ns(first + k * period_cycles);
        uint64_t now = sched_now(f->m);
        if (now < want || now > want + 10)
            fail_msg("RS=%u tick %u at %llu ns, expected %llu", rs, k, (unsigned long long)now,
                     (unsigned long long)want);
        assert_int_equal(rd(f, 0x0C) & 0xC0, 0xC0); /* IRQF, PF */
        assert_false(f->probe.level[8]);
    }
    assert_int_equal(f->probe.rises[8] - rises, periods);
    wr(f, 0x0B, 0x02);
}

static void test_periodic_rates(void **state)
{
    struct fx *f = *state;
    periodic_at(f, 6, 20);   /* 976.5625 us, the PC default */
    periodic_at(f, 3, 50);   /* 122.070 us */
    periodic_at(f, 10, 5);   /* 15.625 ms */
    periodic_at(f, 15, 3);   /* 500 ms */
    /* RS = 1 and 2 repeat rates 8 and 9 with a 32.768 kHz base. */
    periodic_at(f, 1 + 7, 3);
    wr(f, 0x0A, 0x21);
    rd(f, 0x0C);
    wr(f, 0x0B, 0x42);
    uint64_t a = dt_next_deadline(f->m);
    dt_advance_to(f->m, a);
    rd(f, 0x0C);
    uint64_t b = dt_next_deadline(f->m);
    assert_in_range(b - a, 3906250 - 1, 3906250 + 1);
    /* RS = 0: no periodic interrupt, no PF. */
    wr(f, 0x0A, 0x20);
    rd(f, 0x0C);
    dt_advance(f->m, 100000000);
    assert_int_equal(rd(f, 0x0C) & 0x40, 0);
}

static void test_alarm(void **state)
{
    struct fx *f = *state;
    wr(f, 1, 0x03); /* 12:00:03 */
    wr(f, 3, 0x00);
    wr(f, 5, 0x12);
    wr(f, 0x0B, 0x22); /* AIE */
    dt_advance_to(f->m, update_end_ns(2) - 10);
    assert_false(f->probe.level[8]);
    dt_advance_to(f->m, update_end_ns(2));
    assert_true(f->probe.level[8]);
    assert_in_range(f->probe.rise_ns[8][0], update_end_ns(2), update_end_ns(2) + 9);
    expect_time(f, 0x12, 0x00, 0x03);
    assert_int_equal(rd(f, 0x0C) & 0xB0, 0xB0); /* IRQF, AF, and UF of the same update */
    /* Next match a day later: nothing in between. */
    dt_advance_to(f->m, update_end_ns(3 + 3600));
    assert_false(f->probe.level[8]);
    assert_int_equal(rd(f, 0x0C) & 0x20, 0);
    /* "Don't care" in all three bytes: every second. */
    wr(f, 1, 0xC0);
    wr(f, 3, 0xFF);
    wr(f, 5, 0xC5);
    dt_advance_to(f->m, update_end_ns(4 + 3600));
    assert_true(f->probe.level[8]);
    rd(f, 0x0C);
    dt_advance_to(f->m, update_end_ns(5 + 3600));
    assert_true(f->probe.level[8]);
    /* Minutes don't care: after 13:00:06 the next 13:xx:30 is 13:00:30. */
    rd(f, 0x0C);
    wr(f, 1, 0x30);
    wr(f, 5, 0x13);
    dt_advance_to(f->m, update_end_ns(5 + 3600 + 23));
    assert_false(f->probe.level[8]);
    dt_advance_to(f->m, update_end_ns(5 + 3600 + 24));
    assert_true(f->probe.level[8]);
    expect_time(f, 0x13, 0x00, 0x30);
    /* An alarm no time can equal never fires. */
    rd(f, 0x0C);
    wr(f, 1, 0x61);
    dt_advance(f->m, 3000000000u);
    assert_int_equal(rd(f, 0x0C) & 0x20, 0);
}

static void test_alarm_flag_without_aie(void **state)
{
    struct fx *f = *state;
    wr(f, 1, 0x10);
    wr(f, 3, 0x00);
    wr(f, 5, 0x12);
    rd(f, 0x0C);
    dt_advance_to(f->m, update_end_ns(30)); /* passed 12:00:16 long ago, polled late */
    assert_int_equal(rd(f, 0x0C) & 0xA0, 0x20);
    assert_int_equal(f->probe.rises[8], 0);
}

static void test_update_ended_interrupt(void **state)
{
    struct fx *f = *state;
    wr(f, 0x0B, 0x12); /* UIE */
    for (unsigned k = 0; k < 5; k++) {
        dt_advance_to(f->m, dt_next_deadline(f->m));
        assert_int_equal(sched_now(f->m) - update_end_ns(k) <= 10, true);
        assert_true(f->probe.level[8]);
        assert_int_equal(rd(f, 0x0C) & 0x90, 0x90);
    }
    expect_time(f, 0x12, 0x00, 0x05);
}

static void test_uip_window(void **state)
{
    struct fx *f = *state;
    /* Update 1 begins at cycle 16384 + 32768. */
    const uint64_t start = 16384 + 32768;
    dt_advance_to(f->m, cycle_ns(start - 9));
    assert_int_equal(rd(f, 0x0A) & 0x80, 0);
    dt_advance_to(f->m, cycle_ns(start - 8)); /* 244 us before */
    assert_int_equal(rd(f, 0x0A), 0xA6);
    expect_time(f, 0x12, 0x00, 0x01);        /* still the old second */
    dt_advance_to(f->m, cycle_ns(start + 64));
    assert_int_equal(rd(f, 0x0A) & 0x80, 0x80);
    dt_advance_to(f->m, cycle_ns(start + 65)); /* 1984 us after it began: done */
    assert_int_equal(rd(f, 0x0A) & 0x80, 0);
    expect_time(f, 0x12, 0x00, 0x02);
}

static void test_register_c(void **state)
{
    struct fx *f = *state;
    dt_advance_to(f->m, update_end_ns(0));
    /* Flags are set whether or not their interrupt is enabled; IRQF only when it is. */
    assert_int_equal(rd(f, 0x0C), 0x50);
    assert_int_equal(rd(f, 0x0C), 0x00); /* reading cleared them */
    dt_advance(f->m, 2000000);
    assert_false(f->probe.level[8]);
    wr(f, 0x0B, 0x42); /* PIE with PF already set: IRQ at once */
    assert_true(f->probe.level[8]);
    uint8_t c = rd(f, 0x0C);
    assert_int_equal(c, 0xC0);
    assert_false(f->probe.level[8]);
    /* Disabling the source drops IRQF and the line. */
    dt_advance(f->m, 2000000);
    assert_true(f->probe.level[8]);
    wr(f, 0x0B, 0x02);
    assert_false(f->probe.level[8]);
    wr(f, 0x0C, 0xFF); /* read-only */
    wr(f, 0x0D, 0x00);
    assert_int_equal(rd(f, 0x0C), 0x40);
    assert_int_equal(rd(f, 0x0D), 0x80);
}

static void test_set_bit(void **state)
{
    struct fx *f = *state;
    wr(f, 0x0B, 0x12);
    wr(f, 0x0B, 0x92); /* SET going high clears UIE */
    assert_int_equal(rd(f, 0x0B), 0x82);
    dt_advance_to(f->m, update_end_ns(3));
    expect_time(f, 0x12, 0x00, 0x00); /* no updates */
    assert_int_equal(rd(f, 0x0C) & 0x10, 0);
    dt_advance_to(f->m, cycle_ns(16384 + 4 * 32768));
    assert_int_equal(rd(f, 0x0A) & 0x80, 0); /* no UIP either */
    wr(f, 0x0B, 0x02);
    dt_advance_to(f->m, update_end_ns(4));
    expect_time(f, 0x12, 0x00, 0x01);
}

static void test_divider_reset(void **state)
{
    struct fx *f = *state;
    dt_advance_to(f->m, 250000000);
    wr(f, 0x0A, 0x66); /* DV = 110: chain in reset */
    rd(f, 0x0C);
    dt_advance(f->m, 5000000000u);
    expect_time(f, 0x12, 0x00, 0x00);
    assert_int_equal(rd(f, 0x0C), 0);
    assert_int_equal(rd(f, 0x0A) & 0x80, 0);
    uint64_t released = sched_now(f->m);
    wr(f, 0x0A, 0x26); /* the first update starts 500 ms later */
    dt_advance_to(f->m, released + 500000000 - 1000);
    expect_time(f, 0x12, 0x00, 0x00);
    dt_advance_to(f->m, released + 502000000);
    expect_time(f, 0x12, 0x00, 0x01);
}

static void test_nmi_mask_and_index(void **state)
{
    struct fx *f = *state;
    assert_false(rtc_nmi_enabled(f->rtc)); /* masked after reset */
    dt_out(f->m, 0x70, 0x0F);
    assert_true(rtc_nmi_enabled(f->rtc));
    dt_out(f->m, 0x70, 0x8F);
    assert_false(rtc_nmi_enabled(f->rtc));
    assert_int_equal(dt_in(f->m, 0x70), 0xFF);
    /* Bit 7 is the mask, not part of the index: 0xFF addresses CMOS byte 0x7F. */
    dt_out(f->m, 0x70, 0xFF);
    dt_out(f->m, 0x71, 0x5A);
    assert_int_equal(rtc_get_nvram(f->rtc, 0x7F), 0x5A);
    dt_out(f->m, 0x70, 0x7F);
    assert_int_equal(dt_in(f->m, 0x71), 0x5A);
    dt_out(f->m, 0x70, 0x0F);
    machine_reset(f->m);
    assert_false(rtc_nmi_enabled(f->rtc));
}

static void test_nvram_api(void **state)
{
    struct fx *f = *state;
    for (unsigned k = 0x0E; k < 0x80; k++)
        rtc_set_nvram(f->rtc, k, (uint8_t)(k ^ 0xA5));
    for (unsigned k = 0x0E; k < 0x80; k++) {
        assert_int_equal(rtc_get_nvram(f->rtc, k), (uint8_t)(k ^ 0xA5));
        assert_int_equal(rd(f, (uint8_t)k), (uint8_t)(k ^ 0xA5));
    }
    rtc_set_nvram(f->rtc, 0x90, 0x77); /* masked to 0x10 */
    assert_int_equal(rtc_get_nvram(f->rtc, 0x10), 0x77);
    /* A peek at register C leaves the flags for the guest. */
    dt_advance_to(f->m, update_end_ns(0));
    assert_int_equal(rtc_get_nvram(f->rtc, 0x0C), 0x50);
    assert_int_equal(rd(f, 0x0C), 0x50);
    /* Time registers through the API, as the BIOS setup writes them. */
    rtc_set_nvram(f->rtc, 0x0B, 0x82);
    rtc_set_nvram(f->rtc, 4, 0x08);
    rtc_set_nvram(f->rtc, 0x0B, 0x02);
    assert_int_equal(rtc_get_nvram(f->rtc, 4), 0x08);
    /* Reset clears the enables and flags, keeps the time and register A. */
    wr(f, 0x0B, 0x7E);
    machine_reset(f->m);
    assert_int_equal(rd(f, 0x0B), 0x06);
    assert_int_equal(rd(f, 0x0A), 0x26);
    assert_int_equal(rd(f, 4), 0x08);
}

static void test_host_clock(void **state)
{
    struct machine *m = dt_machine();
    struct rtc *r = rtc_create(m, 0, true);
    assert_non_null(r);
    uint8_t year = rtc_get_nvram(r, 9), century = rtc_get_nvram(r, 0x32);
    assert_true((year >> 4) <= 9 && (year & 15) <= 9);
    assert_int_equal(century, 0x20);
    machine_destroy(m);
}

static void test_save_load(void **state)
{
    struct fx *f = *state;
    const struct device_ops *ops = NULL;
    for (int k = 0; k < f->m->device_count; k++)
        if (f->m->devices[k].dev == f->rtc)
            ops = f->m->devices[k].ops;
    assert_non_null(ops);
    wr(f, 0x20, 0x42);
    wr(f, 0x0B, 0x12);
    dt_advance_to(f->m, 300000000);
    struct state_buf buf = { 0 };
    ops->save(f->rtc, &buf);
    wr(f, 0x20, 0x00);
    wr(f, 0x0B, 0x06);
    wr(f, 0x00, 0x33);
    assert_true(ops->load(f->rtc, &buf, 1));
    assert_int_equal(rd(f, 0x20), 0x42);
    assert_int_equal(rd(f, 0x0B), 0x12);
    expect_time(f, 0x12, 0x00, 0x00);
    assert_int_equal(dt_next_deadline(f->m), update_end_ns(0));
    assert_false(ops->load(f->rtc, &buf, 2));
    state_free(&buf);
}

#define LEAP(fn) cmocka_unit_test_setup_teardown(fn, setup_leap, teardown)
#define NOON(fn) cmocka_unit_test_setup_teardown(fn, setup_noon, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        LEAP(test_bcd_leap_day_rollover),
        NOON(test_binary_century),
        NOON(test_12_hour_mode),
        NOON(test_periodic_rates),
        NOON(test_alarm),
        NOON(test_alarm_flag_without_aie),
        NOON(test_update_ended_interrupt),
        NOON(test_uip_window),
        NOON(test_register_c),
        NOON(test_set_bit),
        NOON(test_divider_reset),
        NOON(test_nmi_mask_and_index),
        NOON(test_nvram_api),
        cmocka_unit_test(test_host_clock),
        NOON(test_save_load),
    };
    dt_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
