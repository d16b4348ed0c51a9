/* The 82077AA's register file in PC/AT mode (Intel 82077AA datasheet 290166, "Register
 * Description", "Reset", "Controller Phases"): DOR, TDR, MSR/DSR, the data FIFO and
 * DIR/CCR; the command, execution and result phases; reset and its ready-change
 * interrupts; the INT output gated by DOR's DMA enable onto IRQ 6; drives and media.
 * The commands themselves are in fdc_cmd.c. */
#include "devices/fdc.h"

#include <stdlib.h>
#include <string.h>

#include "devices/block.h"
#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/fdc_internal.h"
#include "devices/iobus.h"
#include "machine/machine.h"

/* ---- Interrupt and phases ---- */

void fdc_update_irq(struct fdc *f)
{
    /* In PC/AT mode the INT and DRQ pins are tri-stated unless DOR bit 3 is set. */
    bool level = f->int_latch && (f->dor & DOR_DMAEN) && !f->in_reset;
    if (level != f->irq_out) {
        f->irq_out = level;
        machine_set_irq(f->m, FDC_IRQ, level);
    }
}

void fdc_raise_int(struct fdc *f)
{
    f->int_latch = true;
    fdc_update_irq(f);
}

void fdc_result(struct fdc *f, const uint8_t *bytes, unsigned len)
{
    f->cmd_pos = 0;
    f->res_pos = 0;
    if (len == 0) {
        f->phase = PHASE_COMMAND;
        f->res_len = 0;
        return;
    }
    if (len > sizeof f->res)
        len = sizeof f->res;
    memcpy(f->res, bytes, len);
    f->res_len = (uint8_t)len;
    f->phase = PHASE_RESULT;
}

/* Reset (DOR bit 2 low, or DSR bit 7): the command in progress and pending statuses are
 * dropped; CONFIGURE's values return to their defaults unless LOCKed; SPECIFY's and the
 * drives' head positions stay (datasheet, "Reset"). */
static void controller_reset(struct fdc *f)
{
    timer_cancel(f->m, &f->exec_timer);
    f->reset_pending = false;
    f->phase = PHASE_COMMAND;
    f->cmd_pos = 0;
    f->res_len = f->res_pos = 0;
    f->int_latch = false;
    f->x.pio = false;
    for (unsigned k = 0; k < FDC_UNITS; k++) {
        struct fdc_unit *u = &f->unit[k];
        timer_cancel(f->m, &u->seek_timer);
        u->seeking = false;
        u->busy = false;
        u->int_pending = false;
    }
    if (!f->lock) {
        f->config = CONFIG_DEFAULT;
        f->pretrk = 0;
    }
    f->perp &= 0x3C; /* GAP and WGATE clear; the per-drive bits survive */
    fdc_update_irq(f);
}

/* Leaving reset, the controller polls the four drives and finds each one's ready line
 * changed: one interrupt, then four SENSE INTERRUPT STATUS answers (0xC0-0xC3). */
static void schedule_reset_interrupt(struct fdc *f)
{
    f->reset_pending = true;
    timer_arm(f->m, &f->exec_timer, sched_now(f->m) + FDC_RESET_NS);
}

static void exec_timer_fired(void *opaque)
{
    struct fdc *f = opaque;
    if (f->reset_pending) {
        f->reset_pending = false;
        for (unsigned k = 0; k < FDC_UNITS; k++) {
            f->unit[k].int_pending = true;
            f->unit[k].int_st0 = (uint8_t)(ST0_READY_CHANGE | k);
        }
        fdc_raise_int(f);
        return;
    }
    fdc_command_finish(f);
}

/* ---- Registers ---- */

static uint8_t read_msr(const struct fdc *f)
{
    if (f->in_reset)
        return 0;
    uint8_t v = 0;
    for (unsigned k = 0; k < FDC_UNITS; k++)
        if (f->unit[k].busy)
            v |= (uint8_t)(1u << k);
    switch (f->phase) {
    case PHASE_COMMAND:
        v |= MSR_RQM;
        if (f->cmd_pos)
            v |= MSR_CB;
        break;
    case PHASE_EXECUTION:
        /* DMA mode: the host waits for the interrupt. Non-DMA mode: RQM (with DIO for a
         * read) whenever a sector waits in the FIFO for the host. */
        v |= MSR_CB;
        if (fdc_pio_mode(f))
            v |= MSR_NDMA;
        if (f->x.pio)
            v |= (f->cmd[0] & 0x3F) == 0x05 ? MSR_RQM : MSR_RQM | MSR_DIO; /* WRITE DATA */
        break;
    case PHASE_RESULT:
        v |= MSR_RQM | MSR_DIO | MSR_CB;
        break;
    }
    return v;
}

