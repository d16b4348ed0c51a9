/* QEMU's fw_cfg device (docs/specs/fw_cfg.rst) with the PC board's items: the signature
 * and ID through selector and data port, the file directory, etc/e820 and bootorder read
 * through the data port and through the DMA interface (select, read, skip, reads past
 * the end, the refused write), the DMA signature, the directory's sorting and limits, and
 * etc/boot-fail-wait. */
#include "devtest.h"

#include <stdlib.h>
#include <string.h>

#include "devices/fw_cfg.h"
#include "machine/pc.h"

struct fx {
    struct machine *m;
    struct fw_cfg *fw;
};

/* hda a hard disk, hdc a CD, fda a floppy, booting CD first, then disk, then floppy. */
static const struct pc_config board = {
    .ram_bytes = 32u << 20,
    .ide = { [0] = { .path = "hda.img" }, [2] = { .path = "cd.iso", .cdrom = true } },
    .floppy = { "fda.img" },
    .boot_order = "dca",
};

static const char bootorder[] = "/pci@i0cf8/ide@1,1/drive@1/disk@0\n"
                                "/pci@i0cf8/ide@1,1/drive@0/disk@0\n"
                                "/pci@i0cf8/isa@1/fdc@03f0/floppy@0";

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = dt_machine();
    f->fw = fw_cfg_create(f->m);
    assert_non_null(f->fw);
    char err[200];
    assert_int_equal(pc_fw_cfg_setup(f->fw, &board, err, sizeof err), 0);
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

static void select_item(struct machine *m, uint16_t key)
{
    io_write(m, FW_CFG_PORT_SEL, key, 2);
}

