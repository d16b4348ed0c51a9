/* The Intel 8254 PIT (datasheet 231164: "Mode definitions", "Read operations", "Read-back
 * command", "Counter latch command"). Counters are not clocked one pulse at a time: each
 * keeps the PIT clock pulse at which its counting element was loaded, and its count and OUT
 * are worked out from the pulses elapsed since then, as QEMU's hw/timer/i8254.c does. The
 * only event is a timer at counter 0's next OUT edge, for IRQ 0. */
#include "devices/pit.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/iobus.h"
#include "machine/machine.h"

enum { CH_IDLE, CH_RUN, CH_PAUSED };
#define NEVER INT64_MAX

struct pit_channel {
    /* What the CPU programmed. */
    uint8_t ctrl_mode;   /* M2-M0 as written, for the status byte */
    uint8_t mode;        /* 0-5 (6 and 7 are modes 2 and 3) */
    uint8_t rw;          /* 1 LSB only, 2 MSB only, 3 LSB then MSB */
    bool bcd;
    uint16_t cr;         /* the count register: the last count written, raw */
    bool cr_written;     /* a complete count since the control word */
    uint8_t cr_lsb;      /* the first byte of a two-byte count */
    bool write_msb;      /* write flip-flop: the next byte written is the MSB */
    bool read_msb;       /* read flip-flop: the next byte read is the MSB */
    bool count_latched;
    uint16_t latch;      /* the output latch, raw */
    bool status_latched;
    uint8_t status;
    bool gate;
    /* The counting element, lazily. In CH_RUN it holds n at pulse `base` and then follows
     * the mode's sequence; before `base` (the load pulse) it still shows hold_value and
     * OUT is hold_out. CH_PAUSED froze it `pause_pos` pulses after loading (modes 0 and 4
     * with GATE low); CH_IDLE shows hold_value/hold_out until a count or a trigger. */
    uint8_t state;
    uint32_t n;          /* the count in effect: 1..65536 (binary) or 1..10000 (BCD) */
    int64_t base;
    uint32_t hold_value;
    bool hold_out;
    int64_t pause_pos;
    /* Modes 2 and 3: a count written while counting waits for the end of the period
     * (mode 2) or half-cycle (mode 3); from pulse pending_tick on, the sequence of
     * pending_n runs as if loaded at pending_base. */
    bool pending;
    uint32_t pending_n;
    int64_t pending_tick, pending_base;
    int64_t null_until;  /* NULL COUNT reads 1 before this pulse */
};

struct pit {
    struct machine *m;
    struct pit_channel ch[3];
    bool irq_level;      /* the level last given to IRQ 0 */
    int64_t irq_tick;    /* counter 0's OUT edges up to this pulse have reached IRQ 0 */
    struct timer timer;  /* counter 0's next OUT edge */
};

static int64_t now_tick(const struct pit *p)
{
    return (int64_t)pit_ticks_at(sched_now(p->m));
}

static uint32_t modulus(const struct pit_channel *ch)
{
    return ch->bcd ? 10000u : 65536u;
}

/* A raw count register value in counts; 0 is the largest count. Invalid BCD digits are
 * folded into range rather than trusted. */
static uint32_t decode_count(const struct pit_channel *ch, uint16_t raw)
{
    uint32_t v = raw;
    if (ch->bcd)
        v = (raw >> 12) * 1000u + ((raw >> 8) & 15) * 100u + ((raw >> 4) & 15) * 10u + (raw & 15);
    v %= modulus(ch);
    return v ? v : modulus(ch);
}

static uint16_t encode_count(const struct pit_channel *ch, uint32_t v)
{
    v %= modulus(ch);
    if (!ch->bcd)
        return (uint16_t)v;
    return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10));
}

/* Mode 3's high half-cycle in pulses: (N + 1) / 2, so odd counts are high one pulse longer. */
static uint32_t high_half(uint32_t n)
{
    return (n + 1) / 2;
}

/* The count `p` pulses after loading (p >= 0). Modes 0, 1, 4 and 5 count down through 0
 * and wrap; mode 2 runs N..1; mode 3 counts down by two, through N..2 in each half (odd
 * counts load N-1 and the high half shows 0 for one extra pulse). */
