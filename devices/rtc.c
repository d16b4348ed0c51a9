/* The MC146818A RTC (Motorola datasheet MC146818A/D: "Address map", "Time, calendar and
 * alarm locations", "Registers A-D", "Update cycle", "Interrupts", "Divider stages").
 * Nothing ticks: the divider chain is a count of 32.768 kHz cycles since it started, the
 * time registers are brought up to date when looked at, and the flags of register C are
 * worked out from the cycles elapsed since they were last cleared. The one timer waits
 * for the next interrupt that is enabled. Daylight saving (DSE) is not implemented: the
 * bit is kept but the clock never jumps. */
#include "devices/rtc.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/iobus.h"
#include "machine/machine.h"

enum {
    R_SEC = 0, R_SEC_ALARM, R_MIN, R_MIN_ALARM, R_HOUR, R_HOUR_ALARM, R_DOW, R_DAY, R_MON, R_YEAR,
    R_A, R_B, R_C, R_D,
};
#define A_UIP 0x80u
#define A_DV 0x70u
#define A_DV_32K 0x20u     /* DV2-0 = 010: 32.768 kHz time base, counting */
#define A_RS 0x0Fu
#define B_SET 0x80u
#define B_PIE 0x40u
#define B_AIE 0x20u
#define B_UIE 0x10u
#define B_SQWE 0x08u
#define B_DM 0x04u         /* 1 = binary, 0 = BCD */
#define B_24H 0x02u
#define C_IRQF 0x80u
#define C_FLAGS 0x70u      /* PF, AF, UF: the same bits as PIE, AIE, UIE */
#define C_PF 0x40u
#define C_AF 0x20u
#define C_UF 0x10u
#define D_VRT 0x80u
#define CMOS_CENTURY 0x32

/* Divider chain timing in 32.768 kHz cycles: the first update begins half a second after
 * the chain starts and then once a second; UIP rises 244 us (8 cycles) before it and the
 * update takes 1984 us (65 cycles), at whose end the registers change and UF is set. */
#define CHAIN_HZ 32768u
#define UPDATE_FIRST 16384u
#define UIP_LEAD 8u
#define UPDATE_LEN 65u
#define UPDATE_FIRST_END (UPDATE_FIRST + UPDATE_LEN)

#define SECONDS_PER_DAY 86400u
#define CENTURY_DAYS 36525u /* 2000-2099: every fourth year is a leap year, 00 included */

struct rtc {
    struct machine *m;
    uint8_t ram[128];      /* time, alarm, A-D (C holds PF/AF/UF as of `synced`), CMOS */
    uint8_t index;
    bool nmi_masked;
    bool irq_level;
    uint64_t chain_start;  /* virtual ns at which the divider chain began counting */
    uint64_t synced;       /* time registers and flags are up to date to this time */
    struct timer timer;
};

static bool chain_running(const struct rtc *r)
{
    return (r->ram[R_A] & A_DV) == A_DV_32K;
}

static uint64_t cycles_at(const struct rtc *r, uint64_t ns)
{
    if (ns <= r->chain_start)
        return 0;
    return (uint64_t)(((unsigned __int128)(ns - r->chain_start) * CHAIN_HZ) / 1000000000u);
}

static uint64_t cycle_ns(const struct rtc *r, uint64_t cycle)
{
    return r->chain_start +
           (uint64_t)(((unsigned __int128)cycle * 1000000000u + CHAIN_HZ - 1) / CHAIN_HZ);
}

/* Rate selection RS3-0 (datasheet table "Periodic interrupt rate"): 0 = none, 1 and 2
 * repeat rates 8 and 9, 3-15 give 2^(RS-1) cycles (122.070 us .. 500 ms). */
static uint32_t periodic_cycles(const struct rtc *r)
{
    unsigned rs = r->ram[R_A] & A_RS;
    if (rs == 0)
        return 0;
    if (rs < 3)
        rs += 7;
    return 1u << (rs - 1);
}

