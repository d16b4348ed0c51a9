/* The 82077AA command set (Intel 82077AA datasheet 290166, "Command Set Descriptions" and
 * "Status Register Encoding"): READ DATA, WRITE DATA, READ ID, FORMAT TRACK, RECALIBRATE,
 * SEEK and RELATIVE SEEK, SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, SPECIFY, VERSION,
 * CONFIGURE, LOCK, DUMPREG, PERPENDICULAR MODE, READ TRACK and VERIFY; data moves through
 * DMA channel 2, or through the FIFO in non-DMA mode (SPECIFY's ND bit).
 * A diskette here has perfect tracks of 512-byte sectors numbered from 1, so a sector
 * is found or not, and its data never has a CRC error. */
#include <string.h>

#include "devices/block.h"
#include "devices/dma8237.h"
#include "devices/fdc_internal.h"
#include "machine/machine.h"

#define SECTOR 512

enum {
    CMD_READ = 0x06, CMD_WRITE = 0x05, CMD_READ_ID = 0x0A, CMD_FORMAT = 0x0D,
    CMD_RECALIBRATE = 0x07, CMD_SENSE_INT = 0x08, CMD_SPECIFY = 0x03,
    CMD_SENSE_DRIVE = 0x04, CMD_SEEK = 0x0F, CMD_RELATIVE_SEEK = 0x8F, CMD_VERSION = 0x10,
    CMD_CONFIGURE = 0x13, CMD_LOCK = 0x14, CMD_DUMPREG = 0x0E, CMD_PERPENDICULAR = 0x12,
    CMD_READ_TRACK = 0x02, CMD_VERIFY = 0x16,
};
#define CMD_MT 0x80      /* multi-track */
#define CMD_MFM 0x40     /* double density */

/* Each command: the opcode under its mask (the flag bits MT, MFM, SK, DIR and LOCK are
 * outside the mask) and its length with the command byte. */
static const struct {
    uint8_t mask, value, len;
} commands[] = {
    { 0x1F, CMD_READ, 9 },           /* MT MFM SK 0 0 1 1 0 */
    { 0x3F, CMD_WRITE, 9 },          /* MT MFM 0 0 0 1 0 1 */
    { 0x9F, CMD_READ_TRACK, 9 },     /* 0 MFM SK 0 0 0 1 0 */
    { 0x1F, CMD_VERIFY, 9 },         /* MT MFM SK 1 0 1 1 0 */
    { 0xBF, CMD_READ_ID, 2 },        /* 0 MFM 0 0 1 0 1 0 */
    { 0xBF, CMD_FORMAT, 6 },         /* 0 MFM 0 0 1 1 0 1 */
    { 0xFF, CMD_RECALIBRATE, 2 },
    { 0xFF, CMD_SENSE_INT, 1 },
    { 0xFF, CMD_SPECIFY, 3 },
    { 0xFF, CMD_SENSE_DRIVE, 2 },
    { 0xFF, CMD_SEEK, 3 },
    { 0xBF, CMD_RELATIVE_SEEK, 3 },  /* 1 DIR 0 0 1 1 1 1 */
    { 0xFF, CMD_VERSION, 1 },
    { 0xFF, CMD_CONFIGURE, 4 },
    { 0x7F, CMD_LOCK, 1 },           /* LOCK 0 0 1 0 1 0 0 */
    { 0xFF, CMD_DUMPREG, 1 },
    { 0xFF, CMD_PERPENDICULAR, 2 },
};

static int find_command(uint8_t opcode)
{
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if ((opcode & commands[k].mask) == commands[k].value)
            return (int)k;
    return -1;
}

unsigned fdc_command_length(uint8_t opcode)
{
    int k = find_command(opcode);
    return k < 0 ? 0 : commands[k].len;
}

static uint8_t opcode_of(const struct fdc *f)
{
    int k = find_command(f->cmd[0]);
    return k < 0 ? 0 : commands[k].value;
}

/* ---- Seeks ---- */

static void start_seek(struct fdc *f, unsigned n, unsigned target, uint8_t st0)
{
    struct fdc_unit *u = &f->unit[n];
    unsigned steps = target > u->pcn ? target - u->pcn : u->pcn - target;
    u->busy = true;
    u->seeking = true;
    u->seek_target = (uint8_t)target;
    u->seek_st0 = st0;
    timer_arm(f->m, &u->seek_timer,
              sched_now(f->m) + (uint64_t)FDC_STEP_NS * (steps ? steps : 1));
}