static uint32_t seq_value(const struct pit_channel *ch, int64_t p)
{
    uint32_t n = ch->n, mod = modulus(ch);
    switch (ch->mode) {
    case 2:
        return (n - (uint32_t)(p % n)) % mod;
    case 3: {
        uint32_t j = (uint32_t)(p % n), h = high_half(n), top = n & ~1u;
        if (j >= h)
            j -= h;
        return (top - 2 * j) % mod;
    }
    default:
        return (uint32_t)(((uint64_t)n + mod - (uint64_t)(p % mod)) % mod);
    }
}

static bool seq_out(const struct pit_channel *ch, int64_t p)
{
    uint32_t n = ch->n;
    switch (ch->mode) {
    case 0:
    case 1:
        return p >= n;        /* high at terminal count, and stays high */
    case 2:
        return n == 1 || p % n != n - 1; /* low for the pulse at which the count is 1 */
    case 3:
        return p % n < high_half(n);
    default:
        return p != n;        /* modes 4 and 5: one pulse low at terminal count */
    }
}

/* The first position after `p` where OUT differs from OUT at `p`, or -1. */
static int64_t seq_next_change(const struct pit_channel *ch, int64_t p)
{
    int64_t n = ch->n;
    switch (ch->mode) {
    case 0:
    case 1:
        return p < n ? n : -1;
    case 2: {
        if (n == 1)
            return -1; /* the datasheet calls a count of 1 illegal; OUT just stays high */
        int64_t j = p % n;
        return j < n - 1 ? p + (n - 1 - j) : p + 1;
    }
    case 3: {
        if (n == 1)
            return -1;
        int64_t j = p % n, h = high_half((uint32_t)n);
        return j < h ? p + (h - j) : p + (n - j);
    }
    default:
        return p < n ? n : p == n ? n + 1 : -1;
    }
}

/* Apply a pending reload whose pulse has come. */
static void sync(struct pit_channel *ch, int64_t t)
{
    if (ch->state == CH_RUN && ch->pending && t >= ch->pending_tick) {
        ch->n = ch->pending_n;
        ch->base = ch->pending_base;
        ch->pending = false;
    }
}

static uint32_t value_at(const struct pit_channel *ch, int64_t t)
{
    if (ch->state == CH_PAUSED)
        return seq_value(ch, ch->pause_pos);
    if (ch->state == CH_RUN && t >= ch->base)
        return seq_value(ch, t - ch->base);
    return ch->hold_value % modulus(ch);
}

static bool out_at(const struct pit_channel *ch, int64_t t)
{
    if (ch->state == CH_PAUSED)
        return seq_out(ch, ch->pause_pos);
    if (ch->state == CH_RUN && t >= ch->base)
        return seq_out(ch, t - ch->base);
    return ch->hold_out;
}

/* The first pulse after `t` at which OUT may change (or a pending reload happens), or
 * NEVER. The caller has synced the channel to `t`. */
static int64_t next_change(const struct pit_channel *ch, int64_t t)
{
    if (ch->state != CH_RUN)
        return NEVER;
    int64_t e;
    if (t < ch->base) {
        if (seq_out(ch, 0) != ch->hold_out) {
            e = ch->base;
        } else {
            int64_t q = seq_next_change(ch, 0);
            e = q < 0 ? NEVER : ch->base + q;
        }
    } else {
        int64_t q = seq_next_change(ch, t - ch->base);
        e = q < 0 ? NEVER : ch->base + q;
    }
    if (ch->pending && ch->pending_tick < e)
        e = ch->pending_tick;
    return e;
}

/* Load n into the counting element on the next pulse, OUT being `out` until then. */
static void start_run(struct pit_channel *ch, int64_t t, uint32_t n, bool out)
{
    ch->hold_value = value_at(ch, t);
    ch->hold_out = out;
    ch->state = CH_RUN;
    ch->n = n;
    ch->base = t + 1;
    ch->pending = false;
    ch->null_until = t + 1;
}

/* Modes 0 and 4 count only while GATE is high; mode 0 also stops between the two bytes of
 * a new count. The load itself happens whatever the gate. */
static void apply_enable(struct pit_channel *ch, int64_t t)
{
    if (ch->mode != 0 && ch->mode != 4)
        return;
    bool enabled = ch->gate && !(ch->mode == 0 && ch->write_msb);
    if (ch->state == CH_RUN && !enabled) {
        ch->pause_pos = t >= ch->base ? t - ch->base : 0;
        ch->state = CH_PAUSED;
    } else if (ch->state == CH_PAUSED && enabled) {
        ch->base = t - ch->pause_pos; /* the next pulse counts pause_pos + 1 */
        ch->state = CH_RUN;
    }
}

