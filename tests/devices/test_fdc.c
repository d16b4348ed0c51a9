/* The 82077AA floppy controller against its datasheet (290166): reset and the four
 * ready-change statuses, the IRQ gated by DOR's DMA bit, the MSR through the phases,
 * VERSION, invalid commands, SPECIFY/CONFIGURE/PERPENDICULAR/LOCK seen through DUMPREG,
 * RECALIBRATE/SEEK/RELATIVE SEEK with SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, the
 * disk-change line, READ DATA by DMA into RAM (one sector, multi-track, end of track),
 * WRITE DATA, READ ID, FORMAT TRACK, the error results (no diskette, no sector,
 * write protect, DMA not ready), READ DATA and WRITE DATA in non-DMA mode through the
 * FIFO, READ TRACK, VERIFY (EC off and on), and saved state in mid-sector. */
#include "devtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/block.h"
#include "devices/dma8237.h"
#include "devices/fdc.h"

#define IMG_SIZE 1474560u
#define SPT 18

struct fx {
    struct machine *m;
    struct irq_probe irq;
    struct dma8237 *dma;
    struct fdc *fdc;
    char path[64], ro_path[64];
};

static uint8_t pattern(uint32_t offset)
{
    return (uint8_t)(offset * 31 + offset / 512);
}

static void make_image(char *path, size_t len)
{
    snprintf(path, len, "/tmp/glass86-fdc-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    for (uint32_t k = 0; k < IMG_SIZE; k++)
        fputc(pattern(k), f);
    fclose(f);
}

static void read_image(const char *path, uint32_t offset, void *buf, size_t len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)offset, SEEK_SET), 0);
    assert_int_equal(fread(buf, 1, len, f), len);
    fclose(f);
}

/* Drive A: a writable 1.44 MB diskette; drive B: a 1.44 MB drive, empty until a test
 * inserts the read-only copy. */
static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = dt_machine();
    dt_probe_attach(f->m, &f->irq);
    f->dma = dma8237_create(f->m);
    f->fdc = fdc_create(f->m, f->dma);
    assert_non_null(f->dma);
    assert_non_null(f->fdc);
    make_image(f->path, sizeof f->path);
    make_image(f->ro_path, sizeof f->ro_path);
    char err[256];
    struct block_dev *a = block_open(f->m, f->path, BLOCK_FLOPPY, NULL, err, sizeof err);
    assert_non_null(a);
    assert_int_equal(fdc_attach(f->fdc, 0, FDC_DRIVE_NONE, a, err, sizeof err), 0);
    assert_int_equal(fdc_attach(f->fdc, 1, FDC_DRIVE_1_44M, NULL, err, sizeof err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    machine_destroy(f->m);
    unlink(f->path);
    unlink(f->ro_path);
    free(f);
    return 0;
}

static uint8_t msr(struct machine *m)
{
    return dt_in(m, 0x3F4);
}

/* Send a command the way a BIOS does: each byte only when RQM is up and DIO down. */
static void command(struct machine *m, const uint8_t *bytes, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        assert_int_equal(msr(m) & 0xC0, 0x80);
        dt_out(m, 0x3F5, bytes[k]);
    }
}

/* Read `n` result bytes, each with RQM and DIO up; afterwards the FIFO wants a command. */
static void results(struct machine *m, uint8_t *out, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        assert_int_equal(msr(m) & 0xD0, 0xD0);
        out[k] = dt_in(m, 0x3F5);
    }
    assert_int_equal(msr(m) & 0xD0, 0x80);
}

/* Let virtual time run until IRQ 6 goes up (at most 10 ms). */
static void wait_irq(struct fx *f)
{
    for (unsigned k = 0; k < 1000 && !f->irq.level[6]; k++)
        dt_advance(f->m, 10000);
    assert_true(f->irq.level[6]);
}

