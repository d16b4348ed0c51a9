/* The ATA hard disk through its registers, as ATA/ATAPI-6 (T13 1410D) and the bus-master
 * IDE spec (SFF-8038i) describe them: IDENTIFY DEVICE, PIO reads and writes (single,
 * MULTIPLE, LBA48, CHS), DMA through PRD tables, error and abort paths, software reset
 * signatures, nIEN and the alternate status, timing, absent devices, saved state. */
#include "chipset_fixture.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "devices/block.h"
#include "devices/ide.h"

#define BASE 0x1F0
#define CTL 0x3F6
#define BM 0xC000
#define DISK_SECTORS 4096u
#define PRD 0x10000u

struct ata {
    struct chipset_fixture *f;
    const char *path;
};

static int setup(void **state)
{
    struct ata *t = calloc(1, sizeof *t);
    t->f = fix_create(16u << 20);
    t->path = fix_make_image(t->f, "disk.img", DISK_SECTORS * 512ull, 512);
    char err[256];
    struct block_dev *b = block_open(t->f->m, t->path, BLOCK_HD, NULL, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(ide_attach_disk(t->f->ide, 0, 0, b, err, sizeof err), 0);
    fix_enable_busmaster(t->f, BM);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct ata *t = *state;
    fix_destroy(t->f);
    free(t);
    return 0;
}

static uint8_t inb(struct chipset_fixture *f, uint16_t port)
{
    return (uint8_t)io_read(f->m, port, 1);
}

static void outb(struct chipset_fixture *f, uint16_t port, uint8_t v)
{
    io_write(f->m, port, v, 1);
}

static void lba28(struct chipset_fixture *f, unsigned dev, uint32_t lba, uint8_t count,
                  uint8_t cmd)
{
    outb(f, BASE + 6, (uint8_t)(0xE0 | dev << 4 | ((lba >> 24) & 0x0F)));
    outb(f, BASE + 2, count);
    outb(f, BASE + 3, (uint8_t)lba);
    outb(f, BASE + 4, (uint8_t)(lba >> 8));
    outb(f, BASE + 5, (uint8_t)(lba >> 16));
    outb(f, BASE + 7, cmd);
}

static void lba48(struct chipset_fixture *f, uint64_t lba, uint16_t count, uint8_t cmd)
{
    outb(f, BASE + 6, 0x40);
    outb(f, BASE + 2, (uint8_t)(count >> 8));
    outb(f, BASE + 3, (uint8_t)(lba >> 24));
    outb(f, BASE + 4, (uint8_t)(lba >> 32));
    outb(f, BASE + 5, (uint8_t)(lba >> 40));
    outb(f, BASE + 2, (uint8_t)count);
    outb(f, BASE + 3, (uint8_t)lba);
    outb(f, BASE + 4, (uint8_t)(lba >> 8));
    outb(f, BASE + 5, (uint8_t)(lba >> 16));
    outb(f, BASE + 7, cmd);
}

/* Read one 512-byte block from the data port with word or dword accesses. */
static void read_block(struct chipset_fixture *f, uint8_t *out, unsigned size)
{
    for (unsigned k = 0; k < 512; k += size) {
        uint32_t v = io_read(f->m, BASE, size);
        memcpy(out + k, &v, size);
    }
}

static void write_block(struct chipset_fixture *f, const uint8_t *in)
{
    for (unsigned k = 0; k < 512; k += 2)
        io_write(f->m, BASE, (uint32_t)(in[k] | in[k + 1] << 8), 2);
}

static void expect_sector(const uint8_t *data, uint64_t lba)
{
    for (unsigned k = 0; k < 512; k++)
        if (data[k] != fix_pattern(lba * 512 + k, 512))
            fail_msg("sector %llu byte %u: %02x, want %02x", (unsigned long long)lba, k,
                     data[k], fix_pattern(lba * 512 + k, 512));
}

static void identify(struct chipset_fixture *f, uint16_t *w)
{
    outb(f, BASE + 6, 0xA0);
    outb(f, BASE + 7, 0xEC);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x58);
    read_block(f, (uint8_t *)w, 2);
    assert_int_equal(inb(f, BASE + 7), 0x50);
}

static void expect_error(struct chipset_fixture *f, uint8_t error)
{
    fix_settle(f);
    assert_true(f->irq[14]);
    assert_int_equal(inb(f, BASE + 7), 0x51);
    assert_int_equal(inb(f, BASE + 1), error);
    assert_false(f->irq[14]);
}

