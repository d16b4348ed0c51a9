/* The PS/2 mouse (see ps2mouse.h), after the IBM PS/2 Mouse Technical Reference: every
 * command is acknowledged with FA before its results; invalid ones get Resend (FE). A
 * packet is [buttons | 0x08 | sign X, sign Y | overflow X, Y] [X low 8] [Y low 8], and a
 * fourth byte with the wheel (ID 3) or the wheel and buttons 4-5 (ID 4). */
#include "devices/ps2mouse.h"

#include <stdbool.h>
#include <stdlib.h>

#include "devices/device.h"
#include "devices/ps2.h"
#include "machine/machine.h"

#define REPLY_LEN 8
#define PACKET_QUEUE_LEN 32
#define DEFAULT_RATE 100
#define DEFAULT_RESOLUTION 2   /* 4 counts/mm */

struct ps2mouse {
    struct machine *m;
    struct ps2_port *port;
    bool reporting;            /* F4 / F5 */
    bool remote;               /* F0 remote mode, EA stream mode */
    bool wrap;                 /* EE wrap mode, EC back */
    bool scaling21;            /* E7 2:1, E6 1:1 */
    uint8_t resolution;
    uint8_t rate;              /* samples per second */
    uint8_t id;
    uint8_t knock[3];          /* the last three sample rates set, oldest first */
    uint8_t expect;            /* E8 or F3 waiting for its parameter, or 0 */
    uint8_t last_sent;
    uint8_t reply[REPLY_LEN];
    uint8_t reply_head, reply_len;
    uint8_t packets[PACKET_QUEUE_LEN];
    uint8_t pkt_head, pkt_len;
    int32_t dx, dy, dz;        /* movement counters since the last report; dy up positive */
    uint8_t buttons;           /* held now */
    uint8_t reported;          /* buttons in the last packet */
    uint64_t last_report;      /* virtual ns */
    struct timer sample;
};

static void reply(struct ps2mouse *mo, uint8_t b)
{
    if (mo->reply_len < REPLY_LEN)
        mo->reply[(mo->reply_head + mo->reply_len++) % REPLY_LEN] = b;
}

static unsigned packet_size(const struct ps2mouse *mo)
{
    return mo->id == 0 ? 3 : 4;
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling (stream mode only): 1 → 1, 2 → 1, 3 → 3, 4 → 6, 5 → 9, more → twice. */
static int32_t scale21(int32_t v)
{
    static const int32_t small[6] = { 0, 1, 1, 3, 6, 9 };
    int32_t a = v < 0 ? -v : v;
    int32_t s = a < 6 ? small[a] : (a > 0x3FFFFFFF ? 0x7FFFFFFF : 2 * a);
    return v < 0 ? -s : s;
}

/* Build a packet from the counters and reset them. */
static unsigned make_packet(struct ps2mouse *mo, bool stream, uint8_t *p)
{
    int32_t x = mo->dx, y = mo->dy;
    if (stream && mo->scaling21) {
        x = scale21(x);
        y = scale21(y);
    }
    bool xo = x > 255 || x < -256, yo = y > 255 || y < -256;
    x = clamp(x, -256, 255);
    y = clamp(y, -256, 255);
    p[0] = (uint8_t)((mo->buttons & 7) | 0x08 | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0) |
                     (xo ? 0x40 : 0) | (yo ? 0x80 : 0));
    p[1] = (uint8_t)x;
    p[2] = (uint8_t)y;
    mo->dx = mo->dy = 0;
    mo->reported = mo->buttons;
    if (mo->id == 0) {
        mo->dz = 0;
        return 3;
    }
    /* The wheel is a 4-bit count per packet; what does not fit waits for the next one. */
    int32_t z = clamp(mo->dz, -8, 7);
    mo->dz -= z;
    if (mo->id == 3)
        p[3] = (uint8_t)z;
    else
        p[3] = (uint8_t)((z & 0x0F) | ((mo->buttons & PS2MOUSE_BUTTON4) ? 0x10 : 0) |
                         ((mo->buttons & PS2MOUSE_BUTTON5) ? 0x20 : 0));
    return 4;
}

static bool streaming(const struct ps2mouse *mo)
{
    return mo->reporting && !mo->remote && !mo->wrap;
}

static bool has_news(const struct ps2mouse *mo)
{
    return mo->dx || mo->dy || mo->dz || mo->buttons != mo->reported;
}

static uint64_t sample_period_ns(const struct ps2mouse *mo)
{
    return 1000000000ull / (mo->rate ? mo->rate : DEFAULT_RATE);
}