static uint8_t read_fifo(struct fdc *f)
{
    if (!f->in_reset && f->phase == PHASE_EXECUTION)
        return fdc_pio_read(f);
    if (f->in_reset || f->phase != PHASE_RESULT)
        return 0;
    uint8_t v = f->res[f->res_pos++];
    /* Reading the first result byte clears the interrupt (datasheet, "Result Phase"). */
    if (f->res_pos == 1) {
        f->int_latch = false;
        fdc_update_irq(f);
    }
    if (f->res_pos >= f->res_len) {
        f->phase = PHASE_COMMAND;
        f->res_len = f->res_pos = 0;
    }
    return v;
}

static void write_fifo(struct fdc *f, uint8_t v)
{
    if (!f->in_reset && f->phase == PHASE_EXECUTION) {
        fdc_pio_write(f, v);
        return;
    }
    if (f->in_reset || f->phase != PHASE_COMMAND)
        return; /* the controller is not listening: the byte is lost */
    if (f->cmd_pos == 0) {
        unsigned len = fdc_command_length(v);
        if (len == 0) {
            uint8_t st0 = ST0_INVALID;
            fdc_result(f, &st0, 1);
            return;
        }
        f->cmd_len = (uint8_t)len;
    }
    f->cmd[f->cmd_pos++] = v;
    if (f->cmd_pos == f->cmd_len) {
        f->cmd_pos = 0;
        fdc_command_start(f);
    }
}

static void write_dor(struct fdc *f, uint8_t v)
{
    bool was_reset = f->in_reset;
    f->dor = v;
    if (!(v & DOR_NRESET)) {
        if (!was_reset) {
            f->in_reset = true;
            controller_reset(f);
        }
    } else if (was_reset) {
        f->in_reset = false;
        schedule_reset_interrupt(f);
    }
    fdc_update_irq(f);
}

static void write_dsr(struct fdc *f, uint8_t v)
{
    f->dsr = v & 0x7F;
    f->rate = v & 3;
    if (v & 0x80 && !f->in_reset) {
        /* Software reset: self-clearing, so the controller leaves reset at once. */
        controller_reset(f);
        schedule_reset_interrupt(f);
    }
}

static uint32_t fdc_read(void *opaque, uint16_t port, unsigned size)
{
    struct fdc *f = opaque;
    switch (port & 7) {
    case 2:
        return f->dor;
    case 3:
        return f->tdr & 3;
    case 4:
        return read_msr(f);
    case 5:
        return read_fifo(f);
    case 7: {
        /* DIR: only bit 7 (DSKCHG of the selected drive) is driven in PC/AT mode. */
        const struct fdc_unit *u = &f->unit[f->dor & DOR_SELECT];
        return u->type != FDC_DRIVE_NONE && u->changed ? 0x80 : 0x00;
    }
    default:
        return 0xFF; /* SRA/SRB exist in PS/2 mode only */
    }
}

static void fdc_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct fdc *f = opaque;
    uint8_t v = (uint8_t)value;
    switch (port & 7) {
    case 2:
        write_dor(f, v);
        break;
    case 3:
        f->tdr = v & 3;
        break;
    case 4:
        write_dsr(f, v);
        break;
    case 5:
        write_fifo(f, v);
        break;
    case 7:
        f->rate = v & 3; /* CCR */
        break;
    default:
        break;
    }
}

/* ---- Drives ---- */

static const struct {
    uint64_t bytes;
    unsigned cyls, heads, spt;
    enum fdc_drive_type type;
} formats[] = {
    { 368640, 40, 2, 9, FDC_DRIVE_360K },
    { 737280, 80, 2, 9, FDC_DRIVE_720K },
    { 1228800, 80, 2, 15, FDC_DRIVE_1_2M },
    { 1474560, 80, 2, 18, FDC_DRIVE_1_44M },
    { 2949120, 80, 2, 36, FDC_DRIVE_2_88M },
};