static void write_control(struct pit_channel *ch, int64_t t, uint8_t v)
{
    uint32_t shown = value_at(ch, t);
    ch->ctrl_mode = (v >> 1) & 7;
    ch->mode = ch->ctrl_mode > 5 ? ch->ctrl_mode - 4 : ch->ctrl_mode;
    ch->rw = (v >> 4) & 3;
    ch->bcd = v & 1;
    ch->write_msb = ch->read_msb = false;
    ch->count_latched = ch->status_latched = false;
    ch->cr_written = false;
    ch->state = CH_IDLE;
    ch->hold_value = shown;
    ch->hold_out = ch->mode != 0; /* mode 0 starts low, the others high */
    ch->pending = false;
    ch->null_until = NEVER;
}

/* A complete count has been written (datasheet, "Mode definitions": when each mode takes a
 * new count into the counting element). */
static void load_count(struct pit_channel *ch, int64_t t, uint16_t raw)
{
    ch->cr = raw;
    ch->cr_written = true;
    uint32_t n = decode_count(ch, raw);
    switch (ch->mode) {
    case 0: /* OUT goes low and the new count loads on the next pulse */
    case 4:
        start_run(ch, t, n, ch->mode == 4);
        apply_enable(ch, t);
        break;
    case 1: /* only a trigger loads the count */
    case 5:
        ch->null_until = NEVER;
        break;
    default: /* 2, 3 */
        if (!ch->gate) {
            ch->null_until = NEVER; /* loaded when GATE rises */
        } else if (ch->state != CH_RUN) {
            start_run(ch, t, n, true);
        } else if (t < ch->base) {
            ch->n = n; /* the first load has not happened yet: it takes this count */
        } else {
            int64_t p = t - ch->base, j = p % ch->n, h = high_half(ch->n);
            ch->pending = true;
            ch->pending_n = n;
            if (ch->mode == 3 && j < h) {
                /* The high half ends: OUT goes low and the new count runs its low half. */
                ch->pending_tick = t + (h - j);
                ch->pending_base = ch->pending_tick - high_half(n);
            } else {
                ch->pending_tick = t + ((int64_t)ch->n - j);
                ch->pending_base = ch->pending_tick;
            }
            ch->null_until = ch->pending_tick;
        }
        break;
    }
}

static void gate_changed(struct pit_channel *ch, int64_t t, bool level)
{
    ch->gate = level;
    switch (ch->mode) {
    case 0:
    case 4:
        apply_enable(ch, t);
        break;
    case 1: /* a rising edge triggers: load on the next pulse, OUT low from then (mode 1) */
    case 5:
        if (level && ch->cr_written)
            start_run(ch, t, decode_count(ch, ch->cr), out_at(ch, t) || ch->mode == 5);
        break;
    default: /* 2, 3: low stops counting and forces OUT high; a rising edge reloads */
        if (!level) {
            if (ch->state == CH_RUN) {
                ch->hold_value = value_at(ch, t);
                ch->state = CH_IDLE;
                if (ch->pending)
                    ch->null_until = NEVER;
                ch->pending = false;
            }
            ch->hold_out = true;
        } else if (ch->cr_written) {
            start_run(ch, t, decode_count(ch, ch->cr), true);
        }
        break;
    }
}

static void set_irq0(struct pit *p, bool level)
{
    if (level == p->irq_level)
        return;
    p->irq_level = level;
    machine_set_irq(p->m, 0, level);
}

/* Give IRQ 0 every edge of counter 0's OUT up to pulse `t`. Normally there is at most one,
 * the one the timer was armed for; when time jumped further (a late timer, a test) the
 * last few edges are replayed so a short low pulse still reaches the PIC as an edge. */
static void ch0_catch_up(struct pit *p, int64_t t)
{
    struct pit_channel *ch = &p->ch[0];
    int64_t at = p->irq_tick;
    if (at >= t)
        return;
    for (int k = 0; k < 4; k++) {
        sync(ch, at);
        int64_t e = next_change(ch, at);
        if (e > t)
            break;
        sync(ch, e);
        set_irq0(p, out_at(ch, e));
        at = e;
    }
    sync(ch, t);
    set_irq0(p, out_at(ch, t));
    p->irq_tick = t;
}

static void ch0_rearm(struct pit *p, int64_t t)
{
    int64_t e = next_change(&p->ch[0], t);
    if (e == NEVER)
        timer_cancel(p->m, &p->timer);
    else
        timer_arm(p->m, &p->timer, pit_tick_ns((uint64_t)e));
}

