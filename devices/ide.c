/* The ATA channel (see ide.h): the command block and control block registers, device
 * selection, INTRQ, software reset with the device signatures, PIO data through the Data
 * register, and the timer that carries each command to its next phase. ATA/ATAPI-6
 * (T13 1410D): 7 (registers), 9.1-9.3 (reset and signatures), 9.5-9.9 (protocols). */
#include "devices/ide.h"

#include <string.h>

#include "devices/ide_internal.h"
#include "machine/machine.h"

struct machine *ide_machine(const struct ide_drive *d)
{
    return d->ch->ctl->m;
}

/* INTRQ is driven by the selected device only, and not at all while nIEN is set. */
void ide_update_irq(struct ide_channel *ch)
{
    const struct ide_drive *d = &ch->drive[ch->sel];
    bool level = d->intrq && !(ch->devctl & DC_NIEN);
    if (level == ch->irq_level)
        return;
    ch->irq_level = level;
    if (level)
        ch->bm.status |= BM_ST_INT; /* "set by the rising edge of the IDE interrupt line" */
    machine_set_irq(ch->ctl->m, ch->irq, level);
}

void ide_raise(struct ide_drive *d)
{
    d->intrq = true;
    ide_update_irq(d->ch);
}

void ide_schedule(struct ide_drive *d, enum ide_step step, uint64_t delay_ns)
{
    struct machine *m = ide_machine(d);
    d->step = step;
    timer_arm(m, &d->timer, sched_now(m) + delay_ns);
}

void ide_pio_start(struct ide_drive *d, uint32_t start, uint32_t len, bool out)
{
    d->pos = start;
    d->end = start + len;
    d->pio_out = out;
    d->status = ST_READY | ST_DRQ;
}

void ide_finish(struct ide_drive *d, uint8_t status, uint8_t error, bool irq)
{
    d->status = ST_BSY;
    d->done_status = status;
    d->done_error = error;
    d->done_irq = irq;
    ide_schedule(d, STEP_COMPLETE, IDE_CMD_NS);
}

void ide_abort(struct ide_drive *d)
{
    ide_finish(d, (d->kind == IDE_ATA ? ST_READY : ST_DRDY) | ST_ERR, ER_ABRT, true);
}

/* The signature a device leaves after a reset or diagnostics (9.12): it tells the host
 * an ATA disk from a PACKET device. */
void ide_set_signature(struct ide_drive *d)
{
    d->count = 1;
    d->lbal = 1;
    d->lbam = d->kind == IDE_ATAPI ? 0x14 : 0x00;
    d->lbah = d->kind == IDE_ATAPI ? 0xEB : 0x00;
    d->device &= DEV_DEV;
}

/* ATA strings: two characters per word, the first in the high byte, space padded. */
void ide_put_string(uint16_t *words, unsigned first, unsigned count, const char *s)
{
    size_t n = strlen(s);
    for (unsigned k = 0; k < count; k++) {
        uint8_t hi = 2 * k < n ? (uint8_t)s[2 * k] : ' ';
        uint8_t lo = 2 * k + 1 < n ? (uint8_t)s[2 * k + 1] : ' ';
        words[first + k] = (uint16_t)(hi << 8 | lo);
    }
}

/* Word 255: signature A5h and a checksum making all 512 bytes sum to zero (8.15.60). */
void ide_identify_checksum(uint16_t *words)
{
    words[255] = 0x00A5;
    uint8_t sum = 0;
    for (unsigned k = 0; k < 255; k++)
        sum = (uint8_t)(sum + (words[k] & 0xFF) + (words[k] >> 8));
    sum = (uint8_t)(sum + 0xA5);
    words[255] = (uint16_t)(((uint8_t)-sum << 8) | 0xA5);
}