/* Update cycles that have ended at or before chain cycle `c`. */
static uint64_t updates_through(uint64_t c)
{
    return c < UPDATE_FIRST_END ? 0 : (c - UPDATE_FIRST_END) / CHAIN_HZ + 1;
}

/* ---- Register encodings: BCD or binary (DM), 12 or 24 hours. ---- */

static unsigned from_reg(const struct rtc *r, uint8_t v)
{
    return (r->ram[R_B] & B_DM) ? v : (v >> 4) * 10u + (v & 15);
}

static uint8_t to_reg(const struct rtc *r, unsigned v)
{
    return (r->ram[R_B] & B_DM) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* An hour register as 0-23, or -1 when it holds no valid hour. */
static int hour_from_reg(const struct rtc *r, uint8_t v)
{
    if (r->ram[R_B] & B_24H) {
        unsigned h = from_reg(r, v);
        return h < 24 ? (int)h : -1;
    }
    unsigned h12 = from_reg(r, v & 0x7F);
    if (h12 < 1 || h12 > 12)
        return -1;
    return (int)(h12 % 12 + ((v & 0x80) ? 12 : 0)); /* bit 7 is PM */
}

static uint8_t hour_to_reg(const struct rtc *r, unsigned h)
{
    if (r->ram[R_B] & B_24H)
        return to_reg(r, h);
    unsigned h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(to_reg(r, h12) | (h >= 12 ? 0x80 : 0));
}

static bool leap(unsigned year)
{
    return year % 4 == 0;
}

static unsigned days_in_month(unsigned year, unsigned mon)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return days[mon - 1] + (mon == 2 && leap(year));
}

/* The calendar as counts: day number in the century (from 2000-01-01) and second of day.
 * Values the guest left out of range are folded into range: the chip would count on from
 * them in its own odd way, which nothing relies on. */
struct rtc_now {
    uint32_t day;
    uint32_t sod;
};

static struct rtc_now read_calendar(const struct rtc *r)
{
    const uint8_t *t = r->ram;
    int hour = hour_from_reg(r, t[R_HOUR]);
    unsigned year = from_reg(r, t[R_YEAR]) % 100, mon = from_reg(r, t[R_MON]), day = from_reg(r, t[R_DAY]);
    mon = mon < 1 ? 1 : mon > 12 ? 12 : mon;
    day = day < 1 ? 1 : day > days_in_month(year, mon) ? days_in_month(year, mon) : day;
    uint32_t days = 365 * year + (year + 3) / 4;
    for (unsigned k = 1; k < mon; k++)
        days += days_in_month(year, k);
    days += day - 1;
    uint32_t sod = (hour < 0 ? 0 : (unsigned)hour) * 3600u + from_reg(r, t[R_MIN]) % 60 * 60u +
                   from_reg(r, t[R_SEC]) % 60;
    return (struct rtc_now){ days, sod };
}

static void write_calendar(struct rtc *r, struct rtc_now now)
{
    uint8_t *t = r->ram;
    unsigned year = 0, days = now.day;
    while (days >= 365u + leap(year)) {
        days -= 365u + leap(year);
        year++;
    }
    unsigned mon = 1;
    while (days >= days_in_month(year, mon)) {
        days -= days_in_month(year, mon);
        mon++;
    }
    t[R_SEC] = to_reg(r, now.sod % 60);
    t[R_MIN] = to_reg(r, now.sod / 60 % 60);
    t[R_HOUR] = hour_to_reg(r, now.sod / 3600);
    t[R_DAY] = to_reg(r, days + 1);
    t[R_MON] = to_reg(r, mon);
    t[R_YEAR] = to_reg(r, year);
}

/* ---- The alarm: each byte matches its register, or anything when its two top bits are
 * set ("don't care"). A byte that no valid time can equal never matches. ---- */

struct alarm {
    int hour, min, sec;   /* -1 = don't care, -2 = never */
};

