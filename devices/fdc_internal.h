/* What the floppy controller's register file (fdc.c) and its command set (fdc_cmd.c)
 * share: the controller and drive state of the 82077AA (datasheet 290166). */
#ifndef GLASS86_FDC_INTERNAL_H
#define GLASS86_FDC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/fdc.h"
#include "machine/sched.h"

#define FDC_UNITS 4            /* drive select lines of the 82077AA */

/* Main status register (datasheet, "MSR"). */
#define MSR_RQM 0x80           /* the FIFO is ready for the host */
#define MSR_DIO 0x40           /* 1: controller to host (result phase) */
#define MSR_NDMA 0x20          /* execution phase in non-DMA mode */
#define MSR_CB 0x10            /* a command is in progress */

/* Digital output register. */
#define DOR_SELECT 0x03
#define DOR_NRESET 0x04        /* 0 holds the controller in reset */
#define DOR_DMAEN 0x08         /* PC/AT mode: gates IRQ 6 and DRQ 2 */

/* Status register 0-3 bits (datasheet, "Status Register Encoding"). */
#define ST0_ABNORMAL 0x40
#define ST0_INVALID 0x80
#define ST0_READY_CHANGE 0xC0
#define ST0_SEEK_END 0x20
#define ST0_EQUIP_CHECK 0x10
#define ST1_EN 0x80            /* end of cylinder */
#define ST1_DE 0x20            /* data error (CRC) */
#define ST1_OR 0x10            /* overrun/underrun: the DMA did not keep up */
#define ST1_ND 0x04            /* no data: sector not found */
#define ST1_NW 0x02            /* not writable */
#define ST1_MA 0x01            /* missing address mark */
#define ST2_DD 0x20            /* data error in the data field */
#define ST2_WC 0x10            /* wrong cylinder */

/* CONFIGURE's defaults after reset: implied seeks off, FIFO off, polling on. */
#define CONFIG_DEFAULT 0x20
#define CONFIG_EIS 0x40

enum fdc_phase { PHASE_COMMAND, PHASE_EXECUTION, PHASE_RESULT };

/* A data command in its execution phase: the sector walk of READ DATA, WRITE DATA, READ
 * TRACK and VERIFY, and in non-DMA mode the sector in the FIFO that the host is reading
 * or writing one byte at a time. */
struct fdc_xfer {
    uint8_t st0, st1, st2;
    uint8_t c, h, r, n;            /* the ID of the sector at hand; the result's C/H/R/N */
    uint8_t head;                  /* the head the walk is on */
    uint8_t done;                  /* READ TRACK and VERIFY with EC: sectors done so far */
    bool matched;                  /* READ TRACK: some sector's ID matched the command's */
    bool pio;                      /* a sector is in the FIFO for the host (non-DMA mode) */
    uint16_t pos;                  /* bytes of it the host has taken or given */
    uint8_t buf[512];
};

struct fdc_unit {
    struct fdc *owner;
    enum fdc_drive_type type;      /* FDC_DRIVE_NONE: nothing on this select line */
    struct block_dev *blk;         /* the diskette, or NULL */
    unsigned cyls, heads, spt;     /* the diskette's geometry (0 when empty) */
    bool write_protected;
    uint8_t pcn;                   /* present cylinder number: where the head is */
    uint8_t sector;                /* the last sector that passed the head (READ ID) */
    bool changed;                  /* the drive's DSKCHG line */
    bool busy;                     /* MSR drive-busy bit: a seek began, not yet sensed */
    bool int_pending;              /* a status for SENSE INTERRUPT STATUS */
    uint8_t int_st0;
    bool seeking;                  /* seek_timer is armed for this drive */
    uint8_t seek_target, seek_st0;
    struct timer seek_timer;
};

struct fdc {
    struct machine *m;
    struct dma8237 *dma;
    struct fdc_unit unit[FDC_UNITS];
    uint8_t dor, tdr, rate, dsr;
    bool in_reset;
    enum fdc_phase phase;
    uint8_t cmd[9];
    uint8_t cmd_len, cmd_pos;
    uint8_t res[10];
    uint8_t res_len, res_pos;
    bool int_latch;                /* the INT output before the DMA gate */
    bool irq_out;                  /* the level driven on IRQ 6 */
    bool reset_pending;            /* exec_timer ends a reset, not a command */
    uint8_t specify[2];            /* SRT/HUT, HLT/ND */
    uint8_t config, pretrk, perp;
    bool lock;
    uint8_t last_eot;              /* DUMPREG's SC/EOT byte */
    struct timer exec_timer;
    struct fdc_xfer x;
};

/* fdc.c */
void fdc_update_irq(struct fdc *f);
void fdc_raise_int(struct fdc *f);
/* Enter the result phase with `len` bytes (0: back to the command phase). */
void fdc_result(struct fdc *f, const uint8_t *bytes, unsigned len);

/* fdc_cmd.c */
/* The parameter count of the command starting with `opcode` (command byte included), or
 * 0 when the byte is not a command. */
unsigned fdc_command_length(uint8_t opcode);
/* All bytes of f->cmd are in: start the command (results, execution, seeks). */
void fdc_command_start(struct fdc *f);
/* exec_timer: the execution phase is over. */
void fdc_command_finish(struct fdc *f);
/* A drive's seek timer fired. */
void fdc_seek_done(void *opaque);
/* Non-DMA mode (SPECIFY's ND bit): the execution phase moves data through the FIFO. */
bool fdc_pio_mode(const struct fdc *f);
/* The host read (wrote) one FIFO byte during a non-DMA execution phase. */
uint8_t fdc_pio_read(struct fdc *f);
void fdc_pio_write(struct fdc *f, uint8_t v);

#endif