bool ide_common_command(struct ide_drive *d, uint8_t cmd)
{
    const uint8_t ready = ST_READY;
    switch (cmd) {
    case 0xE0: /* STANDBY IMMEDIATE */
    case 0xE2: /* STANDBY */
    case 0xE6: /* SLEEP: modelled as standby, the next command wakes the drive */
        d->standby = true;
        ide_finish(d, ready, 0, true);
        return true;
    case 0xE1: /* IDLE IMMEDIATE */
    case 0xE3: /* IDLE */
        d->standby = false;
        ide_finish(d, ready, 0, true);
        return true;
    case 0xE5: /* CHECK POWER MODE */
        d->count = d->standby ? 0x00 : 0xFF;
        ide_finish(d, ready, 0, true);
        return true;
    case 0xEF: { /* SET FEATURES, subcommand 03h: transfer mode (8.37.10) */
        if (d->feature != 0x03)
            return false;
        uint8_t mode = d->count;
        bool ok = mode <= 0x01 || (mode >> 3 == 1 && (mode & 7) <= 4) ||
                  (d->ch->ctl->bm_present &&
                   ((mode >> 3 == 4 && (mode & 7) <= 2) || (mode >> 3 == 8 && (mode & 7) <= 5)));
        if (!ok) {
            ide_abort(d);
        } else {
            d->xfer_mode = mode;
            ide_finish(d, ready, 0, true);
        }
        return true;
    }
    }
    return false;
}

static void cancel(struct ide_drive *d)
{
    timer_cancel(ide_machine(d), &d->timer);
    d->step = STEP_NONE;
    d->dma_wait = false;
    d->pos = d->end = 0;
    d->status &= (uint8_t)~ST_DRQ;
}

/* Software reset ends (9.2): the signature, diagnostic code 01h, and ready. Settings
 * revert to their power-on values unless SET FEATURES 66h asked to keep them. */
static void soft_reset_done(struct ide_drive *d)
{
    ide_set_signature(d);
    d->error = 0x01;
    if (d->kind == IDE_ATA) {
        d->status = ST_READY;
        if (!d->keep_settings)
            ata_power_on(d);
    } else {
        d->status = 0x00;
    }
}

static void complete(struct ide_drive *d)
{
    d->status = d->done_status;
    d->error = d->done_error;
    d->step = STEP_NONE;
    if (d->done_irq)
        ide_raise(d);
}

void ide_drive_timer(void *opaque)
{
    struct ide_drive *d = opaque;
    switch (d->step) {
    case STEP_NONE:
        break;
    case STEP_RESET:
        d->step = STEP_NONE;
        soft_reset_done(d);
        break;
    case STEP_COMPLETE:
        complete(d);
        break;
    case STEP_DATA_IN:
        ide_pio_start(d, 0, d->fill, false);
        ide_raise(d);
        break;
    default:
        if (d->kind == IDE_ATA)
            ata_step(d);
        else if (d->kind == IDE_ATAPI)
            atapi_step(d);
        break;
    }
}

static void pio_done(struct ide_drive *d)
{
    d->status &= (uint8_t)~ST_DRQ;
    if (d->kind == IDE_ATA)
        ata_pio_done(d);
    else
        atapi_pio_done(d);
}

static struct ide_drive *selected(struct ide_channel *ch)
{
    return &ch->drive[ch->sel];
}

static bool channel_empty(const struct ide_channel *ch)
{
    return ch->drive[0].kind == IDE_NONE && ch->drive[1].kind == IDE_NONE;
}

/* Status as the host sees it. Device 0 answers for an absent device 1 with 00h (9.16.1),
 * except while it is busy (a software reset, a command): then it holds the bus and every
 * Status read shows its BSY, whichever device is selected. Without that, a BIOS waiting
 * for BSY after SRST with device 1 selected polls 00h until its timeout runs out. */
static uint8_t visible_status(const struct ide_channel *ch)
{
    const struct ide_drive *d = &ch->drive[ch->sel];
    if (d->kind != IDE_NONE)
        return d->status;
    const struct ide_drive *other = &ch->drive[ch->sel ^ 1];
    if (other->kind != IDE_NONE && (other->status & ST_BSY))
        return other->status;
    return 0x00;
}

/* ---- the Data register: 16-bit PIO; a dword access is two words, as on the PIIX ---- */

