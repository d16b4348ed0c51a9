/* The CMOS configuration the board writes for the BIOS (QEMU's pc_cmos_init layout, the
 * AT checksum): memory sizes, floppy and disk types with their parameter blocks and
 * translation, the equipment byte, the boot order nibbles, the century bytes and the
 * checksum over 0x10-0x2D. */
#include "devtest.h"

#include <stdlib.h>

#include "bios/cmos_setup.h"
#include "devices/rtc.h"

#define JAN_1_2024 1704067200

struct fx {
    struct machine *m;
    struct rtc *rtc;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = dt_machine();
    f->rtc = rtc_create(f->m, JAN_1_2024, false);
    assert_non_null(f->rtc);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    machine_destroy(f->m);
    free(f);
    return 0;
}

static unsigned get16(struct rtc *r, unsigned index)
{
    return rtc_get_nvram(r, index) | rtc_get_nvram(r, index + 1) << 8;
}

static void test_full_configuration(void **state)
{
    struct fx *f = *state;
    struct rtc *r = f->rtc;
    struct cmos_config c = {
        .ram_bytes = 32u << 20,
        .floppy_type = { 4, 0 },
        .disk = { { true, 8, 16, 63 }, { true, 2000, 16, 63 } },
        .boot_order = "cda",
        .floppy_sig_check = true,
        .fpu = true,
        .cpus = 1,
    };
    cmos_setup(r, &c);
    assert_int_equal(get16(r, 0x15), 640);
    assert_int_equal(get16(r, 0x17), 31 * 1024);
    assert_int_equal(get16(r, 0x30), 31 * 1024);
    assert_int_equal(get16(r, 0x34), 256);     /* 16 MiB above 16 MiB, 64 KiB units */
    assert_int_equal(rtc_get_nvram(r, 0x5B), 0);
    assert_int_equal(rtc_get_nvram(r, 0x5C), 0);
    assert_int_equal(rtc_get_nvram(r, 0x5D), 0);
    assert_int_equal(rtc_get_nvram(r, 0x5F), 0);
    assert_int_equal(rtc_get_nvram(r, 0x10), 0x40);
    assert_int_equal(rtc_get_nvram(r, 0x14), 0x07); /* one floppy, FPU, PS/2 mouse, VGA */
    assert_int_equal(rtc_get_nvram(r, 0x12), 0xFF);
    assert_int_equal(rtc_get_nvram(r, 0x19), 47);
    assert_int_equal(rtc_get_nvram(r, 0x1A), 47);
    /* Drive 0's parameter block. */
    assert_int_equal(get16(r, 0x1B), 8);
    assert_int_equal(rtc_get_nvram(r, 0x1D), 16);
    assert_int_equal(get16(r, 0x1E), 0xFFFF);
    assert_int_equal(rtc_get_nvram(r, 0x20), 0xC8);
    assert_int_equal(get16(r, 0x21), 8);
    assert_int_equal(rtc_get_nvram(r, 0x23), 63);
    /* Drive 1's. */
    assert_int_equal(get16(r, 0x24), 2000);
    assert_int_equal(rtc_get_nvram(r, 0x2C), 63);
    /* Only drive 1 exceeds 1024 cylinders: LBA translation for it. */
    assert_int_equal(rtc_get_nvram(r, 0x39), 0x04);
    /* Boot order: CD-ROM, hard disk, floppy; the floppy signature is checked. */
    assert_int_equal(rtc_get_nvram(r, 0x3D), 0x32);
    assert_int_equal(rtc_get_nvram(r, 0x38), 0x10);
    assert_int_equal(rtc_get_nvram(r, 0x2D), 0x00);
    /* The century, in BCD, in both places. */
    assert_int_equal(rtc_get_nvram(r, 0x32), 0x20);
    assert_int_equal(rtc_get_nvram(r, 0x37), 0x20);
    /* The checksum: the plain byte sum of 0x10-0x2D, high byte first. */
    unsigned sum = 0;
    for (unsigned k = 0x10; k <= 0x2D; k++)
        sum += rtc_get_nvram(r, k);
    assert_int_equal(rtc_get_nvram(r, 0x2E), (sum >> 8) & 0xFF);
    assert_int_equal(rtc_get_nvram(r, 0x2F), sum & 0xFF);
    assert_int_equal(cmos_checksum(r), sum & 0xFFFF);
}

static void test_memory_limits(void **state)
{
    struct fx *f = *state;
    struct rtc *r = f->rtc;
    struct cmos_config c = { .ram_bytes = 3072u << 20, .boot_order = "c" };
    cmos_setup(r, &c);
    assert_int_equal(get16(r, 0x17), 0xFFFF);  /* capped at 64 MiB - 1 KiB */
    assert_int_equal(get16(r, 0x34), ((3072u - 16) << 20) >> 16);
    c.ram_bytes = 512u << 10;
    cmos_setup(r, &c);
    assert_int_equal(get16(r, 0x15), 512);
    assert_int_equal(get16(r, 0x17), 0);
    assert_int_equal(get16(r, 0x34), 0);
}

static void test_floppies_and_no_disks(void **state)
{
    struct fx *f = *state;
    struct rtc *r = f->rtc;
    struct cmos_config c = { .ram_bytes = 16u << 20, .floppy_type = { 4, 2 }, .boot_order = "a" };
    cmos_setup(r, &c);
    assert_int_equal(rtc_get_nvram(r, 0x10), 0x42);
    assert_int_equal(rtc_get_nvram(r, 0x14), 0x45);   /* two floppies, no FPU */
    assert_int_equal(rtc_get_nvram(r, 0x12), 0x00);
    assert_int_equal(rtc_get_nvram(r, 0x19), 0);
    assert_int_equal(rtc_get_nvram(r, 0x3D), 0x01);
    assert_int_equal(rtc_get_nvram(r, 0x38), 0x01);   /* signature check off */
    assert_int_equal(rtc_get_nvram(r, 0x2D), 0x20);   /* the old Bochs "floppy first" */
    assert_int_equal(get16(r, 0x34), 0);
}

static void test_boot_nibbles(void **state)
{
    uint16_t n;
    assert_int_equal(cmos_boot_nibbles("a", &n), 0);
    assert_int_equal(n, 0x001);
    assert_int_equal(cmos_boot_nibbles("cd", &n), 0);
    assert_int_equal(n, 0x032);
    assert_int_equal(cmos_boot_nibbles("dca", &n), 0);
    assert_int_equal(n, 0x123);
    assert_int_equal(cmos_boot_nibbles("b", &n), 0);
    assert_int_equal(n, 0x001);
    assert_int_equal(cmos_boot_nibbles("", &n), -1);
    assert_int_equal(cmos_boot_nibbles(NULL, &n), -1);
    assert_int_equal(cmos_boot_nibbles("cdab", &n), -1);
    assert_int_equal(cmos_boot_nibbles("n", &n), -1);
    assert_int_equal(cmos_boot_nibbles("C", &n), -1);
}

int main(void)
{
    dt_filter_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_configuration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_floppies_and_no_disks, setup, teardown),
        cmocka_unit_test(test_boot_nibbles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