bool fdc_geometry_for_size(uint64_t bytes, unsigned *cylinders, unsigned *heads,
                           unsigned *sectors, enum fdc_drive_type *type)
{
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        if (formats[k].bytes == bytes) {
            *cylinders = formats[k].cyls;
            *heads = formats[k].heads;
            *sectors = formats[k].spt;
            *type = formats[k].type;
            return true;
        }
    }
    return false;
}

/* Which media a drive reads: 5.25" drives the 5.25" formats up to their density, 3.5"
 * drives the 3.5" ones. */
static bool drive_reads(enum fdc_drive_type drive, enum fdc_drive_type medium)
{
    switch (drive) {
    case FDC_DRIVE_360K:
        return medium == FDC_DRIVE_360K;
    case FDC_DRIVE_1_2M:
        return medium == FDC_DRIVE_360K || medium == FDC_DRIVE_1_2M;
    case FDC_DRIVE_720K:
        return medium == FDC_DRIVE_720K;
    case FDC_DRIVE_1_44M:
        return medium == FDC_DRIVE_720K || medium == FDC_DRIVE_1_44M;
    case FDC_DRIVE_2_88M:
        return medium == FDC_DRIVE_720K || medium == FDC_DRIVE_1_44M ||
               medium == FDC_DRIVE_2_88M;
    default:
        return false;
    }
}

static int insert(struct fdc_unit *u, struct block_dev *blk, char *err, size_t errlen)
{
    u->blk = NULL;
    u->cyls = u->heads = u->spt = 0;
    u->write_protected = false;
    if (!blk)
        return 0;
    enum fdc_drive_type medium;
    unsigned c, h, s;
    if (!fdc_geometry_for_size(block_size(blk), &c, &h, &s, &medium)) {
        if (err)
            snprintf(err, errlen, "floppy image '%s' has no standard diskette size",
                     block_path(blk));
        return -1;
    }
    if (!drive_reads(u->type, medium)) {
        if (err)
            snprintf(err, errlen, "floppy image '%s' does not fit drive type %d",
                     block_path(blk), (int)u->type);
        return -1;
    }
    u->blk = blk;
    u->cyls = c;
    u->heads = h;
    u->spt = s;
    u->write_protected = block_is_read_only(blk);
    return 0;
}

int fdc_attach(struct fdc *f, unsigned unit, enum fdc_drive_type type, struct block_dev *blk,
               char *err, size_t errlen)
{
    if (unit >= FDC_DRIVES) {
        snprintf(err, errlen, "floppy drive %u does not exist (A: and B: only)", unit);
        return -1;
    }
    if (type == FDC_DRIVE_NONE) {
        unsigned c, h, s;
        if (!blk)
            type = FDC_DRIVE_1_44M;
        else if (!fdc_geometry_for_size(block_size(blk), &c, &h, &s, &type)) {
            snprintf(err, errlen, "floppy image '%s' has no standard diskette size",
                     block_path(blk));
            return -1;
        }
    }
    if (type > FDC_DRIVE_2_88M) {
        snprintf(err, errlen, "unknown floppy drive type %d", (int)type);
        return -1;
    }
    struct fdc_unit *u = &f->unit[unit];
    enum fdc_drive_type old = u->type;
    u->type = type;
    if (insert(u, blk, err, errlen) != 0) {
        u->type = old;
        return -1;
    }
    u->changed = true; /* a drive powers up with its change line set */
    return 0;
}

int fdc_change_media(struct fdc *f, unsigned unit, struct block_dev *blk)
{
    if (unit >= FDC_DRIVES || f->unit[unit].type == FDC_DRIVE_NONE)
        return -1;
    if (insert(&f->unit[unit], blk, NULL, 0) != 0)
        return -1;
    f->unit[unit].changed = true;
    return 0;
}

enum fdc_drive_type fdc_drive_type(const struct fdc *f, unsigned unit)
{
    return unit < FDC_UNITS ? f->unit[unit].type : FDC_DRIVE_NONE;
}

/* ---- Device ---- */

/* Power-on: DOR 0 holds the controller in reset until the BIOS releases it; 250 kb/s;
 * no configuration locked. The drives' heads stay where they are. */
