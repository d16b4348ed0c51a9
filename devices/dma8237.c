/* The two 8237A DMA controllers of the PC/AT and their page registers (Intel 8237A
 * datasheet 231466: "Register description", "Address and count registers", "Software
 * commands"; IBM PC AT Technical Reference, "DMA controller" and the page register map).
 * Devices do not drive DREQ line by line: a device with data ready asks for a transfer
 * with dma_transfer() and the controller moves what its registers allow, as a burst. */
#include "devices/dma8237.h"

#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/iobus.h"
#include "machine/machine.h"

/* Register offsets inside one chip (the port's low 4 bits on chip 1, bits 1-4 on chip 2). */
enum {
    REG_STATUS_COMMAND = 8,  /* read status / write command */
    REG_REQUEST = 9,
    REG_SINGLE_MASK = 10,
    REG_MODE = 11,
    REG_CLEAR_FLIPFLOP = 12,
    REG_TEMP_MASTER_CLEAR = 13, /* read temporary / write master clear */
    REG_CLEAR_MASK = 14,
    REG_ALL_MASK = 15,
};

#define CMD_DISABLE 0x04     /* command register bit 2: controller disabled */

struct dma_chan {
    uint16_t base_address, current_address;
    uint16_t base_count, current_count;
    uint8_t mode;
};

struct dma_chip {
    struct dma_chan ch[4];
    uint8_t command;
    uint8_t status;     /* bits 0-3 TC reached, bits 4-7 requests (software) */
    uint8_t request;    /* software request bits 0-3 */
    uint8_t mask;       /* bits 0-3 */
    bool flipflop;      /* false: the next byte access is the low byte */
};

struct dma8237 {
    struct machine *m;
    struct dma_chip chip[2];
    uint8_t page[16];         /* 0x80-0x8F; entry 0 is unused (0x80 is the POST port) */
    bool last_tc[DMA_CHANNELS];
    bool warned_direction;
};

/* Which page register (offset from 0x80) holds address bits 16-23 for each channel: the
 * AT's scrambled 74LS612 map. */
static const uint8_t page_port[DMA_CHANNELS] = { 0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA };

static void chip_master_clear(struct dma_chip *c)
{
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->mask = 0x0F;
    c->flipflop = false;
}

/* ---- Port access ---- */

static uint32_t chip_read(struct dma8237 *d, unsigned chip, unsigned reg)
{
    struct dma_chip *c = &d->chip[chip];
    if (reg < 8) {
        struct dma_chan *ch = &c->ch[reg >> 1];
        uint16_t v = (reg & 1) ? ch->current_count : ch->current_address;
        bool high = c->flipflop;
        c->flipflop = !c->flipflop;
        return high ? v >> 8 : v & 0xFF;
    }
    switch (reg) {
    case REG_STATUS_COMMAND: {
        /* Reading the status register clears the TC bits (datasheet, "Status Register"). */
        uint8_t v = (uint8_t)((c->status & 0x0F) | (c->request << 4));
        c->status &= 0xF0;
        return v;
    }
    case REG_TEMP_MASTER_CLEAR:
        return 0; /* the temporary register only fills in memory-to-memory transfers */
    case REG_ALL_MASK:
        /* The PIIX's 8237 core reads the mask bits back here; the upper nibble is 1s. */
        return 0xF0u | c->mask;
    default:
        return 0xFF; /* write-only registers: nobody drives the bus */
    }
}