static void pit_timer_fired(void *opaque)
{
    struct pit *p = opaque;
    int64_t t = now_tick(p);
    ch0_catch_up(p, t);
    ch0_rearm(p, t);
}

/* Bring counter `c` to the present before looking at or changing it. */
static int64_t channel_begin(struct pit *p, unsigned c)
{
    int64_t t = now_tick(p);
    if (c == 0)
        ch0_catch_up(p, t);
    sync(&p->ch[c], t);
    return t;
}

/* After a change to counter `c`: counter 0's OUT may have moved and its next edge too. */
static void channel_end(struct pit *p, unsigned c, int64_t t)
{
    if (c != 0)
        return;
    set_irq0(p, out_at(&p->ch[0], t));
    p->irq_tick = t;
    ch0_rearm(p, t);
}

static uint8_t status_byte(const struct pit_channel *ch, int64_t t)
{
    return (uint8_t)(out_at(ch, t) << 7 | (t < ch->null_until) << 6 | ch->rw << 4 |
                     ch->ctrl_mode << 1 | ch->bcd);
}

static void latch_count(struct pit_channel *ch, int64_t t)
{
    if (ch->count_latched)
        return; /* a second latch before the first is read is ignored */
    ch->latch = encode_count(ch, value_at(ch, t));
    ch->count_latched = true;
}

static uint32_t pit_read(void *opaque, uint16_t port, unsigned size)
{
    struct pit *p = opaque;
    unsigned c = port & 3;
    if (c == 3)
        return 0xFF; /* the control word register cannot be read: the bus floats */
    struct pit_channel *ch = &p->ch[c];
    int64_t t = channel_begin(p, c);
    if (ch->status_latched) {
        ch->status_latched = false;
        return ch->status;
    }
    uint16_t v = ch->count_latched ? ch->latch : encode_count(ch, value_at(ch, t));
    bool msb;
    switch (ch->rw) {
    case 1:
        msb = false;
        break;
    case 2:
        msb = true;
        break;
    default:
        msb = ch->read_msb;
        ch->read_msb = !ch->read_msb;
        break;
    }
    /* The latch holds until the access mode has read all of it. */
    if (ch->rw != 3 || msb)
        ch->count_latched = false;
    return msb ? v >> 8 : v & 0xFF;
}

static void write_command(struct pit *p, uint8_t v)
{
    unsigned sel = v >> 6;
    if (sel == 3) {
        /* Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3
         * select counters 0-2. */
        for (unsigned c = 0; c < 3; c++) {
            if (!(v & (2u << c)))
                continue;
            struct pit_channel *ch = &p->ch[c];
            int64_t t = channel_begin(p, c);
            if (!(v & 0x20))
                latch_count(ch, t);
            if (!(v & 0x10) && !ch->status_latched) {
                ch->status = status_byte(ch, t);
                ch->status_latched = true;
            }
        }
        return;
    }
    struct pit_channel *ch = &p->ch[sel];
    int64_t t = channel_begin(p, sel);
    if ((v & 0x30) == 0) {
        latch_count(ch, t);
        return;
    }
    write_control(ch, t, v);
    channel_end(p, sel, t);
}

static void pit_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct pit *p = opaque;
    unsigned c = port & 3;
    uint8_t v = (uint8_t)value;
    if (c == 3) {
        write_command(p, v);
        return;
    }
    struct pit_channel *ch = &p->ch[c];
    int64_t t = channel_begin(p, c);
    switch (ch->rw) {
    case 1:
        load_count(ch, t, v);
        break;
    case 2:
        load_count(ch, t, (uint16_t)(v << 8));
        break;
    default:
        if (!ch->write_msb) {
            ch->cr_lsb = v;
            ch->write_msb = true;
            apply_enable(ch, t); /* mode 0: the first byte stops the count */
        } else {
            ch->write_msb = false;
            load_count(ch, t, (uint16_t)(ch->cr_lsb | v << 8));
        }
        break;
    }
    channel_end(p, c, t);
}

void pit_set_gate(struct pit *p, unsigned channel, bool level)
{
    if (channel > 2)
        return;
    struct pit_channel *ch = &p->ch[channel];
    int64_t t = channel_begin(p, channel);
    if (ch->gate == level)
        return;
    gate_changed(ch, t, level);
    channel_end(p, channel, t);
}