static uint16_t data_in(struct ide_drive *d)
{
    if (d->kind == IDE_NONE || !(d->status & ST_DRQ) || d->pio_out || d->pos >= d->end)
        return 0xFFFF;
    uint16_t v = (uint16_t)(d->buf[d->pos] | d->buf[d->pos + 1] << 8);
    d->pos += 2;
    if (d->pos >= d->end)
        pio_done(d);
    return v;
}

static void data_out(struct ide_drive *d, uint16_t v)
{
    if (d->kind == IDE_NONE || !(d->status & ST_DRQ) || !d->pio_out || d->pos >= d->end)
        return;
    d->buf[d->pos] = (uint8_t)v;
    d->buf[d->pos + 1] = (uint8_t)(v >> 8);
    d->pos += 2;
    if (d->pos >= d->end)
        pio_done(d);
}

static uint32_t data_read(struct ide_channel *ch, unsigned size)
{
    struct ide_drive *d = selected(ch);
    uint32_t v = data_in(d);
    if (size == 4)
        v |= (uint32_t)data_in(d) << 16;
    return size == 1 ? v & 0xFF : v;
}

static void data_write(struct ide_channel *ch, uint32_t value, unsigned size)
{
    struct ide_drive *d = selected(ch);
    data_out(d, (uint16_t)value);
    if (size == 4)
        data_out(d, (uint16_t)(value >> 16));
}

/* ---- the command block registers (7.2) ---- */

static uint8_t reg_read(struct ide_channel *ch, unsigned reg)
{
    struct ide_drive *d = selected(ch);
    bool hob = (ch->devctl & DC_HOB) != 0;
    if (channel_empty(ch))
        return 0xFF; /* nothing drives the bus: it floats high, "no device" to every driver */
    switch (reg) {
    case 1:
        return hob ? d->hob_feature : d->error;
    case 2:
        return hob ? d->hob_count : d->count;
    case 3:
        return hob ? d->hob_lbal : d->lbal;
    case 4:
        return hob ? d->hob_lbam : d->lbam;
    case 5:
        return hob ? d->hob_lbah : d->lbah;
    case 6:
        return d->device;
    default: /* 7: Status; reading it acknowledges the interrupt */
        if (d->kind == IDE_NONE)
            return visible_status(ch);
        d->intrq = false;
        ide_update_irq(ch);
        return d->status;
    }
}

static void latch(uint8_t *cur, uint8_t *hob, uint8_t v)
{
    *hob = *cur;
    *cur = v;
}

static void diagnose(struct ide_channel *ch);

static void command(struct ide_channel *ch, uint8_t cmd)
{
    if (ch->devctl & DC_SRST)
        return;
    if (cmd == 0x90) { /* EXECUTE DEVICE DIAGNOSTIC runs on both devices whatever DEV says */
        diagnose(ch);
        return;
    }
    struct ide_drive *d = selected(ch);
    if (d->kind == IDE_NONE)
        return;
    /* A busy device ignores commands, but DEVICE RESET reaches a busy PACKET device. */
    if ((d->status & ST_BSY) && !(d->kind == IDE_ATAPI && cmd == 0x08))
        return;
    cancel(d);
    d->intrq = false; /* writing the Command register clears a pending interrupt */
    ide_update_irq(ch);
    d->cmd = cmd;
    d->error = 0;
    if (d->kind == IDE_ATA)
        ata_command(d, cmd);
    else
        atapi_command(d, cmd);
}

static void reg_write(struct ide_channel *ch, unsigned reg, uint8_t v)
{
    ch->devctl &= (uint8_t)~DC_HOB; /* any command block write clears HOB (7.8) */
    /* Both devices latch every write; the DEV bit only decides who answers reads. */
    for (unsigned u = 0; u < 2; u++) {
        struct ide_drive *d = &ch->drive[u];
        switch (reg) {
        case 1: latch(&d->feature, &d->hob_feature, v); break;
        case 2: latch(&d->count, &d->hob_count, v); break;
        case 3: latch(&d->lbal, &d->hob_lbal, v); break;
        case 4: latch(&d->lbam, &d->hob_lbam, v); break;
        case 5: latch(&d->lbah, &d->hob_lbah, v); break;
        case 6: d->device = v; break;
        default: break;
        }
    }
    if (reg == 6) {
        ch->sel = (v & DEV_DEV) ? 1 : 0;
        ide_update_irq(ch);
    } else if (reg == 7) {
        command(ch, v);
    }
}