static void test_identify(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    uint16_t w[256];
    outb(f, BASE + 6, 0xA0);
    outb(f, BASE + 7, 0xEC);
    /* not instant: busy, no interrupt, until the drive has had its time */
    assert_int_equal(inb(f, CTL), 0x80);
    fix_advance(f, 5000);
    assert_int_equal(inb(f, CTL), 0x80);
    assert_false(f->irq[14]);
    fix_settle(f);
    assert_true(f->irq[14]);
    assert_int_equal(inb(f, CTL), 0x58);  /* alternate status: no acknowledge */
    assert_true(f->irq[14]);
    assert_int_equal(inb(f, BASE + 7), 0x58);
    assert_false(f->irq[14]);
    read_block(f, (uint8_t *)w, 2);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    assert_int_equal(w[0], 0x0040);
    assert_int_equal(w[1], DISK_SECTORS / (16 * 63));
    assert_int_equal(w[3], 16);
    assert_int_equal(w[6], 63);
    char model[41];
    for (unsigned k = 0; k < 20; k++) {
        model[2 * k] = (char)(w[27 + k] >> 8);
        model[2 * k + 1] = (char)w[27 + k];
    }
    model[40] = 0;
    assert_string_equal(model, "GLASS86 HARDDISK                        ");
    assert_int_equal(w[10] >> 8, 'G');
    assert_int_equal(w[47], 0x8010);
    assert_int_equal(w[49] & 0x0300, 0x0300);       /* LBA and DMA */
    assert_int_equal(w[53] & 7, 7);
    assert_int_equal(w[57] | w[58] << 16, (DISK_SECTORS / 1008) * 1008);
    assert_int_equal(w[60] | w[61] << 16, DISK_SECTORS);
    assert_int_equal(w[63], 0x0007);                /* MWDMA 0-2, none selected */
    assert_int_equal(w[64], 0x0003);
    assert_int_equal(w[83] & 0xC400, 0x4400);       /* LBA48 */
    assert_int_equal(w[85] & 0x0020, 0x0020);       /* write cache on */
    assert_int_equal(w[88], 0x003F);                /* UDMA 0-5 */
    assert_int_equal(w[100] | w[101] << 16, DISK_SECTORS);
    assert_int_equal(w[102] | w[103], 0);
    uint8_t sum = 0;
    for (unsigned k = 0; k < 256; k++)
        sum = (uint8_t)(sum + (w[k] & 0xFF) + (w[k] >> 8));
    assert_int_equal(sum, 0);
    assert_int_equal(w[255] & 0xFF, 0xA5);
}

static void test_pio_read(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    uint8_t data[512];
    lba28(f, 0, 100, 3, 0x20);
    for (unsigned s = 0; s < 3; s++) {
        fix_settle(f);
        assert_int_equal(f->rises[14], s + 1);
        assert_int_equal(inb(f, BASE + 7), 0x58);
        read_block(f, data, s == 1 ? 4 : 2); /* the PIIX takes dword PIO too */
        expect_sector(data, 100 + s);
    }
    fix_settle(f);
    assert_int_equal(f->rises[14], 3);      /* no interrupt after the last block */
    assert_int_equal(inb(f, BASE + 7), 0x50);
    assert_int_equal(inb(f, BASE + 3), 103); /* the task file points past the transfer */
    assert_int_equal(inb(f, BASE + 2), 0);
    /* the data port outside a transfer reads all ones and changes nothing */
    assert_int_equal(io_read(f->m, BASE, 2), 0xFFFF);
    /* count 0 means 256 sectors */
    lba28(f, 0, 0, 0, 0x20);
    for (unsigned s = 0; s < 256; s++) {
        fix_settle(f);
        read_block(f, data, 2);
        expect_sector(data, s);
    }
    assert_int_equal(inb(f, BASE + 7), 0x50);
}

static void test_pio_write(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    uint8_t data[2][512], back[512];
    for (unsigned k = 0; k < 512; k++) {
        data[0][k] = (uint8_t)(k * 3);
        data[1][k] = (uint8_t)~k;
    }
    lba28(f, 0, 200, 2, 0x30);
    /* the first block is asked for at once, without an interrupt */
    assert_int_equal(inb(f, CTL), 0x58);
    assert_false(f->irq[14]);
    write_block(f, data[0]);
    assert_int_equal(inb(f, CTL) & 0x88, 0x80);
    fix_settle(f);
    assert_true(f->irq[14]);
    assert_int_equal(inb(f, BASE + 7), 0x58);
    write_block(f, data[1]);
    fix_settle(f);
    assert_int_equal(f->rises[14], 2);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    for (unsigned s = 0; s < 2; s++) {
        fix_file_read(t->path, (200 + s) * 512ull, back, 512);
        assert_memory_equal(back, data[s], 512);
    }
    /* and read back through the drive */
    lba28(f, 0, 201, 1, 0x20);
    fix_settle(f);
    inb(f, BASE + 7);
    read_block(f, back, 2);
    assert_memory_equal(back, data[1], 512);
}