bool pit_get_out(struct pit *p, unsigned channel)
{
    if (channel > 2)
        return false;
    int64_t t = channel_begin(p, channel);
    return out_at(&p->ch[channel], t);
}

uint32_t pit_period(struct pit *p, unsigned channel)
{
    if (channel > 2)
        return 0;
    struct pit_channel *ch = &p->ch[channel];
    channel_begin(p, channel);
    return ch->state == CH_RUN && (ch->mode == 2 || ch->mode == 3) ? ch->n : 0;
}

/* The 8254 has no reset input and powers up in an undefined state. glass86 starts each
 * counter as if "mode 3, LSB then MSB, binary" had just been written and no count yet:
 * nothing counting, no event scheduled (an unprogrammed timer costs nothing), and OUT
 * high, so that a BIOS setting up mode 2 or 3 makes no edge on IRQ 0 and gets no stray
 * first interrupt. Counters 0 and 1 have GATE tied high; counter 2's gate is port 0x61's,
 * which its own reset drives low. */
static void pit_reset(void *dev)
{
    struct pit *p = dev;
    int64_t t = now_tick(p);
    for (unsigned c = 0; c < 3; c++) {
        struct pit_channel *ch = &p->ch[c];
        *ch = (struct pit_channel){ .gate = c != 2, .n = 65536 };
        write_control(ch, t, 0x36);
    }
    timer_cancel(p->m, &p->timer);
    set_irq0(p, true);
    p->irq_tick = t;
}

static void pit_save(void *dev, struct state_buf *out)
{
    struct pit *p = dev;
    for (unsigned c = 0; c < 3; c++) {
        const struct pit_channel *ch = &p->ch[c];
        const uint8_t bytes[] = { ch->ctrl_mode, ch->rw, ch->bcd, ch->cr_written, ch->cr_lsb,
                                  ch->write_msb, ch->read_msb, ch->count_latched,
                                  ch->status_latched, ch->status, ch->gate, ch->state,
                                  ch->hold_out, ch->pending };
        state_put(out, bytes, sizeof bytes);
        state_put_u16(out, ch->cr);
        state_put_u16(out, ch->latch);
        state_put_u32(out, ch->n);
        state_put_u32(out, ch->hold_value);
        state_put_u32(out, ch->pending_n);
        state_put_u64(out, (uint64_t)ch->base);
        state_put_u64(out, (uint64_t)ch->pause_pos);
        state_put_u64(out, (uint64_t)ch->pending_tick);
        state_put_u64(out, (uint64_t)ch->pending_base);
        state_put_u64(out, (uint64_t)ch->null_until);
    }
    state_put_u8(out, p->irq_level);
    state_put_u64(out, (uint64_t)p->irq_tick);
    state_put_u8(out, p->timer.armed);
    state_put_u64(out, p->timer.armed ? p->timer.deadline : 0); /* a stale one is noise */
}

/* A count of 0 would divide by zero in the sequences: a damaged snapshot is refused. */
static bool pit_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct pit *p = dev;
    if (version != 1)
        return false;
    bool ok = true;
    for (unsigned c = 0; c < 3; c++) {
        struct pit_channel *ch = &p->ch[c];
        uint8_t b[14];
        state_get(in, b, sizeof b);
        ch->ctrl_mode = b[0] & 7;
        ch->mode = ch->ctrl_mode > 5 ? ch->ctrl_mode - 4 : ch->ctrl_mode;
        ch->rw = b[1] & 3;
        ch->bcd = b[2] != 0;
        ch->cr_written = b[3] != 0;
        ch->cr_lsb = b[4];
        ch->write_msb = b[5] != 0;
        ch->read_msb = b[6] != 0;
        ch->count_latched = b[7] != 0;
        ch->status_latched = b[8] != 0;
        ch->status = b[9];
        ch->gate = b[10] != 0;
        ch->state = b[11] <= CH_PAUSED ? b[11] : CH_IDLE;
        ch->hold_out = b[12] != 0;
        ch->pending = b[13] != 0;
        ch->cr = state_get_u16(in);
        ch->latch = state_get_u16(in);
        ch->n = state_get_u32(in);
        ch->hold_value = state_get_u32(in);
        ch->pending_n = state_get_u32(in);
        ch->base = (int64_t)state_get_u64(in);
        ch->pause_pos = (int64_t)state_get_u64(in);
        ch->pending_tick = (int64_t)state_get_u64(in);
        ch->pending_base = (int64_t)state_get_u64(in);
        ch->null_until = (int64_t)state_get_u64(in);
        uint32_t mod = modulus(ch);
        if (ch->rw == 0 || (ch->state != CH_IDLE && (ch->n == 0 || ch->n > mod)) ||
            (ch->pending && (ch->pending_n == 0 || ch->pending_n > mod)))
            ok = false;
    }
    p->irq_level = state_get_u8(in) != 0;
    p->irq_tick = (int64_t)state_get_u64(in);
    bool armed = state_get_u8(in) != 0;
    uint64_t deadline = state_get_u64(in);
    if (in->error || !ok)
        return false;
    timer_cancel(p->m, &p->timer);
    if (armed)
        timer_arm(p->m, &p->timer, deadline);
    return true;
}