static void fdc_power_on(void *dev)
{
    struct fdc *f = dev;
    f->dor = 0;
    f->tdr = 0;
    f->dsr = 0x02;
    f->rate = 2;
    f->lock = false;
    f->perp = 0;
    f->specify[0] = f->specify[1] = 0;
    f->last_eot = 0;
    f->in_reset = true;
    controller_reset(f);
}

static void save_timer(struct state_buf *out, const struct timer *t)
{
    state_put_u8(out, t->armed);
    state_put_u64(out, t->armed ? t->deadline : 0);
}

static void load_timer(struct machine *m, struct state_buf *in, struct timer *t)
{
    bool armed = state_get_u8(in) != 0;
    uint64_t when = state_get_u64(in);
    if (armed && !in->error)
        timer_arm(m, t, when);
    else
        timer_cancel(m, t);
}

/* State version 2: the registers, the phase with its command and result bytes, the
 * configuration, each drive's head position and pending status, the timers, and the
 * data command in execution with its FIFO sector (version 1 had no non-DMA transfers).
 * The diskettes themselves are host configuration. */
static void fdc_save(void *dev, struct state_buf *out)
{
    struct fdc *f = dev;
    state_put_u8(out, f->dor);
    state_put_u8(out, f->tdr);
    state_put_u8(out, f->rate);
    state_put_u8(out, f->dsr);
    state_put_u8(out, f->in_reset);
    state_put_u8(out, (uint8_t)f->phase);
    state_put(out, f->cmd, sizeof f->cmd);
    state_put_u8(out, f->cmd_len);
    state_put_u8(out, f->cmd_pos);
    state_put(out, f->res, sizeof f->res);
    state_put_u8(out, f->res_len);
    state_put_u8(out, f->res_pos);
    state_put_u8(out, f->int_latch);
    state_put_u8(out, f->reset_pending);
    state_put(out, f->specify, sizeof f->specify);
    state_put_u8(out, f->config);
    state_put_u8(out, f->pretrk);
    state_put_u8(out, f->perp);
    state_put_u8(out, f->lock);
    state_put_u8(out, f->last_eot);
    save_timer(out, &f->exec_timer);
    for (unsigned k = 0; k < FDC_UNITS; k++) {
        const struct fdc_unit *u = &f->unit[k];
        state_put_u8(out, u->pcn);
        state_put_u8(out, u->sector);
        state_put_u8(out, u->changed);
        state_put_u8(out, u->busy);
        state_put_u8(out, u->int_pending);
        state_put_u8(out, u->int_st0);
        state_put_u8(out, u->seeking);
        state_put_u8(out, u->seek_target);
        state_put_u8(out, u->seek_st0);
        save_timer(out, &u->seek_timer);
    }
    const struct fdc_xfer *x = &f->x;
    const uint8_t walk[11] = { x->st0, x->st1, x->st2, x->c, x->h, x->r, x->n, x->head,
                               x->done, x->matched, x->pio };
    state_put(out, walk, sizeof walk);
    state_put_u16(out, x->pos);
    state_put(out, x->buf, sizeof x->buf);
}