static void test_multiple(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    uint8_t data[512];
    lba28(f, 0, 0, 4, 0xC4);                  /* READ MULTIPLE before SET MULTIPLE */
    expect_error(f, 0x04);
    lba28(f, 0, 0, 3, 0xC6);                  /* not a power of two */
    expect_error(f, 0x04);
    lba28(f, 0, 0, 32, 0xC6);                 /* more than word 47 allows */
    expect_error(f, 0x04);
    lba28(f, 0, 0, 4, 0xC6);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    uint16_t w[256];
    identify(f, w);
    assert_int_equal(w[59], 0x0104);
    unsigned before = f->rises[14];
    lba28(f, 0, 500, 10, 0xC4);               /* blocks of 4, 4 and 2 */
    for (unsigned blk = 0, s = 0; blk < 3; blk++) {
        fix_settle(f);
        assert_int_equal(inb(f, BASE + 7), 0x58);
        for (unsigned k = 0; k < (blk < 2 ? 4u : 2u); k++, s++) {
            read_block(f, data, 2);
            expect_sector(data, 500 + s);
        }
    }
    assert_int_equal(f->rises[14] - before, 3);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    /* WRITE MULTIPLE: 6 sectors in blocks of 4 and 2 */
    lba28(f, 0, 600, 6, 0xC5);
    memset(data, 0xC3, sizeof data);
    for (unsigned s = 0; s < 6; s++) {
        if (s == 4) {
            fix_settle(f);
            assert_int_equal(inb(f, BASE + 7), 0x58);
        }
        assert_int_equal(inb(f, CTL) & 0x08, 0x08);
        data[0] = (uint8_t)s;
        write_block(f, data);
    }
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    uint8_t back[512];
    fix_file_read(t->path, 605 * 512, back, 512);
    assert_int_equal(back[0], 5);
    assert_int_equal(back[1], 0xC3);
    /* SET MULTIPLE 0 turns it off again */
    lba28(f, 0, 0, 0, 0xC6);
    fix_settle(f);
    inb(f, BASE + 7);
    lba28(f, 0, 0, 1, 0xC4);
    expect_error(f, 0x04);
}

static void test_lba48(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    uint8_t data[512];
    /* READ SECTORS EXT of 257 sectors: the count needs its high byte */
    lba48(f, 1000, 257, 0x24);
    for (unsigned s = 0; s < 257; s++) {
        fix_settle(f);
        read_block(f, data, 2);
        expect_sector(data, 1000 + s);
    }
    assert_int_equal(inb(f, BASE + 7), 0x50);
    /* HOB shows the previous register contents */
    outb(f, BASE + 3, 0x11);
    outb(f, BASE + 3, 0x22);
    outb(f, CTL, 0x80);
    assert_int_equal(inb(f, BASE + 3), 0x11);
    outb(f, CTL, 0x00);
    assert_int_equal(inb(f, BASE + 3), 0x22);
    outb(f, CTL, 0x80);
    outb(f, BASE + 4, 0x33); /* a register write clears HOB */
    assert_int_equal(inb(f, BASE + 3), 0x22);
    /* an LBA above the disk in the high bytes: ID not found */
    lba48(f, (uint64_t)1 << 32, 1, 0x24);
    expect_error(f, 0x10);
}

/* A disk beyond LBA28: a sparse 128 GiB file with a known sector near its end. */
#define BIG_SECTORS ((1ull << 28) + 64)

