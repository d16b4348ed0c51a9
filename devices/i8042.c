/* The 8042 keyboard controller (see i8042.h), after the IBM PC AT Technical Reference's
 * "Keyboard controller" section and its PS/2 successor: status register, command byte
 * and controller RAM, the commands BIOSes and Linux use, set 2 to set 1 translation, and
 * IRQ 1 / IRQ 12 as levels that stay up while the output buffer holds a byte.
 *
 * Bytes reach the one-byte output buffer from three places: the controller's own replies
 * (a small queue, served first and at once), the keyboard and the aux device. A device
 * keeps its bytes until the buffer is empty and its clock is enabled, then one byte
 * crosses the link in I8042_TRANSFER_NS of virtual time. Nothing ever overwrites an
 * unread byte, and the IRQ line drops on every read and rises again with the next byte,
 * which gives an edge-triggered 8259 its edge. */
#include "devices/i8042.h"

#include <stdlib.h>
#include <string.h>

#include "devices/a20.h"
#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/iobus.h"
#include "machine/machine.h"

#define QUEUE_LEN 8
/* Input port (command C0) of an AT: keyboard not locked (bit 7), colour display (bit 6
 * clear), no manufacturing jumper (bit 5), 512 KiB on the system board (bit 4 clear). */
#define INPUT_PORT 0xA0
/* Output port at power-on: keyboard and aux clock and data lines released, A20 enabled,
 * RESET inactive; bits 4 and 5 are the buffer-full lines, filled in when read. */
#define OUTPORT_POWER_ON 0xCF
#define OUTPORT_OBF_BITS 0x30

struct kbc_byte {
    uint8_t value;
    bool aux;
};

struct i8042 {
    struct machine *m;
    struct ps2_port port[2];
    uint8_t ram[32];           /* controller RAM; ram[0] is the command byte */
    uint8_t outport;
    bool sys;                  /* status bit 2 */
    bool cmd_last;             /* status bit 3: the last write went to 0x64 */
    bool timeout;              /* status bit 6 */
    uint8_t pending;           /* a command waiting for its data byte on 0x60, or 0 */
    uint8_t out;               /* the output buffer; reads of 0x60 return it even when empty */
    bool obf, obf_aux;
    struct kbc_byte queue[QUEUE_LEN];  /* replies of the controller itself */
    uint8_t q_head, q_len;
    bool xlat_f0;              /* translating, and an F0 (break prefix) came from the keyboard */
    bool irq_kbd, irq_aux;     /* the levels driven on IRQ 1 and IRQ 12 */
    struct timer transfer;     /* a device byte crossing the link */
    uint8_t warned[32];        /* unknown commands already logged */
};

/* The 8042's translation table (Brouwer, "Keyboard scancodes", 9.3; Konzak, "PC 8042
 * Controller"): set-2 code in, set-1 code out. 01-7F is a permutation; the upper half
 * passes through, except 83 (F7) and 84 (Alt+SysRq) which are the two set-2 codes above
 * 7F. A break prefix F0 is not passed on but ORs 0x80 into the next byte. */
static const uint8_t xlat_table[256] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
    0x80, 0x81, 0x82, 0x41, 0x54, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

static uint8_t ctr(const struct i8042 *c)
{
    return c->ram[0];
}

/* IRQ outputs are levels; they are only driven when they change, so that an IRQ line
 * shared on the board is not pulled down by a controller that never raised it. */
static void update_irq(struct i8042 *c)
{
    bool kbd = c->obf && !c->obf_aux && (ctr(c) & I8042_CTR_KBDINT);
    bool aux = c->obf && c->obf_aux && (ctr(c) & I8042_CTR_AUXINT);
    if (kbd != c->irq_kbd) {
        c->irq_kbd = kbd;
        machine_set_irq(c->m, I8042_IRQ_KBD, kbd);
    }
    if (aux != c->irq_aux) {
        c->irq_aux = aux;
        machine_set_irq(c->m, I8042_IRQ_AUX, aux);
    }
}

static void load_output(struct i8042 *c, uint8_t value, bool aux)
{
    c->out = value;
    c->obf = true;
    c->obf_aux = aux;
    update_irq(c);
}

static bool channel_enabled(const struct i8042 *c, enum i8042_channel ch)
{
    uint8_t dis = ch == I8042_KBD ? I8042_CTR_KBDDIS : I8042_CTR_AUXDIS;
    return !(ctr(c) & dis);
}

