/* The PS/2 keyboard (see ps2kbd.h), after the IBM PS/2 Keyboard and Auxiliary Device
 * technical reference: every command is answered with ACK (FA) before its results, Echo
 * and Resend excepted; an invalid command or parameter gets Resend (FE). Replies to
 * commands go out before scan codes already queued, so a driver that sends a command
 * while keys are arriving still sees its ACK next (the host has priority on the wire). */
#include "devices/ps2kbd.h"

#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/ps2.h"
#include "machine/machine.h"

#define REPLY_LEN 8
#define TYPEMATIC_DEFAULT 0x2B     /* 10.9 characters/s after 500 ms */
#define ID_MF2_1 0xAB
#define ID_MF2_2 0x83
/* set3_all after F9 (all keys make-only): no PC_KEY3_* bit, but nonzero so that the
 * per-key defaults are not used. */
#define SET3_ALL_MAKE_ONLY 0x80

struct ps2kbd {
    struct machine *m;
    struct ps2_port *port;
    uint8_t set;               /* scan code set 1, 2 or 3 */
    bool scanning;             /* F4 enables, F5 disables */
    uint8_t leds;
    uint8_t typematic;         /* F3's parameter: bits 0-4 rate, bits 5-6 delay */
    uint8_t expect;            /* command waiting for its parameter (ED, F0, F3, FB-FD), or 0 */
    uint8_t set3_all;          /* 0: set-3 keys behave per key; else PC_KEY3_* for all (F7-FA) */
    uint8_t last_sent;         /* for Resend */
    uint8_t reply[REPLY_LEN];  /* replies to commands, sent first */
    uint8_t reply_head, reply_len;
    uint8_t keys[PS2KBD_QUEUE_LEN];  /* scan code bytes */
    uint8_t key_head, key_len;
    uint8_t down[(PC_KEY_COUNT + 7) / 8];
    uint8_t repeat_key;        /* enum pc_key repeating, or PC_KEY_NONE */
    struct timer repeat;
};

static bool is_down(const struct ps2kbd *k, enum pc_key key)
{
    return (k->down[key / 8] >> (key % 8)) & 1;
}

static void set_down(struct ps2kbd *k, enum pc_key key, bool down)
{
    if (down)
        k->down[key / 8] |= (uint8_t)(1u << (key % 8));
    else
        k->down[key / 8] &= (uint8_t)~(1u << (key % 8));
}

static unsigned modifiers(const struct ps2kbd *k)
{
    unsigned mods = 0;
    if (is_down(k, PC_KEY_LEFTSHIFT) || is_down(k, PC_KEY_RIGHTSHIFT))
        mods |= PC_MOD_SHIFT;
    if (is_down(k, PC_KEY_LEFTCTRL) || is_down(k, PC_KEY_RIGHTCTRL))
        mods |= PC_MOD_CTRL;
    if (is_down(k, PC_KEY_LEFTALT) || is_down(k, PC_KEY_RIGHTALT))
        mods |= PC_MOD_ALT;
    return mods;
}

static unsigned set3_flags(const struct ps2kbd *k, enum pc_key key)
{
    return k->set3_all ? k->set3_all : pc_key_set3_default(key);
}

static void reply(struct ps2kbd *k, uint8_t b)
{
    if (k->reply_len < REPLY_LEN)
        k->reply[(k->reply_head + k->reply_len++) % REPLY_LEN] = b;
}

static void clear_keys(struct ps2kbd *k)
{
    k->key_head = k->key_len = 0;
}

/* Queue one key event's bytes as a whole or not at all: half a sequence would leave the
 * driver's E0/F0 state machine out of step. When they do not fit, the keyboard's overrun
 * code takes the last free byte (00 in sets 2 and 3, FF in set 1). */
static bool queue_keys(struct ps2kbd *k, const uint8_t *bytes, size_t n)
{
    if (k->key_len + n < PS2KBD_QUEUE_LEN) {
        for (size_t i = 0; i < n; i++)
            k->keys[(k->key_head + k->key_len++) % PS2KBD_QUEUE_LEN] = bytes[i];
        return true;
    }
    uint8_t overrun = k->set == 1 ? 0xFF : 0x00;
    if (k->key_len < PS2KBD_QUEUE_LEN &&
        (k->key_len == 0 ||
         k->keys[(k->key_head + k->key_len - 1) % PS2KBD_QUEUE_LEN] != overrun))
        k->keys[(k->key_head + k->key_len++) % PS2KBD_QUEUE_LEN] = overrun;
    return false;
}

/* Typematic timing (IBM: period = (8 + A) * 2^B * 4.17 ms with A = bits 0-2 and B = bits
 * 3-4, delay = (1 + bits 5-6) * 250 ms). */
