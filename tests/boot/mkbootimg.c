/* Makes the boot tests' disk images from a 512-byte boot sector, without root and without
 * outside tools:
 *   mkbootimg hd BOOT.bin OUT      a 4 MiB raw hard disk with BOOT as its MBR
 *   mkbootimg floppy BOOT.bin OUT  a 1.44 MB diskette with BOOT as its boot sector
 *   mkbootimg floppyNNNN BOOT.bin OUT  the same as a 360, 720, 1200 or 2880 KB diskette
 *   mkbootimg cd BOOT.bin OUT      an ISO 9660 image with an El Torito no-emulation boot
 *                                  entry loading BOOT (4 virtual sectors) at 07C0:0000
 * Every 512-byte sector after the boot sector (on the CD: every 2048-byte sector after the
 * boot image) starts with a marker, "G86S" or "G86C" and its little-endian LBA, which the
 * boot sector reads back through INT 13h.
 * The ISO follows ECMA-119 (volume descriptors, path tables, root directory) and the El
 * Torito Bootable CD-ROM Format Specification 1.0 (boot record, validation and initial
 * entries), the minimum that a BIOS and a mounting OS both accept. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTOR 512
#define CD_SECTOR 2048

enum { CD_PVD = 16, CD_BOOT_RECORD, CD_TERMINATOR, CD_PATH_L, CD_PATH_M, CD_ROOT, CD_CATALOG,
       CD_IMAGE, CD_TOTAL = 32 };

static void le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (24 - 8 * k));
}

/* ECMA-119 "both-byte orders" fields: little-endian copy, then big-endian. */
static void both16(uint8_t *p, uint16_t v)
{
    le16(p, v);
    be16(p + 2, v);
}

static void both32(uint8_t *p, uint32_t v)
{
    le32(p, v);
    be32(p + 4, v);
}

/* Space-padded string fields (a-characters / d-characters). */
static void text(uint8_t *p, size_t len, const char *s)
{
    memset(p, ' ', len);
    memcpy(p, s, strlen(s) < len ? strlen(s) : len);
}

/* A directory record of 34 bytes for the root ("\0" = ".", "\1" = ".."). */
static void dir_record(uint8_t *p, uint32_t extent, uint32_t size, uint8_t name)
{
    p[0] = 34;
    both32(p + 2, extent);
    both32(p + 10, size);
    /* Recording date: 2024-01-01 00:00:00 UTC, fixed so that images are reproducible. */
    p[18] = 124;
    p[19] = 1;
    p[20] = 1;
    p[25] = 0x02; /* directory */
    both16(p + 28, 1);
    p[32] = 1;
    p[33] = name;
}

/* A 17-byte volume descriptor date: "2024010100000000" and a zero UTC offset. */
static void vd_date(uint8_t *p)
{
    memcpy(p, "2024010100000000", 16);
    p[16] = 0;
}