static bool device_has_data(const struct i8042 *c, enum i8042_channel ch)
{
    const struct ps2_port *p = &c->port[ch];
    return channel_enabled(c, ch) && p->ops && p->ops->has_data(p->dev);
}

/* Fill an empty output buffer: the controller's own replies at once, device bytes after
 * the link's transfer time. */
static void kick(struct i8042 *c)
{
    if (c->obf)
        return;
    if (c->q_len) {
        struct kbc_byte b = c->queue[c->q_head];
        c->q_head = (uint8_t)((c->q_head + 1) % QUEUE_LEN);
        c->q_len--;
        load_output(c, b.value, b.aux);
        return;
    }
    if (!c->transfer.armed && (device_has_data(c, I8042_KBD) || device_has_data(c, I8042_AUX)))
        timer_arm(c->m, &c->transfer, sched_now(c->m) + I8042_TRANSFER_NS);
}

static void queue_reply(struct i8042 *c, uint8_t value, bool aux)
{
    if (c->q_len < QUEUE_LEN) {
        c->queue[(c->q_head + c->q_len) % QUEUE_LEN] = (struct kbc_byte){ value, aux };
        c->q_len++;
    }
    kick(c);
}

/* The transfer timer: take one byte from a device, keyboard first. */
static void transfer_done(void *opaque)
{
    struct i8042 *c = opaque;
    if (c->obf || c->q_len) {
        kick(c);
        return;
    }
    while (device_has_data(c, I8042_KBD)) {
        struct ps2_port *p = &c->port[I8042_KBD];
        uint8_t b = p->ops->read(p->dev);
        if (!(ctr(c) & I8042_CTR_XLATE)) {
            load_output(c, b, false);
            return;
        }
        if (b == 0xF0) {
            c->xlat_f0 = true; /* swallowed: it becomes bit 7 of the next byte */
            continue;
        }
        uint8_t v = xlat_table[b];
        if (c->xlat_f0)
            v |= 0x80;
        c->xlat_f0 = false;
        load_output(c, v, false);
        return;
    }
    if (device_has_data(c, I8042_AUX)) {
        struct ps2_port *p = &c->port[I8042_AUX];
        load_output(c, p->ops->read(p->dev), true);
        return;
    }
}

static void device_data_ready(void *host)
{
    kick(host);
}

/* A byte for a device. An empty socket answers nothing, so the controller times out and
 * reports FE, as a real one does after its 15 ms wait. */
static void send_to_device(struct i8042 *c, enum i8042_channel ch, uint8_t value)
{
    struct ps2_port *p = &c->port[ch];
    if (!p->ops) {
        c->timeout = true;
        queue_reply(c, PS2_RESEND, ch == I8042_AUX);
        return;
    }
    c->timeout = false;
    p->ops->write(p->dev, value);
    kick(c);
}

static void set_a20(struct i8042 *c, bool on)
{
    uint8_t old = c->outport;
    c->outport = (uint8_t)(on ? (old | I8042_OUT_A20) : (old & ~I8042_OUT_A20));
    if ((old ^ c->outport) & I8042_OUT_A20)
        machine_set_a20(c->m, on);
}

/* RESET going low resets the CPU alone; memory, devices and A20 stay. The line's low
 * time (the pulse, or until the guest writes bit 0 back) is not modelled: the reset
 * happens once and the bit reads back as 1. */
static void pulse_reset(struct i8042 *c)
{
    machine_cpu_reset(c->m);
}

static void write_output_port(struct i8042 *c, uint8_t v)
{
    set_a20(c, (v & I8042_OUT_A20) != 0);
    c->outport = (uint8_t)((v & ~OUTPORT_OBF_BITS) | I8042_OUT_RESET);
    if (!(v & I8042_OUT_RESET))
        pulse_reset(c);
}

static uint8_t read_output_port(const struct i8042 *c)
{
    uint8_t v = c->outport & ~OUTPORT_OBF_BITS;
    if (c->obf)
        v |= c->obf_aux ? 0x20 : 0x10;
    return v;
}

static void write_command_byte(struct i8042 *c, uint8_t v)
{
    c->ram[0] = v;
    c->sys = (v & I8042_CTR_SYS) != 0;
    if (!(v & I8042_CTR_XLATE))
        c->xlat_f0 = false;
    update_irq(c);
    kick(c); /* a clock may have been enabled */
}

