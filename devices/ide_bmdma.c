/* Bus-master IDE (SFF-8038i rev 1.0, "Bus Master Programming Interface for IDE ATA
 * Controllers"): per channel a command register (start/stop, direction), a status
 * register (active, error, interrupt, drive DMA capable), and the address of a Physical
 * Region Descriptor table: 8-byte entries {base, byte count (0 = 64 KiB), bit 31 = end of
 * table} that scatter one transfer over guest memory. */
#include <string.h>

#include "devices/ide_internal.h"
#include "machine/machine.h"

/* A PRD table never crosses a 64 KiB boundary (SFF-8038i 1.2), so it has 8192 entries at
 * most; a table without an end bit stops there instead of running through memory. */
#define PRD_MAX_ENTRIES 8192u

void ide_bm_reset(struct ide_bm *bm)
{
    memset(bm, 0, sizeof *bm);
}

bool ide_bm_active(const struct ide_channel *ch)
{
    return ch->ctl->bm_present && ch->ctl->bm_enabled && (ch->bm.status & BM_ST_ACTIVE);
}

static bool load_entry(struct ide_channel *ch)
{
    struct ide_bm *bm = &ch->bm;
    struct machine *m = ch->ctl->m;
    if (bm->eot || bm->entries >= PRD_MAX_ENTRIES)
        return false;
    bm->addr = phys_read(m, bm->next, 4) & ~1u;
    uint32_t count = phys_read(m, bm->next + 4, 2) & 0xFFFEu;
    bm->left = count ? count : 0x10000u;
    bm->eot = (phys_read(m, bm->next + 7, 1) & 0x80) != 0;
    bm->next += 8;
    bm->entries++;
    return true;
}

/* True when RAM or ROM answers at both ends of the region; a bus master reaching an
 * address nobody decodes gets a master abort, which it reports in its Error bit. */
static bool claimed(struct machine *m, uint32_t addr, uint32_t n)
{
    bool w;
    return physmem_host(&m->mem, addr, &w) && physmem_host(&m->mem, addr + n - 1, &w);
}

uint32_t ide_bm_move(struct ide_channel *ch, uint8_t *buf, uint32_t len, bool to_memory)
{
    struct ide_bm *bm = &ch->bm;
    struct machine *m = ch->ctl->m;
    uint32_t done = 0;
    while (done < len) {
        if (bm->left == 0 && !load_entry(ch))
            break;
        uint32_t n = len - done < bm->left ? len - done : bm->left;
        if (!claimed(m, bm->addr, n))
            bm->status |= BM_ST_ERROR;
        /* phys_* go through the code-page checks and the PAM modes of the legacy area,
         * and drop or float accesses nothing answers, so no region can hurt the host. */
        if (to_memory)
            phys_write_bytes(m, bm->addr, buf + done, n);
        else
            phys_read_bytes(m, bm->addr, buf + done, n);
        bm->addr += n;
        bm->left -= n;
        done += n;
    }
    return done;
}

void ide_bm_end(struct ide_channel *ch)
{
    /* Interrupt=1 with Active=0: the table ended exactly with the data. Active stays
     * set when the table is larger than the transfer. */
    if (ch->bm.left == 0 && ch->bm.eot)
        ch->bm.status &= (uint8_t)~BM_ST_ACTIVE;
}

void ide_bm_short(struct ide_channel *ch)
{
    ch->bm.status &= (uint8_t)~BM_ST_ACTIVE;
}

/* The start bit went from 0 to 1: begin the table again, and let a drive that is
 * waiting with its data go. */
static void start(struct ide_channel *ch)
{
    struct ide_bm *bm = &ch->bm;
    bm->status |= BM_ST_ACTIVE;
    bm->next = bm->prd;
    bm->left = 0;
    bm->eot = false;
    bm->entries = 0;
    for (unsigned u = 0; u < 2; u++) {
        struct ide_drive *d = &ch->drive[u];
        if (d->dma_wait) {
            d->dma_wait = false;
            ide_schedule(d, STEP_DMA, IDE_BLOCK_NS);
        }
    }
}

static uint8_t bm_read8(struct ide_controller *c, unsigned off)
{
    const struct ide_bm *bm = &c->ch[off >> 3].bm;
    switch (off & 7) {
    case 0:
        return bm->cmd;
    case 2:
        return bm->status;
    case 4: case 5: case 6: case 7:
        return (uint8_t)(bm->prd >> (8 * ((off & 7) - 4)));
    default:
        return 0; /* reserved */
    }
}

static void bm_write8(struct ide_controller *c, unsigned off, uint8_t v)
{
    struct ide_channel *ch = &c->ch[off >> 3];
    struct ide_bm *bm = &ch->bm;
    switch (off & 7) {
    case 0: {
        bool was = bm->cmd & BM_CMD_START;
        /* The direction may not change while the engine runs (3.1.1). */
        uint8_t dir = was ? (bm->cmd & BM_CMD_READ) : (v & BM_CMD_READ);
        bm->cmd = (uint8_t)((v & BM_CMD_START) | dir);
        if (!was && (v & BM_CMD_START))
            start(ch);
        else if (was && !(v & BM_CMD_START))
            bm->status &= (uint8_t)~BM_ST_ACTIVE; /* stop: whatever was in flight is lost */
        break;
    }
    case 2: /* Error and Interrupt clear when written with 1; the DMA capable bits are R/W */
        bm->status = (uint8_t)((bm->status & ~(0x60 | (v & (BM_ST_ERROR | BM_ST_INT)))) |
                               (v & 0x60));
        break;
    case 4: case 5: case 6: case 7: {
        unsigned shift = 8 * ((off & 7) - 4);
        bm->prd = ((bm->prd & ~(0xFFu << shift)) | ((uint32_t)v << shift)) & ~3u;
        break;
    }
    default:
        break;
    }
}

uint32_t ide_bm_read(void *controller, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint32_t)bm_read8(controller, (port + k) & 0xF) << (8 * k);
    return v;
}

void ide_bm_write(void *controller, uint16_t port, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        bm_write8(controller, (port + k) & 0xF, (uint8_t)(value >> (8 * k)));
}

void ide_bm_save(const struct ide_bm *bm, struct state_buf *out)
{
    state_put_u8(out, bm->cmd);
    state_put_u8(out, bm->status);
    state_put_u32(out, bm->prd);
    state_put_u32(out, bm->next);
    state_put_u32(out, bm->addr);
    state_put_u32(out, bm->left);
    state_put_u8(out, bm->eot);
    state_put_u32(out, bm->entries);
}

void ide_bm_load(struct ide_bm *bm, struct state_buf *in)
{
    bm->cmd = state_get_u8(in);
    bm->status = state_get_u8(in);
    bm->prd = state_get_u32(in);
    bm->next = state_get_u32(in);
    bm->addr = state_get_u32(in);
    bm->left = state_get_u32(in);
    bm->eot = state_get_u8(in) != 0;
    bm->entries = state_get_u32(in);
}