/* Report at the next sample time: no sooner than one period after the last report. */
static void schedule_sample(struct ps2mouse *mo)
{
    if (!streaming(mo) || !has_news(mo) || mo->sample.armed)
        return;
    uint64_t now = sched_now(mo->m), when = mo->last_report + sample_period_ns(mo);
    timer_arm(mo->m, &mo->sample, when > now ? when : now);
}

static void sample_fire(void *opaque)
{
    struct ps2mouse *mo = opaque;
    if (!streaming(mo) || !has_news(mo))
        return;
    /* While the host does not read (aux clock held, buffer full), the counters keep
     * accumulating; the sample is retried when a byte is read. */
    if (mo->pkt_len + packet_size(mo) > PACKET_QUEUE_LEN)
        return;
    uint8_t p[4];
    unsigned n = make_packet(mo, true, p);
    for (unsigned i = 0; i < n; i++)
        mo->packets[(mo->pkt_head + mo->pkt_len++) % PACKET_QUEUE_LEN] = p[i];
    mo->last_report = sched_now(mo->m);
    schedule_sample(mo); /* wheel clicks left over */
    ps2_port_notify(mo->port);
}

void ps2mouse_move(struct ps2mouse *mo, int dx, int dy, int dz, unsigned buttons)
{
    if (!mo)
        return;
    mo->buttons = (uint8_t)(buttons & 0x1F);
    if (!mo->reporting && !mo->remote)
        return; /* a disabled mouse in stream mode does not count */
    /* Counters saturate far beyond the 9-bit range: enough for the overflow bit. */
    mo->dx = clamp(mo->dx + clamp(dx, -65536, 65536), -65536, 65536);
    mo->dy = clamp(mo->dy - clamp(dy, -65536, 65536), -65536, 65536);
    mo->dz = clamp(mo->dz + clamp(dz, -65536, 65536), -65536, 65536);
    schedule_sample(mo);
}

static void clear_counters(struct ps2mouse *mo)
{
    mo->dx = mo->dy = mo->dz = 0;
    mo->reported = mo->buttons;
}

/* F6 and power-on: 100 samples/s, 4 counts/mm, 1:1, reporting off, stream mode. */
static void set_defaults(struct ps2mouse *mo)
{
    mo->rate = DEFAULT_RATE;
    mo->resolution = DEFAULT_RESOLUTION;
    mo->scaling21 = false;
    mo->reporting = false;
    mo->remote = false;
    timer_cancel(mo->m, &mo->sample);
    clear_counters(mo);
}

/* The IntelliMouse "knock": sample rates 200, 100, 80 switch a standard mouse to ID 3,
 * and then 200, 200, 80 switch it to ID 4. */
static void sample_rate_set(struct ps2mouse *mo, uint8_t rate)
{
    mo->rate = rate;
    mo->knock[0] = mo->knock[1];
    mo->knock[1] = mo->knock[2];
    mo->knock[2] = rate;
    if (mo->knock[0] == 200 && mo->knock[1] == 100 && mo->knock[2] == 80 && mo->id == 0)
        mo->id = 3;
    else if (mo->knock[0] == 200 && mo->knock[1] == 200 && mo->knock[2] == 80 && mo->id == 3)
        mo->id = 4;
}

static bool parameter(struct ps2mouse *mo, uint8_t cmd, uint8_t v)
{
    if (cmd == 0xE8) {                        /* resolution: 1, 2, 4, 8 counts/mm */
        if (v > 3)
            return false;
        mo->resolution = v;
    } else {                                  /* F3: sample rate */
        if (v == 0)
            return false;
        sample_rate_set(mo, v);
    }
    reply(mo, PS2_ACK);
    return true;
}

