/* Building the PC board (see pc.h). The order follows the hardware's dependencies: the
 * interrupt controllers before anything that raises an IRQ, the PIT before port 0x61, the
 * DMA controller before the floppy controller, the PCI bus (host bridge) before its
 * functions, the disks before the CMOS that describes them, and the firmware last, with
 * one machine reset at the end as at power-on. */
#include "machine/pc.h"

#include <stdlib.h>
#include <string.h>

#include "bios/cmos_setup.h"
#include "devices/block.h"
#include "devices/chardev.h"
#include "devices/debugcon.h"
#include "devices/device.h"
#include "devices/dma8237.h"
#include "devices/exitport.h"
#include "devices/fdc.h"
#include "devices/fpu_irq13.h"
#include "devices/fw_cfg.h"
#include "devices/fwdebug.h"
#include "devices/i440fx.h"
#include "devices/i8042.h"
#include "devices/ide.h"
#include "devices/iobus.h"
#include "devices/pic.h"
#include "devices/piix3.h"
#include "devices/piix4_pm.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "devices/port92.h"
#include "devices/post.h"
#include "devices/ps2kbd.h"
#include "devices/ps2mouse.h"
#include "devices/rtc.h"
#include "devices/uart16550.h"
#include "devices/vga.h"
#include "machine/machine.h"

#define PC_BOARD_NAME "pc-board"

/* The board record is a device of its own so that machine_find_device() finds it; it has
 * no registers, so nothing to reset or save. */
static void board_save(void *dev, struct state_buf *out)
{
}

static bool board_load(void *dev, struct state_buf *in, uint32_t version)
{
    return version == 1;
}

static void board_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops board_ops = {
    .name = PC_BOARD_NAME,
    .state_version = 1,
    .save = board_save,
    .load = board_load,
    .destroy = board_destroy,
};

struct pc_board *pc_board(struct machine *m)
{
    return machine_find_device(m, PC_BOARD_NAME);
}

int pc_shutdown_flush(struct machine *m)
{
    return block_flush_all(m);
}

static bool check_config(const struct pc_config *cfg, char *err, size_t errlen)
{
    const struct cpu_model_info *info = cpu_model_get(cfg->model);
    if (!info || info->address_mask != 0xFFFFFFFFu) {
        snprintf(err, errlen, "the PC board needs a 386 or later CPU (PCI and the BIOS run "
                 "32-bit code)");
        return false;
    }
    if (cfg->ram_bytes < (1u << 20) || cfg->ram_bytes > (3072u << 20)) {
        snprintf(err, errlen, "the PC board takes 1 MiB to 3 GiB of RAM, not %u KiB",
                 cfg->ram_bytes >> 10);
        return false;
    }
    uint16_t nibbles;
    if (cfg->boot_order && cmos_boot_nibbles(cfg->boot_order, &nibbles) != 0) {
        snprintf(err, errlen, "boot order '%s' is not up to three of a (floppy), c (hard "
                 "disk), d (CD-ROM)", cfg->boot_order);
        return false;
    }
    return true;
}

/* Open the drives' images and put them on the IDE channels and the floppy controller. */
static bool attach_disks(struct machine *m, struct pc_board *b, const struct pc_config *cfg,
                         struct cmos_config *cmos, char *err, size_t errlen)
{
    struct block_options opt = { .snapshot = cfg->snapshot };
    for (unsigned k = 0; k < PC_IDE_DRIVES; k++) {
        const struct pc_ide_drive *d = &cfg->ide[k];
        unsigned channel = k / 2, unit = k % 2;
        struct block_dev *blk = NULL;
        if (d->path) {
            blk = block_open(m, d->path, d->cdrom ? BLOCK_CD : BLOCK_HD, &opt, err, errlen);
            if (!blk)
                return false;
        }
        if (d->cdrom) {
            if (ide_attach_cdrom(b->ide, channel, unit, blk, err, errlen) != 0)
                return false;
        } else if (blk) {
            if (ide_attach_disk(b->ide, channel, unit, blk, err, errlen) != 0)
                return false;
            cmos->disk[k].present =
                ide_get_geometry(b->ide, channel, unit, &cmos->disk[k].cylinders,
                                 &cmos->disk[k].heads, &cmos->disk[k].sectors);
        }
    }
    for (unsigned k = 0; k < PC_FLOPPIES; k++) {
        if (!cfg->floppy[k])
            continue;
        struct block_dev *blk = block_open(m, cfg->floppy[k], BLOCK_FLOPPY, &opt, err, errlen);
        if (!blk || fdc_attach(b->fdc, k, FDC_DRIVE_NONE, blk, err, errlen) != 0)
            return false;
        cmos->floppy_type[k] = (uint8_t)fdc_drive_type(b->fdc, k);
    }
    return true;
}