/* The command block as one range: a word or dword access that starts at the Data
 * register is PIO data (the PIIX runs a dword as two words); one that starts at another
 * register is that register and the next ones, byte by byte. */
static uint32_t cmdblock_read(void *opaque, uint16_t port, unsigned size)
{
    struct ide_channel *ch = opaque;
    unsigned reg = port - ch->base;
    if (reg == 0)
        return data_read(ch, size);
    uint32_t v = 0;
    for (unsigned k = 0; k < size && reg + k < 8; k++)
        v |= (uint32_t)reg_read(ch, reg + k) << (8 * k);
    return v;
}

static void cmdblock_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct ide_channel *ch = opaque;
    unsigned reg = port - ch->base;
    if (reg == 0) {
        data_write(ch, value, size);
        return;
    }
    for (unsigned k = 0; k < size && reg + k < 8; k++)
        reg_write(ch, reg + k, (uint8_t)(value >> (8 * k)));
}

/* EXECUTE DEVICE DIAGNOSTIC (8.11): both devices run it and leave their signature; device
 * 0 (or the only device) interrupts. */
static void diagnose(struct ide_channel *ch)
{
    unsigned reporter = ch->drive[0].kind != IDE_NONE ? 0 : 1;
    for (unsigned u = 0; u < 2; u++) {
        struct ide_drive *d = &ch->drive[u];
        if (d->kind == IDE_NONE)
            continue;
        cancel(d);
        d->intrq = false;
        d->cmd = 0x90;
        ide_set_signature(d);
        ide_finish(d, d->kind == IDE_ATA ? ST_READY : 0x00, 0x01, u == reporter);
    }
    ide_update_irq(ch);
}

/* ---- the control block: Alternate Status and Device Control (7.3, 7.8) ---- */

static uint32_t ctl_read(void *opaque, uint16_t port, unsigned size)
{
    struct ide_channel *ch = opaque;
    if (channel_empty(ch))
        return 0xFF;
    return visible_status(ch);
}

static void ctl_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct ide_channel *ch = opaque;
    bool was = (ch->devctl & DC_SRST) != 0, now = (value & DC_SRST) != 0;
    ch->devctl = (uint8_t)value;
    for (unsigned u = 0; u < 2; u++) {
        struct ide_drive *d = &ch->drive[u];
        if (d->kind == IDE_NONE)
            continue;
        if (!was && now) { /* SRST asserted: drop everything and hold BSY */
            cancel(d);
            d->intrq = false;
            d->status = ST_BSY;
        } else if (was && !now) {
            ide_schedule(d, STEP_RESET, IDE_RESET_NS);
        }
    }
    ide_update_irq(ch);
}

/* Claim the channel's ports: the command block as one range, the control register. */
int ide_register_ports(struct ide_channel *ch)
{
    struct iobus *io = &ch->ctl->m->io;
    if (iobus_register(io, ch->base, 8, cmdblock_read, cmdblock_write, ch,
                       IO_SIZE_8 | IO_SIZE_16 | IO_SIZE_32, "ide") != 0 ||
        iobus_register(io, ch->ctl_port, 1, ctl_read, ctl_write, ch, IO_SIZE_8, "ide-ctl") != 0)
        return -1;
    return 0;
}

/* ---- power-on state ---- */

void ide_drive_power_on(struct ide_drive *d)
{
    cancel(d);
    d->feature = d->hob_feature = d->count = d->hob_count = 0;
    d->lbal = d->hob_lbal = d->lbam = d->hob_lbam = d->lbah = d->hob_lbah = 0;
    d->device = 0;
    d->intrq = false;
    d->cmd = 0;
    d->status = 0;
    d->error = 0;
    if (d->kind == IDE_NONE)
        return;
    ide_set_signature(d);
    d->error = 0x01;
    if (d->kind == IDE_ATA) {
        d->status = ST_READY;
        ata_power_on(d);
    } else {
        atapi_power_on(d);
    }
}