void fdc_seek_done(void *opaque)
{
    struct fdc_unit *u = opaque;
    struct fdc *f = u->owner;
    u->seeking = false;
    /* A step pulse with a diskette in the drive resets its change line. */
    if (u->seek_target != u->pcn && u->blk)
        u->changed = false;
    u->pcn = u->seek_target;
    u->int_pending = true;
    u->int_st0 = u->seek_st0;
    fdc_raise_int(f);
}

static void sense_interrupt(struct fdc *f)
{
    for (unsigned k = 0; k < FDC_UNITS; k++) {
        struct fdc_unit *u = &f->unit[k];
        if (!u->int_pending)
            continue;
        u->int_pending = false;
        u->busy = false;
        f->int_latch = false;
        fdc_update_irq(f);
        uint8_t res[2] = { u->int_st0, u->pcn };
        fdc_result(f, res, 2);
        return;
    }
    uint8_t st0 = ST0_INVALID;
    fdc_result(f, &st0, 1);
}

/* ---- Data transfers ---- */

/* DRQ 2 reaches the DMA controller only while DOR's DMA gate is open (PC/AT mode). */
static size_t fdc_dma(struct fdc *f, void *buf, size_t len, bool to_memory)
{
    if (!(f->dor & DOR_DMAEN))
        return 0;
    return dma_transfer(f->dma, FDC_DMA, buf, len, to_memory);
}

static bool fdc_tc(const struct fdc *f)
{
    return (f->dor & DOR_DMAEN) && dma_terminal_count(f->dma, FDC_DMA);
}

static void finish_xfer(struct fdc *f, const struct fdc_xfer *x)
{
    uint8_t res[7] = { x->st0, x->st1, x->st2, x->c, x->h, x->r, x->n };
    f->x.pio = false;
    fdc_result(f, res, 7);
    fdc_raise_int(f);
}

/* Whether the unit can read IDs at all: a drive with a diskette, MFM recording, and a
 * head the diskette has. Sets the error bits otherwise. */
static bool medium_ok(const struct fdc *f, const struct fdc_unit *u, unsigned head,
                      struct fdc_xfer *x)
{
    if (u->type == FDC_DRIVE_NONE || !u->blk || !(f->cmd[0] & CMD_MFM) || head >= u->heads ||
        u->pcn >= u->cyls) {
        /* No index pulses or no ID field in this recording mode: the ID search fails. */
        x->st0 |= ST0_ABNORMAL;
        x->st1 |= ST1_MA;
        return false;
    }
    return true;
}

/* The R/C/H to report once sector `r` was the last one transferred (datasheet, "Result
 * Phase" table): the next sector, or the first of the next track at EOT. */
static void next_id(struct fdc_xfer *x, bool mt, unsigned heads, uint8_t eot)
{
    if (x->r != eot) {
        x->r++;
        return;
    }
    x->r = 1;
    if (mt && heads == 2 && x->h == 0) {
        x->h = 1;
    } else {
        x->c++;
        if (mt)
            x->h = 0;
    }
}

bool fdc_pio_mode(const struct fdc *f)
{
    return (f->specify[1] & 1) != 0;
}

static struct fdc_unit *cmd_unit(struct fdc *f)
{
    return &f->unit[f->cmd[1] & 3];
}

static uint64_t sector_offset(const struct fdc_unit *u, unsigned head, unsigned r)
{
    return (((uint64_t)u->pcn * u->heads + head) * u->spt + r - 1) * SECTOR;
}

/* READ DATA, WRITE DATA, READ TRACK and VERIFY: the execution delay is over. READ TRACK
 * reads the track from the index on, whatever sector the command names (its ID is only
 * compared); the others look for the sector named. */
static void data_run(struct fdc *f);

static void data_begin(struct fdc *f)
{
    uint8_t op = opcode_of(f);
    unsigned n = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    struct fdc_unit *u = &f->unit[n];
    struct fdc_xfer *x = &f->x;
    *x = (struct fdc_xfer){ .st0 = (uint8_t)(head << 2 | n), .c = f->cmd[2], .h = f->cmd[3],
                            .r = op == CMD_READ_TRACK ? 1 : f->cmd[4], .n = f->cmd[5],
                            .head = (uint8_t)head };
    f->last_eot = f->cmd[6];
    if (!medium_ok(f, u, head, x)) {
        finish_xfer(f, x);
        return;
    }
    if (op == CMD_WRITE && u->write_protected) {
        x->st0 |= ST0_ABNORMAL;
        x->st1 |= ST1_NW;
        finish_xfer(f, x);
        return;
    }
    /* The 82077AA seeks first only with CONFIGURE's EIS; the Bochs BIOS leaves that off
     * and still reads other cylinders without a SEEK (its own FDC and QEMU's move the
     * head implicitly), so the head goes to the cylinder asked for either way. */
    if (x->c != u->pcn && x->c < u->cyls) {
        if (u->blk)
            u->changed = false;
        u->pcn = x->c;
    }
    data_run(f);
}