static void sense(struct fx *f, uint8_t *st0, uint8_t *pcn)
{
    uint8_t cmd = 0x08, res[2];
    command(f->m, &cmd, 1);
    results(f->m, res, 2);
    *st0 = res[0];
    *pcn = res[1];
}

/* Release reset with the DMA gate and motor A on, and take the four statuses. */
static void bring_up(struct fx *f)
{
    dt_out(f->m, 0x3F2, 0x1C);
    wait_irq(f);
    for (unsigned k = 0; k < 4; k++) {
        uint8_t st0, pcn;
        sense(f, &st0, &pcn);
        assert_int_equal(st0, 0xC0 | k);
    }
    assert_false(f->irq.level[6]);
}

/* DMA channel 2 for `len` bytes at `addr`, device-to-memory when `to_memory`. */
static void program_dma(struct machine *m, uint32_t addr, uint32_t len, bool to_memory)
{
    dt_out(m, 0xD6, 0xC0);
    dt_out(m, 0xD4, 0x00);
    dt_out(m, 0x0A, 0x06);
    dt_out(m, 0x0C, 0);
    dt_out(m, 0x04, (uint8_t)addr);
    dt_out(m, 0x04, (uint8_t)(addr >> 8));
    dt_out(m, 0x05, (uint8_t)(len - 1));
    dt_out(m, 0x05, (uint8_t)((len - 1) >> 8));
    dt_out(m, 0x0B, to_memory ? 0x46 : 0x4A);
    dt_out(m, 0x81, (uint8_t)(addr >> 16));
    dt_out(m, 0x0A, 0x02);
}

/* A READ DATA / WRITE DATA command and its seven result bytes. */
static void transfer(struct fx *f, uint8_t opcode, uint8_t drive, uint8_t c, uint8_t h,
                     uint8_t r, uint8_t eot, uint8_t *res)
{
    uint8_t cmd[9] = { opcode, (uint8_t)(h << 2 | drive), c, h, r, 2, eot, 0x1B, 0xFF };
    command(f->m, cmd, 9);
    /* Execution: busy, the host may not talk. */
    assert_int_equal(msr(f->m) & 0xF0, 0x10);
    wait_irq(f);
    results(f->m, res, 7);
    assert_false(f->irq.level[6]); /* cleared by reading the first result byte */
}

static uint32_t chs_offset(unsigned c, unsigned h, unsigned r)
{
    return ((c * 2 + h) * SPT + r - 1) * 512u;
}

static void test_reset_and_ready_change(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    /* Power-on: held in reset by DOR = 0, MSR reads 0. */
    assert_int_equal(dt_in(m, 0x3F2), 0x00);
    assert_int_equal(msr(m), 0x00);
    bring_up(f);
    /* A fifth sense finds nothing: one byte, "invalid command". */
    uint8_t cmd = 0x08, res;
    command(m, &cmd, 1);
    results(m, &res, 1);
    assert_int_equal(res, 0x80);
    /* The DSR's software reset does the same again. */
    dt_out(m, 0x3F4, 0x80);
    wait_irq(f);
    uint8_t st0, pcn;
    sense(f, &st0, &pcn);
    assert_int_equal(st0, 0xC0);
}

static void test_irq_gated_by_dma_enable(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    dt_out(m, 0x3F2, 0x04); /* out of reset, but INT and DRQ tri-stated */
    dt_advance(m, 1000000);
    assert_false(f->irq.level[6]);
    dt_out(m, 0x3F2, 0x0C); /* the pending interrupt now reaches IRQ 6 */
    assert_true(f->irq.level[6]);
}