static void warn_command(struct i8042 *c, uint8_t cmd)
{
    uint8_t bit = (uint8_t)(1u << (cmd & 7));
    if (c->warned[cmd >> 3] & bit)
        return;
    c->warned[cmd >> 3] |= bit;
    machine_log(c->m, "i8042: command 0x%02x not implemented", cmd);
}

static void command(struct i8042 *c, uint8_t cmd)
{
    if (cmd >= 0x20 && cmd <= 0x3F) {         /* read controller RAM */
        queue_reply(c, c->ram[cmd & 0x1F], false);
        return;
    }
    if (cmd >= 0x60 && cmd <= 0x7F) {         /* write controller RAM: byte follows */
        c->pending = cmd;
        return;
    }
    if (cmd >= 0xF0) {                        /* pulse output bits 3-0 low where clear */
        if (!(cmd & I8042_OUT_RESET))
            pulse_reset(c);
        return;
    }
    switch (cmd) {
    case 0xA4:                                /* password installed? no */
        queue_reply(c, 0xF1, false);
        break;
    case 0xA7:                                /* disable aux */
        write_command_byte(c, ctr(c) | I8042_CTR_AUXDIS);
        break;
    case 0xA8:                                /* enable aux */
        write_command_byte(c, ctr(c) & ~I8042_CTR_AUXDIS);
        break;
    case 0xA9:                                /* aux interface test: 0 = fine, FF = no mouse */
        queue_reply(c, c->port[I8042_AUX].ops ? 0x00 : 0xFF, false);
        break;
    case 0xAA:                                /* self test */
        c->sys = true;
        queue_reply(c, 0x55, false);
        break;
    case 0xAB:                                /* keyboard interface test */
        queue_reply(c, 0x00, false);
        break;
    case 0xAD:                                /* disable keyboard */
        write_command_byte(c, ctr(c) | I8042_CTR_KBDDIS);
        break;
    case 0xAE:                                /* enable keyboard */
        write_command_byte(c, ctr(c) & ~I8042_CTR_KBDDIS);
        break;
    case 0xC0:                                /* read input port */
        queue_reply(c, INPUT_PORT, false);
        break;
    case 0xD0:                                /* read output port */
        queue_reply(c, read_output_port(c), false);
        break;
    case 0xD1:                                /* write output port */
    case 0xD2:                                /* write keyboard output buffer */
    case 0xD3:                                /* write aux output buffer */
    case 0xD4:                                /* write to aux device */
        c->pending = cmd;
        break;
    case 0xDD:                                /* A20 off (HP Vectra, also in QEMU) */
        set_a20(c, false);
        break;
    case 0xDF:                                /* A20 on */
        set_a20(c, true);
        break;
    case 0xE0:                                /* test inputs: T0 kbd clock, T1 aux clock */
        queue_reply(c, (uint8_t)((channel_enabled(c, I8042_KBD) ? 1 : 0) |
                                 (channel_enabled(c, I8042_AUX) ? 2 : 0)), false);
        break;
    default:
        warn_command(c, cmd);
        break;
    }
}

static void data_for_command(struct i8042 *c, uint8_t cmd, uint8_t v)
{
    if (cmd >= 0x60 && cmd <= 0x7F) {
        if (cmd == 0x60)
            write_command_byte(c, v);
        else
            c->ram[cmd & 0x1F] = v;
        return;
    }
    switch (cmd) {
    case 0xD1:
        write_output_port(c, v);
        break;
    case 0xD2:
        queue_reply(c, v, false);
        break;
    case 0xD3:
        queue_reply(c, v, true);
        break;
    case 0xD4:
        send_to_device(c, I8042_AUX, v);
        break;
    }
}

static uint8_t read_status(const struct i8042 *c)
{
    uint8_t s = I8042_STR_UNLOCKED;
    if (c->obf)
        s |= I8042_STR_OBF;
    if (c->obf && c->obf_aux)
        s |= I8042_STR_AUXOBF;
    if (c->sys)
        s |= I8042_STR_SYS;
    if (c->cmd_last)
        s |= I8042_STR_CMD;
    if (c->timeout)
        s |= I8042_STR_TIMEOUT;
    return s;
}