static int setup_big(void **state)
{
    struct ata *t = calloc(1, sizeof *t);
    t->f = fix_create(8u << 20);
    t->path = fix_make_sparse(t->f, "big.img", BIG_SECTORS * 512);
    uint8_t data[512];
    for (unsigned k = 0; k < 512; k++)
        data[k] = (uint8_t)(k ^ 0x5A);
    fix_file_write(t->path, (BIG_SECTORS - 2) * 512, data, 512);
    char err[256];
    struct block_dev *b = block_open(t->f->m, t->path, BLOCK_HD, NULL, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(ide_attach_disk(t->f->ide, 0, 0, b, err, sizeof err), 0);
    *state = t;
    return 0;
}

/* IDENTIFY caps words 60-61 and reports the whole size in 100-103; the EXT commands
 * reach the far sectors. */
static void test_lba48_large_disk(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    const char *path = t->path;
    const uint64_t sectors = BIG_SECTORS;
    uint8_t data[512], back[512];
    for (unsigned k = 0; k < 512; k++)
        data[k] = (uint8_t)(k ^ 0x5A);
    uint16_t w[256];
    identify(f, w);
    assert_int_equal(w[60] | (uint32_t)w[61] << 16, 0x0FFFFFFF);
    assert_int_equal(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32, sectors);
    assert_int_equal(w[1], 16383);
    lba48(f, sectors - 2, 1, 0x24);
    fix_settle(f);
    inb(f, BASE + 7);
    read_block(f, back, 2);
    assert_memory_equal(back, data, 512);
    /* write the very last sector with WRITE SECTORS EXT */
    lba48(f, sectors - 1, 1, 0x34);
    memset(data, 0x77, sizeof data);
    write_block(f, data);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    fix_file_read(path, (sectors - 1) * 512, back, 512);
    assert_memory_equal(back, data, 512);
    assert_int_equal(inb(f, BASE + 3), 0x40); /* next sector = 2^28 + 64 = 0x10000040 */
    outb(f, CTL, 0x80);
    assert_int_equal(inb(f, BASE + 3), 0x10);
    outb(f, CTL, 0x00);
}

static void chs(struct chipset_fixture *f, unsigned c, unsigned h, unsigned s, uint8_t count,
                uint8_t cmd)
{
    outb(f, BASE + 6, (uint8_t)(0xA0 | h));
    outb(f, BASE + 2, count);
    outb(f, BASE + 3, (uint8_t)s);
    outb(f, BASE + 4, (uint8_t)c);
    outb(f, BASE + 5, (uint8_t)(c >> 8));
    outb(f, BASE + 7, cmd);
}

static void test_chs(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    uint8_t data[512];
    chs(f, 0, 1, 1, 1, 0x20);                  /* default 16/63: LBA 63 */
    fix_settle(f);
    inb(f, BASE + 7);
    read_block(f, data, 2);
    expect_sector(data, 63);
    assert_int_equal(inb(f, BASE + 3), 2);     /* next: C0 H1 S2 */
    chs(f, 0, 0, 0, 1, 0x20);                  /* sector 0 does not exist */
    expect_error(f, 0x10);
    chs(f, 0, 0, 64, 1, 0x20);
    expect_error(f, 0x10);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 32 sectors */
    outb(f, BASE + 6, 0xA3);
    outb(f, BASE + 2, 32);
    outb(f, BASE + 7, 0x91);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    chs(f, 1, 2, 5, 1, 0x20);                  /* (1*4 + 2)*32 + 4 = 196 */
    fix_settle(f);
    inb(f, BASE + 7);
    read_block(f, data, 2);
    expect_sector(data, 196);
    uint16_t w[256];
    identify(f, w);
    assert_int_equal(w[54], DISK_SECTORS / 128);
    assert_int_equal(w[55], 4);
    assert_int_equal(w[56], 32);
    assert_int_equal(w[1], DISK_SECTORS / 1008); /* the default stays */
    outb(f, BASE + 2, 0);                        /* 0 sectors per track: refused */
    outb(f, BASE + 7, 0x91);
    expect_error(f, 0x04);
}

static void prd(struct chipset_fixture *f, unsigned index, uint32_t addr, uint32_t count, bool eot)
{
    phys_write(f->m, PRD + 8 * index, addr, 4);
    phys_write(f->m, PRD + 8 * index + 4, (count & 0xFFFF) | (eot ? 0x80000000u : 0), 4);
}

static void bm_start(struct chipset_fixture *f, bool to_memory)
{
    io_write(f->m, BM + 4, PRD, 4);
    io_write(f->m, BM + 2, 0x06, 1);           /* clear interrupt and error */
    io_write(f->m, BM, to_memory ? 0x09 : 0x01, 1);
}

static void test_dma_read(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    struct machine *m = f->m;
    uint8_t data[2048];
    /* two regions, the table ending exactly with the data */
    prd(f, 0, 0x20000, 1024, false);
    prd(f, 1, 0x30000, 1024, true);
    lba28(f, 0, 300, 4, 0xC8);
    bm_start(f, true);
    assert_int_equal(io_read(m, BM + 2, 1) & 0x01, 0x01);
    fix_settle(f);
    assert_true(f->irq[14]);
    assert_int_equal(io_read(m, BM + 2, 1) & 0x07, 0x04); /* interrupt, not active */
    assert_int_equal(inb(f, BASE + 7), 0x50);
    phys_read_bytes(m, 0x20000, data, 1024);
    phys_read_bytes(m, 0x30000, data + 1024, 1024);
    for (unsigned s = 0; s < 4; s++)
        expect_sector(data + 512 * s, 300 + s);
    io_write(m, BM + 2, 0x04, 1);               /* write 1 to clear */
    assert_int_equal(io_read(m, BM + 2, 1) & 0x04, 0);
    io_write(m, BM, 0x00, 1);
    /* bus master started first, table larger than the transfer: Active stays */
    memset(data, 0, sizeof data);
    phys_write_bytes(m, 0x40000, data, sizeof data);
    prd(f, 0, 0x40000, 0, true);                /* count 0 = 64 KiB */
    bm_start(f, true);
    lba28(f, 0, 8, 2, 0xC8);
    fix_settle(f);
    assert_int_equal(io_read(m, BM + 2, 1) & 0x07, 0x05);
    phys_read_bytes(m, 0x40000, data, 1024);
    expect_sector(data, 8);
    expect_sector(data + 512, 9);
    inb(f, BASE + 7);
    io_write(m, BM, 0x00, 1);
    assert_int_equal(io_read(m, BM + 2, 1) & 0x01, 0x00);
}

static void test_dma_write(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    uint8_t data[1536], back[1536];
    for (unsigned k = 0; k < sizeof data; k++)
        data[k] = (uint8_t)(k * 7 + 1);
    phys_write_bytes(f->m, 0x50000, data, 1000);
    phys_write_bytes(f->m, 0x60000, data + 1000, 536);
    prd(f, 0, 0x50000, 1000, false);
    prd(f, 1, 0x60000, 536, true);
    lba48(f, 700, 3, 0x35);                     /* WRITE DMA EXT */
    bm_start(f, false);
    fix_settle(f);
    assert_true(f->irq[14]);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    fix_file_read(t->path, 700 * 512, back, sizeof back);
    assert_memory_equal(back, data, sizeof data);
}

static void test_dma_bad_tables(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    struct machine *m = f->m;
    /* shorter than the transfer: the engine stops, no interrupt, the host will time out */
    prd(f, 0, 0x20000, 512, true);
    lba28(f, 0, 0, 4, 0xC8);
    bm_start(f, true);
    fix_settle(f);
    assert_false(f->irq[14]);
    assert_int_equal(io_read(m, BM + 2, 1) & 0x07, 0x00);
    assert_int_equal(inb(f, BASE + 7) & 0x80, 0);
    io_write(m, BM, 0x00, 1);
    /* regions outside RAM: the data goes nowhere, the Error bit says so */
    prd(f, 0, 0xFFF00000u, 4096, true);
    lba28(f, 0, 0, 8, 0xC8);
    bm_start(f, true);
    fix_settle(f);
    assert_true(f->irq[14]);
    assert_int_equal(io_read(m, BM + 2, 1) & 0x06, 0x06);
    inb(f, BASE + 7);
    io_write(m, BM, 0x00, 1);
    /* a table at the very top of the address space, and one without an end bit */
    io_write(m, BM + 4, 0xFFFFFFF8u, 4);
    io_write(m, BM + 2, 0x06, 1);
    io_write(m, BM, 0x09, 1);
    lba28(f, 0, 0, 1, 0xC8);
    fix_settle(f);
    inb(f, BASE + 7);
    io_write(m, BM, 0x00, 1);
    for (unsigned k = 0; k < 4; k++)
        prd(f, k, 0x100000 + 0x200 * k, 0x200, false);
    lba28(f, 0, 0, 8, 0xC8);                    /* 4 KiB over 512-byte regions... */
    bm_start(f, true);
    fix_settle(f);                              /* ...and the zeroed entries after them */
    assert_true(f->irq[14]);
    inb(f, BASE + 7);
    /* bus mastering disabled in PCI: the drive waits until it is allowed */
    io_write(m, BM, 0x00, 1);
    fix_pci_write(f, 1, 1, 0x04, 0x0001, 2);
    prd(f, 0, 0x20000, 512, true);
    lba28(f, 0, 42, 1, 0xC8);
    bm_start(f, true);
    fix_settle(f);
    assert_false(f->irq[14]);
    assert_int_equal(inb(f, CTL), 0x58);        /* DRQ: DMARQ is up */
    fix_pci_write(f, 1, 1, 0x04, 0x0005, 2);
    fix_settle(f);
    assert_true(f->irq[14]);
    uint8_t data[512];
    phys_read_bytes(m, 0x20000, data, 512);
    expect_sector(data, 42);
}

static void test_errors(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    outb(f, BASE + 6, 0xA0);
    static const uint8_t refused[] = { 0xFF, 0x00, 0xA1, 0xA0, 0x08, 0xB0, 0x50 };
    for (unsigned k = 0; k < sizeof refused; k++) {
        outb(f, BASE + 7, refused[k]);
        expect_error(f, 0x04);
    }
    lba28(f, 0, DISK_SECTORS - 1, 2, 0x20);     /* past the end */
    expect_error(f, 0x10);
    lba28(f, 0, DISK_SECTORS, 1, 0x40);         /* READ VERIFY past the end */
    expect_error(f, 0x10);
    lba28(f, 0, DISK_SECTORS - 2, 2, 0x40);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    lba28(f, 0, 5, 0, 0x70);                    /* SEEK */
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    outb(f, BASE + 1, 0x99);                    /* unknown SET FEATURES subcommand */
    outb(f, BASE + 7, 0xEF);
    expect_error(f, 0x04);
    /* a command while busy is ignored */
    lba28(f, 0, 0, 1, 0x20);
    outb(f, BASE + 7, 0xEC);
    fix_settle(f);
    uint8_t data[512];
    inb(f, BASE + 7);
    read_block(f, data, 2);
    expect_sector(data, 0);
}

static void test_features_and_power(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    uint16_t w[256];
    outb(f, BASE + 1, 0x03);                    /* transfer mode: MWDMA2 */
    outb(f, BASE + 2, 0x22);
    outb(f, BASE + 7, 0xEF);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    identify(f, w);
    assert_int_equal(w[63], 0x0407);
    assert_int_equal(w[88], 0x003F);
    outb(f, BASE + 1, 0x03);                    /* UDMA5 */
    outb(f, BASE + 2, 0x45);
    outb(f, BASE + 7, 0xEF);
    fix_settle(f);
    identify(f, w);
    assert_int_equal(w[63], 0x0007);
    assert_int_equal(w[88], 0x203F);
    outb(f, BASE + 1, 0x03);                    /* UDMA7 does not exist */
    outb(f, BASE + 2, 0x47);
    outb(f, BASE + 7, 0xEF);
    expect_error(f, 0x04);
    outb(f, BASE + 1, 0x82);                    /* write cache off */
    outb(f, BASE + 7, 0xEF);
    fix_settle(f);
    identify(f, w);
    assert_int_equal(w[85] & 0x0020, 0);
    outb(f, BASE + 7, 0xE5);                    /* CHECK POWER MODE: active */
    fix_settle(f);
    inb(f, BASE + 7);
    assert_int_equal(inb(f, BASE + 2), 0xFF);
    outb(f, BASE + 7, 0xE0);                    /* STANDBY IMMEDIATE */
    fix_settle(f);
    outb(f, BASE + 7, 0xE5);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 2), 0x00);
    outb(f, BASE + 7, 0xE1);                    /* IDLE IMMEDIATE */
    fix_settle(f);
    outb(f, BASE + 7, 0xE5);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 2), 0xFF);
    static const uint8_t fine[] = { 0xE7, 0xEA, 0xE3, 0xE2, 0x10, 0x1F };
    for (unsigned k = 0; k < sizeof fine; k++) {
        outb(f, BASE + 7, fine[k]);
        fix_settle(f);
        assert_int_equal(inb(f, BASE + 7), 0x50);
    }
}

