/* Finding, loading and mapping the PC firmware: a system BIOS (SeaBIOS or the Bochs BIOS,
 * as Debian packages them) and its VGA BIOS, the way QEMU maps them: the whole system
 * BIOS image ends at 4 GiB, its last 128 KiB also appear at 0xE0000-0xFFFFF through the
 * chipset's PAM ("read ROM, write nowhere" at power-on), and the VGA BIOS sits behind the
 * VGA's PCI expansion ROM BAR for SeaBIOS (as on QEMU) and at 0xC0000 for the Bochs BIOS
 * (as on Bochs; the board then gives the VGA no ROM BAR). */
#ifndef GLASS86_FIRMWARE_H
#define GLASS86_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

struct machine;

enum firmware_kind { FIRMWARE_SEABIOS, FIRMWARE_BOCHS };

/* Debian's files and the packages that install them. */
#define FIRMWARE_SEABIOS_BIOS "/usr/share/seabios/bios.bin"
#define FIRMWARE_SEABIOS_VGABIOS "/usr/share/seabios/vgabios-stdvga.bin"
#define FIRMWARE_BOCHS_BIOS "/usr/share/bochs/BIOS-bochs-latest"
#define FIRMWARE_BOCHS_VGABIOS "/usr/share/vgabios/vgabios.bin"

#define FIRMWARE_VGA_BASE 0xC0000u
#define FIRMWARE_VGA_MAX (128u * 1024)        /* 0xC0000-0xDFFFF: the option ROM area */
#define FIRMWARE_BIOS_MAX (1024u * 1024)

struct firmware {
    enum firmware_kind kind;
    uint8_t *bios;
    uint32_t bios_size;
    uint8_t *vgabios;                        /* NULL: no VGA BIOS */
    uint32_t vgabios_size;
};

/* Parse "seabios" / "bochs". -1 for anything else. */
int firmware_kind_parse(const char *name, enum firmware_kind *kind);
const char *firmware_kind_name(enum firmware_kind kind);

/* Load the images: `bios_path` / `vgabios_path` when given, else the defaults of `kind`.
 * The system BIOS must be a whole number of 64 KiB up to 1 MiB; the VGA BIOS must fit
 * 0xC0000-0xDFFFF and start with the option ROM signature 55 AA. On failure returns -1
 * with a one-line reason in err; a missing default file names the Debian package that
 * installs it. */
int firmware_load(struct firmware *fw, enum firmware_kind kind, const char *bios_path,
                  const char *vgabios_path, char *err, size_t errlen);
void firmware_free(struct firmware *fw);

/* Map the system BIOS at the top of 4 GiB and its last 128 KiB into the legacy ROM area,
 * and, for the Bochs BIOS, the VGA BIOS at 0xC0000 (needs the PC layout). 0, or -1 with
 * a reason in err. */
int firmware_map(struct machine *m, const struct firmware *fw, char *err, size_t errlen);

#endif
