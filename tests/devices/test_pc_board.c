/* pc_create(): the board it builds (the devices on their ports, the firmware where QEMU
 * maps it, the CMOS filled in, the CPU at the reset vector) and its refusals, each with a
 * one-line reason and nothing leaked: a missing or malformed disk image, a bad boot
 * order, a CPU without 32-bit addressing, bad firmware files. Needs Debian's seabios,
 * bochsbios and vgabios packages; the tests that need a missing file are skipped. */
#include "devtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios/firmware.h"
#include "devices/chardev.h"
#include "devices/fdc.h"
#include "devices/rtc.h"
#include "machine/pc.h"

/* Size the VGA's (00:02.0) expansion ROM BAR the way a BIOS does. */
static uint32_t vga_rom_bar_size_mask(struct machine *m)
{
    io_write(m, 0xCF8, 0x80000000u | 2u << 11 | 0x30, 4);
    io_write(m, 0xCFC, 0xFFFFF800u, 4);
    uint32_t v = io_read(m, 0xCFC, 4);
    io_write(m, 0xCFC, 0, 4);
    return v;
}

static bool have(const char *path)
{
    return access(path, R_OK) == 0;
}

static struct pc_config base_config(void)
{
    return (struct pc_config){ .model = CPU_P6, .ram_bytes = 32u << 20, .rtc_fixed = true,
                               .rtc_base = 1704067200, .quiet = true };
}