/* The sector at hand was moved (or verified): on to the next one (true), or the command
 * ends with x's result (false). TC ends a DMA transfer normally; without it, reaching EOT
 * ends READ DATA, WRITE DATA and READ TRACK abnormally with EN (end of cylinder), while
 * VERIFY ends normally there, or after SC sectors when EC is set (datasheet, VERIFY). */
static bool data_advance(struct fdc *f, bool tc)
{
    uint8_t op = opcode_of(f);
    struct fdc_unit *u = cmd_unit(f);
    struct fdc_xfer *x = &f->x;
    bool mt = (f->cmd[0] & CMD_MT) && op != CMD_READ_TRACK;
    bool ec = op == CMD_VERIFY && (f->cmd[1] & 0x80);
    uint8_t eot = f->cmd[6];
    u->sector = x->r;
    x->done++;
    if (tc || (ec && x->done == f->cmd[8])) {
        next_id(x, mt, u->heads, eot);
        return false;
    }
    if (op == CMD_READ_TRACK) {
        if (x->done == eot || x->r == u->spt) {
            x->st0 |= ST0_ABNORMAL;
            x->st1 |= ST1_EN;
            next_id(x, false, u->heads, x->r);
            return false;
        }
        x->r++;
        return true;
    }
    if (x->r != eot) {
        x->r++;
        return true;
    }
    if (mt && x->head == 0 && u->heads == 2) {
        x->head = 1;
        x->h = 1;
        x->r = 1;
        x->st0 = (uint8_t)(x->st0 | 4);
        return true;
    }
    if (op != CMD_VERIFY || ec) {
        /* The track (or cylinder) ran out before TC (or SC) said stop. */
        x->st0 |= ST0_ABNORMAL;
        x->st1 |= ST1_EN;
    }
    next_id(x, mt, u->heads, eot);
    return false;
}

static void data_error(struct fdc_xfer *x)
{
    x->st0 |= ST0_ABNORMAL;
    x->st1 |= ST1_DE;
    x->st2 |= ST2_DD;
}

/* Walk the sectors: by DMA all in one go; in non-DMA mode up to the next sector, which
 * waits in the FIFO for the host with RQM and INT up. */
static void data_run(struct fdc *f)
{
    uint8_t op = opcode_of(f);
    struct fdc_unit *u = cmd_unit(f);
    struct fdc_xfer *x = &f->x;
    for (;;) {
        if (op == CMD_READ_TRACK) {
            if (x->c == u->pcn && x->h == x->head && f->cmd[4] == x->r && x->n == 2)
                x->matched = true;
            if (x->n != 2) {
                x->st0 |= ST0_ABNORMAL;
                x->st1 |= ST1_ND;
                break;
            }
        } else if (x->n != 2 || x->c != u->pcn || x->h != x->head || x->r == 0 ||
                   x->r > u->spt) {
            /* The sector must be on this track with the ID the command names. */
            x->st0 |= ST0_ABNORMAL;
            x->st1 |= ST1_ND;
            if (x->c != u->pcn)
                x->st2 |= ST2_WC;
            break;
        }
        uint64_t offset = sector_offset(u, x->head, x->r);
        int io = 0;
        bool tc = false;
        if (op != CMD_WRITE) {
            io = block_read(u->blk, offset, x->buf, SECTOR);
            if (io != 0)
                memset(x->buf, 0, SECTOR);
        }
        if (op == CMD_VERIFY) {
            /* The data field is read and its CRC checked; nothing goes to the host. */
        } else if (fdc_pio_mode(f)) {
            if (io != 0) {
                data_error(x);
                break;
            }
            if (op == CMD_WRITE)
                memset(x->buf, 0, SECTOR);
            x->pio = true;
            x->pos = 0;
            fdc_raise_int(f);
            return;
        } else {
            size_t moved;
            if (op == CMD_WRITE) {
                memset(x->buf, 0, SECTOR); /* a sector cut short by TC is padded with zeros */
                moved = fdc_dma(f, x->buf, SECTOR, false);
                if (moved)
                    io = block_write(u->blk, offset, x->buf, SECTOR);
            } else {
                moved = fdc_dma(f, x->buf, SECTOR, true);
            }
            tc = fdc_tc(f);
            if (moved == 0 && !tc) {
                /* Nobody took (or gave) the first byte: the FIFO over/underran. */
                x->st0 |= ST0_ABNORMAL;
                x->st1 |= ST1_OR;
                break;
            }
        }
        if (io != 0) {
            data_error(x);
            break;
        }
        if (!data_advance(f, tc))
            break;
    }
    if (op == CMD_READ_TRACK && !x->matched)
        x->st1 |= ST1_ND;
    finish_xfer(f, x);
}

