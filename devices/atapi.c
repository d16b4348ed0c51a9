/* An ATAPI CD/DVD-ROM drive: the PACKET protocol of ATA/ATAPI-6 (T13 1410D) 9.10-9.11
 * with its byte count limit, IDENTIFY PACKET DEVICE (8.16), sense data and UNIT
 * ATTENTION (SPC-2 5.6), and the commands that move data or state: READ(10/12), READ CD,
 * INQUIRY, REQUEST SENSE, START STOP UNIT; atapi_mmc.c answers the information ones. */
#include <stdio.h>
#include <string.h>

#include "devices/atapi_internal.h"
#include "devices/block.h"
#include "devices/ide_internal.h"

bool atapi_medium_ready(const struct ide_drive *d)
{
    return d->blk && !d->atapi.tray_open;
}

uint32_t atapi_disc_sectors(const struct ide_drive *d)
{
    uint64_t n = d->blk ? block_sectors(d->blk) : 0;
    return n > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)n;
}

bool atapi_is_dvd(const struct ide_drive *d)
{
    return atapi_disc_sectors(d) > CD_MAX_SECTORS;
}

void atapi_power_on(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    a->sense_key = a->asc = a->ascq = 0;
    a->unit_attention = false;
    a->locked = false;
    a->tray_open = false;
    a->media_event = 0;
    d->xfer_mode = 0;
    d->standby = false;
}

void atapi_medium_changed(struct ide_drive *d)
{
    d->atapi.tray_open = false;
    d->atapi.media_event = d->blk ? EV_NEW_MEDIA : EV_MEDIA_REMOVAL;
    d->atapi.unit_attention = d->blk != NULL;
}

/* ---- ending a packet command ---- */

/* Completion: IO and CoD both set, DRQ clear, an interrupt (9.10, "status" phase). */
static void complete_ok(struct ide_drive *d)
{
    d->count = IR_IO | IR_COD;
    d->status = ST_READY;
    d->step = STEP_NONE;
    ide_raise(d);
}

/* CHECK CONDITION: the sense key in the Error register's upper nibble (ABRT only for a
 * command the device refuses), ERR in Status, and the sense kept for REQUEST SENSE. */
void atapi_check_condition(struct ide_drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    struct atapi_state *a = &d->atapi;
    a->sense_key = key;
    a->asc = asc;
    a->ascq = ascq;
    d->count = IR_IO | IR_COD;
    d->step = STEP_NONE;
    d->status = ST_DRDY | ST_ERR;
    d->error = (uint8_t)(key << 4 | (key == SK_ILLEGAL_REQUEST ? ER_ABRT : 0));
    ide_raise(d);
}

void atapi_not_ready(struct ide_drive *d)
{
    atapi_check_condition(d, SK_NOT_READY, ASC_MEDIUM_NOT_PRESENT, d->atapi.tray_open ? 0x02 : 0x01);
}