static void test_reset_signatures(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    char err[256];
    const char *iso = fix_make_image(f, "cd.iso", 32 * 2048, 2048);
    struct block_dev *cd = block_open(f->m, iso, BLOCK_CD, NULL, err, sizeof err);
    assert_non_null(cd);
    assert_int_equal(ide_attach_cdrom(f->ide, 0, 1, cd, err, sizeof err), 0);
    lba28(f, 0, 0x123456, 7, 0x20 + 0); /* leave junk in the registers (and an error) */
    fix_settle(f);
    inb(f, BASE + 7);
    unsigned rises = f->rises[14];
    outb(f, CTL, 0x04);                         /* SRST */
    assert_int_equal(inb(f, CTL), 0x80);
    outb(f, CTL, 0x00);
    assert_int_equal(inb(f, CTL), 0x80);        /* busy until the reset completes */
    fix_settle(f);
    assert_int_equal(f->rises[14], rises);      /* soft reset does not interrupt */
    outb(f, BASE + 6, 0x00);
    const uint8_t ata_sig[5] = { 0x01, 0x01, 0x00, 0x00, 0x00 };
    for (unsigned k = 0; k < 5; k++)
        assert_int_equal(inb(f, BASE + 2 + k), ata_sig[k]);
    assert_int_equal(inb(f, BASE + 1), 0x01);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    /* after SRST the registers are read before anything is written: the slave */
    outb(f, CTL, 0x04);
    outb(f, CTL, 0x00);
    fix_settle(f);
    outb(f, BASE + 6, 0x10);
    assert_int_equal(inb(f, BASE + 2), 0x01);
    assert_int_equal(inb(f, BASE + 3), 0x01);
    assert_int_equal(inb(f, BASE + 4), 0x14);
    assert_int_equal(inb(f, BASE + 5), 0xEB);
    assert_int_equal(inb(f, BASE + 1), 0x01);
    assert_int_equal(inb(f, BASE + 7), 0x00);
    /* EXECUTE DEVICE DIAGNOSTIC: both signatures again, device 0 interrupts */
    outb(f, BASE + 6, 0x00);
    outb(f, BASE + 3, 0x77);
    outb(f, BASE + 7, 0x90);
    fix_settle(f);
    assert_true(f->irq[14]);
    assert_int_equal(inb(f, BASE + 1), 0x01);
    assert_int_equal(inb(f, BASE + 3), 0x01);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    outb(f, BASE + 6, 0x10);
    assert_int_equal(inb(f, BASE + 4), 0x14);
}

