/* An ATA hard disk on a raw image: the command set of ATA/ATAPI-6 (T13 1410D) section 8
 * that BIOSes and Linux use: IDENTIFY DEVICE (8.15), PIO reads and writes single and
 * MULTIPLE, DMA reads and writes, their LBA48 (EXT) forms, CHS addressing with
 * INITIALIZE DEVICE PARAMETERS, READ VERIFY, SEEK, SET FEATURES, FLUSH CACHE. */
#include <stdio.h>
#include <string.h>

#include "devices/block.h"
#include "devices/ide_internal.h"

#define LBA28_MAX 0x0FFFFFFFull

/* The default translation a BIOS sees (words 1, 3, 6): 16 heads and 63 sectors as every
 * disk since the 1990s reports, cylinders capped at 16383 (8.15.11 note); a disk
 * smaller than one such cylinder gets one head. */
void ata_init_drive(struct ide_drive *d)
{
    uint64_t total = block_sectors(d->blk);
    d->sectors = total;
    if (total >= 16383ull * 16 * 63) {
        d->cyls = 16383, d->heads = 16, d->spt = 63;
    } else if (total >= 16 * 63) {
        d->cyls = (uint16_t)(total / (16 * 63)), d->heads = 16, d->spt = 63;
    } else {
        d->heads = 1;
        d->spt = (uint16_t)(total < 63 ? total : 63);
        d->cyls = (uint16_t)(total / d->spt);
    }
    snprintf(d->serial, sizeof d->serial, "GLASS86-HD%u%u", d->ch->index, d->unit);
    snprintf(d->firmware, sizeof d->firmware, "0.1.0");
    snprintf(d->model, sizeof d->model, "GLASS86 HARDDISK");
}

void ata_power_on(struct ide_drive *d)
{
    d->cur_cyls = d->cyls;
    d->cur_heads = d->heads;
    d->cur_spt = d->spt;
    d->mult = 0;
    d->xfer_mode = 0;
    d->wcache = true;
    d->lookahead = true;
    d->keep_settings = false;
    d->standby = false;
}

static void put32(uint16_t *w, unsigned at, uint32_t v)
{
    w[at] = (uint16_t)v;
    w[at + 1] = (uint16_t)(v >> 16);
}