/* Non-DMA mode: the host has emptied (filled) the FIFO's sector. INT drops with RQM until
 * the next sector is there, as when the 82077AA's FIFO runs empty (datasheet, "Non-DMA
 * Mode"). */
static void pio_sector_done(struct fdc *f)
{
    struct fdc_xfer *x = &f->x;
    struct fdc_unit *u = cmd_unit(f);
    x->pio = false;
    f->int_latch = false;
    fdc_update_irq(f);
    if (opcode_of(f) == CMD_WRITE &&
        block_write(u->blk, sector_offset(u, x->head, x->r), x->buf, SECTOR) != 0) {
        data_error(x);
        finish_xfer(f, x);
        return;
    }
    if (data_advance(f, false))
        data_run(f);
    else
        finish_xfer(f, x);
}

uint8_t fdc_pio_read(struct fdc *f)
{
    struct fdc_xfer *x = &f->x;
    if (!x->pio || opcode_of(f) == CMD_WRITE)
        return 0;
    uint8_t v = x->buf[x->pos++];
    if (x->pos >= SECTOR)
        pio_sector_done(f);
    return v;
}

void fdc_pio_write(struct fdc *f, uint8_t v)
{
    struct fdc_xfer *x = &f->x;
    if (!x->pio || opcode_of(f) != CMD_WRITE)
        return;
    x->buf[x->pos++] = v;
    if (x->pos >= SECTOR)
        pio_sector_done(f);
}

static void exec_read_id(struct fdc *f)
{
    unsigned n = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    struct fdc_unit *u = &f->unit[n];
    struct fdc_xfer x = { .st0 = (uint8_t)(head << 2 | n), .c = u->pcn, .h = (uint8_t)head,
                          .n = 2 };
    if (medium_ok(f, u, head, &x)) {
        /* The next ID field to pass under the head. */
        u->sector = (uint8_t)(u->sector % u->spt + 1);
        x.r = u->sector;
    }
    finish_xfer(f, &x);
}

static void exec_format(struct fdc *f)
{
    unsigned n = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    struct fdc_unit *u = &f->unit[n];
    uint8_t sc = f->cmd[3], fill = f->cmd[5];
    struct fdc_xfer x = { .st0 = (uint8_t)(head << 2 | n), .c = u->pcn, .h = (uint8_t)head,
                          .n = f->cmd[2] };
    f->last_eot = sc;
    if (!medium_ok(f, u, head, &x)) {
        finish_xfer(f, &x);
        return;
    }
    if (u->write_protected) {
        x.st0 |= ST0_ABNORMAL;
        x.st1 |= ST1_NW;
        finish_xfer(f, &x);
        return;
    }
    uint8_t data[SECTOR];
    memset(data, fill, sizeof data);
    for (unsigned k = 0; k < sc; k++) {
        uint8_t id[4];
        size_t moved = fdc_dma(f, id, 4, false);
        if (moved < 4) {
            if (!fdc_tc(f) || moved == 0) {
                x.st0 |= ST0_ABNORMAL;
                x.st1 |= ST1_OR;
            }
            break;
        }
        x.c = id[0];
        x.h = id[1];
        x.r = id[2];
        x.n = id[3];
        /* Only 512-byte sectors numbered 1..spt exist in an image; other IDs are laid
         * down on a real disk but have no place here. */
        if (id[3] == 2 && id[2] >= 1 && id[2] <= u->spt) {
            uint64_t offset =
                (((uint64_t)u->pcn * u->heads + head) * u->spt + id[2] - 1) * SECTOR;
            if (block_write(u->blk, offset, data, SECTOR) != 0) {
                x.st0 |= ST0_ABNORMAL;
                x.st1 |= ST1_DE;
                break;
            }
        }
        if (fdc_tc(f))
            break;
    }
    finish_xfer(f, &x);
}