static void test_nien(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    outb(f, CTL, 0x02);                         /* nIEN */
    lba28(f, 0, 1, 1, 0x20);
    fix_settle(f);
    assert_false(f->irq[14]);
    assert_int_equal(inb(f, CTL), 0x58);
    outb(f, CTL, 0x00);                         /* the pending interrupt shows now */
    assert_true(f->irq[14]);
    inb(f, BASE + 7);
    assert_false(f->irq[14]);
    /* the INTRQ of an unselected device stays off the line */
    uint8_t data[512];
    read_block(f, data, 2);
    lba28(f, 0, 1, 1, 0x20);
    outb(f, BASE + 6, 0xB0);                    /* select device 1 (absent) */
    fix_settle(f);
    assert_false(f->irq[14]);
    outb(f, BASE + 6, 0xA0);
    assert_true(f->irq[14]);
}

static void test_absent_devices(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    outb(f, BASE + 6, 0xB0);                    /* device 1: nobody */
    assert_int_equal(inb(f, BASE + 7), 0x00);
    assert_int_equal(inb(f, CTL), 0x00);
    outb(f, BASE + 2, 0x55);
    outb(f, BASE + 3, 0xAA);
    assert_int_equal(inb(f, BASE + 2), 0x55);   /* latched, as device 0 also did */
    outb(f, BASE + 7, 0xEC);                    /* ignored */
    fix_settle(f);
    assert_false(f->irq[14]);
    assert_int_equal(io_read(f->m, BASE, 2), 0xFFFF);
    /* A software reset with device 1 selected: device 0 is busy and holds the bus, so the
     * BSY a BIOS waits for shows at once, then 00h again once device 0 is done. */
    outb(f, CTL, 0x04);
    assert_int_equal(inb(f, BASE + 7), 0x80);
    assert_int_equal(inb(f, CTL), 0x80);
    outb(f, CTL, 0x00);
    assert_int_equal(inb(f, CTL), 0x80);
    fix_settle(f);
    outb(f, BASE + 6, 0xB0);
    assert_int_equal(inb(f, BASE + 7), 0x00);
    assert_int_equal(inb(f, CTL), 0x00);
    outb(f, BASE + 6, 0xA0);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    /* the empty secondary channel floats: all ones */
    assert_int_equal(inb(f, 0x177), 0xFF);
    assert_int_equal(inb(f, 0x376), 0xFF);
    outb(f, 0x172, 0x55);
    assert_int_equal(inb(f, 0x172), 0xFF);
    outb(f, 0x177, 0xEC);
    fix_settle(f);
    assert_false(f->irq[15]);
}