static void chip_write(struct dma8237 *d, unsigned chip, unsigned reg, uint8_t v)
{
    struct dma_chip *c = &d->chip[chip];
    if (reg < 8) {
        struct dma_chan *ch = &c->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_address;
        uint16_t *cur = (reg & 1) ? &ch->current_count : &ch->current_address;
        /* A write loads the base and the current register together. */
        *base = c->flipflop ? (uint16_t)((*base & 0x00FF) | (v << 8))
                            : (uint16_t)((*base & 0xFF00) | v);
        *cur = *base;
        c->flipflop = !c->flipflop;
        return;
    }
    switch (reg) {
    case REG_STATUS_COMMAND:
        c->command = v;
        if (v & 0x01)
            machine_log(d->m, "dma: memory-to-memory mode is not supported");
        break;
    case REG_REQUEST:
        if (v & 4)
            c->request |= (uint8_t)(1u << (v & 3));
        else
            c->request &= (uint8_t)~(1u << (v & 3));
        break;
    case REG_SINGLE_MASK:
        if (v & 4)
            c->mask |= (uint8_t)(1u << (v & 3));
        else
            c->mask &= (uint8_t)~(1u << (v & 3));
        break;
    case REG_MODE:
        c->ch[v & 3].mode = v & 0xFC;
        break;
    case REG_CLEAR_FLIPFLOP:
        c->flipflop = false;
        break;
    case REG_TEMP_MASTER_CLEAR:
        chip_master_clear(c);
        break;
    case REG_CLEAR_MASK:
        c->mask = 0;
        break;
    case REG_ALL_MASK:
        c->mask = v & 0x0F;
        break;
    }
}

static uint32_t dma1_read(void *opaque, uint16_t port, unsigned size)
{
    return chip_read(opaque, 0, port & 0x0F);
}

static void dma1_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    chip_write(opaque, 0, port & 0x0F, (uint8_t)value);
}

/* The second chip's A0 is wired to the bus's A1, so its registers sit on even ports and
 * each odd port is an alias of the even one below it. */
static uint32_t dma2_read(void *opaque, uint16_t port, unsigned size)
{
    return chip_read(opaque, 1, ((port - 0xC0) >> 1) & 0x0F);
}

static void dma2_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    chip_write(opaque, 1, ((port - 0xC0) >> 1) & 0x0F, (uint8_t)value);
}

static uint32_t page_read(void *opaque, uint16_t port, unsigned size)
{
    struct dma8237 *d = opaque;
    return d->page[port & 0x0F];
}

static void page_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct dma8237 *d = opaque;
    d->page[port & 0x0F] = (uint8_t)value;
}

/* ---- Transfers ---- */

bool dma_channel_ready(const struct dma8237 *d, unsigned channel)
{
    if (channel >= DMA_CHANNELS)
        return false;
    const struct dma_chip *c = &d->chip[channel >> 2];
    unsigned n = channel & 3;
    if ((c->mask >> n) & 1 || (c->command & CMD_DISABLE))
        return false;
    if ((c->ch[n].mode & DMA_MODE_KIND_MASK) == DMA_MODE_CASCADE)
        return false; /* the channel hands its requests to another controller */
    if (channel < 4) {
        /* The first chip reaches the bus only through channel 4 of the second. */
        const struct dma_chip *c2 = &d->chip[1];
        if ((c2->mask & 1) || (c2->command & CMD_DISABLE) ||
            (c2->ch[0].mode & DMA_MODE_KIND_MASK) != DMA_MODE_CASCADE)
            return false;
    }
    return true;
}

/* The physical address of the channel's current unit. */
static uint32_t unit_address(const struct dma8237 *d, unsigned channel, uint16_t addr)
{
    uint32_t page = d->page[page_port[channel]];
    if (channel < 4)
        return (page << 16) | addr;
    /* Word channels: the counter holds a word address shifted onto A1-A16; the page
     * register's bit 0 is not used. */
    return ((page & 0xFEu) << 16) | ((uint32_t)addr << 1);
}