/* ---- Dispatch ---- */

static void start_execution(struct fdc *f)
{
    f->phase = PHASE_EXECUTION;
    timer_arm(f->m, &f->exec_timer, sched_now(f->m) + FDC_EXEC_NS);
}

void fdc_command_start(struct fdc *f)
{
    const uint8_t *c = f->cmd;
    unsigned n = c[1] & 3;
    uint8_t res[10];
    switch (opcode_of(f)) {
    case CMD_READ:
    case CMD_WRITE:
    case CMD_READ_TRACK:
    case CMD_VERIFY:
    case CMD_READ_ID:
    case CMD_FORMAT:
        start_execution(f);
        return;
    case CMD_RECALIBRATE: {
        /* Without a drive the TRK0 line never comes: equipment check after the steps. */
        uint8_t st0 = (uint8_t)(ST0_SEEK_END | n);
        if (f->unit[n].type == FDC_DRIVE_NONE)
            st0 |= ST0_ABNORMAL | ST0_EQUIP_CHECK;
        fdc_result(f, NULL, 0);
        start_seek(f, n, f->unit[n].type == FDC_DRIVE_NONE ? f->unit[n].pcn : 0, st0);
        return;
    }
    case CMD_SEEK:
        fdc_result(f, NULL, 0);
        start_seek(f, n, c[2], (uint8_t)(ST0_SEEK_END | (c[1] & 7)));
        return;
    case CMD_RELATIVE_SEEK: {
        int target = f->unit[n].pcn + ((c[0] & 0x40) ? c[2] : -(int)c[2]);
        target = target < 0 ? 0 : target > 255 ? 255 : target;
        fdc_result(f, NULL, 0);
        start_seek(f, n, (unsigned)target, (uint8_t)(ST0_SEEK_END | (c[1] & 7)));
        return;
    }
    case CMD_SENSE_INT:
        sense_interrupt(f);
        return;
    case CMD_SPECIFY:
        f->specify[0] = c[1];
        f->specify[1] = c[2];
        fdc_result(f, NULL, 0);
        return;
    case CMD_SENSE_DRIVE: {
        const struct fdc_unit *u = &f->unit[n];
        /* ST3: bits 5 and 3 always read 1 on the 82077AA. */
        res[0] = (uint8_t)(0x28 | (u->write_protected ? 0x40 : 0) | (u->pcn == 0 ? 0x10 : 0) |
                           (c[1] & 7));
        fdc_result(f, res, 1);
        return;
    }
    case CMD_VERSION:
        res[0] = 0x90; /* an enhanced controller (82077AA and later) */
        fdc_result(f, res, 1);
        return;
    case CMD_CONFIGURE:
        f->config = c[2];
        f->pretrk = c[3];
        fdc_result(f, NULL, 0);
        return;
    case CMD_LOCK:
        f->lock = (c[0] & 0x80) != 0;
        res[0] = (uint8_t)(f->lock ? 0x10 : 0x00);
        fdc_result(f, res, 1);
        return;
    case CMD_DUMPREG:
        for (unsigned k = 0; k < 4; k++)
            res[k] = f->unit[k].pcn;
        res[4] = f->specify[0];
        res[5] = f->specify[1];
        res[6] = f->last_eot;
        res[7] = (uint8_t)((f->lock ? 0x80 : 0) | (f->perp & 0x3F));
        res[8] = f->config;
        res[9] = f->pretrk;
        fdc_result(f, res, 10);
        return;
    case CMD_PERPENDICULAR:
        /* OW (bit 7) lets D0-D3 be written; GAP and WGATE always are. */
        f->perp = (c[1] & 0x80) ? (uint8_t)(c[1] & 0x3F) : (uint8_t)((f->perp & 0x3C) | (c[1] & 3));
        fdc_result(f, NULL, 0);
        return;
    default: {
        uint8_t st0 = ST0_INVALID;
        fdc_result(f, &st0, 1);
        return;
    }
    }
}

void fdc_command_finish(struct fdc *f)
{
    switch (opcode_of(f)) {
    case CMD_READ:
    case CMD_WRITE:
    case CMD_READ_TRACK:
    case CMD_VERIFY:
        data_begin(f);
        break;
    case CMD_READ_ID:
        exec_read_id(f);
        break;
    case CMD_FORMAT:
        exec_format(f);
        break;
    default:
        fdc_result(f, NULL, 0);
        break;
    }
}
