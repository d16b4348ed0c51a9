/* PIIX3 function 0, the PCI-to-ISA bridge (82371SB datasheet, order 290550, 2.2): its
 * configuration registers with their reset values, and the PIRQ router (PIRQRC[A:D],
 * 60h-63h, 2.2.10): each PCI interrupt line PIRQA-D goes to the ISA IRQ its register
 * names, or nowhere when bit 7 is set. Several PCI lines may share one ISA IRQ: the line
 * is high while any of them is (wired-OR, counted per ISA IRQ). */
#include "devices/piix3.h"

#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/pci.h"
#include "machine/machine.h"

#define PIRQRC 0x60
#define PIRQRC_DISABLE 0x80

struct piix3 {
    struct pci_function fn;
    struct machine *m;
    bool pirq_level[4];     /* PIRQA-D as the PCI bus drives them */
    uint8_t isa_count[16];  /* asserted PIRQs routed to each ISA IRQ */
};

/* Registers after the header: reset value and writable bits (datasheet 2.2). */
static const struct { uint8_t off, value, wmask; } regs[] = {
    { 0x4C, 0x4D, 0xFF },                        /* IORT: ISA I/O recovery timer */
    { 0x4E, 0x03, 0xFF }, { 0x4F, 0x00, 0x03 },  /* XBCS: X-bus chip select */
    { 0x60, 0x80, 0x8F }, { 0x61, 0x80, 0x8F },  /* PIRQRC[A:D] */
    { 0x62, 0x80, 0x8F }, { 0x63, 0x80, 0x8F },
    { 0x69, 0x02, 0xFE },                        /* TOM: top of memory */
    { 0x6A, 0x00, 0xFF }, { 0x6B, 0x00, 0x80 },  /* MSTAT: miscellaneous status */
    { 0x70, 0x80, 0xEF },                        /* MBIRQ0: motherboard device IRQ */
    { 0x76, 0x04, 0x87 }, { 0x77, 0x04, 0x87 },  /* MBDMA[1:0] */
    { 0x78, 0x02, 0xFF }, { 0x79, 0x00, 0xFF },  /* PCSC: programmable chip select */
    { 0x80, 0x00, 0x7F },                        /* APICBASE */
    { 0x82, 0x00, 0x0F },                        /* DLC: deterministic latency */
    { 0xA0, 0x08, 0x1F },                        /* SMICNTL */
    { 0xA2, 0x00, 0xFF }, { 0xA3, 0x00, 0x01 },  /* SMIEN */
    { 0xA4, 0x00, 0xFF }, { 0xA5, 0x00, 0xFF },  /* SEE: system event enable */
    { 0xA6, 0x00, 0xFF }, { 0xA7, 0x00, 0xFF },
    { 0xA8, 0x0F, 0xFF },                        /* FTMR: fast off timer */
    { 0xAA, 0x00, 0xFF }, { 0xAB, 0x00, 0x01 },  /* SMIREQ */
    { 0xAC, 0x00, 0xFF },                        /* CTLTMR */
    { 0xAE, 0x00, 0xFF },                        /* CTHTMR */
};

int piix3_pirq_route(const struct piix3 *p, unsigned pirq)
{
    if (pirq > 3)
        return -1;
    uint8_t r = p->fn.config[PIRQRC + pirq];
    unsigned irq = r & 0x0F;
    /* IRQ 0, 1, 2, 8 and 13 are reserved values (the timer, keyboard, cascade, RTC, FPU). */
    if ((r & PIRQRC_DISABLE) || irq < 3 || irq == 8 || irq == 13)
        return -1;
    return (int)irq;
}

/* Recount what each ISA IRQ receives from PCI and move the lines that changed. */
static void reroute(struct piix3 *p, bool drive_lines)
{
    uint8_t want[16] = { 0 };
    for (unsigned n = 0; n < 4; n++) {
        int irq = piix3_pirq_route(p, n);
        if (p->pirq_level[n] && irq >= 0)
            want[irq]++;
    }
    for (unsigned irq = 0; irq < 16; irq++) {
        bool before = p->isa_count[irq] != 0, after = want[irq] != 0;
        if (before != after && drive_lines)
            machine_set_irq(p->m, irq, after);
        p->isa_count[irq] = want[irq];
    }
}

static void route_pirq(void *opaque, unsigned pirq, bool level)
{
    struct piix3 *p = opaque;
    if (pirq > 3)
        return;
    p->pirq_level[pirq] = level;
    reroute(p, true);
}

static void config_written(struct pci_function *f, unsigned offset, unsigned size)
{
    if (offset < PIRQRC + 4 && offset + size > PIRQRC)
        reroute(f->opaque, true);
}

static void defaults(struct piix3 *p)
{
    struct pci_function *f = &p->fn;
    pci_function_init(f, "piix3", 0x8086, 0x7000, 0x00, 0x060100);
    pci_set16(f, 0x04, 0x0007);   /* I/O, memory and bus master: hardwired on */
    pci_set16(f, 0x06, 0x0200);   /* medium DEVSEL */
    f->config[0x0E] = 0x80;       /* multi-function: the IDE function follows */
    f->wmask[0x04] = 0x08;        /* special cycle enable */
    f->wmask[0x05] = 0x00;
    f->wmask[0x0C] = f->wmask[0x0D] = f->wmask[0x3C] = 0x00;
    for (size_t k = 0; k < sizeof regs / sizeof regs[0]; k++) {
        f->config[regs[k].off] = regs[k].value;
        f->wmask[regs[k].off] = regs[k].wmask;
    }
}

static void piix3_reset(void *dev)
{
    struct piix3 *p = dev;
    defaults(p);
    reroute(p, true); /* routing is off after reset: PCI interrupts leave their ISA lines */
}

/* State version 1: the configuration bytes and the PIRQ input levels. The ISA line
 * counts follow from them; the lines themselves are the interrupt controller's state. */
static void piix3_save(void *dev, struct state_buf *out)
{
    struct piix3 *p = dev;
    state_put(out, p->fn.config, sizeof p->fn.config);
    for (unsigned n = 0; n < 4; n++)
        state_put_u8(out, p->pirq_level[n]);
}

static bool piix3_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct piix3 *p = dev;
    if (version != 1)
        return false;
    uint8_t config[256], levels[4];
    state_get(in, config, sizeof config);
    state_get(in, levels, sizeof levels);
    if (in->error)
        return false;
    memcpy(p->fn.config, config, sizeof config);
    for (unsigned n = 0; n < 4; n++)
        p->pirq_level[n] = levels[n] != 0;
    reroute(p, false);
    return true;
}

static void piix3_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops piix3_ops = {
    .name = "piix3",
    .state_version = 1,
    .reset = piix3_reset,
    .save = piix3_save,
    .load = piix3_load,
    .destroy = piix3_destroy,
};

struct piix3 *piix3_create(struct machine *m, struct ide_controller *ide)
{
    if (!m->pci)
        return NULL;
    struct piix3 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->fn.opaque = p;
    p->fn.config_written = config_written;
    defaults(p);
    if (pci_register(m->pci, &p->fn, 1, 0) != 0) {
        free(p);
        return NULL;
    }
    if (machine_add_device(m, &piix3_ops, p) != 0) {
        m->pci->fn[p->fn.devfn] = NULL;
        free(p);
        return NULL;
    }
    m->pci->route_pirq = route_pirq;
    m->pci->route_opaque = p;
    if (ide && piix3_ide_create(m, ide) != 0)
        return NULL; /* p stays attached to the machine, which frees it */
    return p;
}