static void test_io_errors(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    uint8_t data[512];
    /* a write the host refuses (the file size limit): the command fails, no crash */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    lba28(f, 0, 16, 1, 0x30);
    memset(data, 0xEE, sizeof data);
    write_block(f, data);
    expect_error(f, 0x04);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    /* the image shrinks behind our back: reads of the lost part fail with UNC */
    assert_int_equal(truncate(t->path, 1024 * 512), 0);
    lba28(f, 0, 2000, 1, 0x20);
    expect_error(f, 0x40);
    prd(f, 0, 0x20000, 512, true);
    lba28(f, 0, 2000, 1, 0xC8);
    bm_start(f, true);
    expect_error(f, 0x40);
    lba28(f, 0, 10, 1, 0x20);                   /* what is left still reads */
    fix_settle(f);
    inb(f, BASE + 7);
    read_block(f, data, 2);
    expect_sector(data, 10);
}

static const struct device_instance *ide_instance(struct machine *m)
{
    for (int k = 0; k < m->device_count; k++)
        if (strcmp(m->devices[k].ops->name, "ide") == 0)
            return &m->devices[k];
    return NULL;
}

/* Saved in the middle of a PIO transfer, loaded later: the transfer goes on from there. */
static void test_state_mid_transfer(void **state)
{
    struct chipset_fixture *f = ((struct ata *)*state)->f;
    const struct device_instance *ide = ide_instance(f->m);
    assert_non_null(ide);
    uint8_t first[512], second[512];
    lba28(f, 0, 50, 2, 0x20);
    fix_settle(f);
    inb(f, BASE + 7);
    for (unsigned k = 0; k < 200; k += 2)
        io_read(f->m, BASE, 2);
    struct state_buf saved = { 0 };
    ide->ops->save(ide->dev, &saved);
    assert_false(saved.error);
    for (unsigned k = 200; k < 512; k += 2) {
        uint16_t v = (uint16_t)io_read(f->m, BASE, 2);
        memcpy(first + k, &v, 2);
    }
    fix_settle(f);
    read_block(f, second, 2);
    expect_sector(second, 51);
    machine_reset(f->m);
    assert_true(ide->ops->load(ide->dev, &saved, 1));
    for (unsigned k = 200; k < 512; k += 2) {
        uint16_t v = (uint16_t)io_read(f->m, BASE, 2);
        assert_memory_equal(first + k, &v, 2);
    }
    fix_settle(f);
    read_block(f, second, 2);
    expect_sector(second, 51);
    saved.pos = 0;
    assert_false(ide->ops->load(ide->dev, &saved, 2));
    state_free(&saved);
}

