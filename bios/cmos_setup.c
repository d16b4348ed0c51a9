/* The PC's CMOS configuration (see cmos_setup.h). The layout is the AT's, with the
 * extensions QEMU and Bochs agree on: 0x30/0x31 and 0x34/0x35 for memory, 0x5B-0x5D for
 * memory above 4 GiB, 0x5F for the CPU count, 0x38/0x3D for the boot order and 0x39 for
 * the disk translation (QEMU hw/i386/pc.c pc_cmos_init, Bochs bios/rombios.c). */
#include "bios/cmos_setup.h"

#include <string.h>

#include "devices/rtc.h"

enum {
    CMOS_FLOPPY = 0x10,
    CMOS_DISK_TYPES = 0x12,
    CMOS_EQUIPMENT = 0x14,
    CMOS_BASE_MEM = 0x15,
    CMOS_EXT_MEM = 0x17,
    CMOS_DISK0_TYPE = 0x19,
    CMOS_DISK1_TYPE = 0x1A,
    CMOS_DISK0_PARAMS = 0x1B,
    CMOS_DISK1_PARAMS = 0x24,
    CMOS_BOCHS_BOOT = 0x2D,
    CMOS_CHECKSUM = 0x2E,
    CMOS_EXT_MEM2 = 0x30,
    CMOS_CENTURY = 0x32,
    CMOS_HIGH_MEM = 0x34,
    CMOS_PS2_CENTURY = 0x37,
    CMOS_BOOT_FLAGS1 = 0x38,
    CMOS_TRANSLATION = 0x39,
    CMOS_BOOT_FLAGS2 = 0x3D,
    CMOS_ABOVE_4G = 0x5B,
    CMOS_CPU_COUNT = 0x5F,
};

static void set16(struct rtc *r, unsigned index, uint32_t value)
{
    if (value > 0xFFFF)
        value = 0xFFFF;
    rtc_set_nvram(r, index, (uint8_t)value);
    rtc_set_nvram(r, index + 1, (uint8_t)(value >> 8));
}

int cmos_boot_nibbles(const char *order, uint16_t *nibbles)
{
    size_t n = order ? strlen(order) : 0;
    if (n == 0 || n > 3)
        return -1;
    uint16_t v = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned nib;
        switch (order[k]) {
        case 'a':
        case 'b':
            nib = 1;
            break;
        case 'c':
            nib = 2;
            break;
        case 'd':
            nib = 3;
            break;
        default:
            return -1;
        }
        v |= (uint16_t)(nib << (4 * k));
    }
    *nibbles = v;
    return 0;
}

/* Drive type 47 ("user defined") and its parameter block, the layout of the AT's fixed
 * disk parameter table: cylinders, heads, write precompensation (none: 0xFFFF), control
 * byte (more than 8 heads: bit 3), landing zone, sectors per track. */
static void set_disk(struct rtc *r, unsigned type_index, unsigned params, uint16_t cyls,
                     uint16_t heads, uint16_t spt)
{
    rtc_set_nvram(r, type_index, 47);
    set16(r, params, cyls);
    rtc_set_nvram(r, params + 2, (uint8_t)heads);
    set16(r, params + 3, 0xFFFF);
    rtc_set_nvram(r, params + 5, (uint8_t)(0xC0 | (heads > 8 ? 0x08 : 0)));
    set16(r, params + 6, cyls);
    rtc_set_nvram(r, params + 8, (uint8_t)spt);
}

uint16_t cmos_checksum(struct rtc *r)
{
    uint16_t sum = 0;
    for (unsigned k = 0x10; k <= 0x2D; k++)
        sum = (uint16_t)(sum + rtc_get_nvram(r, k));
    return sum;
}