static void test_version_invalid_and_registers(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    uint8_t cmd[4], res[10];
    cmd[0] = 0x10;
    command(m, cmd, 1);
    results(m, res, 1);
    assert_int_equal(res[0], 0x90);
    cmd[0] = 0x1F; /* not a command */
    command(m, cmd, 1);
    results(m, res, 1);
    assert_int_equal(res[0], 0x80);
    const uint8_t specify[3] = { 0x03, 0xAF, 0x02 };
    command(m, specify, 3);
    const uint8_t configure[4] = { 0x13, 0x00, 0x57, 0x10 };
    command(m, configure, 4);
    const uint8_t perpendicular[2] = { 0x12, 0x80 | 0x08 | 0x02 }; /* OW, D1, GAP */
    command(m, perpendicular, 2);
    cmd[0] = 0x0E;
    command(m, cmd, 1);
    results(m, res, 10);
    const uint8_t want[10] = { 0, 0, 0, 0, 0xAF, 0x02, 0x00, 0x0A, 0x57, 0x10 };
    assert_memory_equal(res, want, 10);

    /* LOCK keeps CONFIGURE's values over a reset; UNLOCK lets them go. */
    cmd[0] = 0x94;
    command(m, cmd, 1);
    results(m, res, 1);
    assert_int_equal(res[0], 0x10);
    dt_out(m, 0x3F2, 0x18);
    dt_out(m, 0x3F2, 0x1C);
    wait_irq(f);
    cmd[0] = 0x0E;
    command(m, cmd, 1);
    results(m, res, 10);
    assert_int_equal(res[7], 0x80 | 0x08); /* LOCK, D1 kept, GAP cleared by the reset */
    assert_int_equal(res[8], 0x57);
    assert_int_equal(res[4], 0xAF);        /* SPECIFY survives any reset */
    cmd[0] = 0x14;
    command(m, cmd, 1);
    results(m, res, 1);
    assert_int_equal(res[0], 0x00);
    dt_out(m, 0x3F4, 0x80);
    wait_irq(f);
    cmd[0] = 0x0E;
    command(m, cmd, 1);
    results(m, res, 10);
    assert_int_equal(res[8], 0x20);
    assert_int_equal(res[9], 0x00);
}

static void test_recalibrate_seek_and_sense(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    uint8_t st0, pcn;
    const uint8_t seek[3] = { 0x0F, 0x04, 40 }; /* drive 0, head 1, cylinder 40 */
    command(m, seek, 3);
    /* The controller takes commands again at once; drive 0 shows busy. */
    assert_int_equal(msr(m), 0x81);
    wait_irq(f);
    sense(f, &st0, &pcn);
    assert_int_equal(st0, 0x24);
    assert_int_equal(pcn, 40);
    assert_int_equal(msr(m), 0x80);
    /* SENSE DRIVE STATUS: not on track 0, writable, head 1. */
    const uint8_t sds[2] = { 0x04, 0x04 };
    uint8_t st3;
    command(m, sds, 2);
    results(m, &st3, 1);
    assert_int_equal(st3, 0x28 | 0x04);
    const uint8_t rel[3] = { 0x8F, 0x00, 15 }; /* relative seek outward by 15 */
    command(m, rel, 3);
    wait_irq(f);
    sense(f, &st0, &pcn);
    assert_int_equal(pcn, 25);
    const uint8_t recal[2] = { 0x07, 0x00 };
    command(m, recal, 2);
    wait_irq(f);
    sense(f, &st0, &pcn);
    assert_int_equal(st0, 0x20);
    assert_int_equal(pcn, 0);
    command(m, sds, 2);
    results(m, &st3, 1);
    assert_int_equal(st3, 0x28 | 0x10 | 0x04);
    /* Recalibrating an unconnected drive: equipment check. */
    const uint8_t recal3[2] = { 0x07, 0x03 };
    command(m, recal3, 2);
    wait_irq(f);
    sense(f, &st0, &pcn);
    assert_int_equal(st0, 0x70 | 3);
}

