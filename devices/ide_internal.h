/* What the IDE files share: the register file of a drive and a channel (ATA/ATAPI-6,
 * T13 1410D, section 7), the command engine of ide.c that ata_disk.c and atapi.c drive,
 * and the bus-master DMA walk of ide_bmdma.c (SFF-8038i). */
#ifndef GLASS86_IDE_INTERNAL_H
#define GLASS86_IDE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/ide.h"
#include "machine/sched.h"
#include "machine/state.h"

#define IDE_SECTOR 512u
#define CD_SECTOR 2048u
#define IDE_BUF_SIZE (128u * 1024u)   /* 256 disk sectors or 64 CD sectors per chunk */
#define IDE_MAX_MULT 16u              /* sectors per READ/WRITE MULTIPLE block at most */

/* A fast disk's timing, in virtual ns: a command reaches its data (or its end) after
 * IDE_CMD_NS, each further PIO block after IDE_BLOCK_NS; software reset takes IDE_RESET_NS. */
#define IDE_CMD_NS 20000u
#define IDE_BLOCK_NS 2000u
#define IDE_RESET_NS 20000u

/* Status register (7.15) */
#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DSC 0x10   /* "device seek complete": obsolete, still set by every disk */
#define ST_DRDY 0x40
#define ST_BSY 0x80
#define ST_READY (ST_DRDY | ST_DSC)
/* Error register (7.9) */
#define ER_ABRT 0x04
#define ER_IDNF 0x10
#define ER_UNC 0x40
/* Device control register (7.8) */
#define DC_NIEN 0x02
#define DC_SRST 0x04
#define DC_HOB 0x80
/* Device register (7.10) */
#define DEV_LBA 0x40
#define DEV_DEV 0x10
/* ATAPI interrupt reason, in the Sector Count register (ATA-6 9.10) */
#define IR_COD 0x01
#define IR_IO 0x02

/* Bus-master status bits (SFF-8038i, 3.1.2) */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INT 0x04
#define BM_CMD_START 0x01
#define BM_CMD_READ 0x08   /* bus master writes memory (a device-to-host transfer) */

enum ide_kind { IDE_NONE, IDE_ATA, IDE_ATAPI };

/* What the drive does when its timer fires: the continuation of the command in flight. */
enum ide_step {
    STEP_NONE,
    STEP_RESET,       /* software reset ends: signature, ready */
    STEP_COMPLETE,    /* a command ends with done_status/done_error */
    STEP_DATA_IN,     /* a one-block PIO data-in (IDENTIFY) is ready */
    STEP_READ,        /* ATA: the next block is read from the image */
    STEP_WRITE,       /* ATA: the block the host wrote goes to the image */
    STEP_DMA,         /* the whole transfer moves by bus-master DMA */
    STEP_PACKET,      /* ATAPI: the command packet has arrived */
    STEP_ATAPI_DATA,  /* ATAPI: the next DRQ block is ready */
};

struct atapi_state {
    uint8_t cdb[12];
    uint8_t sense_key, asc, ascq;  /* for REQUEST SENSE */
    bool unit_attention;           /* the medium changed: report it once */
    bool locked;                   /* PREVENT MEDIUM REMOVAL */
    bool tray_open;
    uint8_t media_event;           /* GET EVENT STATUS NOTIFICATION event code pending */
    bool dma;                      /* the data of this command moves by DMA */
    uint32_t limit;                /* PIO byte count limit of this command */
    uint32_t lba;                  /* a READ: the next sector to fetch */
    uint32_t sectors_left;         /* a READ: sectors not yet fetched */
};

struct ide_channel;

struct ide_drive {
    struct ide_channel *ch;
    unsigned unit;
    enum ide_kind kind;
    struct block_dev *blk;         /* NULL: nothing, or a CD drive without a medium */
    char timer_name[8];
    struct timer timer;
    /* Command block registers; the hob_ copies hold the previous write (LBA48). */
    uint8_t feature, count, lbal, lbam, lbah;
    uint8_t hob_feature, hob_count, hob_lbal, hob_lbam, hob_lbah;
    uint8_t device, status, error;
    bool intrq;                    /* interrupt pending until Status is read */
    /* The command in flight */
    uint8_t cmd;
    enum ide_step step;
    uint8_t done_status, done_error;
    bool done_irq;
    bool dma_wait;                 /* data ready; the bus master has not started */
    uint8_t *buf;                  /* IDE_BUF_SIZE + slack */
    uint32_t pos, end;             /* the PIO window while DRQ */
    uint32_t fill;                 /* ATAPI: bytes of reply or sectors in buf */
    bool pio_out;                  /* the host writes the window */
    /* ATA disk */
    uint64_t sectors;
    uint64_t lba;                  /* next sector of the transfer */
    uint32_t left;                 /* sectors still to transfer */
    uint32_t block;                /* sectors in the current DRQ block */
    bool lba48, chs;               /* how the command addressed the disk */
    uint16_t cyls, heads, spt;             /* default geometry (IDENTIFY words 1, 3, 6) */
    uint16_t cur_cyls, cur_heads, cur_spt; /* after INITIALIZE DEVICE PARAMETERS */
    uint8_t mult;                  /* SET MULTIPLE MODE block size, 0 = off */
    uint8_t xfer_mode;             /* SET FEATURES 03h value, 0 = default PIO */
    bool wcache, lookahead, keep_settings, standby;
    char serial[21], firmware[9], model[41];
    struct atapi_state atapi;
};