static int alarm_field(const struct rtc *r, uint8_t v, unsigned limit)
{
    if ((v & 0xC0) == 0xC0)
        return -1;
    unsigned x = from_reg(r, v);
    return x < limit ? (int)x : -2;
}

static struct alarm read_alarm(const struct rtc *r)
{
    struct alarm a = { -1, alarm_field(r, r->ram[R_MIN_ALARM], 60), alarm_field(r, r->ram[R_SEC_ALARM], 60) };
    uint8_t h = r->ram[R_HOUR_ALARM];
    if ((h & 0xC0) != 0xC0) {
        int v = hour_from_reg(r, h);
        a.hour = v < 0 ? -2 : v;
    }
    return a;
}

/* Seconds from second-of-day `sod` to the next second (1..86400 ahead) the alarm matches,
 * or 0 when it never does. Skips whole hours and minutes that cannot match. */
static uint32_t alarm_delta(const struct rtc *r, uint32_t sod)
{
    struct alarm a = read_alarm(r);
    if (a.hour == -2 || a.min == -2 || a.sec == -2)
        return 0;
    uint32_t t = sod + 1;
    while (t <= sod + SECONDS_PER_DAY) {
        uint32_t s = t % SECONDS_PER_DAY;
        if (a.hour >= 0 && s / 3600 != (unsigned)a.hour)
            t += 3600 - s % 3600;
        else if (a.min >= 0 && s / 60 % 60 != (unsigned)a.min)
            t += 60 - s % 60;
        else if (a.sec >= 0 && s % 60 != (unsigned)a.sec)
            t += 1;
        else
            return t - sod;
    }
    return 0;
}

/* `n` update cycles have ended: advance the calendar by n seconds, noting the alarm if any
 * of the times passed through matches it. */
static void advance(struct rtc *r, uint64_t n)
{
    struct rtc_now now = read_calendar(r);
    if (!(r->ram[R_C] & C_AF)) {
        uint32_t d = alarm_delta(r, now.sod);
        if (d && d <= n)
            r->ram[R_C] |= C_AF;
    }
    uint64_t total = now.sod + n;
    uint64_t days = total / SECONDS_PER_DAY;
    unsigned dow = (from_reg(r, r->ram[R_DOW]) + 6) % 7; /* Sunday = 1 .. Saturday = 7 as 0..6 */
    now.sod = (uint32_t)(total % SECONDS_PER_DAY);
    now.day = (uint32_t)((now.day + days) % CENTURY_DAYS);
    write_calendar(r, now);
    r->ram[R_DOW] = to_reg(r, (unsigned)((dow + days) % 7) + 1);
}

/* Bring the time registers and the flags up to virtual time `now`. Time that runs
 * backwards (a machine reset restarting the clock) is waited out. */
static void sync(struct rtc *r, uint64_t now)
{
    if (now <= r->synced)
        return;
    if (chain_running(r)) {
        uint64_t c0 = cycles_at(r, r->synced), c1 = cycles_at(r, now);
        uint32_t per = periodic_cycles(r);
        if (per && c1 / per > c0 / per)
            r->ram[R_C] |= C_PF; /* PF is set at the rate whether or not PIE is */
        if (!(r->ram[R_B] & B_SET)) {
            uint64_t n = updates_through(c1) - updates_through(c0);
            if (n) {
                advance(r, n);
                r->ram[R_C] |= C_UF;
            }
        }
    }
    r->synced = now;
}

static bool irqf(const struct rtc *r)
{
    return (r->ram[R_C] & r->ram[R_B] & C_FLAGS) != 0;
}

static bool uip(const struct rtc *r, uint64_t now)
{
    if (!chain_running(r) || (r->ram[R_B] & B_SET))
        return false; /* SET inhibits updates and clears UIP */
    uint64_t c = cycles_at(r, now) + UIP_LEAD;
    return c >= UPDATE_FIRST && (c - UPDATE_FIRST) % CHAIN_HZ < UIP_LEAD + UPDATE_LEN;
}