/* IDENTIFY DEVICE data (8.15, table 27). */
static void identify(struct ide_drive *d)
{
    uint16_t w[256] = { 0 };
    bool dma = d->ch->ctl->bm_present;
    w[0] = 0x0040;                        /* fixed disk */
    w[1] = d->cyls;
    w[3] = d->heads;
    w[4] = (uint16_t)(512 * d->spt);      /* retired, but QEMU and Bochs fill 4 and 5: the */
    w[5] = 512;                           /* Bochs BIOS takes its sector size from word 5 */
    w[6] = d->spt;
    ide_put_string(w, 10, 10, d->serial);
    ide_put_string(w, 23, 4, d->firmware);
    ide_put_string(w, 27, 20, d->model);
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[49] = 0x0A00 | (dma ? 0x0100 : 0);  /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x0200;                       /* obsolete PIO timing mode 2 */
    w[53] = 0x0007;                       /* words 54-58, 64-70 and 88 are valid */
    w[54] = d->cur_cyls;
    w[55] = d->cur_heads;
    w[56] = d->cur_spt;
    put32(w, 57, (uint32_t)d->cur_cyls * d->cur_heads * d->cur_spt);
    w[59] = (uint16_t)(0x0100 | d->mult);
    put32(w, 60, (uint32_t)(d->sectors > LBA28_MAX ? LBA28_MAX : d->sectors));
    if (dma) {
        w[63] = 0x0007 | ((d->xfer_mode >> 3) == 4 ? 0x100 << (d->xfer_mode & 7) : 0);
        w[88] = 0x003F | ((d->xfer_mode >> 3) == 8 ? 0x100 << (d->xfer_mode & 7) : 0);
    }
    w[64] = 0x0003;                       /* PIO modes 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;  /* ns: the fastest cycle times of ATA-6 */
    w[80] = 0x007E;                       /* ATA-1 to ATA/ATAPI-6 */
    w[82] = 0x4000 | 0x0040 | 0x0020 | 0x0008; /* NOP, look-ahead, write cache, power mgmt */
    w[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400; /* FLUSH CACHE EXT, FLUSH CACHE, LBA48 */
    w[84] = 0x4000;
    w[85] = (uint16_t)(0x4000 | (d->lookahead ? 0x0040 : 0) | (d->wcache ? 0x0020 : 0) | 0x0008);
    w[86] = 0x2000 | 0x1000 | 0x0400;
    w[87] = 0x4000;
    w[93] = (uint16_t)(0x6000 | (d->unit ? 0x0100 : 0x0001)); /* 80-conductor cable */
    put32(w, 100, (uint32_t)d->sectors);
    put32(w, 102, (uint32_t)(d->sectors >> 32));
    ide_identify_checksum(w);
    for (unsigned k = 0; k < 256; k++) {
        d->buf[2 * k] = (uint8_t)w[k];
        d->buf[2 * k + 1] = (uint8_t)(w[k] >> 8);
    }
    d->fill = 512;
}

/* End the command now with an error, the task file pointing at the failing sector. */
static void write_address(struct ide_drive *d);

static void error_now(struct ide_drive *d, uint8_t error)
{
    write_address(d);
    d->step = STEP_NONE;
    d->status = ST_READY | ST_ERR;
    d->error = error;
    ide_raise(d);
}

/* The command's first sector and sector count from the task file (LBA28, LBA48 or CHS
 * through the current geometry). False, with the command ended by IDNF (ID not found),
 * when they fall outside the disk. */
static bool get_range(struct ide_drive *d, bool lba48, bool with_count, uint64_t *lba,
                      uint32_t *count)
{
    bool valid = true;
    d->lba48 = lba48;
    d->chs = false;
    if (lba48) {
        *lba = (uint64_t)d->hob_lbah << 40 | (uint64_t)d->hob_lbam << 32 |
               (uint64_t)d->hob_lbal << 24 | (uint32_t)d->lbah << 16 | (uint32_t)d->lbam << 8 |
               d->lbal;
        *count = (uint32_t)(d->hob_count << 8 | d->count);
        if (*count == 0)
            *count = 65536;
    } else {
        *count = d->count ? d->count : 256;
        if (d->device & DEV_LBA) {
            *lba = (uint32_t)(d->device & 0x0F) << 24 | (uint32_t)d->lbah << 16 |
                   (uint32_t)d->lbam << 8 | d->lbal;
        } else {
            unsigned c = (unsigned)d->lbah << 8 | d->lbam, h = d->device & 0x0F, s = d->lbal;
            d->chs = true;
            valid = s != 0 && s <= d->cur_spt && h < d->cur_heads && c < d->cur_cyls;
            *lba = valid ? ((uint64_t)c * d->cur_heads + h) * d->cur_spt + s - 1 : 0;
        }
    }
    if (!with_count)
        *count = 1;
    if (!valid || *lba >= d->sectors || *count > d->sectors - *lba) {
        ide_finish(d, ST_READY | ST_ERR, ER_IDNF, true);
        return false;
    }
    return true;
}

/* After each block the task file holds the next sector and the sectors left, in the
 * addressing the command used, so a host can see how far a failed command got. */
static void write_address(struct ide_drive *d)
{
    uint64_t lba = d->lba;
    if (d->chs) {
        uint64_t track = lba / d->cur_spt;
        uint64_t cyl = track / d->cur_heads;
        d->lbal = (uint8_t)(lba % d->cur_spt + 1);
        d->lbam = (uint8_t)cyl;
        d->lbah = (uint8_t)(cyl >> 8);
        d->device = (uint8_t)((d->device & 0xF0) | (track % d->cur_heads));
    } else {
        d->lbal = (uint8_t)lba;
        d->lbam = (uint8_t)(lba >> 8);
        d->lbah = (uint8_t)(lba >> 16);
        if (d->lba48) {
            d->hob_lbal = (uint8_t)(lba >> 24);
            d->hob_lbam = (uint8_t)(lba >> 32);
            d->hob_lbah = (uint8_t)(lba >> 40);
            d->hob_count = (uint8_t)(d->left >> 8);
        } else {
            d->device = (uint8_t)((d->device & 0xF0) | ((lba >> 24) & 0x0F));
        }
    }
    d->count = (uint8_t)d->left;
}

static uint32_t cur_block(const struct ide_drive *d)
{
    return d->left < d->block ? d->left : d->block;
}

static bool is_write(uint8_t cmd)
{
    switch (cmd) {
    case 0x30: case 0x31: case 0x34: case 0x39: case 0xC5: case 0xCA: case 0xCB: case 0x35:
        return true;
    }
    return false;
}

static void start_transfer(struct ide_drive *d, bool lba48, bool multiple, bool dma)
{
    bool write = is_write(d->cmd);
    if ((multiple && d->mult == 0) || (dma && !d->ch->ctl->bm_present) ||
        (write && block_is_read_only(d->blk))) {
        ide_abort(d);
        return;
    }
    uint64_t lba;
    uint32_t count;
    if (!get_range(d, lba48, true, &lba, &count))
        return;
    d->standby = false;
    d->lba = lba;
    d->left = count;
    d->block = multiple ? d->mult : 1;
    if (dma) {
        d->status = ST_BSY;
        ide_schedule(d, STEP_DMA, IDE_CMD_NS);
    } else if (write) {
        ide_pio_start(d, 0, cur_block(d) * IDE_SECTOR, true); /* no interrupt for the first block (9.8) */
    } else {
        d->status = ST_BSY;
        ide_schedule(d, STEP_READ, IDE_CMD_NS);
    }
}

static void read_block(struct ide_drive *d)
{
    uint32_t n = cur_block(d);
    if (block_read(d->blk, d->lba * IDE_SECTOR, d->buf, n * IDE_SECTOR) != 0) {
        error_now(d, ER_UNC);
        return;
    }
    ide_pio_start(d, 0, n * IDE_SECTOR, false);
    ide_raise(d);
}

static void write_block(struct ide_drive *d)
{
    uint32_t n = cur_block(d);
    if (block_write(d->blk, d->lba * IDE_SECTOR, d->buf, n * IDE_SECTOR) != 0) {
        error_now(d, ER_ABRT);
        return;
    }
    d->lba += n;
    d->left -= n;
    write_address(d);
    if (d->left) {
        ide_pio_start(d, 0, cur_block(d) * IDE_SECTOR, true);
        ide_raise(d);
        return;
    }
    if (!d->wcache && block_flush(d->blk) != 0) {
        error_now(d, ER_ABRT);
        return;
    }
    d->status = ST_READY;
    ide_raise(d);
}

/* READ/WRITE DMA: the bus master moves the data chunk by chunk through the PRD table;
 * one interrupt at the end (9.10). */
static void dma(struct ide_drive *d)
{
    struct ide_channel *ch = d->ch;
    if (!ide_bm_active(ch)) {
        d->dma_wait = true; /* DMARQ is up: waiting for the host to start the bus master */
        d->status = ST_READY | ST_DRQ;
        return;
    }
    bool write = is_write(d->cmd);
    d->status = ST_READY | ST_DRQ;
    while (d->left) {
        uint32_t n = d->left < IDE_BUF_SIZE / IDE_SECTOR ? d->left : IDE_BUF_SIZE / IDE_SECTOR;
        uint32_t bytes = n * IDE_SECTOR;
        if (!write && block_read(d->blk, d->lba * IDE_SECTOR, d->buf, bytes) != 0) {
            ide_bm_end(ch);
            error_now(d, ER_UNC);
            return;
        }
        if (ide_bm_move(ch, d->buf, bytes, !write) < bytes) {
            /* The PRD table is shorter than the transfer: the bus master stops, the
             * drive waits for data that never comes, the host times out. */
            ide_bm_short(ch);
            write_address(d);
            d->status = ST_READY;
            return;
        }
        if (write && block_write(d->blk, d->lba * IDE_SECTOR, d->buf, bytes) != 0) {
            ide_bm_end(ch);
            error_now(d, ER_ABRT);
            return;
        }
        d->lba += n;
        d->left -= n;
    }
    write_address(d);
    ide_bm_end(ch);
    if (write && !d->wcache && block_flush(d->blk) != 0) {
        error_now(d, ER_ABRT);
        return;
    }
    d->status = ST_READY;
    ide_raise(d);
}

void ata_step(struct ide_drive *d)
{
    switch (d->step) {
    case STEP_READ:
        read_block(d);
        break;
    case STEP_WRITE:
        write_block(d);
        break;
    case STEP_DMA:
        dma(d);
        break;
    default:
        break;
    }
}

void ata_pio_done(struct ide_drive *d)
{
    if (d->cmd == 0xEC) { /* IDENTIFY DEVICE read out */
        d->status = ST_READY;
        return;
    }
    if (is_write(d->cmd)) {
        d->status = ST_BSY;
        ide_schedule(d, STEP_WRITE, IDE_BLOCK_NS);
        return;
    }
    uint32_t n = cur_block(d);
    d->lba += n;
    d->left -= n;
    write_address(d);
    if (d->left) {
        d->status = ST_BSY;
        ide_schedule(d, STEP_READ, IDE_BLOCK_NS);
    } else {
        d->status = ST_READY; /* the last block needs no further interrupt (9.7) */
    }
}

/* INITIALIZE DEVICE PARAMETERS (8.16): the CHS translation CHS commands use from now on. */
static void init_params(struct ide_drive *d)
{
    unsigned heads = (d->device & 0x0F) + 1u, spt = d->count;
    uint64_t cyls = spt ? d->sectors / (heads * spt) : 0;
    if (cyls == 0) {
        ide_abort(d);
        return;
    }
    d->cur_heads = (uint16_t)heads;
    d->cur_spt = (uint16_t)spt;
    d->cur_cyls = (uint16_t)(cyls > 65535 ? 65535 : cyls);
    ide_finish(d, ST_READY, 0, true);
}

/* SET MULTIPLE MODE (8.39): 0 turns it off; otherwise a power of two up to word 47's. */
static void set_multiple(struct ide_drive *d)
{
    unsigned n = d->count;
    if (n > IDE_MAX_MULT || (n & (n - 1)) != 0) {
        ide_abort(d);
        return;
    }
    d->mult = (uint8_t)n;
    ide_finish(d, ST_READY, 0, true);
}

static void set_features(struct ide_drive *d)
{
    switch (d->feature) {
    case 0x02: d->wcache = true; break;
    case 0x82: /* write cache off: what is cached goes to the medium first */
        d->wcache = false;
        if (block_flush(d->blk) != 0) {
            ide_abort(d);
            return;
        }
        break;
    case 0xAA: d->lookahead = true; break;
    case 0x55: d->lookahead = false; break;
    case 0x66: d->keep_settings = true; break;
    case 0xCC: d->keep_settings = false; break;
    default:
        if (!ide_common_command(d, 0xEF))
            ide_abort(d);
        return;
    }
    ide_finish(d, ST_READY, 0, true);
}

static void verify_or_seek(struct ide_drive *d, bool lba48, bool with_count)
{
    uint64_t lba;
    uint32_t count;
    if (!get_range(d, lba48, with_count, &lba, &count))
        return;
    d->standby = false;
    ide_finish(d, ST_READY, 0, true);
}

void ata_command(struct ide_drive *d, uint8_t cmd)
{
    switch (cmd) {
    case 0xEC: /* IDENTIFY DEVICE */
        identify(d);
        d->status = ST_BSY;
        ide_schedule(d, STEP_DATA_IN, IDE_CMD_NS);
        break;
    case 0x20: case 0x21: case 0x30: case 0x31: /* READ/WRITE SECTORS */
        start_transfer(d, false, false, false);
        break;
    case 0x24: case 0x34: /* READ/WRITE SECTORS EXT */
        start_transfer(d, true, false, false);
        break;
    case 0xC4: case 0xC5: /* READ/WRITE MULTIPLE */
        start_transfer(d, false, true, false);
        break;
    case 0x29: case 0x39: /* READ/WRITE MULTIPLE EXT */
        start_transfer(d, true, true, false);
        break;
    case 0xC8: case 0xC9: case 0xCA: case 0xCB: /* READ/WRITE DMA */
        start_transfer(d, false, false, true);
        break;
    case 0x25: case 0x35: /* READ/WRITE DMA EXT */
        start_transfer(d, true, false, true);
        break;
    case 0x40: case 0x41: /* READ VERIFY SECTORS */
        verify_or_seek(d, false, true);
        break;
    case 0x42: /* READ VERIFY SECTORS EXT */
        verify_or_seek(d, true, true);
        break;
    case 0x70 ... 0x7F: /* SEEK */
        verify_or_seek(d, false, false);
        break;
    case 0x10 ... 0x1F: /* RECALIBRATE */
        ide_finish(d, ST_READY, 0, true);
        break;
    case 0x91:
        init_params(d);
        break;
    case 0xC6:
        set_multiple(d);
        break;
    case 0xE7: case 0xEA: /* FLUSH CACHE (EXT) */
        if (block_flush(d->blk) != 0)
            ide_abort(d);
        else
            ide_finish(d, ST_READY, 0, true);
        break;
    case 0xEF:
        set_features(d);
        break;
    default: /* NOP, DEVICE RESET, IDENTIFY PACKET DEVICE, PACKET and the unknown: ABRT */
        if (!ide_common_command(d, cmd))
            ide_abort(d);
        break;
    }
}
