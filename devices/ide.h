/* The IDE controller of a PC: two ATA channels at the ISA-compatible ports (0x1F0-0x1F7 +
 * 0x3F6 on IRQ 14, 0x170-0x177 + 0x376 on IRQ 15), two drives each: ATA hard disks
 * (ata_disk.c) and ATAPI CD-ROMs (atapi.c), after ATA/ATAPI-6 (T13 1410D). With a
 * bus-master function in front (the PIIX3's, SFF-8038i) the drives also do DMA. */
#ifndef GLASS86_IDE_H
#define GLASS86_IDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct block_dev;
struct ide_controller;

/* Create the controller with both legacy channels and no drives. NULL when the ports or
 * the device table are taken. The machine frees it. */
struct ide_controller *ide_create(struct machine *m);

/* Put a hard disk (a BLOCK_HD image) at channel 0/1, unit 0 (master) / 1 (slave). */
int ide_attach_disk(struct ide_controller *c, unsigned channel, unsigned unit,
                    struct block_dev *blk, char *err, size_t errlen);
/* Put a CD-ROM drive there, with a BLOCK_CD medium or empty (blk = NULL). */
int ide_attach_cdrom(struct ide_controller *c, unsigned channel, unsigned unit,
                     struct block_dev *blk, char *err, size_t errlen);
/* Change the CD-ROM's medium (NULL = eject): the guest sees a UNIT ATTENTION and a media
 * event. A medium the guest has locked stays in; returns -1 then. */
int ide_cdrom_change(struct ide_controller *c, unsigned channel, unsigned unit,
                     struct block_dev *blk);

/* The hard disk's default CHS geometry (for the CMOS disk entries); false if no disk. */
bool ide_get_geometry(struct ide_controller *c, unsigned channel, unsigned unit,
                      uint16_t *cylinders, uint16_t *heads, uint16_t *sectors);

/* Bus-master IDE registers (SFF-8038i, 16 bytes of I/O: per channel command, status and
 * PRD table address), for the PCI function that maps them with its BAR4. Byte accesses;
 * the offset in the block is the port's low four bits. */
uint32_t ide_bm_read(void *controller, uint16_t port, unsigned size);
void ide_bm_write(void *controller, uint16_t port, uint32_t value, unsigned size);
/* A bus master exists (the drives then report DMA modes); `enabled` follows the PCI
 * command register's bus-master bit: without it no DMA moves. */
void ide_set_busmaster(struct ide_controller *c, bool present, bool enabled);

#endif