static bool fdc_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct fdc *f = dev;
    if (version != 1 && version != 2)
        return false;
    f->dor = state_get_u8(in);
    f->tdr = state_get_u8(in) & 3;
    f->rate = state_get_u8(in) & 3;
    f->dsr = state_get_u8(in) & 0x7F;
    f->in_reset = state_get_u8(in) != 0;
    uint8_t phase = state_get_u8(in);
    f->phase = phase <= PHASE_RESULT ? (enum fdc_phase)phase : PHASE_COMMAND;
    state_get(in, f->cmd, sizeof f->cmd);
    f->cmd_len = state_get_u8(in);
    f->cmd_pos = state_get_u8(in);
    state_get(in, f->res, sizeof f->res);
    f->res_len = state_get_u8(in);
    f->res_pos = state_get_u8(in);
    /* Never trust indices from a file. */
    if (f->cmd_len > sizeof f->cmd || f->cmd_pos >= sizeof f->cmd || f->res_len > sizeof f->res ||
        f->res_pos >= sizeof f->res)
        return false;
    f->int_latch = state_get_u8(in) != 0;
    f->reset_pending = state_get_u8(in) != 0;
    state_get(in, f->specify, sizeof f->specify);
    f->config = state_get_u8(in);
    f->pretrk = state_get_u8(in);
    f->perp = state_get_u8(in);
    f->lock = state_get_u8(in) != 0;
    f->last_eot = state_get_u8(in);
    load_timer(f->m, in, &f->exec_timer);
    for (unsigned k = 0; k < FDC_UNITS; k++) {
        struct fdc_unit *u = &f->unit[k];
        u->pcn = state_get_u8(in);
        u->sector = state_get_u8(in);
        u->changed = state_get_u8(in) != 0;
        u->busy = state_get_u8(in) != 0;
        u->int_pending = state_get_u8(in) != 0;
        u->int_st0 = state_get_u8(in);
        u->seeking = state_get_u8(in) != 0;
        u->seek_target = state_get_u8(in);
        u->seek_st0 = state_get_u8(in);
        load_timer(f->m, in, &u->seek_timer);
    }
    struct fdc_xfer *x = &f->x;
    *x = (struct fdc_xfer){ 0 };
    if (version >= 2) {
        uint8_t walk[11];
        state_get(in, walk, sizeof walk);
        *x = (struct fdc_xfer){ .st0 = walk[0], .st1 = walk[1], .st2 = walk[2], .c = walk[3],
                                .h = walk[4], .r = walk[5], .n = walk[6], .head = walk[7] & 1,
                                .done = walk[8], .matched = walk[9] != 0, .pio = walk[10] != 0 };
        x->pos = state_get_u16(in);
        state_get(in, x->buf, sizeof x->buf);
        if (x->pos >= sizeof x->buf)
            return false;
    }
    fdc_update_irq(f);
    return !in->error;
}

static void fdc_destroy(void *dev)
{
    free(dev);
}

static void fdc_dump(void *dev, FILE *out);

static const struct device_ops fdc_ops = {
    .name = "fdc",
    .state_version = 2,
    .reset = fdc_power_on,
    .save = fdc_save,
    .load = fdc_load,
    .destroy = fdc_destroy,
    .dump = fdc_dump,
};

struct fdc *fdc_create(struct machine *m, struct dma8237 *dma)
{
    struct fdc *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->m = m;
    f->dma = dma;
    timer_init(&f->exec_timer, "fdc", exec_timer_fired, f);
    for (unsigned k = 0; k < FDC_UNITS; k++) {
        f->unit[k].owner = f;
        timer_init(&f->unit[k].seek_timer, "fdc-seek", fdc_seek_done, &f->unit[k]);
    }
    if (machine_add_device(m, &fdc_ops, f) != 0) {
        free(f);
        return NULL;
    }
    fdc_power_on(f);
    /* 0x3F6 is the IDE controller's alternate status / device control register. */
    if (iobus_register(&m->io, FDC_PORT, 6, fdc_read, fdc_write, f, IO_SIZE_8, "fdc") != 0 ||
        iobus_register(&m->io, FDC_PORT + 7, 1, fdc_read, fdc_write, f, IO_SIZE_8, "fdc") != 0)
        return NULL;
    return f;
}

/* `info device fdc`: the registers, the command in progress and its bytes, the settings
 * SPECIFY and CONFIGURE made, and each drive with its diskette and head. */