static void read_data(struct machine *m, void *buf, size_t n)
{
    uint8_t *p = buf;
    for (size_t k = 0; k < n; k++)
        p[k] = dt_in(m, FW_CFG_PORT_DATA);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

/* The selector of the file `name`, found through the directory as SeaBIOS does. */
static uint16_t find_file(struct machine *m, const char *name, uint32_t *size)
{
    uint8_t count[4];
    select_item(m, FW_CFG_FILE_DIR);
    read_data(m, count, 4);
    for (uint32_t k = 0; k < be32(count); k++) {
        uint8_t e[64];
        read_data(m, e, sizeof e);
        if (strcmp((const char *)e + 8, name) == 0) {
            *size = be32(e);
            return (uint16_t)(e[4] << 8 | e[5]);
        }
    }
    fail_msg("no file %s", name);
    return 0;
}

/* Run a DMA access: the FWCfgDmaAccess structure at 0x1000, its address written as the
 * two big-endian halves, the low one last (as SeaBIOS's single outl to 0x518). */
static uint32_t dma(struct machine *m, uint32_t control, uint32_t length, uint32_t address)
{
    uint8_t access[16] = { 0 };
    for (int k = 0; k < 4; k++) {
        access[k] = (uint8_t)(control >> (24 - 8 * k));
        access[4 + k] = (uint8_t)(length >> (24 - 8 * k));
        access[12 + k] = (uint8_t)(address >> (24 - 8 * k));
    }
    phys_write_bytes(m, 0x1000, access, sizeof access);
    io_write(m, FW_CFG_PORT_DMA, 0, 4);
    io_write(m, FW_CFG_PORT_DMA + 4, __builtin_bswap32(0x1000), 4);
    uint8_t done[4];
    phys_read_bytes(m, 0x1000, done, 4);
    return be32(done);
}

static void test_signature_and_id(void **state)
{
    struct fx *f = *state;
    char sig[5] = { 0 };
    select_item(f->m, FW_CFG_SIGNATURE);
    read_data(f->m, sig, 4);
    assert_string_equal(sig, "QEMU");
    /* Past the end the data port reads zeros. */
    assert_int_equal(dt_in(f->m, FW_CFG_PORT_DATA), 0);
    uint8_t id[4];
    select_item(f->m, FW_CFG_ID);
    read_data(f->m, id, 4);
    assert_int_equal(id[0], FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    /* A byte-wide selector write works too, and restarts the item. */
    dt_out(f->m, FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
    assert_int_equal(dt_in(f->m, FW_CFG_PORT_DATA), 'Q');
    /* An item nobody set reads as zeros. */
    select_item(f->m, 0x7777);
    assert_int_equal(dt_in(f->m, FW_CFG_PORT_DATA), 0);
    /* The DMA register reads "QEMU CFG". */
    assert_int_equal(io_read(f->m, FW_CFG_PORT_DMA, 4), 0x554D4551u);
    assert_int_equal(io_read(f->m, FW_CFG_PORT_DMA + 4, 4), 0x47464320u);
}

static void test_board_items(void **state)
{
    struct fx *f = *state;
    uint8_t b[8];
    select_item(f->m, FW_CFG_RAM_SIZE);
    read_data(f->m, b, 8);
    assert_int_equal(le64(b), 32u << 20);
    select_item(f->m, FW_CFG_NB_CPUS);
    read_data(f->m, b, 2);
    assert_int_equal(b[0] | b[1] << 8, 1);
    select_item(f->m, FW_CFG_MAX_CPUS);
    read_data(f->m, b, 2);
    assert_int_equal(b[0] | b[1] << 8, 1);
    select_item(f->m, FW_CFG_BOOT_DEVICE);
    read_data(f->m, b, 2);
    assert_int_equal(b[0], 'd');
    select_item(f->m, FW_CFG_BOOT_MENU);
    read_data(f->m, b, 2);
    assert_int_equal(b[0] | b[1] << 8, 0);
}

static void test_directory(void **state)
{
    struct fx *f = *state;
    uint8_t count[4], e[64];
    select_item(f->m, FW_CFG_FILE_DIR);
    read_data(f->m, count, 4);
    assert_int_equal(be32(count), 6);
    /* Sorted by name, selectors from 0x20 in that order. The ACPI tables and their
     * loader list are the board's too (bios/acpi_tables.c, tested in unit-acpi_tables). */
    static const struct { const char *name; uint32_t size; } want[] = {
        { "bootorder", sizeof bootorder }, { "etc/acpi/rsdp", 20 }, { "etc/acpi/tables", 0 },
        { "etc/boot-fail-wait", 4 }, { "etc/e820", 20 }, { "etc/table-loader", 0 },
    };
    for (unsigned k = 0; k < 6; k++) {
        read_data(f->m, e, 64);
        assert_string_equal((char *)e + 8, want[k].name);
        assert_int_equal(e[4] << 8 | e[5], 0x20 + k);
        if (want[k].size)
            assert_int_equal(be32(e), want[k].size);
    }
}

static void test_e820_through_data_port(void **state)
{
    struct fx *f = *state;
    uint32_t size;
    uint16_t sel = find_file(f->m, "etc/e820", &size);
    assert_int_equal(size, 20);
    uint8_t e[20];
    select_item(f->m, sel);
    read_data(f->m, e, sizeof e);
    /* QEMU's table: all RAM below 4 GiB as one RAM (type 1) entry from 0. */
    assert_int_equal(le64(e), 0);
    assert_int_equal(le64(e + 8), 32u << 20);
    assert_int_equal(e[16] | e[17] << 8 | e[18] << 16 | e[19] << 24, 1);
}

static void test_e820_and_bootorder_through_dma(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    uint32_t size;
    uint16_t sel = find_file(m, "etc/e820", &size);
    uint32_t ctl = (uint32_t)sel << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    assert_int_equal(dma(m, ctl, 20, 0x2000), 0);
    uint8_t e[20];
    phys_read_bytes(m, 0x2000, e, sizeof e);
    assert_int_equal(le64(e + 8), 32u << 20);

    sel = find_file(m, "bootorder", &size);
    assert_int_equal(size, sizeof bootorder);
    char text[sizeof bootorder];
    ctl = (uint32_t)sel << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    assert_int_equal(dma(m, ctl, size, 0x3000), 0);
    phys_read_bytes(m, 0x3000, text, sizeof text);
    assert_memory_equal(text, bootorder, sizeof bootorder); /* the NUL included */

    /* Skip, then read on from the same item without selecting it again. */
    ctl = (uint32_t)sel << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP;
    assert_int_equal(dma(m, ctl, 11, 0), 0);
    assert_int_equal(dma(m, FW_CFG_DMA_CTL_READ, 8, 0x4000), 0);
    char part[9] = { 0 };
    phys_read_bytes(m, 0x4000, part, 8);
    assert_string_equal(part, "ide@1,1/");
    /* Reading past the end fills with zeros. */
    phys_write_bytes(m, 0x5000, "xxxxxxxx", 8);
    ctl = FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    assert_int_equal(dma(m, ctl, 8, 0x5000), 0);
    phys_read_bytes(m, 0x5000, part, 8);
    assert_memory_equal(part, "QEMU\0\0\0\0", 8);
    /* Items are not writable: the write fails with the error bit. */
    ctl = FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE;
    assert_int_equal(dma(m, ctl, 4, 0x5000), FW_CFG_DMA_CTL_ERROR);
    select_item(m, FW_CFG_SIGNATURE);
    assert_int_equal(dt_in(m, FW_CFG_PORT_DATA), 'Q');
}

static void test_file_limits(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fw_cfg_add_file(f->fw, "etc/e820", "x", 1), -1);
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(fw_cfg_add_file(f->fw, longname, "x", 1), -1);
    assert_int_equal(fw_cfg_add_file(f->fw, "", "x", 1), -1);
    /* A new name sorts in between and moves the later file's selector. */
    assert_int_equal(fw_cfg_add_file(f->fw, "c-file", "abc", 3), 0);
    uint32_t size;
    assert_int_equal(find_file(f->m, "c-file", &size), 0x21);
    assert_int_equal(find_file(f->m, "etc/e820", &size), 0x25);
    uint32_t len;
    const uint8_t *data = fw_cfg_item(f->fw, 0x21, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "abc", 3);
    /* File slots and the directory are not numbered items. */
    assert_int_equal(fw_cfg_add_i16(f->fw, FW_CFG_FILE_DIR, 1), -1);
    assert_int_equal(fw_cfg_add_i16(f->fw, FW_CFG_FILE_FIRST + 3, 1), -1);
}

static void test_no_bootorder_without_drives(void **state)
{
    struct machine *m = dt_machine();
    struct fw_cfg *fw = fw_cfg_create(m);
    struct pc_config empty = { .ram_bytes = 16u << 20, .boot_order = "c" };
    char err[200];
    assert_int_equal(pc_fw_cfg_setup(fw, &empty, err, sizeof err), 0);
    uint32_t len;
    const uint8_t *dir = fw_cfg_item(fw, FW_CFG_FILE_DIR, &len);
    assert_int_equal(be32(dir), 5); /* the ACPI files, etc/boot-fail-wait and etc/e820 */
    /* No reboot wanted: the wait is "for ever". */
    assert_int_equal(pc_fw_cfg_setup(fw, &empty, err, sizeof err), -1); /* files exist */
    machine_destroy(m);
    m = dt_machine();
    fw = fw_cfg_create(m);
    empty.reboot_timeout_ms = -1;
    assert_int_equal(pc_fw_cfg_setup(fw, &empty, err, sizeof err), 0);
    const uint8_t *wait = fw_cfg_item(fw, 0x22, &len); /* after etc/acpi/rsdp, tables */
    assert_int_equal(len, 4);
    assert_memory_equal(wait, "\xFF\xFF\xFF\xFF", 4);
    machine_destroy(m);
}

int main(void)
{
    dt_filter_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signature_and_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e820_through_data_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e820_and_bootorder_through_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_limits, setup, teardown),
        cmocka_unit_test(test_no_bootorder_without_drives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