static void test_disk_change_line(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    assert_int_equal(dt_in(m, 0x3F7) & 0x80, 0x80);
    /* A seek that steps, with a diskette in, resets the line. */
    const uint8_t seek[3] = { 0x0F, 0x00, 1 };
    command(m, seek, 3);
    wait_irq(f);
    uint8_t st0, pcn;
    sense(f, &st0, &pcn);
    assert_int_equal(dt_in(m, 0x3F7) & 0x80, 0x00);
    /* Drive B is selected and empty: its line stays up. */
    dt_out(m, 0x3F2, 0x2D);
    assert_int_equal(dt_in(m, 0x3F7) & 0x80, 0x80);
    dt_out(m, 0x3F2, 0x1C);
    assert_int_equal(fdc_change_media(f->fdc, 0, NULL), 0);
    assert_int_equal(dt_in(m, 0x3F7) & 0x80, 0x80);
}

static void test_read_sector_into_ram(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    program_dma(m, 0x10000, 512, true);
    uint8_t res[7];
    transfer(f, 0xE6, 0, 0, 0, 1, 1, res);
    /* TC and EOT together: normal end; with MT the next ID is head 1, sector 1. */
    const uint8_t want[7] = { 0x00, 0x00, 0x00, 0, 1, 1, 2 };
    assert_memory_equal(res, want, 7);
    uint8_t got[512], img[512];
    phys_read_bytes(m, 0x10000, got, 512);
    read_image(f->path, 0, img, 512);
    assert_memory_equal(got, img, 512);
    /* TC ended the command; the DMA channel masked itself. */
    assert_false(dma_channel_ready(f->dma, 2));
}

static void test_read_multitrack(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    /* Sectors 17 and 18 of head 0, then sector 1 of head 1, cylinder 1: three sectors. */
    program_dma(m, 0x20000, 3 * 512, true);
    uint8_t res[7];
    transfer(f, 0xE6, 0, 1, 0, 17, 18, res);
    const uint8_t want[7] = { 0x04, 0x00, 0x00, 1, 1, 2, 2 };
    assert_memory_equal(res, want, 7);
    uint8_t got[3 * 512], img[512];
    phys_read_bytes(m, 0x20000, got, sizeof got);
    read_image(f->path, chs_offset(1, 0, 17), img, 512);
    assert_memory_equal(got, img, 512);
    read_image(f->path, chs_offset(1, 0, 18), img, 512);
    assert_memory_equal(got + 512, img, 512);
    read_image(f->path, chs_offset(1, 1, 1), img, 512);
    assert_memory_equal(got + 1024, img, 512);
}

static void test_read_end_of_track(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    /* Without MT the track ends at EOT before the DMA count does: abnormal, EN. */
    program_dma(m, 0x20000, 4 * 512, true);
    uint8_t res[7];
    transfer(f, 0x46, 0, 2, 1, 17, 18, res);
    const uint8_t want[7] = { 0x44, 0x80, 0x00, 3, 1, 1, 2 };
    assert_memory_equal(res, want, 7);
    assert_int_equal(dma_bytes_left(f->dma, 2), 2 * 512);
}

static void test_write_sector(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    uint8_t data[512];
    for (unsigned k = 0; k < sizeof data; k++)
        data[k] = (uint8_t)(0xA5 ^ k);
    phys_write_bytes(m, 0x30000, data, sizeof data);
    program_dma(m, 0x30000, 512, false);
    uint8_t res[7];
    transfer(f, 0xC5, 0, 2, 1, 3, 3, res);
    assert_int_equal(res[0], 0x04);
    assert_int_equal(res[1], 0x00);
    uint8_t img[512];
    read_image(f->path, chs_offset(2, 1, 3), img, 512);
    assert_memory_equal(img, data, 512);
    read_image(f->path, chs_offset(2, 1, 4), img, 512);
    assert_int_equal(img[0], pattern(chs_offset(2, 1, 4)));
}