static void pit_destroy(void *dev)
{
    struct pit *p = dev;
    timer_cancel(p->m, &p->timer);
    free(p);
}

static void pit_dump(void *dev, FILE *out);

static const struct device_ops pit_ops = {
    .name = "pit",
    .state_version = 1,
    .reset = pit_reset,
    .save = pit_save,
    .load = pit_load,
    .destroy = pit_destroy,
    .dump = pit_dump,
};

struct pit *pit_create(struct machine *m)
{
    struct pit *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    timer_init(&p->timer, "pit", pit_timer_fired, p);
    if (machine_add_device(m, &pit_ops, p) != 0) {
        free(p);
        return NULL;
    }
    pit_reset(p);
    if (iobus_register(&m->io, PIT_PORT, 4, pit_read, pit_write, p, IO_SIZE_8, "pit") != 0)
        return NULL;
    return p;
}

/* `info device pit`: each counter's programming and, worked out for the present pulse on
 * a copy (looking changes nothing), its count and OUT. */
static void pit_dump(void *dev, FILE *out)
{
    static const char *const modes[6] = {
        "interrupt on terminal count", "hardware retriggerable one-shot", "rate generator",
        "square wave generator", "software triggered strobe", "hardware triggered strobe",
    };
    static const char *const access[4] = { "latch", "LSB only", "MSB only", "LSB then MSB" };
    static const char *const states[3] = { "idle (no count, or waiting for a trigger)",
                                           "counting", "paused (GATE low)" };
    const struct pit *p = dev;
    int64_t t = now_tick(p);
    fprintf(out, "8254 PIT (ports 40-43), %u Hz: pulse %lld; IRQ 0 %s", PIT_HZ, (long long)t,
            p->irq_level ? "high" : "low");
    if (p->timer.armed)
        fprintf(out, ", next OUT 0 edge at %llu ns", (unsigned long long)p->timer.deadline);
    fputc('\n', out);
    for (unsigned c = 0; c < 3; c++) {
        struct pit_channel ch = p->ch[c];
        sync(&ch, t);
        fprintf(out, "counter %u: mode %u (%s), %s, %s; GATE %u, OUT %u\n", c, ch.mode,
                modes[ch.mode], ch.bcd ? "BCD" : "binary", access[ch.rw & 3], (unsigned)ch.gate,
                (unsigned)out_at(&ch, t));
        fprintf(out, "  count register %04x%s, counting element %04x %s", ch.cr,
                ch.cr_written ? "" : " (no count written since the control word)",
                encode_count(&ch, value_at(&ch, t)),
                ch.state == CH_RUN && t < ch.base ? "(loading)" : states[ch.state]);
        if (ch.state == CH_RUN && (ch.mode == 2 || ch.mode == 3))
            fprintf(out, ", period %u pulses = %.3f Hz", ch.n, (double)PIT_HZ / ch.n);
        fputc('\n', out);
        if (ch.count_latched || ch.status_latched || ch.write_msb || ch.read_msb || ch.pending ||
            t < ch.null_until) {
            fputc(' ', out);
            if (ch.count_latched)
                fprintf(out, " output latch %04x;", ch.latch);
            if (ch.status_latched)
                fprintf(out, " status latched %02x;", ch.status);
            if (ch.write_msb)
                fprintf(out, " next write is the MSB;");
            if (ch.read_msb)
                fprintf(out, " next read is the MSB;");
            if (ch.pending)
                fprintf(out, " new count %u waiting for the end of the cycle;", ch.pending_n);
            if (t < ch.null_until)
                fprintf(out, " null count;");
            fputc('\n', out);
        }
    }
}