static uint64_t repeat_delay_ns(const struct ps2kbd *k)
{
    return (1u + ((k->typematic >> 5) & 3)) * 250000000ull;
}

static uint64_t repeat_period_ns(const struct ps2kbd *k)
{
    return (8u + (k->typematic & 7)) * (1ull << ((k->typematic >> 3) & 3)) * 4170000ull;
}

static void stop_repeat(struct ps2kbd *k)
{
    timer_cancel(k->m, &k->repeat);
    k->repeat_key = PC_KEY_NONE;
}

static void repeat_fire(void *opaque)
{
    struct ps2kbd *k = opaque;
    enum pc_key key = (enum pc_key)k->repeat_key;
    if (key == PC_KEY_NONE || !k->scanning)
        return;
    uint8_t buf[PC_KEY_SEQ_MAX];
    size_t n = pc_key_repeat_sequence(key, k->set, modifiers(k), set3_flags(k, key), buf);
    if (n == 0) {
        k->repeat_key = PC_KEY_NONE;
        return;
    }
    /* A repeat that does not fit is skipped rather than reported as an overrun: the host
     * is merely slow, and the next repeat comes soon enough. */
    if (k->key_len + n < PS2KBD_QUEUE_LEN) {
        queue_keys(k, buf, n);
        ps2_port_notify(k->port);
    }
    /* From the deadline, not from now: timers fire a little late, repeats must not drift. */
    timer_arm(k->m, &k->repeat, k->repeat.deadline + repeat_period_ns(k));
}

void ps2kbd_key(struct ps2kbd *k, enum pc_key key, bool pressed)
{
    if (!k || key <= PC_KEY_NONE || key >= PC_KEY_COUNT || is_down(k, key) == pressed)
        return;
    unsigned mods = modifiers(k); /* before this key changes them */
    set_down(k, key, pressed);
    if (!pressed && k->repeat_key == key)
        stop_repeat(k);
    if (!k->scanning)
        return;
    uint8_t buf[PC_KEY_SEQ_MAX];
    size_t n = pc_key_sequence(key, k->set, pressed, mods, set3_flags(k, key), buf);
    if (n)
        queue_keys(k, buf, n);
    if (pressed) {
        /* Only the last key pressed repeats; pressing another one takes over. */
        k->repeat_key = (uint8_t)key;
        timer_arm(k->m, &k->repeat, sched_now(k->m) + repeat_delay_ns(k));
    }
    if (n)
        ps2_port_notify(k->port);
}

/* Power-on defaults, also set by F5 and F6. The scan code set stays: Linux selects set 3
 * before it sends F6, which works on real keyboards. */
static void set_defaults(struct ps2kbd *k)
{
    k->typematic = TYPEMATIC_DEFAULT;
    k->set3_all = 0;
}

static bool is_command(uint8_t b)
{
    return b >= 0xED;
}

/* The parameter of a command that takes one. */
static bool parameter(struct ps2kbd *k, uint8_t cmd, uint8_t b)
{
    switch (cmd) {
    case 0xED:                    /* LEDs */
        if (b & 0xF8)
            return false;
        k->leds = b;
        reply(k, PS2_ACK);
        return true;
    case 0xF3:                    /* typematic rate and delay */
        if (b & 0x80)
            return false;
        k->typematic = b;
        reply(k, PS2_ACK);
        return true;
    case 0xF0:                    /* scan code set: 0 asks, 1-3 select */
        if (b > 3)
            return false;
        reply(k, PS2_ACK);
        if (b == 0) {
            reply(k, k->set);
        } else if (b != k->set) {
            k->set = b;
            clear_keys(k);
            stop_repeat(k);
        }
        return true;
    default:                      /* FB-FD: set-3 key lists, not modelled */
        reply(k, PS2_ACK);
        return true;
    }
}

