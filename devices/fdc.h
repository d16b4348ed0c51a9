/* The PC floppy disk controller: an Intel 82077AA in PC/AT mode (datasheet 290166) at
 * 0x3F0-0x3F5 and 0x3F7 (0x3F6 belongs to the IDE controller), interrupting on IRQ 6 and
 * moving data on DMA channel 2, with up to two drives holding raw diskette images of
 * the five PC formats (360K, 720K, 1.2M, 1.44M, 2.88M). */
#ifndef GLASS86_FDC_H
#define GLASS86_FDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct block_dev;
struct dma8237;
struct fdc;

#define FDC_PORT 0x3F0
#define FDC_IRQ 6
#define FDC_DMA 2
#define FDC_DRIVES 2          /* drives A: and B: (the 82077AA selects four) */

/* Virtual time from a command's last byte to its interrupt: short, as the brief of a
 * test machine wants, but not zero so that a BIOS sees the execution phase. */
#define FDC_EXEC_NS 50000u    /* read, write, format, read ID */
#define FDC_STEP_NS 20000u    /* per cylinder stepped by SEEK and RECALIBRATE */
#define FDC_RESET_NS 10000u   /* reset released to the ready-change interrupt */

/* The CMOS drive types (register 0x10 nibbles) and the media each reads. */
enum fdc_drive_type {
    FDC_DRIVE_NONE = 0,
    FDC_DRIVE_360K = 1,   /* 5.25" double density: 40 cylinders, 9 sectors */
    FDC_DRIVE_1_2M = 2,   /* 5.25" high density: 80 cylinders, 15 sectors */
    FDC_DRIVE_720K = 3,   /* 3.5" double density: 80 cylinders, 9 sectors */
    FDC_DRIVE_1_44M = 4,  /* 3.5" high density: 80 cylinders, 18 sectors */
    FDC_DRIVE_2_88M = 5,  /* 3.5" extra density: 80 cylinders, 36 sectors */
};

/* Create the controller with no drives, wired to `dma` (channel 2). NULL when out of
 * memory or the ports are taken. */
struct fdc *fdc_create(struct machine *m, struct dma8237 *dma);

/* Connect drive `unit` (0 = A:, 1 = B:) of `type`, with the diskette `blk` in it (a
 * BLOCK_FLOPPY image, or NULL for an empty drive). With type FDC_DRIVE_NONE the type
 * follows the image's size. 0, or -1 with a one-line reason in err (bad unit, an image
 * the drive cannot read). */
int fdc_attach(struct fdc *f, unsigned unit, enum fdc_drive_type type, struct block_dev *blk,
               char *err, size_t errlen);
/* Change the diskette (NULL = eject): the drive's disk-change line goes up. */
int fdc_change_media(struct fdc *f, unsigned unit, struct block_dev *blk);

/* The drive type for the CMOS (FDC_DRIVE_NONE when nothing is connected). */
enum fdc_drive_type fdc_drive_type(const struct fdc *f, unsigned unit);
/* The geometry of a standard diskette image of `bytes` bytes; false for other sizes. */
bool fdc_geometry_for_size(uint64_t bytes, unsigned *cylinders, unsigned *heads,
                           unsigned *sectors, enum fdc_drive_type *type);

#endif