/* The next moment IRQF could rise, for the enabled sources only; 0 when none. */
static uint64_t next_interrupt(const struct rtc *r, uint64_t now)
{
    if (!chain_running(r) || irqf(r))
        return 0;
    uint8_t en = r->ram[R_B] & C_FLAGS;
    uint64_t c = cycles_at(r, now), best = UINT64_MAX;
    uint32_t per = periodic_cycles(r);
    if ((en & B_PIE) && per)
        best = (c / per + 1) * per;
    if ((en & (B_UIE | B_AIE)) && !(r->ram[R_B] & B_SET)) {
        uint64_t next_end = UPDATE_FIRST_END + updates_through(c) * CHAIN_HZ;
        if ((en & B_UIE) && next_end < best)
            best = next_end;
        if (en & B_AIE) {
            uint32_t d = alarm_delta(r, read_calendar(r).sod);
            uint64_t at = next_end + (uint64_t)(d - 1) * CHAIN_HZ;
            if (d && at < best)
                best = at;
        }
    }
    return best == UINT64_MAX ? 0 : cycle_ns(r, best);
}

/* IRQ 8 follows IRQF; then wait for the next enabled event. */
static void update_irq(struct rtc *r, uint64_t now)
{
    bool level = irqf(r);
    if (level != r->irq_level) {
        r->irq_level = level;
        machine_set_irq(r->m, 8, level);
    }
    uint64_t when = next_interrupt(r, now);
    if (when)
        timer_arm(r->m, &r->timer, when);
    else
        timer_cancel(r->m, &r->timer);
}

static void rtc_timer_fired(void *opaque)
{
    struct rtc *r = opaque;
    uint64_t now = sched_now(r->m);
    sync(r, now);
    update_irq(r, now);
}

/* A register read; `clear` is false for the board's peek at register C. */
static uint8_t reg_read(struct rtc *r, unsigned i, bool clear)
{
    uint64_t now = sched_now(r->m);
    sync(r, now);
    switch (i) {
    case R_A:
        return (uint8_t)(r->ram[R_A] | (uip(r, now) ? A_UIP : 0));
    case R_C: {
        uint8_t v = (uint8_t)((r->ram[R_C] & C_FLAGS) | (irqf(r) ? C_IRQF : 0));
        if (clear) {
            r->ram[R_C] = 0;
            update_irq(r, now);
        }
        return v;
    }
    case R_D:
        return D_VRT; /* the battery is always good */
    default:
        return r->ram[i];
    }
}

static void reg_write(struct rtc *r, unsigned i, uint8_t v)
{
    uint64_t now = sched_now(r->m);
    sync(r, now);
    switch (i) {
    case R_A: {
        bool was_running = chain_running(r);
        r->ram[R_A] = v & 0x7F; /* UIP is read-only */
        if (chain_running(r) && !was_running) {
            /* Out of divider reset: the chain starts from zero, the first update comes
             * half a second later. */
            r->chain_start = now;
            r->synced = now;
        }
        break;
    }
    case R_B:
        if ((v & B_SET) && !(r->ram[R_B] & B_SET))
            v &= (uint8_t)~B_UIE; /* SET going high clears UIE */
        r->ram[R_B] = v;
        break;
    case R_C:
    case R_D:
        return; /* read-only */
    default:
        r->ram[i] = v;
        break;
    }
    if (i <= R_B)
        update_irq(r, now);
}

static uint32_t rtc_read(void *opaque, uint16_t port, unsigned size)
{
    struct rtc *r = opaque;
    if (port == RTC_PORT)
        return 0xFF; /* the index register is write-only */
    return reg_read(r, r->index, true);
}

static void rtc_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct rtc *r = opaque;
    if (port == RTC_PORT) {
        r->index = value & 0x7F;
        r->nmi_masked = (value & 0x80) != 0;
        return;
    }
    reg_write(r, r->index, (uint8_t)value);
}

bool rtc_nmi_enabled(const struct rtc *r)
{
    return !r->nmi_masked;
}