/* A scratch file of `size` zero bytes (sparse). */
static void scratch(char *path, size_t len, uint64_t size)
{
    snprintf(path, len, "/tmp/glass86-pc-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    close(fd);
}

static uint8_t *slurp(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    rewind(f);
    uint8_t *buf = malloc((size_t)*size);
    assert_int_equal(fread(buf, 1, (size_t)*size, f), (size_t)*size);
    fclose(f);
    return buf;
}

static void test_seabios_board(void **state)
{
    if (!have(FIRMWARE_SEABIOS_BIOS) || !have(FIRMWARE_SEABIOS_VGABIOS))
        skip();
    char floppy[64];
    scratch(floppy, sizeof floppy, 1474560);
    struct pc_config cfg = base_config();
    cfg.floppy[0] = floppy;
    cfg.boot_order = "a";
    cfg.serial_dev[0] = chardev_script();
    char err[256] = "";
    struct machine *m = pc_create(&cfg, err, sizeof err);
    assert_non_null(m);
    struct pc_board *b = pc_board(m);
    assert_non_null(b);
    assert_non_null(b->pic);
    assert_non_null(b->dma);
    assert_non_null(b->fdc);
    assert_non_null(b->kbc);
    assert_non_null(b->vga);
    assert_non_null(b->fw_cfg);
    assert_non_null(b->uart[0]);
    assert_null(b->uart[1]);
    assert_non_null(m->pci);
    /* Who owns the ports: 0x80 POST, 0x81 DMA pages, the FDC around IDE's 0x3F6 (no
     * debug console without cfg.debugcon). */
    static const uint16_t owned[] = { 0x00, 0x20, 0x40, 0x61, 0x70, 0x80, 0x81, 0x92, 0xC0,
                                      0x3F2, 0x3F7, 0x3F8, 0x510, 0x514, 0xF4, 0x402 };
    for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
        if (m->io.owner[owned[k]] == 0)
            fail_msg("port 0x%x has no owner", owned[k]);
    assert_true(strcmp(m->io.handlers[m->io.owner[0x3F6] - 1].name, "fdc") != 0);
    assert_int_equal(fdc_drive_type(b->fdc, 0), FDC_DRIVE_1_44M);
    /* The whole image ends at 4 GiB; its last 128 KiB also end at 1 MiB; the CPU
     * starts 16 bytes below the top. */
    long size;
    uint8_t *bios = slurp(FIRMWARE_SEABIOS_BIOS, &size);
    uint8_t got[64];
    phys_read_bytes(m, (uint32_t)(0x100000000ull - (uint64_t)size), got, sizeof got);
    assert_memory_equal(got, bios, sizeof got);
    phys_read_bytes(m, 0xFFFF0, got, 16);
    assert_memory_equal(got, bios + size - 16, 16);
    assert_int_equal(m->cpu.seg[SEG_CS].selector, 0xF000);
    assert_int_equal(m->cpu.eip, 0xFFF0);
    /* PAM at power-on: the ROM reads, writes go nowhere. */
    phys_write8(m, 0xF0000, (uint8_t)~bios[size - 0x10000]);
    assert_int_equal(phys_read8(m, 0xF0000), bios[size - 0x10000]);
    /* SeaBIOS finds the VGA BIOS through PCI: nothing at 0xC0000, a ROM BAR. */
    assert_int_equal(phys_read8(m, 0xC0000), 0xFF);
    assert_int_equal(vga_rom_bar_size_mask(m), 0xFFFF0000u);
    /* The CMOS describes the machine. */
    assert_int_equal(rtc_get_nvram(b->rtc, 0x10), 0x40);
    assert_int_equal(rtc_get_nvram(b->rtc, 0x3D), 0x01);
    assert_int_equal(rtc_get_nvram(b->rtc, 0x34) | rtc_get_nvram(b->rtc, 0x35) << 8, 256);
    assert_int_equal(pc_shutdown_flush(m), 0);
    free(bios);
    machine_destroy(m);
    unlink(floppy);
}

static void test_bochs_board(void **state)
{
    if (!have(FIRMWARE_BOCHS_BIOS) || !have(FIRMWARE_BOCHS_VGABIOS))
        skip();
    struct pc_config cfg = base_config();
    cfg.firmware = FIRMWARE_BOCHS;
    char err[256] = "";
    struct machine *m = pc_create(&cfg, err, sizeof err);
    assert_non_null(m);
    /* The Bochs BIOS scans the ROM area for option ROMs: the VGA BIOS is at 0xC0000. */
    assert_int_equal(phys_read8(m, 0xC0000), 0x55);
    assert_int_equal(phys_read8(m, 0xC0001), 0xAA);
    /* ... and the VGA has no ROM BAR that the Bochs BIOS would copy over it. */
    assert_int_equal(vga_rom_bar_size_mask(m), 0);
    machine_destroy(m);
}

static void expect_failure(struct pc_config *cfg, const char *want)
{
    char err[512] = "";
    struct machine *m = pc_create(cfg, err, sizeof err);
    assert_null(m);
    if (!strstr(err, want))
        fail_msg("error '%s' does not contain '%s'", err, want);
    assert_null(strchr(err, '\n'));
}

static void test_missing_and_bad_images(void **state)
{
    if (!have(FIRMWARE_SEABIOS_BIOS) || !have(FIRMWARE_SEABIOS_VGABIOS))
        skip();
    struct pc_config cfg = base_config();
    cfg.ide[0].path = "/nonexistent/x.img";
    expect_failure(&cfg,
                   "cannot open hard disk image '/nonexistent/x.img': No such file or directory");
    cfg = base_config();
    cfg.ide[2] = (struct pc_ide_drive){ .path = "/nonexistent/cd.iso", .cdrom = true };
    expect_failure(&cfg, "cannot open CD image '/nonexistent/cd.iso'");
    char odd[64];
    scratch(odd, sizeof odd, 1000);
    cfg = base_config();
    cfg.floppy[1] = odd;
    expect_failure(&cfg, "a floppy image must be");
    cfg = base_config();
    cfg.ide[1].path = odd;
    expect_failure(&cfg, "not a whole number of 512-byte sectors");
    /* Serial backends handed in are closed on failure too (no leak under ASan). */
    cfg.serial_dev[0] = chardev_script();
    expect_failure(&cfg, "512-byte");
    unlink(odd);
}

static void test_bad_configuration(void **state)
{
    struct pc_config cfg = base_config();
    cfg.boot_order = "cx";
    expect_failure(&cfg, "boot order 'cx'");
    cfg = base_config();
    cfg.model = CPU_286;
    expect_failure(&cfg, "386 or later");
    cfg = base_config();
    cfg.ram_bytes = 512u << 10;
    expect_failure(&cfg, "1 MiB to 3 GiB");
    cfg = base_config();
    cfg.serial[1] = "bogus:spec";
    cfg.bios_path = FIRMWARE_BOCHS_BIOS;
    cfg.vgabios_path = FIRMWARE_BOCHS_VGABIOS;
    if (have(FIRMWARE_BOCHS_BIOS) && have(FIRMWARE_BOCHS_VGABIOS))
        expect_failure(&cfg, "bogus");
    enum firmware_kind k;
    assert_int_equal(firmware_kind_parse("coreboot", &k), -1);
    assert_int_equal(firmware_kind_parse("bochs", &k), 0);
    assert_int_equal(k, FIRMWARE_BOCHS);
}

static void test_bad_firmware_files(void **state)
{
    if (!have(FIRMWARE_SEABIOS_VGABIOS) || !have(FIRMWARE_SEABIOS_BIOS))
        skip();
    struct pc_config cfg = base_config();
    cfg.bios_path = "/nonexistent/bios.bin";
    expect_failure(&cfg, "cannot open ROM '/nonexistent/bios.bin'");
    char odd[64];
    scratch(odd, sizeof odd, 1000);
    cfg.bios_path = odd;
    expect_failure(&cfg, "not a multiple of 64 KiB");
    /* A VGA BIOS must be an option ROM. */
    cfg = base_config();
    cfg.vgabios_path = odd;
    expect_failure(&cfg, "is not an option ROM");
    /* A system BIOS given as the VGA BIOS is too big for the option ROM area. */
    cfg.vgabios_path = FIRMWARE_SEABIOS_BIOS;
    expect_failure(&cfg, "is not an option ROM");
    unlink(odd);
}

int main(void)
{
    dt_filter_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seabios_board),
        cmocka_unit_test(test_bochs_board),
        cmocka_unit_test(test_missing_and_bad_images),
        cmocka_unit_test(test_bad_configuration),
        cmocka_unit_test(test_bad_firmware_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
