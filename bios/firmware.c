/* Firmware images for the PC board (see firmware.h). The mapping is QEMU's for the pc
 * machine (hw/i386/x86.c x86_bios_rom_init): image at 4 GiB - size, its last 128 KiB
 * (all of a smaller image) aliased below 1 MiB. */
#include "bios/firmware.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios/rom.h"
#include "machine/machine.h"

#define LOW_WINDOW (128u * 1024)

int firmware_kind_parse(const char *name, enum firmware_kind *kind)
{
    if (strcmp(name, "seabios") == 0)
        *kind = FIRMWARE_SEABIOS;
    else if (strcmp(name, "bochs") == 0)
        *kind = FIRMWARE_BOCHS;
    else
        return -1;
    return 0;
}

const char *firmware_kind_name(enum firmware_kind kind)
{
    return kind == FIRMWARE_BOCHS ? "bochs" : "seabios";
}

/* A default file that is not there: say which Debian package brings it. */
static int check_default(const char *path, const char *what, const char *package, char *err,
                         size_t errlen)
{
    if (access(path, R_OK) == 0)
        return 0;
    snprintf(err, errlen, "%s not found at %s: %s (install the Debian package '%s', or name "
             "a file with --%s)", what, path, strerror(errno), package,
             strstr(what, "VGA") ? "vgabios" : "bios");
    return -1;
}

int firmware_load(struct firmware *fw, enum firmware_kind kind, const char *bios_path,
                  const char *vgabios_path, char *err, size_t errlen)
{
    memset(fw, 0, sizeof *fw);
    fw->kind = kind;
    bool seabios = kind == FIRMWARE_SEABIOS;
    if (!bios_path) {
        bios_path = seabios ? FIRMWARE_SEABIOS_BIOS : FIRMWARE_BOCHS_BIOS;
        if (check_default(bios_path, seabios ? "SeaBIOS" : "the Bochs BIOS",
                          seabios ? "seabios" : "bochsbios", err, errlen) != 0)
            return -1;
    }
    if (!vgabios_path) {
        vgabios_path = seabios ? FIRMWARE_SEABIOS_VGABIOS : FIRMWARE_BOCHS_VGABIOS;
        if (check_default(vgabios_path, seabios ? "the SeaBIOS VGA BIOS" : "the LGPL VGA BIOS",
                          seabios ? "seabios" : "vgabios", err, errlen) != 0)
            return -1;
    }
    if (rom_load_file(bios_path, &fw->bios, &fw->bios_size, err, errlen) != 0)
        return -1;
    /* The chipset decodes the ROM in 64 KiB steps below 4 GiB; anything else is not a
     * BIOS image (a truncated download, a VGA BIOS given by mistake). */
    if (fw->bios_size % (64u * 1024) != 0) {
        snprintf(err, errlen, "BIOS image '%s' is %u bytes, not a multiple of 64 KiB",
                 bios_path, fw->bios_size);
        firmware_free(fw);
        return -1;
    }
    if (rom_load_file(vgabios_path, &fw->vgabios, &fw->vgabios_size, err, errlen) != 0) {
        firmware_free(fw);
        return -1;
    }
    if (fw->vgabios_size > FIRMWARE_VGA_MAX || fw->vgabios_size < 3 || fw->vgabios[0] != 0x55 ||
        fw->vgabios[1] != 0xAA) {
        snprintf(err, errlen, "VGA BIOS image '%s' is not an option ROM (no 55 AA signature, "
                 "or larger than 128 KiB)", vgabios_path);
        firmware_free(fw);
        return -1;
    }
    return 0;
}

void firmware_free(struct firmware *fw)
{
    free(fw->bios);
    free(fw->vgabios);
    fw->bios = fw->vgabios = NULL;
    fw->bios_size = fw->vgabios_size = 0;
}

int firmware_map(struct machine *m, const struct firmware *fw, char *err, size_t errlen)
{
    if (!m->mem.pc_layout) {
        snprintf(err, errlen, "the firmware needs a machine with the PC memory layout");
        return -1;
    }
    uint32_t top = m->cpu.model->address_mask;
    uint32_t base = top - (fw->bios_size - 1);
    if (physmem_map_rom(&m->mem, base, fw->bios, fw->bios_size, "bios") != 0) {
        snprintf(err, errlen, "cannot map the BIOS at 0x%08x (overlaps RAM or another region)",
                 base);
        return -1;
    }
    uint32_t low = fw->bios_size < LOW_WINDOW ? fw->bios_size : LOW_WINDOW;
    if (physmem_load_legacy_rom(&m->mem, 0x100000u - low, fw->bios + (fw->bios_size - low),
                                low) != 0) {
        snprintf(err, errlen, "cannot place the BIOS below 1 MiB");
        return -1;
    }
    /* SeaBIOS finds the VGA BIOS behind the PCI ROM BAR and copies it to 0xC0000 itself;
     * on QEMU that area starts empty, and so it does here. The Bochs BIOS scans the ROM
     * area for option ROMs instead, where Bochs puts the VGA BIOS. */
    if (fw->vgabios && fw->kind == FIRMWARE_BOCHS &&
        physmem_load_legacy_rom(&m->mem, FIRMWARE_VGA_BASE, fw->vgabios, fw->vgabios_size) != 0) {
        snprintf(err, errlen, "cannot place the VGA BIOS at 0x%05x", FIRMWARE_VGA_BASE);
        return -1;
    }
    return 0;
}