void rtc_set_nvram(struct rtc *r, unsigned index, uint8_t value)
{
    reg_write(r, index & 0x7F, value);
}

uint8_t rtc_get_nvram(struct rtc *r, unsigned index)
{
    return reg_read(r, index & 0x7F, false);
}

/* The RESET pin (datasheet, "RESET"): PIE, AIE, UIE, SQWE and the flags of register C
 * clear, IRQ goes inactive; the time, register A and the other bits of B are kept. The
 * NMI mask latch (on the board, not in the chip) masks NMI at reset. */
static void rtc_reset(void *dev)
{
    struct rtc *r = dev;
    uint64_t now = sched_now(r->m);
    sync(r, now);
    r->ram[R_B] &= (uint8_t)~(B_PIE | B_AIE | B_UIE | B_SQWE);
    r->ram[R_C] = 0;
    r->nmi_masked = true;
    update_irq(r, now);
}

static void rtc_save(void *dev, struct state_buf *out)
{
    struct rtc *r = dev;
    state_put(out, r->ram, sizeof r->ram);
    state_put_u8(out, r->index);
    state_put_u8(out, r->nmi_masked);
    state_put_u8(out, r->irq_level);
    state_put_u64(out, r->chain_start);
    state_put_u64(out, r->synced);
    state_put_u8(out, r->timer.armed);
    state_put_u64(out, r->timer.armed ? r->timer.deadline : 0); /* a stale one is noise */
}

static bool rtc_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct rtc *r = dev;
    if (version != 1)
        return false;
    state_get(in, r->ram, sizeof r->ram);
    r->index = state_get_u8(in) & 0x7F;
    r->nmi_masked = state_get_u8(in) != 0;
    r->irq_level = state_get_u8(in) != 0;
    r->chain_start = state_get_u64(in);
    r->synced = state_get_u64(in);
    bool armed = state_get_u8(in) != 0;
    uint64_t deadline = state_get_u64(in);
    if (in->error)
        return false;
    timer_cancel(r->m, &r->timer);
    if (armed)
        timer_arm(r->m, &r->timer, deadline);
    return true;
}

static void rtc_destroy(void *dev)
{
    struct rtc *r = dev;
    timer_cancel(r->m, &r->timer);
    free(r);
}

static void rtc_dump(void *dev, FILE *out);

static const struct device_ops rtc_ops = {
    .name = "rtc",
    .state_version = 1,
    .reset = rtc_reset,
    .save = rtc_save,
    .load = rtc_load,
    .destroy = rtc_destroy,
    .dump = rtc_dump,
};

/* The registers for `base` in BCD, 24-hour mode. */
static void set_from_time(struct rtc *r, time_t base)
{
    struct tm tm;
    if (!gmtime_r(&base, &tm) || tm.tm_year < 0)
        tm = (struct tm){ .tm_mday = 1, .tm_year = 100, .tm_wday = 6 }; /* 2000-01-01, a Saturday */
    r->ram[R_B] = B_24H;
    r->ram[R_SEC] = to_reg(r, (unsigned)tm.tm_sec % 60);
    r->ram[R_MIN] = to_reg(r, (unsigned)tm.tm_min);
    r->ram[R_HOUR] = to_reg(r, (unsigned)tm.tm_hour);
    r->ram[R_DOW] = to_reg(r, (unsigned)tm.tm_wday + 1);
    r->ram[R_DAY] = to_reg(r, (unsigned)tm.tm_mday);
    r->ram[R_MON] = to_reg(r, (unsigned)tm.tm_mon + 1);
    r->ram[R_YEAR] = to_reg(r, (unsigned)tm.tm_year % 100);
    r->ram[CMOS_CENTURY] = to_reg(r, (unsigned)(tm.tm_year + 1900) / 100 % 100);
}

