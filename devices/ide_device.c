/* The IDE controller as a machine device (see ide.h): creating it with its two legacy
 * channels, attaching hard disks and CD-ROM drives, changing discs, hardware reset, and
 * whether a bus master (the PIIX3's, SFF-8038i) lets the drives do DMA. */
#include "devices/ide.h"

#include <stdio.h>
#include <stdlib.h>

#include "devices/block.h"
#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/ide_internal.h"
#include "machine/machine.h"

static struct ide_drive *slot(struct ide_controller *c, unsigned channel, unsigned unit,
                              char *err, size_t errlen)
{
    if (channel > 1 || unit > 1) {
        snprintf(err, errlen, "IDE channel %u unit %u does not exist (channels 0-1, units 0-1)",
                 channel, unit);
        return NULL;
    }
    struct ide_drive *d = &c->ch[channel].drive[unit];
    if (d->kind != IDE_NONE) {
        snprintf(err, errlen, "IDE channel %u unit %u already has a drive", channel, unit);
        return NULL;
    }
    return d;
}

int ide_attach_disk(struct ide_controller *c, unsigned channel, unsigned unit,
                    struct block_dev *blk, char *err, size_t errlen)
{
    struct ide_drive *d = slot(c, channel, unit, err, errlen);
    if (!d)
        return -1;
    if (!blk || block_get_kind(blk) != BLOCK_HD) {
        snprintf(err, errlen, "IDE channel %u unit %u: a hard disk needs a hard disk image",
                 channel, unit);
        return -1;
    }
    d->kind = IDE_ATA;
    d->blk = blk;
    ata_init_drive(d);
    ide_drive_power_on(d);
    return 0;
}

int ide_attach_cdrom(struct ide_controller *c, unsigned channel, unsigned unit,
                     struct block_dev *blk, char *err, size_t errlen)
{
    struct ide_drive *d = slot(c, channel, unit, err, errlen);
    if (!d)
        return -1;
    if (blk && block_get_kind(blk) != BLOCK_CD) {
        snprintf(err, errlen, "IDE channel %u unit %u: a CD-ROM drive needs a CD image",
                 channel, unit);
        return -1;
    }
    d->kind = IDE_ATAPI;
    d->blk = blk;
    snprintf(d->serial, sizeof d->serial, "GLASS86-CD%u%u", channel, unit);
    snprintf(d->firmware, sizeof d->firmware, "0.1.0");
    snprintf(d->model, sizeof d->model, "GLASS86 DVD-ROM");
    ide_drive_power_on(d);
    return 0;
}

int ide_cdrom_change(struct ide_controller *c, unsigned channel, unsigned unit,
                     struct block_dev *blk)
{
    if (channel > 1 || unit > 1)
        return -1;
    struct ide_drive *d = &c->ch[channel].drive[unit];
    if (d->kind != IDE_ATAPI || (blk && block_get_kind(blk) != BLOCK_CD))
        return -1;
    if (d->atapi.locked && d->blk)
        return -1;
    d->blk = blk;
    atapi_medium_changed(d);
    return 0;
}

bool ide_get_geometry(struct ide_controller *c, unsigned channel, unsigned unit,
                      uint16_t *cylinders, uint16_t *heads, uint16_t *sectors)
{
    if (channel > 1 || unit > 1 || c->ch[channel].drive[unit].kind != IDE_ATA)
        return false;
    const struct ide_drive *d = &c->ch[channel].drive[unit];
    *cylinders = d->cyls;
    *heads = d->heads;
    *sectors = d->spt;
    return true;
}

void ide_set_busmaster(struct ide_controller *c, bool present, bool enabled)
{
    bool was = c->bm_present && c->bm_enabled;
    c->bm_present = present;
    c->bm_enabled = enabled;
    if (was || !present || !enabled)
        return;
    /* Bus mastering just became allowed: a started engine may now serve a drive that
     * waits with its data. */
    for (unsigned k = 0; k < 2; k++)
        for (unsigned u = 0; u < 2; u++) {
            struct ide_drive *d = &c->ch[k].drive[u];
            if (d->dma_wait && ide_bm_active(&c->ch[k])) {
                d->dma_wait = false;
                ide_schedule(d, STEP_DMA, IDE_BLOCK_NS);
            }
        }
}

