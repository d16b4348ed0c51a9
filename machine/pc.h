/* The PC board: an i440FX/PIIX3 machine as QEMU's "pc" models it, with the AT's
 * motherboard devices (8259 pair, 8254, RTC/CMOS, 8237 pair, port 0x61, port 0x92, the
 * 8042 with keyboard and mouse, the floppy controller), four serial ports, IDE disks and
 * CD-ROMs, a PCI VGA, QEMU's fw_cfg, the test ports 0xE9/0xF4 and the firmware (SeaBIOS
 * or the Bochs BIOS), all built in one call from one plain configuration. */
#ifndef GLASS86_PC_H
#define GLASS86_PC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "bios/firmware.h"
#include "cpu/models.h"

struct machine;
struct chardev;

#define PC_IDE_DRIVES 4      /* hda, hdb (primary master, slave), hdc, hdd (secondary) */
#define PC_FLOPPIES 2
#define PC_SERIAL_PORTS 4

enum pc_clock {
    PC_CLOCK_VIRTUAL,        /* virtual time runs as fast as the host allows (repeatable) */
    PC_CLOCK_REALTIME,       /* virtual time is paced to the host clock */
};

struct pc_ide_drive {
    const char *path;        /* image file; NULL: nothing there (or an empty CD drive) */
    bool cdrom;              /* an ATAPI CD-ROM drive rather than a hard disk */
};

struct pc_config {
    enum cpu_model_id model;         /* 386 or later (PCI and both BIOSes need it) */
    uint32_t ram_bytes;              /* 1 MiB .. 3 GiB */
    uint32_t ips;                    /* virtual instructions per second (0: default) */

    enum firmware_kind firmware;     /* SeaBIOS or the Bochs BIOS */
    const char *bios_path;           /* --bios: NULL for the firmware's default file */
    const char *vgabios_path;        /* --vgabios: likewise */

    struct pc_ide_drive ide[PC_IDE_DRIVES];
    const char *floppy[PC_FLOPPIES]; /* fda, fdb; NULL: no drive */
    const char *boot_order;          /* "c", "d", "a", "dc", ... (QEMU's -boot order); NULL "cad" */
    bool snapshot;                   /* guest writes go to throw-away overlays */
    /* When nothing boots, SeaBIOS says so and reboots after this long ("etc/boot-fail-wait",
     * QEMU's -boot reboot-timeout): 0 for its default of 60 s, -1 never to reboot. */
    int32_t reboot_timeout_ms;

    /* Serial ports COM1-COM4: an open backend (the machine owns it from pc_create() on,
     * also when it fails), else a chardev_open() spec, else no port at all. */
    struct chardev *serial_dev[PC_SERIAL_PORTS];
    const char *serial[PC_SERIAL_PORTS];

    FILE *debugcon;                  /* port 0xE9 output; NULL: no debug console */
    FILE *firmware_log;              /* the BIOS's own debug text (ports 0x400-0x403) */

    enum pc_clock clock;
    bool rtc_fixed;                  /* start the RTC at rtc_base instead of the host clock */
    time_t rtc_base;                 /* seconds since 1970, read as UTC */

    bool check_dcache;               /* debug option, see machine_config */
    FILE *log;                       /* glass86's warnings (NULL: stderr) */
    bool quiet;
};

/* The board's devices, for a frontend (display, keyboard, mouse, serial) and tests. */
struct pc_board {
    struct pic *pic;
    struct pit *pit;
    struct rtc *rtc;
    struct dma8237 *dma;
    struct fdc *fdc;
    struct i8042 *kbc;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;
    struct uart16550 *uart[PC_SERIAL_PORTS];
    struct ide_controller *ide;
    struct vga *vga;
    struct fw_cfg *fw_cfg;
    struct piix4_pm *pm;     /* ACPI power management; NULL with the Bochs BIOS */
};

/* Build the whole PC and reset it, ready for machine_run(). On failure returns NULL with a
 * one-line reason in err ("cannot open hard disk image 'x.img': No such file or directory"),
 * having released everything it took. */
struct machine *pc_create(const struct pc_config *cfg, char *err, size_t errlen);

/* The devices of a machine made by pc_create() (NULL for other machines). */
struct pc_board *pc_board(struct machine *m);

/* Make every disk write durable: the frontend calls this on each way out (guest exit,
 * triple fault, signal). Async-signal-safe. -1 if a flush failed. */
int pc_shutdown_flush(struct machine *m);

/* The fw_cfg content of the board: RAM size, CPU counts, the e820 map, the boot device
 * and the files "bootorder" (SeaBIOS's device paths for the drives in `cfg`, in --boot
 * order) and "etc/boot-fail-wait". 0, or -1 with a reason in err. */
struct fw_cfg;
int pc_fw_cfg_setup(struct fw_cfg *fw, const struct pc_config *cfg, char *err, size_t errlen);

#endif
