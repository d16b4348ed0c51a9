/* The ATAPI CD-ROM through its registers: the PACKET protocol of ATA/ATAPI-6 (9.10,
 * 9.11) with interrupt reasons and byte count limits, IDENTIFY PACKET DEVICE, and the
 * SCSI/MMC commands with their sense data: INQUIRY, READ CAPACITY, READ(10)/(12) of an
 * ISO made here (PIO and DMA), REQUEST SENSE after errors, media change, locking, TOC,
 * configuration, events, mode pages. */
#include "chipset_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/block.h"
#include "devices/ide.h"

#define BASE 0x170
#define CTL 0x376
#define BM 0xC000
#define BMCH (BM + 8)
#define ISO_SECTORS 64u
#define PRD 0x10000u

struct cd {
    struct chipset_fixture *f;
    const char *iso;
    uint8_t reply[4096];
    unsigned len;         /* bytes the last command sent */
    unsigned blocks;      /* DRQ blocks it took */
    uint8_t status, error, reason;
};

static int setup(void **state)
{
    struct cd *t = calloc(1, sizeof *t);
    t->f = fix_create(16u << 20);
    t->iso = fix_make_image(t->f, "test.iso", ISO_SECTORS * 2048ull, 2048);
    /* an ISO 9660 volume descriptor where a boot loader looks for one */
    fix_file_write(t->iso, 16 * 2048, "\x01" "CD001" "\x01", 7);
    char err[256];
    struct block_dev *b = block_open(t->f->m, t->iso, BLOCK_CD, NULL, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(ide_attach_cdrom(t->f->ide, 1, 0, b, err, sizeof err), 0);
    assert_int_equal(ide_attach_cdrom(t->f->ide, 1, 1, NULL, err, sizeof err), 0);
    fix_enable_busmaster(t->f, BM);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct cd *t = *state;
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

static uint8_t expected(uint64_t offset)
{
    if (offset >= 16 * 2048 && offset < 16 * 2048 + 7)
        return (uint8_t)"\x01" "CD001" "\x01"[offset - 16 * 2048];
    return fix_pattern(offset, 2048);
}

/* Send a 12-byte packet to `unit` and collect what comes back by PIO (or DMA). */
static void packet(struct cd *t, unsigned unit, const uint8_t *cdb, uint16_t limit, bool dma)
{
    struct chipset_fixture *f = t->f;
    outb(f, BASE + 6, (uint8_t)(0xA0 | unit << 4));
    outb(f, BASE + 1, dma ? 1 : 0);
    outb(f, BASE + 4, (uint8_t)limit);
    outb(f, BASE + 5, (uint8_t)(limit >> 8));
    outb(f, BASE + 7, 0xA0);
    /* ready for the packet at once: DRQ, CoD, no interrupt */
    assert_int_equal(inb(f, CTL) & 0x88, 0x08);
    assert_int_equal(inb(f, BASE + 2) & 3, 0x01);
    assert_false(f->irq[15]);
    for (unsigned k = 0; k < 12; k += 2)
        io_write(f->m, BASE, (uint32_t)(cdb[k] | cdb[k + 1] << 8), 2);
    assert_int_equal(inb(f, CTL) & 0x88, 0x80);
    t->len = 0;
    t->blocks = 0;
    for (;;) {
        fix_settle(f);
        assert_true(f->irq[15]);
        t->status = inb(f, BASE + 7);
        assert_false(f->irq[15]);
        t->reason = inb(f, BASE + 2) & 3;
        if (!(t->status & 0x08))
            break;
        assert_int_equal(t->reason, 0x02); /* data to the host */
        unsigned n = inb(f, BASE + 4) | inb(f, BASE + 5) << 8;
        assert_true(n > 0);
        assert_true(n <= (limit ? limit : 0xFFFE));
        assert_true(t->len + n <= sizeof t->reply);
        for (unsigned k = 0; k < n; k += 2) {
            uint16_t v = (uint16_t)io_read(f->m, BASE, 2);
            t->reply[t->len + k] = (uint8_t)v;
            if (k + 1 < n)
                t->reply[t->len + k + 1] = (uint8_t)(v >> 8);
        }
        t->len += n;
        t->blocks++;
    }
    assert_int_equal(t->reason, 0x03); /* status phase: IO and CoD */
    t->error = inb(f, BASE + 1);
}

#define CDB(...) (const uint8_t[12]){ __VA_ARGS__ }

static void expect_ok(struct cd *t)
{
    assert_int_equal(t->status & 0x89, 0x00);
    assert_int_equal(t->status & 0x40, 0x40);
}

/* CHECK CONDITION, then REQUEST SENSE says why; the sense is gone after that. */
static void expect_sense(struct cd *t, unsigned unit, uint8_t key, uint8_t asc, uint8_t ascq)
{
    assert_int_equal(t->status & 0x01, 0x01);
    assert_int_equal(t->error >> 4, key);
    packet(t, unit, CDB(0x03, 0, 0, 0, 18), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 18);
    assert_int_equal(t->reply[0], 0x70);
    assert_int_equal(t->reply[2] & 0x0F, key);
    assert_int_equal(t->reply[7], 10);
    assert_int_equal(t->reply[12], asc);
    assert_int_equal(t->reply[13], ascq);
    packet(t, unit, CDB(0x03, 0, 0, 0, 18), 0xFFFE, false);
    assert_int_equal(t->reply[2], 0);
    assert_int_equal(t->reply[12], 0);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_identify_packet(void **state)
{
    struct cd *t = *state;
    struct chipset_fixture *f = t->f;
    uint16_t w[256];
    outb(f, BASE + 6, 0xA0);
    outb(f, BASE + 7, 0xA1);
    fix_settle(f);
    assert_true(f->irq[15]);
    assert_int_equal(inb(f, BASE + 7), 0x58);
    for (unsigned k = 0; k < 256; k++)
        w[k] = (uint16_t)io_read(f->m, BASE, 2);
    assert_int_equal(inb(f, BASE + 7), 0x50);
    assert_int_equal(w[0], 0x85C0);
    assert_int_equal(w[27], 'G' << 8 | 'L');
    assert_int_equal(w[49] & 0x0300, 0x0300);
    assert_int_equal(w[82] & 0x0010, 0x0010);
    uint8_t sum = 0;
    for (unsigned k = 0; k < 256; k++)
        sum = (uint8_t)(sum + (w[k] & 0xFF) + (w[k] >> 8));
    assert_int_equal(sum, 0);
    /* IDENTIFY DEVICE: refused, with the PACKET signature left to read */
    outb(f, BASE + 3, 0x00);
    outb(f, BASE + 7, 0xEC);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7) & 0x01, 0x01);
    assert_int_equal(inb(f, BASE + 1) & 0x04, 0x04);
    assert_int_equal(inb(f, BASE + 3), 0x01);
    assert_int_equal(inb(f, BASE + 4), 0x14);
    assert_int_equal(inb(f, BASE + 5), 0xEB);
    /* DEVICE RESET: signature, no interrupt */
    unsigned rises = f->rises[15];
    outb(f, BASE + 4, 0);
    outb(f, BASE + 7, 0x08);
    fix_settle(f);
    assert_int_equal(f->rises[15], rises);
    assert_int_equal(inb(f, BASE + 7), 0x00);
    assert_int_equal(inb(f, BASE + 4), 0x14);
}

static void test_inquiry(void **state)
{
    struct cd *t = *state;
    packet(t, 0, CDB(0x12, 0, 0, 0, 36), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 36);
    assert_int_equal(t->reply[0], 0x05);
    assert_int_equal(t->reply[1], 0x80);
    assert_memory_equal(t->reply + 8, "GLASS86 ", 8);
    /* an allocation length of 5: an odd last transfer */
    packet(t, 0, CDB(0x12, 0, 0, 0, 5), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 5);
    /* vital product data pages are not there */
    packet(t, 0, CDB(0x12, 1, 0x80, 0, 36), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x24, 0);
    /* INQUIRY answers without a medium too */
    packet(t, 1, CDB(0x12, 0, 0, 0, 36), 0xFFFE, false);
    expect_ok(t);
}

static void test_unit_ready_and_capacity(void **state)
{
    struct cd *t = *state;
    packet(t, 0, CDB(0x00), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 0);
    packet(t, 0, CDB(0x25), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 8);
    assert_int_equal(be32(t->reply), ISO_SECTORS - 1);
    assert_int_equal(be32(t->reply + 4), 2048);
    /* the empty drive: NOT READY, MEDIUM NOT PRESENT */
    packet(t, 1, CDB(0x00), 0xFFFE, false);
    expect_sense(t, 1, 0x2, 0x3A, 0x01);
    packet(t, 1, CDB(0x25), 0xFFFE, false);
    expect_sense(t, 1, 0x2, 0x3A, 0x01);
    packet(t, 1, CDB(0x28, 0, 0, 0, 0, 0, 0, 0, 1), 0xFFFE, false);
    expect_sense(t, 1, 0x2, 0x3A, 0x01);
}

static void test_read10_pio(void **state)
{
    struct cd *t = *state;
    /* three sectors from 16 with a 4 KiB byte count limit: blocks of 4096 and 2048 */
    uint8_t *data = malloc(3 * 2048);
    struct chipset_fixture *f = t->f;
    assert_non_null(data);
    unsigned got = 0;
    outb(f, BASE + 6, 0xA0);
    const uint8_t *cdb = CDB(0x28, 0, 0, 0, 0, 16, 0, 0, 3);
    outb(f, BASE + 1, 0);
    outb(f, BASE + 4, 0x00);
    outb(f, BASE + 5, 0x10);
    outb(f, BASE + 7, 0xA0);
    for (unsigned k = 0; k < 12; k += 2)
        io_write(f->m, BASE, (uint32_t)(cdb[k] | cdb[k + 1] << 8), 2);
    unsigned blocks = 0;
    for (;;) {
        fix_settle(f);
        uint8_t st = inb(f, BASE + 7);
        if (!(st & 0x08))
            break;
        unsigned n = inb(f, BASE + 4) | inb(f, BASE + 5) << 8;
        assert_int_equal(n, blocks == 0 ? 4096 : 2048);
        for (unsigned k = 0; k < n; k += 4) { /* dword PIO */
            uint32_t v = io_read(f->m, BASE, 4);
            memcpy(data + got + k, &v, 4);
        }
        got += n;
        blocks++;
    }
    assert_int_equal(blocks, 2);
    assert_int_equal(got, 3 * 2048);
    for (unsigned k = 0; k < got; k++)
        if (data[k] != expected(16 * 2048 + k))
            fail_msg("byte %u of the read is %02x", k, data[k]);
    assert_memory_equal(data + 1, "CD001", 5);
    free(data);
    /* an odd limit: blocks of the even number below it */
    packet(t, 0, CDB(0x28, 0, 0, 0, 0, 2, 0, 0, 1), 2049, false);
    expect_ok(t);
    assert_int_equal(t->len, 2048);
    assert_int_equal(t->blocks, 1);
    packet(t, 0, CDB(0x28, 0, 0, 0, 0, 2, 0, 0, 1), 1001, false);
    assert_int_equal(t->len, 2048);
    assert_int_equal(t->blocks, 3); /* 1000 + 1000 + 48 */
    for (unsigned k = 0; k < 2048; k++)
        assert_int_equal(t->reply[k], expected(2 * 2048 + k));
    /* a limit of 0 is taken as the largest block */
    packet(t, 0, CDB(0x28, 0, 0, 0, 0, 3, 0, 0, 1), 0, false);
    assert_int_equal(t->blocks, 1);
    /* READ(12), and a zero-length read */
    packet(t, 0, CDB(0xA8, 0, 0, 0, 0, ISO_SECTORS - 1, 0, 0, 0, 1), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 2048);
    assert_int_equal(t->reply[5], expected((ISO_SECTORS - 1) * 2048ull + 5));
    packet(t, 0, CDB(0x28, 0, 0, 0, 0, 5, 0, 0, 0), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 0);
    /* READ CD of user data */
    packet(t, 0, CDB(0xBE, 0, 0, 0, 0, 7, 0, 0, 1, 0x10), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 2048);
    assert_int_equal(t->reply[9], expected(7 * 2048 + 9));
}

static void test_read_errors(void **state)
{
    struct cd *t = *state;
    packet(t, 0, CDB(0x28, 0, 0, 0, 0, ISO_SECTORS - 1, 0, 0, 2), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x21, 0);
    packet(t, 0, CDB(0xA8, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x21, 0);
    packet(t, 0, CDB(0xFF), 0xFFFE, false);         /* no such command */
    assert_int_equal(t->error, 0x54);               /* ILLEGAL REQUEST, ABRT */
    expect_sense(t, 0, 0x5, 0x20, 0);
    packet(t, 0, CDB(0x5A, 0, 0xC0 | 0x2A, 0, 0, 0, 0, 0, 64), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x39, 0);               /* saved values */
    packet(t, 0, CDB(0xBE, 0, 0, 0, 0, 7, 0, 0, 1, 0xF8), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x24, 0);               /* raw sectors are not offered */
    /* a medium error: the image shrinks behind our back */
    assert_int_equal(truncate(t->iso, 8 * 2048), 0);
    packet(t, 0, CDB(0x28, 0, 0, 0, 0, 20, 0, 0, 1), 0xFFFE, false);
    expect_sense(t, 0, 0x3, 0x11, 0);
}

static void prd(struct chipset_fixture *f, unsigned index, uint32_t addr, uint32_t count, bool eot)
{
    phys_write(f->m, PRD + 8 * index, addr, 4);
    phys_write(f->m, PRD + 8 * index + 4, (count & 0xFFFF) | (eot ? 0x80000000u : 0), 4);
}

static void test_read10_dma(void **state)
{
    struct cd *t = *state;
    struct chipset_fixture *f = t->f;
    prd(f, 0, 0x20000, 3000, false);
    prd(f, 1, 0x30000, 4 * 2048 - 3000, true);
    io_write(f->m, BMCH + 4, PRD, 4);
    io_write(f->m, BMCH + 2, 0x06, 1);
    io_write(f->m, BMCH, 0x09, 1);                 /* start, to memory */
    packet(t, 0, CDB(0x28, 0, 0, 0, 0, 10, 0, 0, 4), 0xFFFE, true);
    assert_int_equal(t->len, 0);                   /* nothing went by PIO */
    expect_ok(t);
    uint8_t data[4 * 2048];
    phys_read_bytes(f->m, 0x20000, data, 3000);
    phys_read_bytes(f->m, 0x30000, data + 3000, sizeof data - 3000);
    for (unsigned k = 0; k < sizeof data; k++)
        assert_int_equal(data[k], expected(10 * 2048 + k));
    assert_int_equal(io_read(f->m, BMCH + 2, 1) & 0x07, 0x04);
    io_write(f->m, BMCH, 0x00, 1);
    /* a reply by DMA: INQUIRY */
    prd(f, 0, 0x40000, 36, true);
    io_write(f->m, BMCH + 2, 0x06, 1);
    io_write(f->m, BMCH, 0x09, 1);
    packet(t, 0, CDB(0x12, 0, 0, 0, 36), 0xFFFE, true);
    expect_ok(t);
    assert_int_equal(phys_read8(f->m, 0x40000), 0x05);
    assert_int_equal(phys_read8(f->m, 0x40008), 'G');
}

static void test_media_change(void **state)
{
    struct cd *t = *state;
    struct chipset_fixture *f = t->f;
    /* GESN with nothing new */
    packet(t, 0, CDB(0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 8);
    assert_int_equal(t->reply[2], 0x04);
    assert_int_equal(t->reply[4], 0);
    assert_int_equal(t->reply[5], 0x02);            /* medium present, tray closed */
    /* the frontend swaps the disc */
    const char *other = fix_make_image(f, "other.iso", 8 * 2048, 2048);
    char err[256];
    struct block_dev *b = block_open(f->m, other, BLOCK_CD, NULL, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(ide_cdrom_change(f->ide, 1, 0, b), 0);
    packet(t, 0, CDB(0x12, 0, 0, 0, 36), 0xFFFE, false); /* INQUIRY is not stopped */
    expect_ok(t);
    packet(t, 0, CDB(0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE, false);
    assert_int_equal(t->reply[4], 2);               /* new media */
    packet(t, 0, CDB(0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE, false);
    assert_int_equal(t->reply[4], 0);               /* reported once */
    packet(t, 0, CDB(0x00), 0xFFFE, false);
    expect_sense(t, 0, 0x6, 0x28, 0);               /* UNIT ATTENTION, once */
    packet(t, 0, CDB(0x25), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(be32(t->reply), 7);
    /* asynchronous GESN is refused */
    packet(t, 0, CDB(0x4A, 0, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x24, 0);
    /* eject by the frontend */
    assert_int_equal(ide_cdrom_change(f->ide, 1, 0, NULL), 0);
    packet(t, 0, CDB(0x00), 0xFFFE, false);
    expect_sense(t, 0, 0x2, 0x3A, 0x01);
}

static void test_lock_and_eject(void **state)
{
    struct cd *t = *state;
    packet(t, 0, CDB(0x1E, 0, 0, 0, 1), 0xFFFE, false);     /* PREVENT */
    expect_ok(t);
    packet(t, 0, CDB(0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64), 0xFFFE, false);
    assert_int_equal(t->reply[8 + 6] & 0x02, 0x02);          /* lock state */
    packet(t, 0, CDB(0x1B, 0, 0, 0, 0x02), 0xFFFE, false);  /* eject: refused */
    expect_sense(t, 0, 0x5, 0x53, 0x02);
    assert_int_equal(ide_cdrom_change(t->f->ide, 1, 0, NULL), -1);
    packet(t, 0, CDB(0x1E, 0, 0, 0, 0), 0xFFFE, false);     /* ALLOW */
    packet(t, 0, CDB(0x1B, 0, 0, 0, 0x02), 0xFFFE, false);  /* eject */
    expect_ok(t);
    packet(t, 0, CDB(0x00), 0xFFFE, false);
    expect_sense(t, 0, 0x2, 0x3A, 0x02);                     /* tray open */
    packet(t, 0, CDB(0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->reply[1] & 0x10, 0x10);
    packet(t, 0, CDB(0x1B, 0, 0, 0, 0x03), 0xFFFE, false);  /* load */
    expect_ok(t);
    packet(t, 0, CDB(0x00), 0xFFFE, false);
    expect_sense(t, 0, 0x6, 0x28, 0);
    packet(t, 0, CDB(0x00), 0xFFFE, false);
    expect_ok(t);
}

static void test_toc(void **state)
{
    struct cd *t = *state;
    packet(t, 0, CDB(0x43, 0, 0, 0, 0, 0, 0, 0, 100), 0xFFFE, false); /* format 0, LBA */
    expect_ok(t);
    assert_int_equal(t->len, 20);
    assert_int_equal(t->reply[0] << 8 | t->reply[1], 18);
    assert_int_equal(t->reply[2], 1);
    assert_int_equal(t->reply[3], 1);
    assert_int_equal(t->reply[5], 0x14);
    assert_int_equal(t->reply[6], 1);
    assert_int_equal(be32(t->reply + 8), 0);
    assert_int_equal(t->reply[14], 0xAA);
    assert_int_equal(be32(t->reply + 16), ISO_SECTORS);
    packet(t, 0, CDB(0x43, 2, 0, 0, 0, 0, 0, 0, 100), 0xFFFE, false); /* MSF */
    assert_int_equal(t->reply[9], 0);
    assert_int_equal(t->reply[10], 2);                       /* 00:02:00 */
    assert_int_equal(t->reply[11], 0);
    assert_int_equal(t->reply[18], (ISO_SECTORS + 150) / 75 % 60);
    assert_int_equal(t->reply[19], (ISO_SECTORS + 150) % 75);
    packet(t, 0, CDB(0x43, 0, 0, 0, 0, 0, 0xAA, 0, 100), 0xFFFE, false); /* lead-out only */
    assert_int_equal(t->len, 12);
    packet(t, 0, CDB(0x43, 0, 0, 0, 0, 0, 5, 0, 100), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x24, 0);
    packet(t, 0, CDB(0x43, 0, 1, 0, 0, 0, 0, 0, 100), 0xFFFE, false); /* sessions */
    expect_ok(t);
    assert_int_equal(t->len, 12);
    assert_int_equal(t->reply[6], 1);
    packet(t, 0, CDB(0x43, 0, 2, 0, 0, 0, 0, 0, 100), 0xFFFE, false); /* full TOC */
    expect_ok(t);
    assert_int_equal(t->len, 48);
    assert_int_equal(t->reply[4 + 3], 0xA0);
    assert_int_equal(t->reply[4 + 22 + 3], 0xA2);
    assert_int_equal(t->reply[4 + 22 + 9], (ISO_SECTORS + 150) / 75 % 60);
    packet(t, 0, CDB(0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0x40), 0xFFFE, false); /* old style */
    assert_int_equal(t->len, 12);
    packet(t, 0, CDB(0x43, 0, 0, 0, 0, 0, 0, 0, 4), 0xFFFE, false); /* allocation 4 */
    assert_int_equal(t->len, 4);
    packet(t, 1, CDB(0x43, 0, 0, 0, 0, 0, 0, 0, 100), 0xFFFE, false);
    expect_sense(t, 1, 0x2, 0x3A, 0x01);
}

static void test_mode_sense_and_config(void **state)
{
    struct cd *t = *state;
    packet(t, 0, CDB(0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 28);
    assert_int_equal(t->reply[1], 26);
    assert_int_equal(t->reply[8], 0x2A);
    assert_int_equal(t->reply[9], 18);
    packet(t, 0, CDB(0x5A, 0, 0x3F, 0, 0, 0, 0, 0, 64), 0xFFFE, false);
    assert_int_equal(t->len, 36);
    assert_int_equal(t->reply[8], 0x01);
    assert_int_equal(t->reply[16], 0x2A);
    packet(t, 0, CDB(0x5A, 0, 0x05, 0, 0, 0, 0, 0, 64), 0xFFFE, false);
    expect_sense(t, 0, 0x5, 0x24, 0);
    /* GET CONFIGURATION: the current profile is CD-ROM */
    packet(t, 0, CDB(0x46, 0, 0, 0, 0, 0, 0, 1, 0), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->reply[6] << 8 | t->reply[7], 0x0008);
    assert_int_equal(be32(t->reply), t->len - 4);
    assert_int_equal(t->reply[8] << 8 | t->reply[9], 0x0000); /* profile list first */
    packet(t, 0, CDB(0x46, 2, 0, 1, 0, 0, 0, 0, 64), 0xFFFE, false); /* only feature 1 */
    assert_int_equal(t->len, 8 + 12);
    assert_int_equal(t->reply[9], 0x01);
    assert_int_equal(be32(t->reply + 12), 2);                  /* ATAPI */
    packet(t, 1, CDB(0x46, 0, 0, 0, 0, 0, 0, 1, 0), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->reply[6] << 8 | t->reply[7], 0x0000);  /* no medium, no profile */
    packet(t, 0, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34), 0xFFFE, false);
    expect_ok(t);
    assert_int_equal(t->len, 34);
    assert_int_equal(t->reply[2], 0x0E);
    packet(t, 0, CDB(0xBB, 0, 0xFF, 0xFF), 0xFFFE, false);   /* SET CD SPEED */
    expect_ok(t);
    packet(t, 0, CDB(0x2B, 0, 0, 0, 0, 3), 0xFFFE, false);   /* SEEK */
    expect_ok(t);
}

static void test_reset_during_data(void **state)
{
    struct cd *t = *state;
    struct chipset_fixture *f = t->f;
    outb(f, BASE + 6, 0xA0);
    outb(f, BASE + 1, 0);
    outb(f, BASE + 4, 0x00);
    outb(f, BASE + 5, 0x08);
    outb(f, BASE + 7, 0xA0);
    const uint8_t *cdb = CDB(0x28, 0, 0, 0, 0, 0, 0, 0, 8);
    for (unsigned k = 0; k < 12; k += 2)
        io_write(f->m, BASE, (uint32_t)(cdb[k] | cdb[k + 1] << 8), 2);
    fix_settle(f);
    io_read(f->m, BASE, 2);
    outb(f, CTL, 0x04);
    outb(f, CTL, 0x00);
    fix_settle(f);
    assert_int_equal(inb(f, BASE + 7), 0x00);
    assert_int_equal(inb(f, BASE + 4), 0x14);
    assert_int_equal(inb(f, BASE + 5), 0xEB);
    /* and the drive works after it */
    packet(t, 0, CDB(0x25), 0xFFFE, false);
    expect_ok(t);
}

/* A read longer than one buffer chunk (64 sectors) refills; a disc pulled out in the
 * middle ends the command with NOT READY instead of reading nothing. */
static void test_long_read_and_pulled_disc(void **state)
{
    struct cd *t = *state;
    struct chipset_fixture *f = t->f;
    const char *big = fix_make_image(f, "big.iso", 100 * 2048, 2048);
    char err[256];
    struct block_dev *b = block_open(f->m, big, BLOCK_CD, NULL, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(ide_cdrom_change(f->ide, 1, 0, b), 0);
    packet(t, 0, CDB(0x00), 0xFFFE, false);
    expect_sense(t, 0, 0x6, 0x28, 0);
    for (int pull = 0; pull < 2; pull++) {
        const uint8_t *cdb = CDB(0x28, 0, 0, 0, 0, 0, 0, 0, 100);
        outb(f, BASE + 6, 0xA0);
        outb(f, BASE + 1, 0);
        outb(f, BASE + 4, 0x00);
        outb(f, BASE + 5, 0x80);               /* 32 KiB per DRQ block */
        outb(f, BASE + 7, 0xA0);
        for (unsigned k = 0; k < 12; k += 2)
            io_write(f->m, BASE, (uint32_t)(cdb[k] | cdb[k + 1] << 8), 2);
        uint32_t got = 0;
        uint8_t st;
        for (;;) {
            fix_settle(f);
            st = inb(f, BASE + 7);
            if (!(st & 0x08))
                break;
            unsigned n = inb(f, BASE + 4) | inb(f, BASE + 5) << 8;
            for (unsigned k = 0; k < n; k += 2) {
                uint16_t v = (uint16_t)io_read(f->m, BASE, 2);
                if ((uint8_t)v != fix_pattern(got + k, 2048))
                    fail_msg("byte %u of the long read is wrong", got + k);
            }
            got += n;
            if (pull && got == 32768)
                assert_int_equal(ide_cdrom_change(f->ide, 1, 0, NULL), 0);
        }
        if (!pull) {
            assert_int_equal(st & 0x01, 0);
            assert_int_equal(got, 100 * 2048);
        } else {
            t->status = st;
            t->error = inb(f, BASE + 1);
            assert_int_equal(got, 64 * 2048);   /* the first chunk was already read */
            expect_sense(t, 0, 0x2, 0x3A, 0x01);
        }
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_identify_packet),
        T(test_inquiry),
        T(test_unit_ready_and_capacity),
        T(test_read10_pio),
        T(test_read_errors),
        T(test_read10_dma),
        T(test_media_change),
        T(test_lock_and_eject),
        T(test_toc),
        T(test_mode_sense_and_config),
        T(test_reset_during_data),
        T(test_long_read_and_pulled_disc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