static uint32_t i8042_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8042 *c = opaque;
    if (port == I8042_CMD_PORT)
        return read_status(c);
    uint8_t v = c->out;
    if (c->obf) {
        c->obf = false;
        c->obf_aux = false;
        update_irq(c);
        kick(c);
    }
    return v;
}

static void i8042_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct i8042 *c = opaque;
    uint8_t v = (uint8_t)value;
    if (port == I8042_CMD_PORT) {
        c->cmd_last = true;
        c->pending = 0; /* a new command abandons one still waiting for its data */
        command(c, v);
        return;
    }
    c->cmd_last = false;
    if (c->pending) {
        uint8_t cmd = c->pending;
        c->pending = 0;
        data_for_command(c, cmd, v);
        return;
    }
    /* A byte for the keyboard: the controller releases the keyboard clock to send it,
     * which enables the interface (Brouwer 10.3, command AD: "any keyboard command
     * enables the keyboard again"). */
    if (ctr(c) & I8042_CTR_KBDDIS)
        c->ram[0] &= ~I8042_CTR_KBDDIS;
    send_to_device(c, I8042_KBD, v);
}

static void i8042_reset(void *dev)
{
    struct i8042 *c = dev;
    timer_cancel(c->m, &c->transfer);
    memset(c->ram, 0, sizeof c->ram);
    c->outport = OUTPORT_POWER_ON;
    c->sys = false;
    c->cmd_last = false;
    c->timeout = false;
    c->pending = 0;
    c->out = 0;
    c->obf = c->obf_aux = false;
    c->q_head = c->q_len = 0;
    c->xlat_f0 = false;
    update_irq(c);
}

static void save_timer(struct state_buf *out, const struct timer *t)
{
    state_put_u8(out, t->armed);
    state_put_u64(out, t->armed ? t->deadline : 0);
}

static void load_timer(struct machine *m, struct state_buf *in, struct timer *t)
{
    bool armed = state_get_u8(in) != 0;
    uint64_t deadline = state_get_u64(in);
    timer_cancel(m, t);
    if (armed && !in->error)
        timer_arm(m, t, deadline);
}

static void i8042_save(void *dev, struct state_buf *out)
{
    struct i8042 *c = dev;
    state_put(out, c->ram, sizeof c->ram);
    state_put_u8(out, c->outport);
    state_put_u8(out, (uint8_t)(c->sys | c->cmd_last << 1 | c->timeout << 2 | c->obf << 3 |
                                c->obf_aux << 4 | c->xlat_f0 << 5 | c->irq_kbd << 6 |
                                c->irq_aux << 7));
    state_put_u8(out, c->pending);
    state_put_u8(out, c->out);
    state_put_u8(out, c->q_len);
    for (unsigned k = 0; k < c->q_len; k++) {
        const struct kbc_byte *b = &c->queue[(c->q_head + k) % QUEUE_LEN];
        state_put_u8(out, b->value);
        state_put_u8(out, b->aux);
    }
    save_timer(out, &c->transfer);
}

static bool i8042_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct i8042 *c = dev;
    if (version != 1)
        return false;
    state_get(in, c->ram, sizeof c->ram);
    c->outport = state_get_u8(in);
    uint8_t f = state_get_u8(in);
    c->sys = f & 1;
    c->cmd_last = (f >> 1) & 1;
    c->timeout = (f >> 2) & 1;
    c->obf = (f >> 3) & 1;
    c->obf_aux = (f >> 4) & 1;
    c->xlat_f0 = (f >> 5) & 1;
    /* The interrupt controller saves its own view of the lines; only remember ours. */
    c->irq_kbd = (f >> 6) & 1;
    c->irq_aux = (f >> 7) & 1;
    c->pending = state_get_u8(in);
    c->out = state_get_u8(in);
    uint8_t n = state_get_u8(in);
    c->q_head = 0;
    c->q_len = 0;
    for (unsigned k = 0; k < n; k++) {
        uint8_t v = state_get_u8(in);
        bool aux = state_get_u8(in) != 0;
        if (c->q_len < QUEUE_LEN)
            c->queue[c->q_len++] = (struct kbc_byte){ v, aux };
    }
    load_timer(c->m, in, &c->transfer);
    return !in->error;
}

static void i8042_destroy(void *dev)
{
    struct i8042 *c = dev;
    timer_cancel(c->m, &c->transfer);
    free(c);
}

static void i8042_dump(void *dev, FILE *out);