static void ide_reset(void *dev)
{
    struct ide_controller *c = dev;
    for (unsigned k = 0; k < 2; k++) {
        struct ide_channel *ch = &c->ch[k];
        ch->devctl = 0;
        ch->sel = 0;
        ide_bm_reset(&ch->bm);
        for (unsigned u = 0; u < 2; u++)
            ide_drive_power_on(&ch->drive[u]);
        if (ch->irq_level) {
            ch->irq_level = false;
            machine_set_irq(c->m, ch->irq, false);
        }
    }
}

static void ide_destroy(void *dev)
{
    struct ide_controller *c = dev;
    for (unsigned k = 0; k < 2; k++)
        for (unsigned u = 0; u < 2; u++) {
            timer_cancel(c->m, &c->ch[k].drive[u].timer);
            free(c->ch[k].drive[u].buf);
        }
    free(c);
}

static void ide_dump(void *dev, FILE *out);

static const struct device_ops ide_ops = {
    .name = "ide",
    .state_version = 1,
    .reset = ide_reset,
    .save = ide_save,
    .load = ide_load,
    .destroy = ide_destroy,
    .dump = ide_dump,
};

static int channel_init(struct ide_controller *c, unsigned k)
{
    static const uint16_t bases[2] = { 0x1F0, 0x170 }, ctls[2] = { 0x3F6, 0x376 };
    static const unsigned irqs[2] = { 14, 15 };
    struct ide_channel *ch = &c->ch[k];
    ch->ctl = c;
    ch->index = k;
    ch->base = bases[k];
    ch->ctl_port = ctls[k];
    ch->irq = irqs[k];
    for (unsigned u = 0; u < 2; u++) {
        struct ide_drive *d = &ch->drive[u];
        d->ch = ch;
        d->unit = u;
        d->buf = calloc(1, IDE_BUF_SIZE + 16); /* slack: an odd ATAPI window rounds up */
        if (!d->buf)
            return -1;
        snprintf(d->timer_name, sizeof d->timer_name, "ide%u.%u", k, u);
        timer_init(&d->timer, d->timer_name, ide_drive_timer, d);
    }
    return ide_register_ports(ch);
}

/* Give back the ports a half-built channel registered (a failed ide_create). */
static void unregister_ports(struct iobus *io, struct ide_channel *ch)
{
    const uint16_t ranges[2][2] = { { ch->base, 8 }, { ch->ctl_port, 1 } };
    for (unsigned r = 0; r < 2; r++)
        for (unsigned p = ranges[r][0]; p < (unsigned)ranges[r][0] + ranges[r][1]; p++)
            if (io->owner[p] && io->handlers[io->owner[p] - 1].opaque == ch)
                iobus_unmap(io, (uint16_t)p, 1);
}

struct ide_controller *ide_create(struct machine *m)
{
    struct ide_controller *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->m = m;
    if (channel_init(c, 0) != 0 || channel_init(c, 1) != 0 ||
        machine_add_device(m, &ide_ops, c) != 0) {
        for (unsigned k = 0; k < 2; k++) {
            if (c->ch[k].ctl)
                unregister_ports(&m->io, &c->ch[k]);
            for (unsigned u = 0; u < 2; u++)
                free(c->ch[k].drive[u].buf);
        }
        free(c);
        return NULL;
    }
    ide_reset(c);
    return c;
}

/* `info device ide`: each channel's control and bus-master registers, then each drive's
 * command block registers, status and error decoded, and the command in flight. */