struct rtc *rtc_create(struct machine *m, time_t base, bool use_host_clock)
{
    struct rtc *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->m = m;
    timer_init(&r->timer, "rtc", rtc_timer_fired, r);
    if (machine_add_device(m, &rtc_ops, r) != 0) {
        free(r);
        return NULL;
    }
    /* The only look at the host clock in the machine: where the battery-backed clock
     * stood when the machine was switched on. */
    set_from_time(r, use_host_clock ? time(NULL) : base);
    r->ram[R_A] = A_DV_32K | 0x06;
    r->ram[R_D] = D_VRT;
    r->chain_start = r->synced = sched_now(m);
    rtc_reset(r);
    if (iobus_register(&m->io, RTC_PORT, 2, rtc_read, rtc_write, r, IO_SIZE_8, "rtc") != 0)
        return NULL;
    return r;
}

/* `info device rtc`: the clock as the guest would read it now (worked out on a copy, so
 * looking clears no flag), registers A-D decoded, and the whole CMOS RAM. */
static void rtc_dump(void *dev, FILE *out)
{
    static const char *const b_bits[8] = { "dse", "24h", "dm", "sqwe", "uie", "aie", "pie", "set" };
    static const char *const c_bits[8] = { NULL, NULL, NULL, NULL, "uf", "af", "pf", "irqf" };
    static const char *const days[8] = { "?", "Sunday", "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday" };
    const struct rtc *live = dev;
    uint64_t now = sched_now(live->m);
    struct rtc copy = *live;
    struct rtc *r = &copy;
    sync(r, now);
    const uint8_t *t = r->ram;
    int hour = hour_from_reg(r, t[R_HOUR]);
    unsigned dow = from_reg(r, t[R_DOW]);
    fprintf(out, "MC146818A RTC (ports 70-71): index %02x, NMI %s, IRQ 8 %s\n", live->index,
            live->nmi_masked ? "masked" : "enabled", live->irq_level ? "high" : "low");
    fprintf(out, "time %02u%02u-%02u-%02u %02d:%02u:%02u, %s; %s, %s\n",
            from_reg(r, t[CMOS_CENTURY]), from_reg(r, t[R_YEAR]), from_reg(r, t[R_MON]),
            from_reg(r, t[R_DAY]), hour, from_reg(r, t[R_MIN]), from_reg(r, t[R_SEC]),
            days[dow < 8 ? dow : 0], (t[R_B] & B_DM) ? "binary" : "BCD",
            (t[R_B] & B_24H) ? "24-hour" : "12-hour");
    struct alarm a = read_alarm(r);
    const int fields[3] = { a.hour, a.min, a.sec };
    /* ** = don't care (top bits set), !! = a value no time can match */
    fprintf(out, "alarm");
    for (unsigned k = 0; k < 3; k++) {
        fputc(k ? ':' : ' ', out);
        if (fields[k] < 0)
            fputs(fields[k] == -1 ? "**" : "!!", out);
        else
            fprintf(out, "%02d", fields[k]);
    }
    fputc('\n', out);
    uint32_t per = periodic_cycles(r);
    fprintf(out, "A %02x: UIP %u, divider %u%u%u (%s), rate %u", t[R_A] | (uip(r, now) ? A_UIP : 0),
            (unsigned)uip(r, now), (t[R_A] >> 6) & 1, (t[R_A] >> 5) & 1, (t[R_A] >> 4) & 1,
            chain_running(r) ? "32.768 kHz, running" : "stopped or not 32.768 kHz",
            t[R_A] & A_RS);
    if (per)
        fprintf(out, " (periodic %.3f Hz)", (double)CHAIN_HZ / per);
    fprintf(out, "\nB %02x:", t[R_B]);
    dump_flags(out, t[R_B], b_bits, 8);
    uint8_t c = (uint8_t)((t[R_C] & C_FLAGS) | (irqf(r) ? C_IRQF : 0));
    fprintf(out, "\nC %02x:", c);
    dump_flags(out, c, c_bits, 8);
    fprintf(out, "\nD %02x: VRT (battery good)\nCMOS RAM:\n", D_VRT);
    dump_hex_rows(out, t, sizeof r->ram, 0);
}