/* The serial backends: the machine owns every one from here on. Ports without a backend
 * are left out, as a PC without that card. */
static bool attach_serial(struct machine *m, struct pc_board *b, struct chardev **cds,
                          const struct pc_config *cfg, char *err, size_t errlen)
{
    for (unsigned k = 0; k < PC_SERIAL_PORTS; k++) {
        if (!cds[k] && cfg->serial[k]) {
            cds[k] = chardev_open(cfg->serial[k], err, errlen);
            if (!cds[k])
                return false;
        }
    }
    for (unsigned k = 0; k < PC_SERIAL_PORTS; k++) {
        if (!cds[k])
            continue;
        struct chardev *cd = cds[k];
        cds[k] = NULL; /* the UART owns it now, even if its creation fails */
        b->uart[k] = uart16550_create_com(m, k + 1, cd);
        if (!b->uart[k]) {
            snprintf(err, errlen, "cannot create the serial port COM%u", k + 1);
            return false;
        }
    }
    return true;
}

/* Cards this PC does not have, but that every BIOS probes for: parallel ports, the
 * serial ports left out, the third and fourth IDE channels. Their ports float high as on
 * a real bus, without the "unknown port" warning that should be kept for surprises. */
static bool claim_absent_cards(struct machine *m, struct pc_board *b)
{
    static const uint16_t serial_base[PC_SERIAL_PORTS] = { 0x3F8, 0x2F8, 0x3E8, 0x2E8 };
    static const struct { uint16_t first, count; } ranges[] = {
        { 0x378, 3 }, { 0x278, 3 }, { 0x3BC, 3 },          /* LPT1-LPT3 */
        { 0x1E8, 8 }, { 0x3E6, 1 }, { 0x168, 8 }, { 0x366, 1 }, /* IDE channels 3 and 4 */
    };
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++)
        if (iobus_register(&m->io, ranges[k].first, ranges[k].count, NULL, NULL, b, IO_SIZE_8,
                           "absent") != 0)
            return false;
    for (unsigned k = 0; k < PC_SERIAL_PORTS; k++)
        if (!b->uart[k] &&
            iobus_register(&m->io, serial_base[k], 8, NULL, NULL, b, IO_SIZE_8, "absent") != 0)
            return false;
    return true;
}

/* The ports decoded on the ISA bus, whose I/O cycles are slow: the AT motherboard block
 * (DMA, PICs, PIT, 8042, RTC, ports 0x61/0x80/0x92, the test ports), the serial, parallel
 * and floppy ports, and the ELCR. The standard 8-bit ISA I/O cycle is 6 BCLKs (4 wait
 * states) of the PIIX3's 8.33 MHz ISA clock: 720 ns for each byte moved. PCI devices (the
 * config ports, IDE, VGA, the PM block) and fw_cfg answer without that wait. */
#define ISA_IO_CYCLE_NS 720
static void isa_bus_timing(struct machine *m)
{
    static const struct { uint16_t first, count; } isa[] = {
        { 0x000, 0x100 },
        { 0x3F8, 8 }, { 0x2F8, 8 }, { 0x3E8, 8 }, { 0x2E8, 8 },  /* COM1-COM4 */
        { 0x378, 3 }, { 0x278, 3 }, { 0x3BC, 3 },                /* LPT1-LPT3 */
        { 0x3F0, 6 }, { 0x3F7, 1 },                              /* floppy controller */
        { 0x4D0, 2 },                                            /* ELCR */
    };
    for (size_t k = 0; k < sizeof isa / sizeof isa[0]; k++)
        iobus_mark_isa(&m->io, isa[k].first, isa[k].count);
    m->io.isa_cycle_ns = ISA_IO_CYCLE_NS;
}