static void ide_dump(void *dev, FILE *out)
{
    static const char *const status_bits[8] = { "err", "idx", "corr", "drq", "dsc", "df",
                                                "drdy", "bsy" };
    static const char *const error_bits[8] = { "amnf", "tk0nf", "abrt", "mcr", "idnf", "mc",
                                               "unc", "icrc" };
    static const char *const steps[] = {
        [STEP_NONE] = "none", [STEP_RESET] = "reset", [STEP_COMPLETE] = "completing",
        [STEP_DATA_IN] = "data in", [STEP_READ] = "reading", [STEP_WRITE] = "writing",
        [STEP_DMA] = "DMA", [STEP_PACKET] = "packet", [STEP_ATAPI_DATA] = "ATAPI data",
    };
    const struct ide_controller *c = dev;
    fprintf(out, "IDE controller: bus master %s\n",
            !c->bm_present ? "absent" : c->bm_enabled ? "present, enabled" : "present, disabled");
    for (unsigned k = 0; k < 2; k++) {
        const struct ide_channel *ch = &c->ch[k];
        fprintf(out, "channel %u (ports %03x-%03x, %03x; IRQ %u %s): unit %u selected, "
                     "device control %02x (%s%s)\n",
                k, ch->base, ch->base + 7, ch->ctl_port, ch->irq, ch->irq_level ? "high" : "low",
                ch->sel, ch->devctl, (ch->devctl & DC_NIEN) ? "interrupts off" : "interrupts on",
                (ch->devctl & DC_SRST) ? ", reset asserted" : "");
        if (c->bm_present)
            fprintf(out, "  bus master: command %02x (%s, %s), status %02x (%s%s%s), PRD table %08x\n",
                    ch->bm.cmd, (ch->bm.cmd & BM_CMD_START) ? "started" : "stopped",
                    (ch->bm.cmd & BM_CMD_READ) ? "to memory" : "from memory", ch->bm.status,
                    (ch->bm.status & BM_ST_ACTIVE) ? "active" : "idle",
                    (ch->bm.status & BM_ST_ERROR) ? ", error" : "",
                    (ch->bm.status & BM_ST_INT) ? ", interrupt" : "", ch->bm.prd);
        for (unsigned u = 0; u < 2; u++) {
            const struct ide_drive *d = &ch->drive[u];
            fprintf(out, "  unit %u: ", u);
            if (d->kind == IDE_NONE) {
                fprintf(out, "nothing attached\n");
                continue;
            }
            if (d->kind == IDE_ATA)
                fprintf(out, "ATA disk \"%s\", %llu sectors (%llu MiB), CHS %u/%u/%u\n", d->model,
                        (unsigned long long)d->sectors,
                        (unsigned long long)(d->sectors * IDE_SECTOR >> 20), d->cur_cyls,
                        d->cur_heads, d->cur_spt);
            else
                fprintf(out, "ATAPI CD-ROM \"%s\", %s%s%s; sense %x/%02x/%02x\n", d->model,
                        d->blk ? "disc in" : "no disc", d->atapi.tray_open ? ", tray open" : "",
                        d->atapi.locked ? ", locked" : "", d->atapi.sense_key, d->atapi.asc,
                        d->atapi.ascq);
            fprintf(out, "    status %02x:", d->status);
            dump_flags(out, d->status, status_bits, 8);
            fprintf(out, "; error %02x:", d->error);
            dump_flags(out, d->error, error_bits, 8);
            fprintf(out, "\n    feature %02x count %02x LBA %02x %02x %02x device %02x (%s, unit %u)%s\n",
                    d->feature, d->count, d->lbah, d->lbam, d->lbal, d->device,
                    (d->device & DEV_LBA) ? "LBA" : "CHS", (d->device & DEV_DEV) ? 1u : 0u,
                    d->intrq ? ", INTRQ pending" : "");
            fprintf(out, "    last command %02x", d->cmd);
            if (d->timer.armed)
                fprintf(out, ", in progress (next: %s at %llu ns)",
                        d->step < sizeof steps / sizeof steps[0] && steps[d->step] ? steps[d->step] : "?",
                        (unsigned long long)d->timer.deadline);
            if (d->status & ST_DRQ)
                fprintf(out, ", PIO window %u of %u bytes (%s)", d->pos, d->end,
                        d->pio_out ? "host writes" : "host reads");
            if (d->kind == IDE_ATA && d->left)
                fprintf(out, ", next LBA %llu, %u sectors left", (unsigned long long)d->lba, d->left);
            fprintf(out, "; multiple %u, transfer mode %02x, write cache %s\n", d->mult,
                    d->xfer_mode, d->wcache ? "on" : "off");
        }
    }
}