static int make_cd(uint8_t *img, const uint8_t *boot)
{
    uint8_t *pvd = img + CD_PVD * CD_SECTOR;
    pvd[0] = 1;
    memcpy(pvd + 1, "CD001", 5);
    pvd[6] = 1;
    text(pvd + 8, 32, "");
    text(pvd + 40, 32, "GLASS86_BOOT");
    both32(pvd + 80, CD_TOTAL);
    both16(pvd + 120, 1);           /* volume set size */
    both16(pvd + 124, 1);           /* volume sequence number */
    both16(pvd + 128, CD_SECTOR);
    both32(pvd + 132, 10);          /* path table: the root's entry only */
    le32(pvd + 140, CD_PATH_L);
    be32(pvd + 148, CD_PATH_M);
    dir_record(pvd + 156, CD_ROOT, CD_SECTOR, 0);
    text(pvd + 190, 128, "");
    text(pvd + 318, 128, "GLASS86");
    text(pvd + 446, 128, "GLASS86");
    text(pvd + 574, 128, "GLASS86 MKBOOTIMG");
    text(pvd + 702, 37, "");
    text(pvd + 739, 37, "");
    text(pvd + 776, 37, "");
    vd_date(pvd + 813);
    vd_date(pvd + 830);
    memcpy(pvd + 847, "0000000000000000", 16);
    memcpy(pvd + 864, "0000000000000000", 16);
    pvd[881] = 1;                   /* file structure version */

    uint8_t *br = img + CD_BOOT_RECORD * CD_SECTOR;
    br[0] = 0;
    memcpy(br + 1, "CD001", 5);
    br[6] = 1;
    memcpy(br + 7, "EL TORITO SPECIFICATION", 23); /* zero-padded to 32 bytes */
    le32(br + 0x47, CD_CATALOG);

    uint8_t *term = img + CD_TERMINATOR * CD_SECTOR;
    term[0] = 255;
    memcpy(term + 1, "CD001", 5);
    term[6] = 1;

    /* Path tables: one record for the root (name length 1, name 0). */
    uint8_t *pl = img + CD_PATH_L * CD_SECTOR, *pm = img + CD_PATH_M * CD_SECTOR;
    pl[0] = pm[0] = 1;
    le32(pl + 2, CD_ROOT);
    be32(pm + 2, CD_ROOT);
    le16(pl + 6, 1);
    be16(pm + 6, 1);

    uint8_t *root = img + CD_ROOT * CD_SECTOR;
    dir_record(root, CD_ROOT, CD_SECTOR, 0);
    dir_record(root + 34, CD_ROOT, CD_SECTOR, 1);

    /* Boot catalog: the validation entry (its 16-bit words sum to zero) and the initial
     * entry: bootable, no emulation, default load segment, 4 sectors of 512 bytes. */
    uint8_t *cat = img + CD_CATALOG * CD_SECTOR;
    cat[0] = 1;                     /* header ID */
    cat[1] = 0;                     /* platform: 80x86 */
    memcpy(cat + 4, "GLASS86", 7);
    cat[30] = 0x55;
    cat[31] = 0xAA;
    uint16_t sum = 0;
    for (int k = 0; k < 32; k += 2)
        sum = (uint16_t)(sum + (cat[k] | cat[k + 1] << 8));
    le16(cat + 28, (uint16_t)-sum);
    uint8_t *entry = cat + 32;
    entry[0] = 0x88;                /* bootable */
    entry[1] = 0;                   /* no emulation */
    le16(entry + 2, 0);             /* load segment 0: the default 07C0 */
    entry[4] = 0;                   /* system type */
    le16(entry + 6, 4);
    le32(entry + 8, CD_IMAGE);

    memcpy(img + CD_IMAGE * CD_SECTOR, boot, SECTOR);
    return 0;
}

static void mark(uint8_t *img, size_t size, size_t sector, size_t first, char kind)
{
    for (size_t lba = first; (lba + 1) * sector <= size; lba++) {
        uint8_t *p = img + lba * sector;
        memcpy(p, "G86", 3);
        p[3] = (uint8_t)kind;
        le32(p + 4, (uint32_t)lba);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkbootimg hd|floppy|cd BOOT.bin OUT\n");
        return 1;
    }
    uint8_t boot[SECTOR];
    FILE *in = fopen(argv[2], "rb");
    if (!in || fread(boot, 1, SECTOR, in) != SECTOR) {
        fprintf(stderr, "mkbootimg: cannot read 512 bytes from '%s'\n", argv[2]);
        return 1;
    }
    fclose(in);
    size_t size;
    if (strcmp(argv[1], "hd") == 0)
        size = 4u << 20;
    else if (strcmp(argv[1], "floppy") == 0)
        size = 1474560;
    else if (strcmp(argv[1], "floppy360") == 0)
        size = 368640;
    else if (strcmp(argv[1], "floppy720") == 0)
        size = 737280;
    else if (strcmp(argv[1], "floppy1200") == 0)
        size = 1228800;
    else if (strcmp(argv[1], "floppy2880") == 0)
        size = 2949120;
    else if (strcmp(argv[1], "cd") == 0)
        size = CD_TOTAL * CD_SECTOR;
    else {
        fprintf(stderr, "mkbootimg: unknown image kind '%s'\n", argv[1]);
        return 1;
    }
    uint8_t *img = calloc(1, size);
    if (!img)
        return 1;
    if (strcmp(argv[1], "cd") == 0) {
        make_cd(img, boot);
        mark(img, size, CD_SECTOR, CD_IMAGE + 1, 'C');
    } else {
        memcpy(img, boot, SECTOR);
        mark(img, size, SECTOR, 1, 'S');
    }
    FILE *out = fopen(argv[3], "wb");
    if (!out || fwrite(img, 1, size, out) != size || fclose(out) != 0) {
        fprintf(stderr, "mkbootimg: cannot write '%s'\n", argv[3]);
        return 1;
    }
    free(img);
    return 0;
}