static void command(struct ps2kbd *k, uint8_t cmd)
{
    switch (cmd) {
    case 0xED:
    case 0xF0:
    case 0xF3:
    case 0xFB:
    case 0xFC:
    case 0xFD:
        reply(k, PS2_ACK);
        k->expect = cmd;
        break;
    case 0xEE:                    /* echo */
        reply(k, 0xEE);
        break;
    case 0xF2:                    /* identify: MF2 keyboard */
        reply(k, PS2_ACK);
        reply(k, ID_MF2_1);
        reply(k, ID_MF2_2);
        break;
    case 0xF4:                    /* enable */
        reply(k, PS2_ACK);
        clear_keys(k);
        k->scanning = true;
        break;
    case 0xF5:                    /* default and disable */
        reply(k, PS2_ACK);
        set_defaults(k);
        clear_keys(k);
        stop_repeat(k);
        k->scanning = false;
        break;
    case 0xF6:                    /* set defaults */
        reply(k, PS2_ACK);
        set_defaults(k);
        clear_keys(k);
        stop_repeat(k);
        k->scanning = true;
        break;
    case 0xF7:                    /* set 3: all keys typematic */
    case 0xF8:                    /* all make/break */
    case 0xF9:                    /* all make only */
    case 0xFA:                    /* all typematic and make/break */
        reply(k, PS2_ACK);
        k->set3_all = cmd == 0xF7   ? PC_KEY3_TYPEMATIC
                      : cmd == 0xF8 ? PC_KEY3_BREAK
                      : cmd == 0xF9 ? SET3_ALL_MAKE_ONLY
                                    : PC_KEY3_TYPEMATIC | PC_KEY3_BREAK;
        break;
    case 0xFE:                    /* resend the last byte */
        reply(k, k->last_sent);
        break;
    case 0xFF:                    /* reset: ACK, self test, BAT passed */
        reply(k, PS2_ACK);
        k->set = 2;
        k->leds = 0;
        set_defaults(k);
        clear_keys(k);
        stop_repeat(k);
        k->scanning = true;
        reply(k, PS2_BAT_OK);
        break;
    default:
        reply(k, PS2_RESEND);
        break;
    }
}

static void kbd_write(void *dev, uint8_t b)
{
    struct ps2kbd *k = dev;
    if (k->expect) {
        uint8_t cmd = k->expect;
        bool key_list = cmd >= 0xFB && cmd <= 0xFD;
        if (is_command(b)) {
            k->expect = 0; /* a command instead of the parameter abandons the first */
        } else {
            if (!key_list)
                k->expect = 0;
            if (!parameter(k, cmd, b)) {
                k->expect = cmd; /* ask again, keep waiting */
                reply(k, PS2_RESEND);
            }
            ps2_port_notify(k->port);
            return;
        }
    }
    command(k, b);
    ps2_port_notify(k->port);
}

static bool kbd_has_data(const void *dev)
{
    const struct ps2kbd *k = dev;
    return k->reply_len || k->key_len;
}

static uint8_t kbd_read(void *dev)
{
    struct ps2kbd *k = dev;
    uint8_t b = 0;
    if (k->reply_len) {
        b = k->reply[k->reply_head];
        k->reply_head = (uint8_t)((k->reply_head + 1) % REPLY_LEN);
        k->reply_len--;
    } else if (k->key_len) {
        b = k->keys[k->key_head];
        k->key_head = (uint8_t)((k->key_head + 1) % PS2KBD_QUEUE_LEN);
        k->key_len--;
    }
    k->last_sent = b;
    return b;
}

static const struct ps2_device_ops kbd_link = {
    .write = kbd_write,
    .has_data = kbd_has_data,
    .read = kbd_read,
};

/* Power-on: set 2, scanning, no LEDs, nothing queued. A real keyboard also sends AA after
 * its power-on self test; every BIOS resets the keyboard itself, so this one waits for FF. */
static void kbd_reset(void *dev)
{
    struct ps2kbd *k = dev;
    stop_repeat(k);
    k->set = 2;
    k->scanning = true;
    k->leds = 0;
    k->expect = 0;
    k->last_sent = 0;
    set_defaults(k);
    k->reply_head = k->reply_len = 0;
    clear_keys(k);
    memset(k->down, 0, sizeof k->down);
}

static void kbd_save(void *dev, struct state_buf *out)
{
    struct ps2kbd *k = dev;
    state_put_u8(out, k->set);
    state_put_u8(out, k->scanning);
    state_put_u8(out, k->leds);
    state_put_u8(out, k->typematic);
    state_put_u8(out, k->expect);
    state_put_u8(out, k->set3_all);
    state_put_u8(out, k->last_sent);
    state_put_u8(out, k->reply_len);
    for (unsigned i = 0; i < k->reply_len; i++)
        state_put_u8(out, k->reply[(k->reply_head + i) % REPLY_LEN]);
    state_put_u8(out, k->key_len);
    for (unsigned i = 0; i < k->key_len; i++)
        state_put_u8(out, k->keys[(k->key_head + i) % PS2KBD_QUEUE_LEN]);
    state_put(out, k->down, sizeof k->down);
    state_put_u8(out, k->repeat_key);
    state_put_u8(out, k->repeat.armed);
    state_put_u64(out, k->repeat.armed ? k->repeat.deadline : 0);
}