void atapi_invalid_field(struct ide_drive *d)
{
    atapi_check_condition(d, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

/* ---- the data phase ---- */

/* Fetch the next chunk of a READ into buf. False after reporting a medium error. */
static bool refill(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    if (!atapi_medium_ready(d)) { /* the disc went away in the middle of the command */
        atapi_not_ready(d);
        return false;
    }
    uint32_t n = a->sectors_left < IDE_BUF_SIZE / CD_SECTOR ? a->sectors_left
                                                             : IDE_BUF_SIZE / CD_SECTOR;
    if (block_read(d->blk, (uint64_t)a->lba * CD_SECTOR, d->buf, n * CD_SECTOR) != 0) {
        atapi_check_condition(d, SK_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
        return false;
    }
    a->lba += n;
    a->sectors_left -= n;
    d->fill = n * CD_SECTOR;
    d->pos = 0;
    return true;
}

/* Present the next DRQ block (9.11): at most the byte count limit (even, unless it is
 * the last piece), its length in the Byte Count registers, IO set and CoD clear. */
static void pio_block(struct ide_drive *d)
{
    if (d->pos >= d->fill && !refill(d))
        return;
    uint32_t n = d->fill - d->pos;
    if (n > d->atapi.limit)
        n = d->atapi.limit & ~1u; /* only the last piece may be odd */
    d->lbam = (uint8_t)n;
    d->lbah = (uint8_t)(n >> 8);
    d->count = IR_IO;
    ide_pio_start(d, d->pos, (n + 1) & ~1u, false); /* an odd last byte rides in a word */
    ide_raise(d);
}

static void dma_transfer(struct ide_drive *d)
{
    struct ide_channel *ch = d->ch;
    if (!ide_bm_active(ch)) {
        d->dma_wait = true;
        d->status = ST_READY | ST_DRQ;
        return;
    }
    d->status = ST_READY | ST_DRQ;
    for (;;) {
        if (d->pos >= d->fill) {
            if (d->atapi.sectors_left == 0)
                break;
            if (!refill(d)) {
                ide_bm_end(ch);
                return;
            }
        }
        uint32_t n = d->fill - d->pos;
        if (ide_bm_move(ch, d->buf + d->pos, n, true) < n) {
            ide_bm_short(ch);
            d->status = ST_READY;
            return;
        }
        d->pos += n;
    }
    ide_bm_end(ch);
    complete_ok(d);
}

/* Start sending what is now in buf (fill bytes) and, for a READ, the sectors after it. */
static void send(struct ide_drive *d)
{
    d->pos = 0;
    if (d->fill == 0 && d->atapi.sectors_left == 0) {
        complete_ok(d);
        return;
    }
    if (d->atapi.dma) {
        d->step = STEP_DMA;
        dma_transfer(d);
    } else {
        pio_block(d);
    }
}

/* A reply of `len` bytes built in buf, cut to the allocation length the host gave. */
void atapi_reply(struct ide_drive *d, uint32_t len, uint32_t alloc)
{
    d->fill = len < alloc ? len : alloc;
    d->atapi.sectors_left = 0;
    send(d);
}

void atapi_pio_done(struct ide_drive *d)
{
    if (d->cmd == 0xA1) { /* IDENTIFY PACKET DEVICE read out */
        d->status = ST_READY;
        return;
    }
    if (d->pio_out) { /* the 12-byte command packet has arrived */
        memcpy(d->atapi.cdb, d->buf, sizeof d->atapi.cdb);
        d->status = ST_BSY;
        ide_schedule(d, STEP_PACKET, IDE_CMD_NS);
        return;
    }
    d->pos = d->end < d->fill ? d->end : d->fill;
    d->status = ST_BSY;
    if (d->pos >= d->fill && d->atapi.sectors_left == 0) {
        d->count = IR_IO | IR_COD;
        ide_finish(d, ST_READY, 0, true);
    } else {
        ide_schedule(d, STEP_ATAPI_DATA, IDE_BLOCK_NS);
    }
}

/* ---- the packet commands ---- */

static void start_read(struct ide_drive *d, uint32_t lba, uint32_t count)
{
    if (!atapi_medium_ready(d)) {
        atapi_not_ready(d);
        return;
    }
    if (lba > atapi_disc_sectors(d) || count > atapi_disc_sectors(d) - lba) {
        atapi_check_condition(d, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    d->atapi.lba = lba;
    d->atapi.sectors_left = count;
    d->fill = 0;
    send(d);
}

static void inquiry(struct ide_drive *d, const uint8_t *cdb)
{
    if ((cdb[1] & 1) || cdb[2]) { /* no vital product data pages */
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 36);
    b[0] = 0x05;   /* CD/DVD device */
    b[1] = 0x80;   /* removable */
    b[3] = 0x21;   /* ATAPI version 2, response data format 1 */
    b[4] = 31;     /* additional length */
    memcpy(b + 8, "GLASS86 ", 8);
    memcpy(b + 16, "DVD-ROM         ", 16);
    memcpy(b + 32, "0.1 ", 4);
    atapi_reply(d, 36, be16(cdb + 3));
}

/* REQUEST SENSE: fixed-format sense data (SPC-2 7.23.2); reporting it clears it. */
static void request_sense(struct ide_drive *d, const uint8_t *cdb)
{
    struct atapi_state *a = &d->atapi;
    if (a->sense_key == SK_NO_SENSE && a->unit_attention) {
        a->sense_key = SK_UNIT_ATTENTION;
        a->asc = ASC_MEDIUM_MAY_HAVE_CHANGED;
        a->ascq = 0;
        a->unit_attention = false;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 18);
    b[0] = 0x70;   /* current error, fixed format */
    b[2] = a->sense_key;
    b[7] = 10;     /* additional sense length */
    b[12] = a->asc;
    b[13] = a->ascq;
    a->sense_key = a->asc = a->ascq = 0;
    atapi_reply(d, 18, cdb[4]);
}

static void read_capacity(struct ide_drive *d)
{
    if (!atapi_medium_ready(d)) {
        atapi_not_ready(d);
        return;
    }
    put_be32(d->buf, atapi_disc_sectors(d) - 1);
    put_be32(d->buf + 4, CD_SECTOR);
    atapi_reply(d, 8, 8);
}

/* START STOP UNIT (MMC-3 6.1.33): with LoEj the tray opens or closes. */
static void start_stop(struct ide_drive *d, const uint8_t *cdb)
{
    bool loej = cdb[4] & 2, start = cdb[4] & 1;
    if (loej && !start) {
        if (d->atapi.locked) {
            atapi_check_condition(d, SK_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 0x02);
            return;
        }
        if (!d->atapi.tray_open && d->blk)
            d->atapi.media_event = EV_MEDIA_REMOVAL;
        d->atapi.tray_open = true;
    } else if (loej && start && d->atapi.tray_open) {
        d->atapi.tray_open = false;
        if (d->blk) {
            d->atapi.media_event = EV_NEW_MEDIA;
            d->atapi.unit_attention = true;
        }
    }
    complete_ok(d);
}

static void read_cd(struct ide_drive *d, const uint8_t *cdb)
{
    unsigned type = (cdb[1] >> 2) & 7;
    uint32_t count = (uint32_t)cdb[6] << 16 | (uint32_t)cdb[7] << 8 | cdb[8];
    /* Only user data of data sectors: no raw, audio or sub-channel reads. */
    if ((type != 0 && type != 2) || (cdb[9] != 0x10 && cdb[9] != 0x00) || cdb[10]) {
        atapi_invalid_field(d);
        return;
    }
    start_read(d, be32(cdb + 2), cdb[9] ? count : 0);
}

/* Commands a pending UNIT ATTENTION does not stop (SPC-2 5.6.5, MMC-3 4.1.6.1). */
static bool ignores_unit_attention(uint8_t op)
{
    return op == 0x12 || op == 0x03 || op == 0x46 || op == 0x4A;
}

static void execute(struct ide_drive *d)
{
    const uint8_t *cdb = d->atapi.cdb;
    uint8_t op = cdb[0];
    struct atapi_state *a = &d->atapi;
    if (op != 0x03)
        a->sense_key = a->asc = a->ascq = 0; /* sense describes the last command only */
    if (a->unit_attention && !ignores_unit_attention(op)) {
        a->unit_attention = false;
        atapi_check_condition(d, SK_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
        return;
    }
    d->standby = false;
    switch (op) {
    case 0x00: /* TEST UNIT READY */
        if (atapi_medium_ready(d))
            complete_ok(d);
        else
            atapi_not_ready(d);
        break;
    case 0x03: request_sense(d, cdb); break;
    case 0x12: inquiry(d, cdb); break;
    case 0x1B: start_stop(d, cdb); break;
    case 0x1E: /* PREVENT ALLOW MEDIUM REMOVAL */
        a->locked = cdb[4] & 1;
        complete_ok(d);
        break;
    case 0x25: read_capacity(d); break;
    case 0x28: start_read(d, be32(cdb + 2), be16(cdb + 7)); break;
    case 0xA8: start_read(d, be32(cdb + 2), be32(cdb + 6)); break;
    case 0xBE: read_cd(d, cdb); break;
    case 0x2B: /* SEEK(10) */
        if (!atapi_medium_ready(d))
            atapi_not_ready(d);
        else if (be32(cdb + 2) >= atapi_disc_sectors(d))
            atapi_check_condition(d, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        else
            complete_ok(d);
        break;
    case 0x43: atapi_read_toc(d, cdb); break;
    case 0x46: atapi_get_configuration(d, cdb); break;
    case 0x4A: atapi_get_event_status(d, cdb); break;
    case 0x51: atapi_read_disc_info(d, cdb); break;
    case 0x5A: atapi_mode_sense(d, cdb); break;
    case 0xBB: complete_ok(d); break; /* SET CD SPEED: any speed is fine */
    case 0xBD: atapi_mechanism_status(d, cdb); break;
    default:
        atapi_check_condition(d, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        break;
    }
}

/* ---- the ATA commands of a PACKET device ---- */

/* IDENTIFY PACKET DEVICE data (8.16, table 34). */
static void identify_packet(struct ide_drive *d)
{
    uint16_t w[256] = { 0 };
    bool dma = d->ch->ctl->bm_present;
    w[0] = 0x85C0; /* ATAPI, CD-ROM, removable, DRQ within 50 us, 12-byte packets */
    ide_put_string(w, 10, 10, d->serial);
    ide_put_string(w, 23, 4, d->firmware);
    ide_put_string(w, 27, 20, d->model);
    w[49] = 0x0A00 | (dma ? 0x0100 : 0); /* IORDY, LBA, DMA */
    w[53] = 0x0006;
    if (dma) {
        w[63] = 0x0007 | ((d->xfer_mode >> 3) == 4 ? 0x100 << (d->xfer_mode & 7) : 0);
        w[88] = 0x003F | ((d->xfer_mode >> 3) == 8 ? 0x100 << (d->xfer_mode & 7) : 0);
    }
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[71] = 30;    /* ns from PACKET to bus release, typical */
    w[72] = 30;
    w[80] = 0x007E;
    w[82] = 0x4000 | 0x0200 | 0x0010 | 0x0008; /* NOP, DEVICE RESET, PACKET, power mgmt */
    w[83] = 0x4000;
    w[84] = 0x4000;
    w[85] = w[82];
    w[87] = 0x4000;
    w[93] = (uint16_t)(0x6000 | (d->unit ? 0x0100 : 0x0001));
    ide_identify_checksum(w);
    for (unsigned k = 0; k < 256; k++) {
        d->buf[2 * k] = (uint8_t)w[k];
        d->buf[2 * k + 1] = (uint8_t)(w[k] >> 8);
    }
    d->fill = 512;
}

/* PACKET (8.23): note the byte count limit and DMA choice, then ask for the packet. */
static void packet(struct ide_drive *d)
{
    struct atapi_state *a = &d->atapi;
    a->dma = (d->feature & 1) != 0;
    if ((a->dma && !d->ch->ctl->bm_present) || (d->feature & 0x02) /* overlap */) {
        ide_abort(d);
        return;
    }
    a->limit = (uint32_t)(d->lbah << 8 | d->lbam);
    /* 0 (and 1, which leaves no even block) are not valid limits; take them, like
     * FFFFh, as "as much as one DRQ block can carry". */
    if (a->limit < 2 || a->limit == 0xFFFF)
        a->limit = 0xFFFE;
    if (a->limit > IDE_BUF_SIZE)
        a->limit = IDE_BUF_SIZE;
    a->sectors_left = 0;
    d->fill = 0;
    d->count = IR_COD;
    ide_pio_start(d, 0, sizeof a->cdb, true); /* no interrupt before the packet (9.10) */
}

void atapi_command(struct ide_drive *d, uint8_t cmd)
{
    switch (cmd) {
    case 0xA0:
        packet(d);
        break;
    case 0xA1: /* IDENTIFY PACKET DEVICE */
        identify_packet(d);
        d->status = ST_BSY;
        ide_schedule(d, STEP_DATA_IN, IDE_CMD_NS);
        break;
    case 0x08: /* DEVICE RESET (8.10): the signature, no interrupt */
        ide_set_signature(d);
        ide_finish(d, 0x00, 0x01, false);
        break;
    case 0xEC: /* IDENTIFY DEVICE: a PACKET device aborts it and shows its signature */
        ide_set_signature(d);
        ide_abort(d);
        break;
    default:
        if (!ide_common_command(d, cmd))
            ide_abort(d);
        break;
    }
}

void atapi_step(struct ide_drive *d)
{
    switch (d->step) {
    case STEP_PACKET:
        execute(d);
        break;
    case STEP_ATAPI_DATA:
        pio_block(d);
        break;
    case STEP_DMA:
        dma_transfer(d);
        break;
    default:
        break;
    }
}