size_t dma_transfer(struct dma8237 *d, unsigned channel, void *buf, size_t len, bool to_memory)
{
    if (channel >= DMA_CHANNELS)
        return 0;
    d->last_tc[channel] = false;
    if (!dma_channel_ready(d, channel))
        return 0;
    struct dma_chip *c = &d->chip[channel >> 2];
    unsigned n = channel & 3;
    struct dma_chan *ch = &c->ch[n];
    unsigned unit = channel < 4 ? 1 : 2;
    uint8_t xfer = ch->mode & DMA_MODE_XFER_MASK;
    bool verify = xfer == DMA_MODE_VERIFY || xfer == DMA_MODE_XFER_MASK;
    if (!verify && (xfer == DMA_MODE_WRITE) != to_memory) {
        if (!d->warned_direction) {
            d->warned_direction = true;
            machine_log(d->m, "dma: channel %u is programmed for the other direction; "
                        "the transfer moves no data", channel);
        }
        verify = true;
    }
    uint8_t *p = buf;
    size_t done = 0;
    while (done + unit <= len) {
        uint32_t phys = unit_address(d, channel, ch->current_address);
        if (!verify) {
            if (to_memory)
                phys_write_bytes(d->m, phys, p + done, unit);
            else
                phys_read_bytes(d->m, phys, p + done, unit);
        }
        done += unit;
        ch->current_address = (uint16_t)(ch->current_address +
                                         ((ch->mode & DMA_MODE_DECREMENT) ? -1 : 1));
        /* The count register counts units down past zero: 0xFFFF is terminal count. */
        if (ch->current_count-- == 0) {
            c->status |= (uint8_t)(1u << n);
            c->request &= (uint8_t)~(1u << n);
            d->last_tc[channel] = true;
            if (ch->mode & DMA_MODE_AUTOINIT) {
                ch->current_address = ch->base_address;
                ch->current_count = ch->base_count;
            } else {
                c->mask |= (uint8_t)(1u << n);
            }
            break;
        }
    }
    return done;
}

bool dma_terminal_count(const struct dma8237 *d, unsigned channel)
{
    return channel < DMA_CHANNELS && d->last_tc[channel];
}

uint32_t dma_bytes_left(const struct dma8237 *d, unsigned channel)
{
    if (channel >= DMA_CHANNELS)
        return 0;
    uint32_t units = (uint32_t)d->chip[channel >> 2].ch[channel & 3].current_count + 1;
    return channel < 4 ? units : units * 2;
}

void dma_view(const struct dma8237 *d, unsigned channel, struct dma_channel_view *out)
{
    memset(out, 0, sizeof *out);
    if (channel >= DMA_CHANNELS)
        return;
    const struct dma_chip *c = &d->chip[channel >> 2];
    const struct dma_chan *ch = &c->ch[channel & 3];
    out->base_address = ch->base_address;
    out->current_address = ch->current_address;
    out->base_count = ch->base_count;
    out->current_count = ch->current_count;
    out->mode = ch->mode;
    out->page = d->page[page_port[channel]];
    out->masked = (c->mask >> (channel & 3)) & 1;
    out->tc = (c->status >> (channel & 3)) & 1;
}

/* ---- Device ---- */

static void dma_reset(void *dev)
{
    struct dma8237 *d = dev;
    for (unsigned k = 0; k < 2; k++) {
        chip_master_clear(&d->chip[k]);
        memset(d->chip[k].ch, 0, sizeof d->chip[k].ch);
    }
    memset(d->page, 0, sizeof d->page);
    memset(d->last_tc, 0, sizeof d->last_tc);
}

/* State version 1: per chip the four channels, command, status, request, mask and the
 * flip-flop; then the page registers. */
static void dma_save(void *dev, struct state_buf *out)
{
    struct dma8237 *d = dev;
    for (unsigned k = 0; k < 2; k++) {
        const struct dma_chip *c = &d->chip[k];
        for (unsigned n = 0; n < 4; n++) {
            state_put_u16(out, c->ch[n].base_address);
            state_put_u16(out, c->ch[n].current_address);
            state_put_u16(out, c->ch[n].base_count);
            state_put_u16(out, c->ch[n].current_count);
            state_put_u8(out, c->ch[n].mode);
        }
        state_put_u8(out, c->command);
        state_put_u8(out, c->status);
        state_put_u8(out, c->request);
        state_put_u8(out, c->mask);
        state_put_u8(out, c->flipflop);
    }
    state_put(out, d->page, sizeof d->page);
}