static void test_errors(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    uint8_t res[7];
    /* A sector the track does not have. */
    program_dma(m, 0x20000, 512, true);
    transfer(f, 0xE6, 0, 0, 0, 19, 19, res);
    assert_int_equal(res[0], 0x40);
    assert_int_equal(res[1], 0x04);
    /* Drive B has no diskette: no ID field is ever found. */
    program_dma(m, 0x20000, 512, true);
    transfer(f, 0xE6, 1, 0, 0, 1, 1, res);
    assert_int_equal(res[0], 0x41);
    assert_int_equal(res[1], 0x01);
    /* The DMA channel is masked: the first byte overruns. */
    dt_out(m, 0x0A, 0x06);
    transfer(f, 0xE6, 0, 0, 0, 1, 1, res);
    assert_int_equal(res[0], 0x40);
    assert_int_equal(res[1], 0x10);
    /* A read-only diskette in B: WRITE DATA is refused. */
    char err[256];
    struct block_options ro = { .read_only = true };
    struct block_dev *b = block_open(m, f->ro_path, BLOCK_FLOPPY, &ro, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(fdc_change_media(f->fdc, 1, b), 0);
    program_dma(m, 0x20000, 512, false);
    transfer(f, 0xC5, 1, 0, 0, 1, 1, res);
    assert_int_equal(res[0], 0x41);
    assert_int_equal(res[1], 0x02);
    uint8_t st3, sds[2] = { 0x04, 0x01 };
    command(m, sds, 2);
    results(m, &st3, 1);
    assert_int_equal(st3 & 0x40, 0x40);
}

static void test_read_id(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    const uint8_t seek[3] = { 0x0F, 0x00, 7 };
    command(m, seek, 3);
    wait_irq(f);
    uint8_t st0, pcn;
    sense(f, &st0, &pcn);
    uint8_t res[7], res2[7];
    const uint8_t rid[2] = { 0x4A, 0x04 };
    command(m, rid, 2);
    wait_irq(f);
    results(m, res, 7);
    assert_int_equal(res[0], 0x04);
    assert_int_equal(res[3], 7);
    assert_int_equal(res[4], 1);
    assert_int_equal(res[6], 2);
    assert_in_range(res[5], 1, SPT);
    command(m, rid, 2);
    wait_irq(f);
    results(m, res2, 7);
    assert_int_equal(res2[5], res[5] % SPT + 1); /* the disk turned on */
    /* FM recording finds no ID on an MFM diskette. */
    const uint8_t rid_fm[2] = { 0x0A, 0x00 };
    command(m, rid_fm, 2);
    wait_irq(f);
    results(m, res, 7);
    assert_int_equal(res[0], 0x40);
    assert_int_equal(res[1], 0x01);
}

static void test_format_track(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    const uint8_t seek[3] = { 0x0F, 0x00, 5 };
    command(m, seek, 3);
    wait_irq(f);
    uint8_t st0, pcn;
    sense(f, &st0, &pcn);
    uint8_t ids[SPT * 4];
    for (unsigned k = 0; k < SPT; k++) {
        ids[4 * k] = 5;
        ids[4 * k + 1] = 0;
        ids[4 * k + 2] = (uint8_t)(k + 1);
        ids[4 * k + 3] = 2;
    }
    phys_write_bytes(m, 0x40000, ids, sizeof ids);
    program_dma(m, 0x40000, sizeof ids, false);
    const uint8_t fmt[6] = { 0x4D, 0x00, 2, SPT, 0x6C, 0xF6 };
    command(m, fmt, 6);
    wait_irq(f);
    uint8_t res[7];
    results(m, res, 7);
    assert_int_equal(res[0], 0x00);
    assert_int_equal(res[1], 0x00);
    uint8_t img[SPT * 512];
    read_image(f->path, chs_offset(5, 0, 1), img, sizeof img);
    for (unsigned k = 0; k < sizeof img; k++)
        assert_int_equal(img[k], 0xF6);
    read_image(f->path, chs_offset(5, 1, 1), img, 1);
    assert_int_equal(img[0], pattern(chs_offset(5, 1, 1)));
}

static void test_geometry_and_attach(void **state)
{
    struct fx *f = *state;
    static const struct {
        uint64_t size;
        unsigned c, h, s;
        enum fdc_drive_type type;
    } sizes[] = {
        { 368640, 40, 2, 9, FDC_DRIVE_360K }, { 737280, 80, 2, 9, FDC_DRIVE_720K },
        { 1228800, 80, 2, 15, FDC_DRIVE_1_2M }, { 1474560, 80, 2, 18, FDC_DRIVE_1_44M },
        { 2949120, 80, 2, 36, FDC_DRIVE_2_88M },
    };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned c, h, s;
        enum fdc_drive_type t;
        assert_true(fdc_geometry_for_size(sizes[k].size, &c, &h, &s, &t));
        assert_int_equal(c, sizes[k].c);
        assert_int_equal(h, sizes[k].h);
        assert_int_equal(s, sizes[k].s);
        assert_int_equal(t, sizes[k].type);
    }
    unsigned c, h, s;
    enum fdc_drive_type t;
    assert_false(fdc_geometry_for_size(1000000, &c, &h, &s, &t));
    assert_int_equal(fdc_drive_type(f->fdc, 0), FDC_DRIVE_1_44M);
    assert_int_equal(fdc_drive_type(f->fdc, 1), FDC_DRIVE_1_44M);
    assert_int_equal(fdc_drive_type(f->fdc, 2), FDC_DRIVE_NONE);
    char err[256];
    assert_int_equal(fdc_attach(f->fdc, 2, FDC_DRIVE_1_44M, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not exist"));
    /* A 1.44 MB diskette does not go into a 720K drive. */
    struct block_dev *b = block_open(f->m, f->ro_path, BLOCK_FLOPPY,
                                     &(struct block_options){ .read_only = true }, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(fdc_attach(f->fdc, 1, FDC_DRIVE_720K, b, err, sizeof err), -1);
    assert_int_equal(fdc_drive_type(f->fdc, 1), FDC_DRIVE_1_44M);
}

/* SPECIFY with ND set: the data of READ DATA and WRITE DATA moves through the FIFO. */
static void specify_non_dma(struct fx *f, bool nd)
{
    const uint8_t spec[3] = { 0x03, 0xAF, (uint8_t)(0x02 | (nd ? 1 : 0)) };
    command(f->m, spec, 3);
}

/* Non-DMA execution phase: wait for RQM (with INT up), then move one sector through the
 * FIFO with MSR showing RQM, NDMA, CB and DIO for a read. */
static void pio_sector(struct fx *f, uint8_t *data, bool read)
{
    for (unsigned k = 0; k < 1000 && !(msr(f->m) & 0x80); k++)
        dt_advance(f->m, 10000);
    assert_true(f->irq.level[6]);
    for (unsigned k = 0; k < 512; k++) {
        uint8_t want = (uint8_t)(read ? 0xF0 : 0xB0);
        if ((msr(f->m) & 0xF0) != want)
            fail_msg("byte %u: MSR %02x, want %02x", k, msr(f->m), want);
        if (read)
            data[k] = dt_in(f->m, 0x3F5);
        else
            dt_out(f->m, 0x3F5, data[k]);
    }
}

static void test_read_non_dma(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    specify_non_dma(f, true);
    dt_out(m, 0x0A, 0x06); /* DMA channel masked: nothing may move by DMA */
    /* Sectors 17 and 18 of cylinder 3, head 1: the track ends at EOT with no TC. */
    const uint8_t cmd[9] = { 0x46, 0x04, 3, 1, 17, 2, 18, 0x1B, 0xFF };
    command(m, cmd, 9);
    assert_int_equal(msr(m) & 0xF0, 0x30); /* executing, non-DMA, data not there yet */
    uint8_t got[512], img[512];
    for (unsigned r = 17; r <= 18; r++) {
        pio_sector(f, got, true);
        read_image(f->path, chs_offset(3, 1, r), img, 512);
        assert_memory_equal(got, img, 512);
    }
    wait_irq(f);
    uint8_t res[7];
    results(m, res, 7);
    const uint8_t want[7] = { 0x44, 0x80, 0x00, 4, 1, 1, 2 };
    assert_memory_equal(res, want, 7);
    /* Back in DMA mode the same read moves by DMA again. */
    specify_non_dma(f, false);
    program_dma(m, 0x10000, 512, true);
    transfer(f, 0x46, 0, 3, 1, 17, 17, res);
    assert_int_equal(res[0], 0x04);
    phys_read_bytes(m, 0x10000, got, 512);
    read_image(f->path, chs_offset(3, 1, 17), img, 512);
    assert_memory_equal(got, img, 512);
}

static void test_write_non_dma(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    specify_non_dma(f, true);
    const uint8_t cmd[9] = { 0x45, 0x04, 5, 1, 17, 2, 18, 0x1B, 0xFF };
    command(m, cmd, 9);
    uint8_t data[2][512];
    for (unsigned s = 0; s < 2; s++) {
        for (unsigned k = 0; k < 512; k++)
            data[s][k] = (uint8_t)(k * 7 + s * 3 + 1);
        pio_sector(f, data[s], false);
    }
    wait_irq(f);
    uint8_t res[7];
    results(m, res, 7);
    const uint8_t want[7] = { 0x44, 0x80, 0x00, 6, 1, 1, 2 };
    assert_memory_equal(res, want, 7);
    uint8_t img[512];
    read_image(f->path, chs_offset(5, 1, 17), img, 512);
    assert_memory_equal(img, data[0], 512);
    read_image(f->path, chs_offset(5, 1, 18), img, 512);
    assert_memory_equal(img, data[1], 512);
    read_image(f->path, chs_offset(5, 1, 16), img, 512);
    assert_int_equal(img[0], pattern(chs_offset(5, 1, 16)));
}

static void test_read_track(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    /* From the index on: sectors 1-3 of cylinder 4, head 0, whatever R says (R=2 matches). */
    program_dma(m, 0x40000, 3 * 512, true);
    uint8_t res[7];
    transfer(f, 0x42, 0, 4, 0, 2, 18, res);
    const uint8_t want[7] = { 0x00, 0x00, 0x00, 4, 0, 4, 2 };
    assert_memory_equal(res, want, 7);
    uint8_t got[3 * 512], img[512];
    phys_read_bytes(m, 0x40000, got, sizeof got);
    for (unsigned r = 1; r <= 3; r++) {
        read_image(f->path, chs_offset(4, 0, r), img, 512);
        assert_memory_equal(got + (r - 1) * 512, img, 512);
    }
    /* EOT = 2 sectors, an ID that is nowhere on the track: EN and ND, two sectors read. */
    program_dma(m, 0x40000, 4 * 512, true);
    transfer(f, 0x42, 0, 4, 0, 33, 2, res);
    assert_int_equal(res[0], 0x40);
    assert_int_equal(res[1], 0x80 | 0x04);
    assert_int_equal(dma_bytes_left(f->dma, 2), 2 * 512);
    /* MT is not a READ TRACK bit: 0xC2 is an invalid command. */
    uint8_t bad = 0xC2, st0;
    command(m, &bad, 1);
    results(m, &st0, 1);
    assert_int_equal(st0, 0x80);
}

static void test_verify(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    dt_out(m, 0x0A, 0x06); /* VERIFY moves no data: the DMA channel stays masked */
    uint8_t res[7];
    /* EC=0: sectors 16 to EOT 18 of cylinder 6 head 1; a normal end at EOT. */
    transfer(f, 0x56, 0, 6, 1, 16, 18, res);
    const uint8_t want[7] = { 0x04, 0x00, 0x00, 7, 1, 1, 2 };
    assert_memory_equal(res, want, 7);
    /* EC=1 (bit 7 of the drive byte): SC = 4 sectors from sector 2, ends normally. */
    const uint8_t ec[9] = { 0x56, 0x80, 6, 0, 2, 2, 18, 0x1B, 4 };
    command(m, ec, 9);
    wait_irq(f);
    results(m, res, 7);
    const uint8_t want_ec[7] = { 0x00, 0x00, 0x00, 6, 0, 6, 2 };
    assert_memory_equal(res, want_ec, 7);
    /* EC=1 with more sectors than the track has left: abnormal, EN. */
    const uint8_t over[9] = { 0x56, 0x80, 6, 0, 17, 2, 18, 0x1B, 9 };
    command(m, over, 9);
    wait_irq(f);
    results(m, res, 7);
    assert_int_equal(res[0], 0x40);
    assert_int_equal(res[1], 0x80);
    /* A sector that is not there: ND. */
    transfer(f, 0x56, 0, 6, 0, 30, 30, res);
    assert_int_equal(res[0], 0x40);
    assert_int_equal(res[1], 0x04);
}

/* Saved in the middle of a non-DMA sector and loaded into the same controller after a
 * reset: the host goes on reading from the byte where it stopped. */
static void test_state_mid_pio_sector(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    specify_non_dma(f, true);
    const uint8_t cmd[9] = { 0x46, 0x00, 0, 0, 5, 2, 5, 0x1B, 0xFF };
    command(m, cmd, 9);
    for (unsigned k = 0; k < 1000 && !(msr(m) & 0x80); k++)
        dt_advance(m, 10000);
    uint8_t got[512], img[512];
    for (unsigned k = 0; k < 100; k++)
        got[k] = dt_in(m, 0x3F5);
    const struct device_ops *ops = NULL;
    for (int k = 0; k < m->device_count; k++)
        if (strcmp(m->devices[k].ops->name, "fdc") == 0)
            ops = m->devices[k].ops;
    struct state_buf b = { 0 };
    ops->save(f->fdc, &b);
    dt_out(m, 0x3F2, 0x00); /* reset: the transfer is gone */
    assert_int_equal(msr(m), 0x00);
    assert_true(ops->load(f->fdc, &b, ops->state_version));
    assert_int_equal(b.pos, b.len);
    assert_int_equal(msr(m) & 0xF0, 0xF0);
    for (unsigned k = 100; k < 512; k++)
        got[k] = dt_in(m, 0x3F5);
    read_image(f->path, chs_offset(0, 0, 5), img, 512);
    assert_memory_equal(got, img, 512);
    wait_irq(f);
    uint8_t res[7];
    results(m, res, 7);
    assert_int_equal(res[1], 0x80);
    /* A FIFO position past the sector is refused. */
    b.data[b.len - 512 - 2] = 0x00;
    b.data[b.len - 512 - 1] = 0x02;
    b.pos = 0;
    assert_false(ops->load(f->fdc, &b, ops->state_version));
    state_free(&b);
}

static void test_state_roundtrip(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bring_up(f);
    const uint8_t seek[3] = { 0x0F, 0x00, 9 };
    command(m, seek, 3);
    const struct device_ops *ops = NULL;
    for (int k = 0; k < m->device_count; k++)
        if (strcmp(m->devices[k].ops->name, "fdc") == 0)
            ops = m->devices[k].ops;
    assert_non_null(ops);
    struct state_buf b = { 0 };
    ops->save(f->fdc, &b);
    assert_false(b.error);
    /* Mid-seek: reload, and the seek still ends with its interrupt and cylinder. */
    dt_out(m, 0x3F2, 0x00);
    assert_true(ops->load(f->fdc, &b, 1));
    wait_irq(f);
    uint8_t st0, pcn;
    sense(f, &st0, &pcn);
    assert_int_equal(st0, 0x20);
    assert_int_equal(pcn, 9);
    b.pos = 0;
    b.len = 12;
    assert_false(ops->load(f->fdc, &b, 1));
    state_free(&b);
}

int main(void)
{
    dt_filter_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_and_ready_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_irq_gated_by_dma_enable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_invalid_and_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recalibrate_seek_and_sense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_change_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_sector_into_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_multitrack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_end_of_track, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_sector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_track, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geometry_and_attach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_non_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_non_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_track, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_mid_pio_sector, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
