/* PIIX3 function 1, the IDE interface's PCI face (82371SB datasheet, order 290550, 2.3):
 * class 0x010180 (legacy ports and IRQs 14/15 on both channels, bus-master capable),
 * IDETIM/SIDETIM (40h-44h) as storage, and BMIBA at BAR4: the 16 bytes of SFF-8038i
 * bus-master registers of ide_bmdma.c. No INTx in legacy mode. */
#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/ide.h"
#include "devices/pci.h"
#include "devices/piix3.h"
#include "machine/machine.h"

#define PCICMD_BME 0x04

/* The legacy ports answer whether or not IDETIM's decode-enable bits are set (as in QEMU
 * and Bochs), so firmware that never sets them still finds its disks. */
struct piix3_ide {
    struct pci_function fn;
    struct machine *m;
    struct ide_controller *ide;
};

static void follow_command(struct piix3_ide *p)
{
    ide_set_busmaster(p->ide, true, (p->fn.config[0x04] & PCICMD_BME) != 0);
}

static void config_written(struct pci_function *f, unsigned offset, unsigned size)
{
    if (offset <= 0x04)
        follow_command(f->opaque);
}

static void defaults(struct piix3_ide *p)
{
    struct pci_function *f = &p->fn;
    pci_function_init(f, "piix3-ide", 0x8086, 0x7010, 0x00, 0x010180);
    pci_set16(f, 0x06, 0x0280);   /* fast back-to-back, medium DEVSEL */
    f->wmask[0x04] = 0x05;        /* I/O space and bus master enable */
    f->wmask[0x05] = 0x00;
    f->wmask[0x0C] = 0x00;
    f->wmask[0x0D] = 0xF0;        /* latency timer */
    for (unsigned off = 0x40; off <= 0x44; off++)
        f->wmask[off] = 0xFF;     /* IDETIM primary/secondary, SIDETIM */
    f->wmask[0x41] = 0xF3;        /* IDETIM bits 11:10 are reserved */
    f->wmask[0x43] = 0xF3;
    pci_set_bar_io(f, 4, 16, ide_bm_read, ide_bm_write, IO_SIZE_8, p->ide);
}

static void piix3_ide_reset(void *dev)
{
    struct piix3_ide *p = dev;
    /* Unmap BMIBA while the bus still knows where it is, then start afresh. */
    p->fn.config[0x04] = 0;
    pci_update_mappings(p->m->pci, &p->fn);
    defaults(p);
    follow_command(p);
}

static void piix3_ide_save(void *dev, struct state_buf *out)
{
    struct piix3_ide *p = dev;
    state_put(out, p->fn.config, sizeof p->fn.config);
}

static bool piix3_ide_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct piix3_ide *p = dev;
    uint8_t config[256];
    if (version != 1)
        return false;
    state_get(in, config, sizeof config);
    if (in->error)
        return false;
    memcpy(p->fn.config, config, sizeof config);
    pci_update_mappings(p->m->pci, &p->fn);
    follow_command(p);
    return true;
}

static void piix3_ide_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops piix3_ide_ops = {
    .name = "piix3-ide",
    .state_version = 1,
    .reset = piix3_ide_reset,
    .save = piix3_ide_save,
    .load = piix3_ide_load,
    .destroy = piix3_ide_destroy,
};

int piix3_ide_create(struct machine *m, struct ide_controller *ide)
{
    if (!m->pci || !ide)
        return -1;
    struct piix3_ide *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    p->m = m;
    p->ide = ide;
    p->fn.opaque = p;
    p->fn.config_written = config_written;
    defaults(p);
    if (pci_register(m->pci, &p->fn, 1, 1) != 0) {
        free(p);
        return -1;
    }
    if (machine_add_device(m, &piix3_ide_ops, p) != 0) {
        m->pci->fn[p->fn.devfn] = NULL;
        free(p);
        return -1;
    }
    follow_command(p);
    return 0;
}