static bool kbd_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct ps2kbd *k = dev;
    if (version != 1)
        return false;
    k->set = state_get_u8(in);
    if (k->set < 1 || k->set > 3)
        k->set = 2;
    k->scanning = state_get_u8(in) != 0;
    k->leds = state_get_u8(in);
    k->typematic = state_get_u8(in) & 0x7F;
    k->expect = state_get_u8(in);
    k->set3_all = state_get_u8(in);
    k->last_sent = state_get_u8(in);
    k->reply_head = 0;
    k->reply_len = 0;
    unsigned n = state_get_u8(in);
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = state_get_u8(in);
        if (i < REPLY_LEN)
            k->reply[k->reply_len++] = b;
    }
    k->key_head = 0;
    k->key_len = 0;
    n = state_get_u8(in);
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = state_get_u8(in);
        if (i < PS2KBD_QUEUE_LEN)
            k->keys[k->key_len++] = b;
    }
    state_get(in, k->down, sizeof k->down);
    k->repeat_key = state_get_u8(in);
    if (k->repeat_key >= PC_KEY_COUNT)
        k->repeat_key = PC_KEY_NONE;
    bool armed = state_get_u8(in) != 0;
    uint64_t deadline = state_get_u64(in);
    timer_cancel(k->m, &k->repeat);
    if (armed && !in->error)
        timer_arm(k->m, &k->repeat, deadline);
    return !in->error;
}

static void kbd_destroy(void *dev)
{
    struct ps2kbd *k = dev;
    timer_cancel(k->m, &k->repeat);
    if (k->port) {
        k->port->ops = NULL;
        k->port->dev = NULL;
    }
    free(k);
}

static void ps2kbd_dump(void *dev, FILE *out);

static const struct device_ops ps2kbd_ops = {
    .name = "ps2kbd",
    .state_version = 1,
    .reset = kbd_reset,
    .save = kbd_save,
    .load = kbd_load,
    .destroy = kbd_destroy,
    .dump = ps2kbd_dump,
};

struct ps2kbd *ps2kbd_create(struct machine *m, struct ps2_port *port)
{
    struct ps2kbd *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->m = m;
    k->port = port;
    timer_init(&k->repeat, "ps2kbd-repeat", repeat_fire, k);
    if (machine_add_device(m, &ps2kbd_ops, k) != 0) {
        free(k);
        return NULL;
    }
    kbd_reset(k);
    if (port) {
        port->ops = &kbd_link;
        port->dev = k;
    }
    return k;
}

uint8_t ps2kbd_leds(const struct ps2kbd *k)
{
    return k->leds;
}

unsigned ps2kbd_scancode_set(const struct ps2kbd *k)
{
    return k->set;
}

/* `info device ps2kbd`: the keyboard's settings and the bytes it has queued. */
static void ps2kbd_dump(void *dev, FILE *out)
{
    static const char *const led_bits[3] = { "scroll", "num", "caps" };
    const struct ps2kbd *k = dev;
    unsigned rate = k->typematic & 0x1F, delay = (k->typematic >> 5) & 3;
    /* Typematic period: (8 + A) * 2^B * 4.17 ms with A bits 0-2, B bits 3-4. */
    double period_ms = (8 + (rate & 7)) * (double)(1u << (rate >> 3)) * 4.17;
    fprintf(out, "PS/2 keyboard: scan code set %u, scanning %s, LEDs %02x:", k->set,
            k->scanning ? "on" : "off", k->leds);
    dump_flags(out, k->leds, led_bits, 3);
    fprintf(out, "\ntypematic %02x: %.1f characters/s after %u ms", k->typematic,
            1000.0 / period_ms, 250 * (delay + 1));
    if (k->expect)
        fprintf(out, "; command %02x waits for its parameter", k->expect);
    fprintf(out, "\nreplies queued:%s", k->reply_len ? "" : " none");
    for (unsigned j = 0; j < k->reply_len; j++)
        fprintf(out, " %02x", k->reply[(k->reply_head + j) % REPLY_LEN]);
    fprintf(out, "; scan code bytes queued:%s", k->key_len ? "" : " none");
    for (unsigned j = 0; j < k->key_len; j++)
        fprintf(out, " %02x", k->keys[(k->key_head + j) % PS2KBD_QUEUE_LEN]);
    fprintf(out, "\nkeys down:");
    unsigned down = 0;
    for (unsigned key = 0; key < PC_KEY_COUNT; key++)
        if (is_down(k, (enum pc_key)key)) {
            fprintf(out, " %s", pc_key_name((enum pc_key)key));
            down++;
        }
    fprintf(out, "%s\n", down ? "" : " none");
}