static void fdc_dump(void *dev, FILE *out)
{
    static const char *const commands[32] = {
        [0x02] = "READ TRACK", [0x03] = "SPECIFY", [0x04] = "SENSE DRIVE STATUS",
        [0x05] = "WRITE DATA", [0x06] = "READ DATA", [0x07] = "RECALIBRATE",
        [0x08] = "SENSE INTERRUPT STATUS", [0x09] = "WRITE DELETED DATA", [0x0A] = "READ ID",
        [0x0C] = "READ DELETED DATA", [0x0D] = "FORMAT TRACK", [0x0E] = "DUMPREG",
        [0x0F] = "SEEK", [0x10] = "VERSION", [0x11] = "SCAN EQUAL",
        [0x12] = "PERPENDICULAR MODE", [0x13] = "CONFIGURE", [0x14] = "LOCK", [0x16] = "VERIFY",
        [0x19] = "SCAN LOW OR EQUAL", [0x1D] = "SCAN HIGH OR EQUAL",
    };
    static const char *const msr_bits[8] = { "busy0", "busy1", "busy2", "busy3", "cb", "ndma",
                                              "dio", "rqm" };
    static const char *const rates[4] = { "500 kbit/s", "300 kbit/s", "250 kbit/s", "1 Mbit/s" };
    static const char *const types[6] = { "none", "5.25\" 360 KB", "5.25\" 1.2 MB",
                                          "3.5\" 720 KB", "3.5\" 1.44 MB", "3.5\" 2.88 MB" };
    const struct fdc *f = dev;
    uint8_t msr = read_msr(f);
    fprintf(out, "82077AA floppy controller (ports 3f0-3f5, 3f7): IRQ 6 %s, DMA 2%s\n",
            f->irq_out ? "high" : "low", f->in_reset ? "; held in reset" : "");
    fprintf(out, "DOR %02x: drive %u selected, motors on", f->dor, f->dor & DOR_SELECT);
    dump_bit_list(out, "drive", f->dor >> 4, 4, 0);
    fprintf(out, "%s, %s, DMA and IRQ %s\n", (f->dor >> 4) ? "" : " none",
            (f->dor & DOR_NRESET) ? "running" : "reset asserted",
            (f->dor & DOR_DMAEN) ? "enabled" : "gated off");
    fprintf(out, "MSR %02x:", msr);
    dump_flags(out, msr, msr_bits, 8);
    fprintf(out, "\nDSR %02x, data rate %s, TDR %02x; INT %s\n", f->dsr, rates[f->rate & 3],
            f->tdr, f->int_latch ? "pending" : "clear");
    uint8_t op = f->cmd_pos ? f->cmd[0] : 0;
    const char *name = commands[op & 0x1F] ? commands[op & 0x1F] : "invalid";
    switch (f->phase) {
    case PHASE_COMMAND:
        if (f->cmd_pos)
            fprintf(out, "command phase: %s, %u of %u bytes in:", name, f->cmd_pos, f->cmd_len);
        else
            fprintf(out, "command phase: waiting for a command");
        for (unsigned k = 0; k < f->cmd_pos; k++)
            fprintf(out, " %02x", f->cmd[k]);
        break;
    case PHASE_EXECUTION:
        fprintf(out, "execution phase: %s", commands[f->cmd[0] & 0x1F] ? commands[f->cmd[0] & 0x1F] : "?");
        for (unsigned k = 0; k < f->cmd_len; k++)
            fprintf(out, " %02x", f->cmd[k]);
        fprintf(out, "; sector C %u H %u R %u N %u", f->x.c, f->x.h, f->x.r, f->x.n);
        break;
    case PHASE_RESULT:
        fprintf(out, "result phase: %u of %u bytes read:", f->res_pos, f->res_len);
        for (unsigned k = 0; k < f->res_len; k++)
            fprintf(out, " %02x", f->res[k]);
        break;
    }
    fprintf(out, "\nSPECIFY %02x %02x: step rate %u, head unload %u, head load %u, %s mode\n",
            f->specify[0], f->specify[1], f->specify[0] >> 4, f->specify[0] & 15,
            f->specify[1] >> 1, (f->specify[1] & 1) ? "non-DMA" : "DMA");
    fprintf(out, "CONFIGURE %02x: implied seeks %s, FIFO %s, polling %s, threshold %u; "
                 "precompensation from track %u; perpendicular %02x; lock %s\n",
            f->config, (f->config & CONFIG_EIS) ? "on" : "off", (f->config & 0x20) ? "off" : "on",
            (f->config & 0x10) ? "off" : "on", (f->config & 15) + 1, f->pretrk, f->perp,
            f->lock ? "on" : "off");
    for (unsigned k = 0; k < FDC_UNITS; k++) {
        const struct fdc_unit *u = &f->unit[k];
        if (u->type == FDC_DRIVE_NONE)
            continue;
        fprintf(out, "drive %u: %s", k, u->type < 6 ? types[u->type] : "?");
        if (u->blk)
            fprintf(out, ", diskette %u/%u/%u (C/H/S)%s", u->cyls, u->heads, u->spt,
                    u->write_protected ? ", write-protected" : "");
        else
            fprintf(out, ", no diskette");
        fprintf(out, "; head at cylinder %u, last sector %u%s%s", u->pcn, u->sector,
                u->changed ? ", disk changed" : "", u->busy ? ", busy" : "");
        if (u->seeking)
            fprintf(out, ", seeking to %u", u->seek_target);
        if (u->int_pending)
            fprintf(out, ", interrupt status ST0 %02x pending", u->int_st0);
        fputc('\n', out);
    }
}
