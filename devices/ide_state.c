/* The saved state of the IDE controller (device "ide", version 1): per channel the
 * control register, selection, INTRQ level and bus-master registers; per drive its task
 * file, the command in flight with its timer and buffered data, and its settings. The
 * images themselves are not saved: the same ones must be attached before a load. */
#include <string.h>

#include "devices/ide_internal.h"
#include "machine/machine.h"

static void put_bool(struct state_buf *b, bool v) { state_put_u8(b, v ? 1 : 0); }
static bool get_bool(struct state_buf *b) { return state_get_u8(b) != 0; }

static void save_drive(const struct ide_drive *d, struct state_buf *out)
{
    const uint8_t regs[13] = { d->feature, d->count, d->lbal, d->lbam, d->lbah,
                               d->hob_feature, d->hob_count, d->hob_lbal, d->hob_lbam,
                               d->hob_lbah, d->device, d->status, d->error };
    state_put_u8(out, (uint8_t)d->kind);
    state_put(out, regs, sizeof regs);
    put_bool(out, d->intrq);
    state_put_u8(out, d->cmd);
    state_put_u8(out, (uint8_t)d->step);
    state_put_u8(out, d->done_status);
    state_put_u8(out, d->done_error);
    put_bool(out, d->done_irq);
    put_bool(out, d->dma_wait);
    put_bool(out, d->timer.armed);
    state_put_u64(out, d->timer.armed ? d->timer.deadline : 0); /* a stale one is noise */
    state_put_u32(out, d->pos);
    state_put_u32(out, d->end);
    state_put_u32(out, d->fill);
    put_bool(out, d->pio_out);
    uint32_t keep = d->end > d->fill ? d->end : d->fill;
    state_put_u32(out, keep);
    state_put(out, d->buf, keep);
    state_put_u64(out, d->lba);
    state_put_u32(out, d->left);
    state_put_u32(out, d->block);
    put_bool(out, d->lba48);
    put_bool(out, d->chs);
    state_put_u16(out, d->cur_cyls);
    state_put_u16(out, d->cur_heads);
    state_put_u16(out, d->cur_spt);
    state_put_u8(out, d->mult);
    state_put_u8(out, d->xfer_mode);
    put_bool(out, d->wcache);
    put_bool(out, d->lookahead);
    put_bool(out, d->keep_settings);
    put_bool(out, d->standby);
    const struct atapi_state *a = &d->atapi;
    state_put(out, a->cdb, sizeof a->cdb);
    state_put_u8(out, a->sense_key);
    state_put_u8(out, a->asc);
    state_put_u8(out, a->ascq);
    put_bool(out, a->unit_attention);
    put_bool(out, a->locked);
    put_bool(out, a->tray_open);
    state_put_u8(out, a->media_event);
    put_bool(out, a->dma);
    state_put_u32(out, a->limit);
    state_put_u32(out, a->lba);
    state_put_u32(out, a->sectors_left);
}

static bool load_drive(struct ide_drive *d, struct state_buf *in)
{
    uint8_t regs[13];
    if (state_get_u8(in) != (uint8_t)d->kind)
        return false; /* saved with another drive here */
    state_get(in, regs, sizeof regs);
    d->feature = regs[0], d->count = regs[1], d->lbal = regs[2], d->lbam = regs[3];
    d->lbah = regs[4], d->hob_feature = regs[5], d->hob_count = regs[6];
    d->hob_lbal = regs[7], d->hob_lbam = regs[8], d->hob_lbah = regs[9];
    d->device = regs[10], d->status = regs[11], d->error = regs[12];
    d->intrq = get_bool(in);
    d->cmd = state_get_u8(in);
    uint8_t step = state_get_u8(in);
    if (step > STEP_ATAPI_DATA)
        return false;
    d->step = (enum ide_step)step;
    d->done_status = state_get_u8(in);
    d->done_error = state_get_u8(in);
    d->done_irq = get_bool(in);
    d->dma_wait = get_bool(in);
    bool armed = get_bool(in);
    uint64_t deadline = state_get_u64(in);
    d->pos = state_get_u32(in);
    d->end = state_get_u32(in);
    d->fill = state_get_u32(in);
    d->pio_out = get_bool(in);
    uint32_t keep = state_get_u32(in);
    if (keep > IDE_BUF_SIZE + 2 || d->pos > IDE_BUF_SIZE + 2 || d->end > IDE_BUF_SIZE + 2 ||
        d->fill > IDE_BUF_SIZE)
        return false;
    state_get(in, d->buf, keep);
    d->lba = state_get_u64(in);
    d->left = state_get_u32(in);
    d->block = state_get_u32(in);
    d->lba48 = get_bool(in);
    d->chs = get_bool(in);
    d->cur_cyls = state_get_u16(in);
    d->cur_heads = state_get_u16(in);
    d->cur_spt = state_get_u16(in);
    d->mult = state_get_u8(in);
    d->xfer_mode = state_get_u8(in);
    d->wcache = get_bool(in);
    d->lookahead = get_bool(in);
    d->keep_settings = get_bool(in);
    d->standby = get_bool(in);
    struct atapi_state *a = &d->atapi;
    state_get(in, a->cdb, sizeof a->cdb);
    a->sense_key = state_get_u8(in);
    a->asc = state_get_u8(in);
    a->ascq = state_get_u8(in);
    a->unit_attention = get_bool(in);
    a->locked = get_bool(in);
    a->tray_open = get_bool(in);
    a->media_event = state_get_u8(in);
    a->dma = get_bool(in);
    a->limit = state_get_u32(in);
    a->lba = state_get_u32(in);
    a->sectors_left = state_get_u32(in);
    if (d->kind == IDE_ATA && (d->cur_heads == 0 || d->cur_spt == 0 || d->block > IDE_MAX_MULT))
        return false;
    if (a->limit > IDE_BUF_SIZE)
        return false;
    /* As PACKET would have taken it: a block must carry a word. 0 is left alone on a disk
     * and while no command is under way (the power-on value), so a state loads as it was
     * saved. */
    bool busy = d->step != STEP_NONE || d->pos < d->end;
    if (d->kind == IDE_ATAPI && (a->limit == 1 || (a->limit == 0 && busy)))
        a->limit = 0xFFFE;
    struct machine *m = ide_machine(d);
    timer_cancel(m, &d->timer);
    if (armed && !in->error)
        timer_arm(m, &d->timer, deadline);
    return !in->error;
}

void ide_save(void *dev, struct state_buf *out)
{
    const struct ide_controller *c = dev;
    for (unsigned k = 0; k < 2; k++) {
        const struct ide_channel *ch = &c->ch[k];
        state_put_u8(out, ch->devctl);
        state_put_u8(out, (uint8_t)ch->sel);
        put_bool(out, ch->irq_level);
        ide_bm_save(&ch->bm, out);
        for (unsigned u = 0; u < 2; u++)
            save_drive(&ch->drive[u], out);
    }
}

bool ide_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct ide_controller *c = dev;
    if (version != 1)
        return false;
    for (unsigned k = 0; k < 2; k++) {
        struct ide_channel *ch = &c->ch[k];
        ch->devctl = state_get_u8(in);
        ch->sel = state_get_u8(in) & 1;
        ch->irq_level = get_bool(in);
        ide_bm_load(&ch->bm, in);
        for (unsigned u = 0; u < 2; u++)
            if (!load_drive(&ch->drive[u], in))
                return false;
    }
    return !in->error;
}