static bool build(struct machine *m, struct pc_board *b, const struct pc_config *cfg,
                  struct chardev **cds, const struct firmware *fw, char *err, size_t errlen)
{
    const char *what = NULL;
    if (!(b->pic = pic_create(m)))
        what = "the interrupt controllers";
    else if (!(b->pit = pit_create(m)) || !port61_create(m, b->pit))
        what = "the timer";
    else if (!(b->rtc = rtc_create(m, cfg->rtc_fixed ? cfg->rtc_base : 0, !cfg->rtc_fixed)))
        what = "the real-time clock";
    else if (!post_create(m, false) || !port92_create(m))
        what = "ports 0x80 and 0x92";
    else if (!fpu_irq13_create(m))
        what = "the FPU error circuit (IRQ 13, port 0xF0)";
    else if (!(b->dma = dma8237_create(m)) || !(b->fdc = fdc_create(m, b->dma)))
        what = "the DMA and floppy controllers";
    else if (!(b->kbc = i8042_create(m)) ||
             !(b->kbd = ps2kbd_create(m, i8042_port(b->kbc, I8042_KBD))) ||
             !(b->mouse = ps2mouse_create(m, i8042_port(b->kbc, I8042_AUX))))
        what = "the keyboard controller";
    if (what) {
        snprintf(err, errlen, "cannot create %s (out of memory or device table full)", what);
        return false;
    }
    if (!attach_serial(m, b, cds, cfg, err, errlen))
        return false;
    if (!claim_absent_cards(m, b)) {
        snprintf(err, errlen, "cannot claim the ports of absent ISA cards");
        return false;
    }
    isa_bus_timing(m);
    /* SeaBIOS runs the VGA BIOS from the VGA's expansion ROM BAR, as on QEMU. The Bochs
     * BIOS would copy a ROM BAR over 0xC0000 without enabling its decoding (Bochs' own
     * VGA has none), wiping out the VGA BIOS it finds there: no ROM BAR for it. */
    bool rom_bar = fw->kind == FIRMWARE_SEABIOS;
    /* The PIIX4 power-management function (ACPI) comes with SeaBIOS, which places its
     * I/O block and loads the ACPI tables glass86 builds. The Bochs BIOS would find it and
     * run its SMM set-up, waiting for an SMI handler this board does not have. */
    bool acpi = fw->kind == FIRMWARE_SEABIOS;
    if (!i440fx_create(m) || !(b->ide = ide_create(m)) || !piix3_create(m, b->ide) ||
        (acpi && !(b->pm = piix4_pm_create(m))))
        what = "the PCI chipset";
    else if (!(b->vga = vga_create(m, m->pci, rom_bar ? fw->vgabios : NULL,
                                   rom_bar ? fw->vgabios_size : 0)))
        what = "the VGA";
    else if (!(b->fw_cfg = fw_cfg_create(m)))
        what = "fw_cfg";
    else if ((cfg->debugcon && debugcon_attach(m, cfg->debugcon) != 0) || exitport_attach(m) != 0 ||
             fwdebug_attach(m, cfg->firmware_log) != 0)
        what = "the debug ports";
    if (what) {
        snprintf(err, errlen, "cannot create %s (out of memory or device table full)", what);
        return false;
    }

    struct cmos_config cmos = {
        .ram_bytes = cfg->ram_bytes,
        .boot_order = cfg->boot_order ? cfg->boot_order : "cad",
        .floppy_sig_check = true,
        .fpu = (m->cpu.model->cpuid_features & CPUID_FPU) != 0,
        .cpus = 1,
    };
    if (!attach_disks(m, b, cfg, &cmos, err, errlen) ||
        pc_fw_cfg_setup(b->fw_cfg, cfg, err, errlen) != 0 ||
        firmware_map(m, fw, err, errlen) != 0)
        return false;
    cmos_setup(b->rtc, &cmos);
    return true;
}

struct machine *pc_create(const struct pc_config *cfg, char *err, size_t errlen)
{
    /* Until the UARTs own them, the serial backends handed in are ours to close. */
    struct chardev *cds[PC_SERIAL_PORTS];
    memcpy(cds, cfg->serial_dev, sizeof cds);
    struct machine *m = NULL;
    struct firmware fw = { 0 };
    if (!check_config(cfg, err, errlen) ||
        firmware_load(&fw, cfg->firmware, cfg->bios_path, cfg->vgabios_path, err, errlen) != 0)
        goto fail;
    struct machine_config mc = {
        .model = cfg->model, .ram_bytes = cfg->ram_bytes, .ips = cfg->ips, .pc_layout = true,
        .check_dcache = cfg->check_dcache, .log = cfg->log, .quiet = cfg->quiet,
    };
    m = machine_create(&mc, err, errlen);
    if (!m)
        goto fail;
    m->sched.realtime = cfg->clock == PC_CLOCK_REALTIME;
    struct pc_board *b = calloc(1, sizeof *b);
    if (!b || machine_add_device(m, &board_ops, b) != 0) {
        free(b);
        snprintf(err, errlen, "out of memory for the PC board");
        goto fail;
    }
    if (!build(m, b, cfg, cds, &fw, err, errlen))
        goto fail;
    firmware_free(&fw); /* the ROM regions and the VGA hold their own copies */
    /* Power-on: every device to its reset state, the CPU at the reset vector. */
    machine_reset(m);
    return m;
fail:
    for (unsigned k = 0; k < PC_SERIAL_PORTS; k++)
        chardev_close(cds[k]);
    firmware_free(&fw);
    machine_destroy(m);
    return NULL;
}