/* Bad guest input never crashes: random accesses of every width to every IDE and
 * bus-master register, with random PRD tables and commands, while time passes. */
static void test_random_io(void **state)
{
    struct ata *t = *state;
    struct chipset_fixture *f = t->f;
    char err[256];
    const char *iso = fix_make_image(f, "fuzz.iso", 80 * 2048, 2048);
    struct block_dev *cd = block_open(f->m, iso, BLOCK_CD, NULL, err, sizeof err);
    assert_non_null(cd);
    assert_int_equal(ide_attach_cdrom(f->ide, 1, 0, cd, err, sizeof err), 0);
    uint64_t before = fix_hash_file(iso);
    static const uint16_t ports[] = { 0x1F0, 0x1F1, 0x1F2, 0x1F3, 0x1F4, 0x1F5, 0x1F6, 0x1F7,
                                      0x3F6, 0x170, 0x171, 0x172, 0x173, 0x174, 0x175, 0x176,
                                      0x177, 0x376, BM, BM + 2, BM + 4, BM + 8, BM + 10,
                                      BM + 12, BM + 1, BM + 15 };
    uint64_t seed = 0x1DE5EED;
    for (unsigned k = 0; k < 64; k++) /* a PRD table of random entries */
        phys_write(f->m, PRD + 4 * k, (uint32_t)fix_rand_u64(&seed), 4);
    for (unsigned op = 0; op < 300000; op++) {
        uint64_t r = fix_rand_u64(&seed);
        uint16_t port = ports[r % (sizeof ports / sizeof ports[0])];
        unsigned size = 1u << ((r >> 8) % 3);
        uint32_t value = (uint32_t)(r >> 32);
        if ((r >> 12) % 16 == 0) /* now and then a sensible command, so commands run */
            value = (r >> 20) % 2 ? 0x20 + (value & 0x1F) : 0xA0 + (value & 0x0F);
        if ((r >> 16) % 3 == 0)
            io_read(f->m, port, size);
        else
            io_write(f->m, port, value, size);
        if ((r >> 24) % 64 == 0)
            fix_advance(f, (r >> 40) % 100000);
    }
    fix_settle(f);
    assert_int_equal(fix_hash_file(iso), before);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_identify),
        T(test_pio_read),
        T(test_pio_write),
        T(test_multiple),
        T(test_lba48),
        cmocka_unit_test_setup_teardown(test_lba48_large_disk, setup_big, teardown),
        T(test_chs),
        T(test_dma_read),
        T(test_dma_write),
        T(test_dma_bad_tables),
        T(test_errors),
        T(test_features_and_power),
        T(test_reset_signatures),
        T(test_nien),
        T(test_absent_devices),
        T(test_io_errors),
        T(test_state_mid_transfer),
        T(test_random_io),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