static void command(struct ps2mouse *mo, uint8_t cmd)
{
    /* Motion packets queued before a command are stale once it is answered: drivers
     * expect the reply next and resynchronise on the packets that follow. */
    mo->pkt_head = mo->pkt_len = 0;
    switch (cmd) {
    case 0xE6:                                /* scaling 1:1 */
        reply(mo, PS2_ACK);
        mo->scaling21 = false;
        break;
    case 0xE7:                                /* scaling 2:1 */
        reply(mo, PS2_ACK);
        mo->scaling21 = true;
        break;
    case 0xE8:                                /* set resolution */
    case 0xF3:                                /* set sample rate */
        reply(mo, PS2_ACK);
        mo->expect = cmd;
        break;
    case 0xE9: {                              /* status request */
        uint8_t b = mo->buttons;
        reply(mo, PS2_ACK);
        reply(mo, (uint8_t)((mo->remote ? 0x40 : 0) | (mo->reporting ? 0x20 : 0) |
                            (mo->scaling21 ? 0x10 : 0) | ((b & PS2MOUSE_LEFT) ? 4 : 0) |
                            ((b & PS2MOUSE_MIDDLE) ? 2 : 0) | ((b & PS2MOUSE_RIGHT) ? 1 : 0)));
        reply(mo, mo->resolution);
        reply(mo, mo->rate);
        break;
    }
    case 0xEA:                                /* stream mode */
        reply(mo, PS2_ACK);
        mo->remote = false;
        clear_counters(mo);
        break;
    case 0xEB: {                              /* read data: a packet, moved or not */
        uint8_t p[4];
        unsigned n = make_packet(mo, false, p);
        reply(mo, PS2_ACK);
        for (unsigned i = 0; i < n; i++)
            reply(mo, p[i]);
        break;
    }
    case 0xEC:                                /* leave wrap mode */
        reply(mo, PS2_ACK);
        mo->wrap = false;
        break;
    case 0xEE:                                /* wrap mode: echo everything */
        reply(mo, PS2_ACK);
        mo->wrap = true;
        break;
    case 0xF0:                                /* remote mode */
        reply(mo, PS2_ACK);
        mo->remote = true;
        clear_counters(mo);
        break;
    case 0xF2:                                /* identify */
        reply(mo, PS2_ACK);
        reply(mo, mo->id);
        break;
    case 0xF4:                                /* enable reporting */
        reply(mo, PS2_ACK);
        mo->reporting = true;
        clear_counters(mo);
        break;
    case 0xF5:                                /* disable reporting */
        reply(mo, PS2_ACK);
        mo->reporting = false;
        timer_cancel(mo->m, &mo->sample);
        clear_counters(mo);
        break;
    case 0xF6:                                /* set defaults */
        reply(mo, PS2_ACK);
        set_defaults(mo);
        break;
    case 0xFE:                                /* resend */
        reply(mo, mo->last_sent);
        break;
    case 0xFF:                                /* reset: ACK, BAT passed, ID */
        reply(mo, PS2_ACK);
        set_defaults(mo);
        mo->wrap = false;
        mo->id = 0;
        mo->knock[0] = mo->knock[1] = mo->knock[2] = 0;
        reply(mo, PS2_BAT_OK);
        reply(mo, 0x00);
        break;
    default:
        reply(mo, PS2_RESEND);
        break;
    }
}

static void mouse_write(void *dev, uint8_t b)
{
    struct ps2mouse *mo = dev;
    if (mo->wrap && b != 0xFF && b != 0xEC) {
        reply(mo, b);
    } else if (mo->expect) {
        uint8_t cmd = mo->expect;
        mo->expect = 0;
        if (!parameter(mo, cmd, b)) {
            mo->expect = cmd;
            reply(mo, PS2_RESEND);
        }
    } else {
        command(mo, b);
    }
    ps2_port_notify(mo->port);
}

static bool mouse_has_data(const void *dev)
{
    const struct ps2mouse *mo = dev;
    return mo->reply_len || mo->pkt_len;
}

static uint8_t mouse_read(void *dev)
{
    struct ps2mouse *mo = dev;
    uint8_t b = 0;
    if (mo->reply_len) {
        b = mo->reply[mo->reply_head];
        mo->reply_head = (uint8_t)((mo->reply_head + 1) % REPLY_LEN);
        mo->reply_len--;
    } else if (mo->pkt_len) {
        b = mo->packets[mo->pkt_head];
        mo->pkt_head = (uint8_t)((mo->pkt_head + 1) % PACKET_QUEUE_LEN);
        mo->pkt_len--;
    }
    mo->last_sent = b;
    schedule_sample(mo); /* room again for a report held back */
    return b;
}

static const struct ps2_device_ops mouse_link = {
    .write = mouse_write,
    .has_data = mouse_has_data,
    .read = mouse_read,
};

static void mouse_reset(void *dev)
{
    struct ps2mouse *mo = dev;
    set_defaults(mo);
    mo->wrap = false;
    mo->id = 0;
    mo->knock[0] = mo->knock[1] = mo->knock[2] = 0;
    mo->expect = 0;
    mo->last_sent = 0;
    mo->reply_head = mo->reply_len = 0;
    mo->pkt_head = mo->pkt_len = 0;
    mo->buttons = mo->reported = 0;
    mo->last_report = 0;
}

