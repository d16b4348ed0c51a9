/* What the PC board tells the firmware through fw_cfg, item for item as QEMU's i440FX
 * machine does (hw/i386/fw_cfg.c fw_cfg_arch_create, hw/nvram/fw_cfg.c, hw/i386/pc.c
 * pc_memory_init; SeaBIOS src/fw/paravirt.c and src/boot.c are the reader). */
#include <stdio.h>
#include <string.h>

#include "bios/acpi_tables.h"
#include "devices/fw_cfg.h"
#include "devices/piix4_pm.h"
#include "machine/pc.h"

#define E820_RAM 1

/* One e820 entry as QEMU stores it: {le64 address, le64 length, le32 type}, packed. */
static void put_e820(uint8_t *p, uint64_t addr, uint64_t len, uint32_t type)
{
    for (unsigned k = 0; k < 8; k++) {
        p[k] = (uint8_t)(addr >> (8 * k));
        p[8 + k] = (uint8_t)(len >> (8 * k));
    }
    for (unsigned k = 0; k < 4; k++)
        p[16 + k] = (uint8_t)(type >> (8 * k));
}

/* Append one device path to the bootorder list, separated by newlines. */
static int add_path(char *buf, size_t cap, size_t *len, const char *path)
{
    int n = snprintf(buf + *len, cap - *len, "%s%s", *len ? "\n" : "", path);
    if (n < 0 || (size_t)n >= cap - *len)
        return -1;
    *len += (size_t)n;
    return 0;
}

/* SeaBIOS's names for the drives (src/boot.c bootprio_find_*): the PIIX3 IDE function is
 * PCI 00:01.1, its ISA bridge 00:01.0 with the floppy controller at 0x3F0. */
static int boot_paths(const struct pc_config *cfg, char *buf, size_t cap, size_t *len)
{
    const char *order = cfg->boot_order ? cfg->boot_order : "cad";
    bool floppies_done = false;
    for (const char *p = order; *p; p++) {
        char path[80];
        if (*p == 'a' || *p == 'b') {
            if (floppies_done)
                continue;
            floppies_done = true;
            for (unsigned k = 0; k < PC_FLOPPIES; k++) {
                if (!cfg->floppy[k])
                    continue;
                snprintf(path, sizeof path, "/pci@i0cf8/isa@1/fdc@03f0/floppy@%u", k);
                if (add_path(buf, cap, len, path) != 0)
                    return -1;
            }
            continue;
        }
        bool want_cd = *p == 'd';
        if (*p != 'c' && *p != 'd')
            continue;
        for (unsigned k = 0; k < PC_IDE_DRIVES; k++) {
            const struct pc_ide_drive *d = &cfg->ide[k];
            bool is_cd = d->cdrom, is_hd = !d->cdrom && d->path;
            if (want_cd ? !is_cd : !is_hd)
                continue;
            snprintf(path, sizeof path, "/pci@i0cf8/ide@1,1/drive@%u/disk@%u", k / 2, k % 2);
            if (add_path(buf, cap, len, path) != 0)
                return -1;
        }
    }
    return 0;
}

/* The ACPI tables and the loader list that places them (bios/acpi_tables.c). SeaBIOS's
 * piix4_pm_setup puts the PM block at 0x600 and wires the SCI to IRQ 9; the PCI memory
 * window runs from the top of RAM to below the IOAPIC's address, as QEMU's DSDT has it. */
static int add_acpi(struct fw_cfg *fw, const struct pc_config *cfg)
{
    struct acpi_board board = {
        .pm_base = 0x600,
        .sci_irq = PIIX4_PM_SCI_IRQ,
        .slp_typ_s5 = PIIX4_SUS_TYP_SOFT_OFF,
        .pci_mem_start = cfg->ram_bytes,
        .pci_mem_end = 0xFEBFFFFFu,
    };
    struct acpi_blobs blobs;
    if (acpi_build(&board, &blobs) != 0)
        return -1;
    int r = fw_cfg_add_file(fw, ACPI_FILE_RSDP, blobs.rsdp, blobs.rsdp_len);
    r |= fw_cfg_add_file(fw, ACPI_FILE_TABLES, blobs.tables, blobs.tables_len);
    r |= fw_cfg_add_file(fw, ACPI_FILE_LOADER, blobs.loader, blobs.loader_len);
    acpi_blobs_free(&blobs);
    return r;
}

int pc_fw_cfg_setup(struct fw_cfg *fw, const struct pc_config *cfg, char *err, size_t errlen)
{
    const char *order = cfg->boot_order ? cfg->boot_order : "cad";
    uint8_t uuid[16] = { 0 };
    /* NUMA: a node count of 0, then one (zero) node number per possible CPU. */
    uint8_t numa[16] = { 0 };
    /* etc/e820: QEMU lists all RAM below 4 GiB as one block from 0; the BIOS carves out
     * the EBDA, the VGA window and the ROM area itself, and SeaBIOS skips RAM entries
     * below the size it took from the CMOS. */
    uint8_t e820[20];
    put_e820(e820, 0, cfg->ram_bytes, E820_RAM);
    char paths[1024];
    size_t plen = 0;
    int r = 0;
    r |= fw_cfg_add_bytes(fw, FW_CFG_UUID, uuid, sizeof uuid);
    r |= fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, cfg->ram_bytes);
    r |= fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, 0);
    r |= fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 1);
    r |= fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, 1);
    r |= fw_cfg_add_i16(fw, FW_CFG_BOOT_DEVICE, (uint8_t)order[0]);
    r |= fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);
    r |= fw_cfg_add_bytes(fw, FW_CFG_NUMA, numa, sizeof numa);
    /* No IOAPIC to override an IRQ 0 pin on, no legacy ACPI table items (the tables are
     * the etc/acpi files below) and no SMBIOS blobs: SeaBIOS builds its own SMBIOS. */
    r |= fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 0);
    r |= fw_cfg_add_i16(fw, FW_CFG_ACPI_TABLES, 0);
    r |= fw_cfg_add_i16(fw, FW_CFG_SMBIOS_ENTRIES, 0);
    r |= fw_cfg_add_i32(fw, FW_CFG_E820_TABLE, 0);
    r |= fw_cfg_add_file(fw, "etc/e820", e820, sizeof e820);
    /* A little-endian u32 in milliseconds; 0xFFFFFFFF: wait for ever. */
    uint32_t wait = cfg->reboot_timeout_ms == 0 ? 60000u : (uint32_t)cfg->reboot_timeout_ms;
    uint8_t wait_le[4] = { (uint8_t)wait, (uint8_t)(wait >> 8), (uint8_t)(wait >> 16),
                           (uint8_t)(wait >> 24) };
    r |= fw_cfg_add_file(fw, "etc/boot-fail-wait", wait_le, sizeof wait_le);
    if (r != 0) {
        snprintf(err, errlen, "cannot add the board's fw_cfg items (out of memory, or "
                 "added twice)");
        return -1;
    }
    if (boot_paths(cfg, paths, sizeof paths, &plen) != 0) {
        snprintf(err, errlen, "the boot order list is too long");
        return -1;
    }
    /* QEMU's bootorder file: the paths separated by newlines, NUL-terminated. */
    if (plen && fw_cfg_add_file(fw, "bootorder", paths, (uint32_t)plen + 1) != 0) {
        snprintf(err, errlen, "out of memory filling fw_cfg");
        return -1;
    }
    if (cfg->firmware == FIRMWARE_SEABIOS && add_acpi(fw, cfg) != 0) {
        snprintf(err, errlen, "out of memory building the ACPI tables");
        return -1;
    }
    return 0;
}