static const struct device_ops i8042_ops = {
    .name = "i8042",
    .state_version = 1,
    .reset = i8042_reset,
    .save = i8042_save,
    .load = i8042_load,
    .destroy = i8042_destroy,
    .dump = i8042_dump,
};

struct i8042 *i8042_create(struct machine *m)
{
    struct i8042 *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->m = m;
    timer_init(&c->transfer, "i8042-transfer", transfer_done, c);
    for (int ch = 0; ch < 2; ch++) {
        c->port[ch].data_ready = device_data_ready;
        c->port[ch].host = c;
    }
    if (machine_add_device(m, &i8042_ops, c) != 0) {
        free(c);
        return NULL;
    }
    i8042_reset(c);
    /* Byte-wide ports, like the chip's 8-bit bus; 0x61-0x63 belong to other devices. */
    if (iobus_register(&m->io, I8042_DATA_PORT, 1, i8042_read, i8042_write, c, IO_SIZE_8,
                       "i8042") != 0 ||
        iobus_register(&m->io, I8042_CMD_PORT, 1, i8042_read, i8042_write, c, IO_SIZE_8,
                       "i8042") != 0)
        return NULL;
    return c;
}

struct ps2_port *i8042_port(struct i8042 *c, enum i8042_channel ch)
{
    return (unsigned)ch < 2 ? &c->port[ch] : NULL;
}

uint8_t i8042_command_byte(const struct i8042 *c)
{
    return c->ram[0];
}

uint8_t i8042_output_port(const struct i8042 *c)
{
    return read_output_port(c);
}

/* `info device i8042`: status, command byte and output port decoded, the output buffer,
 * the controller's reply queue and what waits on the sockets. */
static void i8042_dump(void *dev, FILE *out)
{
    static const char *const str_bits[8] = { "obf", "ibf", "sys", "cmd", "unlocked", "auxobf",
                                             "timeout", "parity" };
    static const char *const ctr_bits[8] = { "kbdint", "auxint", "sys", "ovr", "kbddis",
                                             "auxdis", "xlate", NULL };
    static const char *const out_bits[8] = { "nreset", "a20", NULL, NULL, "obf", "auxobf",
                                             "kbdclk", "kbddata" };
    const struct i8042 *c = dev;
    uint8_t s = read_status(c);
    fprintf(out, "8042 keyboard controller (ports 60, 64): IRQ 1 %s, IRQ 12 %s\n",
            c->irq_kbd ? "high" : "low", c->irq_aux ? "high" : "low");
    fprintf(out, "status %02x:", s);
    dump_flags(out, s, str_bits, 8);
    fprintf(out, "\ncommand byte %02x:", ctr(c));
    dump_flags(out, ctr(c), ctr_bits, 8);
    uint8_t op = read_output_port(c);
    fprintf(out, "\noutput port %02x:", op);
    dump_flags(out, op, out_bits, 8);
    fprintf(out, "\noutput buffer %02x, %s", c->out,
            !c->obf ? "empty (the last byte read)" : c->obf_aux ? "full, from the aux device"
                                                               : "full, from the keyboard");
    if (c->pending)
        fprintf(out, "; command %02x waits for its data byte on port 60", c->pending);
    if (c->xlat_f0)
        fprintf(out, "; translation holds a break prefix (F0)");
    fprintf(out, "\ncontroller replies queued: %u", c->q_len);
    for (unsigned k = 0; k < c->q_len; k++) {
        const struct kbc_byte *b = &c->queue[(c->q_head + k) % QUEUE_LEN];
        fprintf(out, " %02x%s", b->value, b->aux ? "(aux)" : "");
    }
    fputc('\n', out);
    static const char *const sockets[2] = { "keyboard", "aux" };
    for (unsigned k = 0; k < 2; k++) {
        const struct ps2_port *p = &c->port[k];
        fprintf(out, "%s socket: %s, clock %s", sockets[k],
                p->ops ? "a device plugged in" : "empty",
                channel_enabled(c, (enum i8042_channel)k) ? "enabled" : "held low");
        if (p->ops && p->ops->has_data(p->dev))
            fprintf(out, ", the device has bytes to send");
        fputc('\n', out);
    }
    if (c->transfer.armed)
        fprintf(out, "a byte crosses the link until %llu ns\n",
                (unsigned long long)c->transfer.deadline);
}
