/* The CMOS configuration bytes a PC BIOS reads at power-on, as QEMU's pc_cmos_init() and
 * Bochs' CMOS setup leave them for SeaBIOS and the Bochs BIOS (IBM PC AT Technical
 * Reference, "CMOS RAM address map"; SeaBIOS src/hw/rtc.h; Bochs bios/rombios.c):
 * memory sizes, floppy and hard disk types, the equipment byte, the boot order, the
 * century and the checksum. */
#ifndef GLASS86_CMOS_SETUP_H
#define GLASS86_CMOS_SETUP_H

#include <stdbool.h>
#include <stdint.h>

struct rtc;

#define CMOS_IDE_DRIVES 4

struct cmos_config {
    uint32_t ram_bytes;              /* RAM below 4 GiB */
    uint8_t floppy_type[2];          /* CMOS drive types of A: and B: (fdc.h), 0 = none */
    struct {
        bool present;                /* a hard disk (not a CD-ROM) at hda..hdd */
        uint16_t cylinders, heads, sectors;
    } disk[CMOS_IDE_DRIVES];
    const char *boot_order;          /* up to three of 'a' floppy, 'c' disk, 'd' CD-ROM */
    bool floppy_sig_check;           /* refuse a floppy boot sector without 55AA */
    bool fpu;                        /* the CPU has an x87 */
    uint8_t cpus;                    /* processors (1) */
};

/* The boot-order nibbles of CMOS 0x3D/0x38 for a --boot string: 1 floppy, 2 hard disk,
 * 3 CD-ROM, first device in the low nibble of 0x3D. -1 when the string is empty, has more than
 * three letters or a letter other than a, b (both floppy), c or d. */
int cmos_boot_nibbles(const char *order, uint16_t *nibbles);

/* Write every configuration byte through rtc_set_nvram() and the standard checksum of
 * 0x10-0x2D into 0x2E (high byte) and 0x2F. The RTC must be created with its century
 * (0x32) already set; it is copied to 0x37, the PS/2 century byte. */
void cmos_setup(struct rtc *r, const struct cmos_config *c);

/* The checksum of CMOS bytes 0x10-0x2D as the BIOS computes it. */
uint16_t cmos_checksum(struct rtc *r);

#endif