static bool dma_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct dma8237 *d = dev;
    if (version != 1)
        return false;
    struct dma_chip chip[2];
    for (unsigned k = 0; k < 2; k++) {
        struct dma_chip *c = &chip[k];
        for (unsigned n = 0; n < 4; n++) {
            c->ch[n].base_address = state_get_u16(in);
            c->ch[n].current_address = state_get_u16(in);
            c->ch[n].base_count = state_get_u16(in);
            c->ch[n].current_count = state_get_u16(in);
            c->ch[n].mode = state_get_u8(in) & 0xFC;
        }
        c->command = state_get_u8(in);
        c->status = state_get_u8(in);
        c->request = state_get_u8(in) & 0x0F;
        c->mask = state_get_u8(in) & 0x0F;
        c->flipflop = state_get_u8(in) != 0;
    }
    uint8_t page[16];
    state_get(in, page, sizeof page);
    if (in->error)
        return false;
    memcpy(d->chip, chip, sizeof chip);
    memcpy(d->page, page, sizeof page);
    return true;
}

static void dma_destroy(void *dev)
{
    free(dev);
}

static void dma_dump(void *dev, FILE *out);

static const struct device_ops dma_ops = {
    .name = "dma8237",
    .state_version = 1,
    .reset = dma_reset,
    .save = dma_save,
    .load = dma_load,
    .destroy = dma_destroy,
    .dump = dma_dump,
};

struct dma8237 *dma8237_create(struct machine *m)
{
    struct dma8237 *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->m = m;
    if (machine_add_device(m, &dma_ops, d) != 0) {
        free(d);
        return NULL;
    }
    dma_reset(d);
    if (iobus_register(&m->io, 0x00, 16, dma1_read, dma1_write, d, IO_SIZE_8, "dma1") != 0 ||
        iobus_register(&m->io, 0xC0, 32, dma2_read, dma2_write, d, IO_SIZE_8, "dma2") != 0 ||
        iobus_register(&m->io, 0x81, 15, page_read, page_write, d, IO_SIZE_8, "dma-page") != 0)
        return NULL;
    return d;
}

/* `info device dma8237`: both chips' command, status, request and mask registers, then
 * one line per channel with its mode decoded and the physical addresses it would use. */
static void dma_dump(void *dev, FILE *out)
{
    static const char *const kinds[4] = { "demand", "single", "block", "cascade" };
    static const char *const xfers[4] = { "verify", "write (device to memory)",
                                          "read (memory to device)", "illegal" };
    const struct dma8237 *d = dev;
    for (unsigned k = 0; k < 2; k++) {
        const struct dma_chip *c = &d->chip[k];
        fprintf(out, "8237A #%u (channels %u-%u, ports %s): command %02x (%s), status %02x, "
                     "request %x, mask %x",
                k + 1, 4 * k, 4 * k + 3, k ? "c0-df" : "00-0f", c->command,
                (c->command & CMD_DISABLE) ? "disabled" : "enabled",
                (c->status & 0x0F) | (c->request << 4), c->request, c->mask);
        dump_bit_list(out, "masked", c->mask, 4, 4 * k);
        fprintf(out, ", flip-flop %s\n", c->flipflop ? "high" : "low");
    }
    for (unsigned n = 0; n < DMA_CHANNELS; n++) {
        const struct dma_chip *c = &d->chip[n >> 2];
        const struct dma_chan *ch = &c->ch[n & 3];
        unsigned unit = n < 4 ? 1 : 2;
        fprintf(out, "channel %u: mode %02x %s, %s, %s%s; page %02x, address %04x (base %04x) "
                     "= %06x, count %04x (base %04x) = %u bytes left%s%s\n",
                n, ch->mode, kinds[ch->mode >> 6], xfers[(ch->mode >> 2) & 3],
                (ch->mode & DMA_MODE_DECREMENT) ? "decrement" : "increment",
                (ch->mode & DMA_MODE_AUTOINIT) ? ", auto-init" : "", d->page[page_port[n]],
                ch->current_address, ch->base_address,
                unit_address(d, n, ch->current_address), ch->current_count, ch->base_count,
                ((unsigned)ch->current_count + 1) * unit, ((c->mask >> (n & 3)) & 1) ? ", masked" : "",
                ((c->status >> (n & 3)) & 1) ? ", TC" : "");
    }
}