/* A channel's bus-master registers and the PRD walk in progress. */
struct ide_bm {
    uint8_t cmd, status;
    uint32_t prd;                  /* PRD table address register */
    uint32_t next;                 /* the next PRD entry to load */
    uint32_t addr, left;           /* the current region */
    bool eot;                      /* the current region is the table's last */
    uint32_t entries;              /* entries loaded in this transfer */
};

struct ide_channel {
    struct ide_controller *ctl;
    unsigned index;
    uint16_t base, ctl_port;
    unsigned irq;
    struct ide_drive drive[2];
    unsigned sel;                  /* the DEV bit last written */
    uint8_t devctl;
    bool irq_level;
    struct ide_bm bm;
};

struct ide_controller {
    struct machine *m;
    struct ide_channel ch[2];
    bool bm_present, bm_enabled;
};

/* ide.c: the registers and the engine */
struct machine *ide_machine(const struct ide_drive *d);
int ide_register_ports(struct ide_channel *ch);
void ide_drive_timer(void *opaque);
/* Registers and settings as after power-on (or nothing, for an empty slot). */
void ide_drive_power_on(struct ide_drive *d);
void ide_update_irq(struct ide_channel *ch);
void ide_raise(struct ide_drive *d);
void ide_schedule(struct ide_drive *d, enum ide_step step, uint64_t delay_ns);
/* Open a PIO window [start, start+len) of buf with DRQ; `out` = the host writes it. */
void ide_pio_start(struct ide_drive *d, uint32_t start, uint32_t len, bool out);
/* End the command after IDE_CMD_NS with this status and error, raising INTRQ if irq. */
void ide_finish(struct ide_drive *d, uint8_t status, uint8_t error, bool irq);
void ide_abort(struct ide_drive *d);
void ide_set_signature(struct ide_drive *d);
/* Power and transfer-mode commands both kinds share; false if `cmd` is not one. */
bool ide_common_command(struct ide_drive *d, uint8_t cmd);
void ide_put_string(uint16_t *words, unsigned first, unsigned count, const char *s);
void ide_identify_checksum(uint16_t *words);

/* ide_state.c: the saved state of the whole controller */
void ide_save(void *dev, struct state_buf *out);
bool ide_load(void *dev, struct state_buf *in, uint32_t version);

/* ata_disk.c */
void ata_init_drive(struct ide_drive *d);
void ata_power_on(struct ide_drive *d);
void ata_command(struct ide_drive *d, uint8_t cmd);
void ata_step(struct ide_drive *d);
void ata_pio_done(struct ide_drive *d);

/* atapi.c */
void atapi_power_on(struct ide_drive *d);
void atapi_command(struct ide_drive *d, uint8_t cmd);
void atapi_step(struct ide_drive *d);
void atapi_pio_done(struct ide_drive *d);
void atapi_medium_changed(struct ide_drive *d);

/* ide_bmdma.c */
bool ide_bm_active(const struct ide_channel *ch);
/* Move up to len bytes between buf and the regions of the PRD table; returns the bytes
 * moved, fewer when the table ends first. A region nothing on the bus claims sets the
 * Error bit (a master abort), the way a PCI bus master finds out. */
uint32_t ide_bm_move(struct ide_channel *ch, uint8_t *buf, uint32_t len, bool to_memory);
/* The drive's transfer ended: Active drops if the table ended with it (SFF-8038i table 3). */
void ide_bm_end(struct ide_channel *ch);
/* The table ended before the data: Active drops, no interrupt. */
void ide_bm_short(struct ide_channel *ch);
void ide_bm_reset(struct ide_bm *bm);
void ide_bm_save(const struct ide_bm *bm, struct state_buf *out);
void ide_bm_load(struct ide_bm *bm, struct state_buf *in);

#endif