static void put_queue(struct state_buf *out, const uint8_t *q, uint8_t head, uint8_t len,
                      unsigned cap)
{
    state_put_u8(out, len);
    for (unsigned i = 0; i < len; i++)
        state_put_u8(out, q[(head + i) % cap]);
}

static uint8_t get_queue(struct state_buf *in, uint8_t *q, unsigned cap)
{
    unsigned n = state_get_u8(in), len = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = state_get_u8(in);
        if (len < cap)
            q[len++] = b;
    }
    return (uint8_t)len;
}

static void mouse_save(void *dev, struct state_buf *out)
{
    struct ps2mouse *mo = dev;
    state_put_u8(out, (uint8_t)(mo->reporting | mo->remote << 1 | mo->wrap << 2 |
                                mo->scaling21 << 3));
    state_put_u8(out, mo->resolution);
    state_put_u8(out, mo->rate);
    state_put_u8(out, mo->id);
    state_put(out, mo->knock, sizeof mo->knock);
    state_put_u8(out, mo->expect);
    state_put_u8(out, mo->last_sent);
    put_queue(out, mo->reply, mo->reply_head, mo->reply_len, REPLY_LEN);
    put_queue(out, mo->packets, mo->pkt_head, mo->pkt_len, PACKET_QUEUE_LEN);
    state_put_u32(out, (uint32_t)mo->dx);
    state_put_u32(out, (uint32_t)mo->dy);
    state_put_u32(out, (uint32_t)mo->dz);
    state_put_u8(out, mo->buttons);
    state_put_u8(out, mo->reported);
    state_put_u64(out, mo->last_report);
    state_put_u8(out, mo->sample.armed);
    state_put_u64(out, mo->sample.armed ? mo->sample.deadline : 0);
}

static bool mouse_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct ps2mouse *mo = dev;
    if (version != 1)
        return false;
    uint8_t f = state_get_u8(in);
    mo->reporting = f & 1;
    mo->remote = (f >> 1) & 1;
    mo->wrap = (f >> 2) & 1;
    mo->scaling21 = (f >> 3) & 1;
    mo->resolution = state_get_u8(in) & 3;
    mo->rate = state_get_u8(in);
    mo->id = state_get_u8(in);
    if (mo->id != 3 && mo->id != 4)
        mo->id = 0;
    state_get(in, mo->knock, sizeof mo->knock);
    mo->expect = state_get_u8(in);
    mo->last_sent = state_get_u8(in);
    mo->reply_head = mo->pkt_head = 0;
    mo->reply_len = get_queue(in, mo->reply, REPLY_LEN);
    mo->pkt_len = get_queue(in, mo->packets, PACKET_QUEUE_LEN);
    mo->dx = clamp((int32_t)state_get_u32(in), -65536, 65536);
    mo->dy = clamp((int32_t)state_get_u32(in), -65536, 65536);
    mo->dz = clamp((int32_t)state_get_u32(in), -65536, 65536);
    mo->buttons = state_get_u8(in) & 0x1F;
    mo->reported = state_get_u8(in) & 0x1F;
    mo->last_report = state_get_u64(in);
    bool armed = state_get_u8(in) != 0;
    uint64_t deadline = state_get_u64(in);
    timer_cancel(mo->m, &mo->sample);
    if (armed && !in->error)
        timer_arm(mo->m, &mo->sample, deadline);
    return !in->error;
}

static void mouse_destroy(void *dev)
{
    struct ps2mouse *mo = dev;
    timer_cancel(mo->m, &mo->sample);
    if (mo->port) {
        mo->port->ops = NULL;
        mo->port->dev = NULL;
    }
    free(mo);
}

static const struct device_ops ps2mouse_ops = {
    .name = "ps2mouse",
    .state_version = 1,
    .reset = mouse_reset,
    .save = mouse_save,
    .load = mouse_load,
    .destroy = mouse_destroy,
};

struct ps2mouse *ps2mouse_create(struct machine *m, struct ps2_port *port)
{
    struct ps2mouse *mo = calloc(1, sizeof *mo);
    if (!mo)
        return NULL;
    mo->m = m;
    mo->port = port;
    timer_init(&mo->sample, "ps2mouse-sample", sample_fire, mo);
    if (machine_add_device(m, &ps2mouse_ops, mo) != 0) {
        free(mo);
        return NULL;
    }
    mouse_reset(mo);
    if (port) {
        port->ops = &mouse_link;
        port->dev = mo;
    }
    return mo;
}

uint8_t ps2mouse_id(const struct ps2mouse *mo)
{
    return mo->id;
}