void cmos_setup(struct rtc *r, const struct cmos_config *c)
{
    /* Memory: base memory in KiB, extended memory in KiB up to 64 MiB, memory above
     * 16 MiB in 64 KiB units, nothing above 4 GiB. */
    uint32_t kib = c->ram_bytes / 1024;
    set16(r, CMOS_BASE_MEM, kib < 640 ? kib : 640);
    uint32_t ext = kib > 1024 ? kib - 1024 : 0;
    set16(r, CMOS_EXT_MEM, ext);
    set16(r, CMOS_EXT_MEM2, ext);
    uint32_t high = c->ram_bytes > (16u << 20) ? (c->ram_bytes - (16u << 20)) >> 16 : 0;
    set16(r, CMOS_HIGH_MEM, high);
    for (unsigned k = 0; k < 3; k++)
        rtc_set_nvram(r, CMOS_ABOVE_4G + k, 0);
    rtc_set_nvram(r, CMOS_CPU_COUNT, (uint8_t)(c->cpus ? c->cpus - 1 : 0));

    /* Floppies and the equipment byte: bit 0 diskettes present, bits 6-7 their count - 1,
     * bit 1 the coprocessor, bit 2 the PS/2 mouse, bits 4-5 zero for an EGA/VGA. */
    rtc_set_nvram(r, CMOS_FLOPPY, (uint8_t)((c->floppy_type[0] & 0x0F) << 4 |
                                            (c->floppy_type[1] & 0x0F)));
    unsigned floppies = (c->floppy_type[0] != 0) + (c->floppy_type[1] != 0);
    uint8_t equipment = (uint8_t)((c->fpu ? 0x02 : 0) | 0x04);
    if (floppies)
        equipment |= (uint8_t)(0x01 | ((floppies - 1) << 6));
    rtc_set_nvram(r, CMOS_EQUIPMENT, equipment);

    /* Hard disks: the AT's two type bytes describe the primary master and slave; the
     * translation byte covers all four IDE positions, two bits each (0 none, 1 LBA). */
    uint8_t types = 0, translation = 0;
    for (unsigned k = 0; k < 2; k++) {
        rtc_set_nvram(r, k ? CMOS_DISK1_TYPE : CMOS_DISK0_TYPE, 0);
        if (!c->disk[k].present)
            continue;
        types |= (uint8_t)(k ? 0x0F : 0xF0);
        set_disk(r, k ? CMOS_DISK1_TYPE : CMOS_DISK0_TYPE,
                 k ? CMOS_DISK1_PARAMS : CMOS_DISK0_PARAMS, c->disk[k].cylinders,
                 c->disk[k].heads, c->disk[k].sectors);
    }
    rtc_set_nvram(r, CMOS_DISK_TYPES, types);
    for (unsigned k = 0; k < CMOS_IDE_DRIVES; k++) {
        /* QEMU's automatic choice: plain CHS while it fits the INT 13h limits, else LBA. */
        const uint16_t cyls = c->disk[k].cylinders, heads = c->disk[k].heads;
        bool fits = cyls <= 1024 && heads <= 16 && c->disk[k].sectors <= 63;
        if (c->disk[k].present && !fits)
            translation |= (uint8_t)(1u << (2 * k));
    }
    rtc_set_nvram(r, CMOS_TRANSLATION, translation);

    /* Boot order: nibbles of the first two devices in 0x3D, the third in 0x38's high
     * nibble; 0x38 bit 0 set skips the floppy's boot signature check. Old Bochs BIOSes
     * look at 0x2D bit 5 for "floppy first". */
    uint16_t nib = 0;
    if (cmos_boot_nibbles(c->boot_order, &nib) != 0)
        nib = 0x0312; /* the PC default: floppy, hard disk, CD-ROM */
    rtc_set_nvram(r, CMOS_BOOT_FLAGS2, (uint8_t)nib);
    rtc_set_nvram(r, CMOS_BOOT_FLAGS1,
                  (uint8_t)(((nib >> 4) & 0xF0) | (c->floppy_sig_check ? 0 : 1)));
    rtc_set_nvram(r, CMOS_BOCHS_BOOT, (nib & 0x0F) == 1 ? 0x20 : 0x00);

    rtc_set_nvram(r, CMOS_PS2_CENTURY, rtc_get_nvram(r, CMOS_CENTURY));

    uint16_t sum = cmos_checksum(r);
    rtc_set_nvram(r, CMOS_CHECKSUM, (uint8_t)(sum >> 8));
    rtc_set_nvram(r, CMOS_CHECKSUM + 1, (uint8_t)sum);
}
