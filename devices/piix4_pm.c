/* PIIX4 function 3, power management (82371AB datasheet, order 290562: 3.x configuration,
 * 7.2 PM I/O registers) with the ACPI fixed hardware it implements (ACPI spec 4.8: PM1
 * event and control registers, the PM timer). The PM timer is computed from virtual time
 * on every read; only the overflow event, when enabled, arms a scheduler timer. The SMBus
 * host controller of the same function is not modelled: its registers keep their values. */
#include "devices/piix4_pm.h"

#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "devices/pci.h"
#include "machine/machine.h"
#include "machine/sched.h"

#define PMBA 0x40          /* PM base address: bits 15:6, bit 0 hardwired to 1 (I/O) */
#define PMREGMISC 0x80     /* bit 0 PMIOSE: the PM I/O block decodes */
#define SMBBA 0x90         /* SMBus base address */
#define SMBHSTCFG 0xD2

/* PMSTS / PMEN bits (datasheet 7.2.1, 7.2.2; ACPI PM1_STS / PM1_EN). */
#define TMROF (1u << 0)
#define GBL (1u << 5)
#define PWRBTN (1u << 8)
#define RTC_EV (1u << 10)
#define WAK_STS (1u << 15)
#define STS_BITS (TMROF | (1u << 4) | GBL | PWRBTN | RTC_EV | (1u << 11) | WAK_STS)
#define EN_BITS (TMROF | GBL | PWRBTN | RTC_EV)

/* PMCNTRL bits (7.2.3; ACPI PM1_CNT). GBL_RLS and SUS_EN are write-only. */
#define SCI_EN (1u << 0)
#define BRLD_EN_BM (1u << 1)
#define GBL_RLS (1u << 2)
#define SUS_TYP_SHIFT 10
#define SUS_TYP_MASK (7u << SUS_TYP_SHIFT)
#define SUS_EN (1u << 13)
#define CNT_BITS (SCI_EN | BRLD_EN_BM | SUS_TYP_MASK)

/* The overflow event fires each time bit 23 of the timer changes. */
#define TMR_OVF_SHIFT 23

struct piix4_pm {
    struct pci_function fn;
    struct machine *m;
    uint16_t pmsts;        /* status bits other than TMROF, which follows the timer */
    uint16_t pmen;
    uint16_t pmcntrl;
    uint64_t tmrof_epoch;  /* timer >> 23 when TMROF was last cleared */
    bool sci;              /* the level driven onto IRQ 9 */
    bool mapped;
    uint16_t io_base;
    bool warned_sleep;
    struct timer ovf_timer;
};

static uint64_t timer_ticks(const struct piix4_pm *p)
{
    return (uint64_t)(((unsigned __int128)sched_now(p->m) * PIIX4_PM_TIMER_HZ) / 1000000000u);
}

uint32_t piix4_pm_timer(const struct piix4_pm *p)
{
    return (uint32_t)(timer_ticks(p) & 0xFFFFFF);
}

static uint16_t status(const struct piix4_pm *p)
{
    uint16_t s = p->pmsts;
    if ((timer_ticks(p) >> TMR_OVF_SHIFT) != p->tmrof_epoch)
        s |= TMROF;
    return s;
}

/* The SCI is a level: up while an enabled event's status bit is set. With SCI_EN clear
 * the PIIX4 would route the events to SMI instead, which the board does not have. */
static void update_sci(struct piix4_pm *p)
{
    bool level = (p->pmcntrl & SCI_EN) && (status(p) & p->pmen & EN_BITS);
    if (level != p->sci) {
        p->sci = level;
        machine_set_irq(p->m, PIIX4_PM_SCI_IRQ, level);
    }
}

/* While the overflow event is enabled and not yet pending, wake at the next bit-23 edge. */
static void arm_overflow(struct piix4_pm *p)
{
    timer_cancel(p->m, &p->ovf_timer);
    if (!(p->pmen & TMROF) || (status(p) & TMROF))
        return;
    uint64_t tick = (p->tmrof_epoch + 1) << TMR_OVF_SHIFT;
    uint64_t ns = (uint64_t)(((unsigned __int128)tick * 1000000000u + PIIX4_PM_TIMER_HZ - 1) /
                             PIIX4_PM_TIMER_HZ);
    timer_arm(p->m, &p->ovf_timer, ns);
}

static void overflow_fired(void *opaque)
{
    struct piix4_pm *p = opaque;
    update_sci(p);
}

/* Soft off: the run ends as if the guest had written 0 to the exit port, with the
 * frontend told it was a power-off. Other sleep types have no \_Sx object in the DSDT,
 * so an OS never asks for them. */
static void sleep_request(struct piix4_pm *p, unsigned sus_typ)
{
    struct machine *m = p->m;
    if (sus_typ != PIIX4_SUS_TYP_SOFT_OFF) {
        if (!p->warned_sleep)
            machine_log(m, "piix4-pm: sleep type %u is not modelled; the machine runs on",
                        sus_typ);
        p->warned_sleep = true;
        return;
    }
    if (m->exit_requested)
        return;
    m->exit_status = 0;
    m->exit_requested = true;
    m->powered_off = true;
    cpu_signal(&m->cpu, EV_STOP);
}

static uint8_t reg_read(struct piix4_pm *p, unsigned off)
{
    switch (off) {
    case 0: case 1: return (uint8_t)(status(p) >> (8 * off));
    case 2: case 3: return (uint8_t)(p->pmen >> (8 * (off - 2)));
    case 4: case 5: return (uint8_t)(p->pmcntrl >> (8 * (off - 4)));
    case 8: case 9: case 10: case 11:
        return (uint8_t)(piix4_pm_timer(p) >> (8 * (off - 8)));
    default: return 0; /* GPE, processor and device control: nothing behind them */
    }
}

static void reg_write(struct piix4_pm *p, unsigned off, uint8_t v)
{
    switch (off) {
    case 0: case 1: {
        uint16_t clear = (uint16_t)((uint16_t)v << (8 * off)) & STS_BITS;
        if (clear & TMROF)
            p->tmrof_epoch = timer_ticks(p) >> TMR_OVF_SHIFT;
        p->pmsts &= (uint16_t)~clear;
        arm_overflow(p);
        break;
    }
    case 2: case 3: {
        unsigned shift = 8 * (off - 2);
        p->pmen = (uint16_t)((p->pmen & ~(0xFFu << shift)) | ((unsigned)v << shift));
        p->pmen &= EN_BITS;
        arm_overflow(p);
        break;
    }
    case 4: case 5: {
        unsigned shift = 8 * (off - 4);
        uint16_t value = (uint16_t)((p->pmcntrl & ~(0xFFu << shift)) | ((unsigned)v << shift));
        p->pmcntrl = value & CNT_BITS;
        if (off == 5 && (value & SUS_EN))
            sleep_request(p, (value & SUS_TYP_MASK) >> SUS_TYP_SHIFT);
        break;
    }
    default:
        break;
    }
    update_sci(p);
}

/* The block takes byte, word and dword accesses; a wide one is its bytes in order. */
static uint32_t pm_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct piix4_pm *p = opaque;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint32_t)reg_read(p, (unsigned)(port - p->io_base + k) & (PIIX4_PM_IO_SIZE - 1))
             << (8 * k);
    return v;
}

static void pm_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct piix4_pm *p = opaque;
    for (unsigned k = 0; k < size; k++)
        reg_write(p, (unsigned)(port - p->io_base + k) & (PIIX4_PM_IO_SIZE - 1),
                  (uint8_t)(value >> (8 * k)));
}

/* PMBA and PMIOSE decide where the block decodes, if anywhere. */
static void update_mapping(struct piix4_pm *p)
{
    struct machine *m = p->m;
    uint16_t base = (uint16_t)(pci_get32(&p->fn, PMBA) & 0xFFC0);
    bool on = (p->fn.config[PMREGMISC] & 1) && base != 0;
    if (p->mapped && (!on || base != p->io_base)) {
        iobus_unmap(&m->io, p->io_base, PIIX4_PM_IO_SIZE);
        p->mapped = false;
    }
    if (on && !p->mapped) {
        p->io_base = base;
        if (iobus_register(&m->io, base, PIIX4_PM_IO_SIZE, pm_io_read, pm_io_write, p,
                           IO_SIZE_8 | IO_SIZE_16 | IO_SIZE_32, "piix4-pm") == 0)
            p->mapped = true;
        else
            machine_log(m, "piix4-pm: cannot map the PM block at 0x%04x: the ports are taken",
                        base);
    }
}

static void config_written(struct pci_function *f, unsigned offset, unsigned size)
{
    if ((offset < PMBA + 4 && offset + size > PMBA) ||
        (offset <= PMREGMISC && offset + size > PMREGMISC))
        update_mapping(f->opaque);
}

static void defaults(struct piix4_pm *p)
{
    struct pci_function *f = &p->fn;
    /* Revision 3 (PIIX4E/M): earlier steppings have the PM timer read bug that Linux
     * works around by reading the timer three times. */
    pci_function_init(f, "piix4-pm", 0x8086, 0x7113, 0x03, 0x068000);
    pci_set16(f, 0x06, 0x0280);      /* fast back-to-back, medium DEVSEL */
    f->wmask[0x04] = 0x01;           /* I/O space enable (for the SMBus) */
    f->wmask[0x05] = 0x00;
    f->config[0x3D] = 0x01;          /* INTA: the SMBus interrupt */
    pci_set32(f, PMBA, 0x00000001);
    f->wmask[PMBA] = 0xC0;
    f->wmask[PMBA + 1] = 0xFF;
    f->wmask[PMREGMISC] = 0x01;
    pci_set32(f, SMBBA, 0x00000001);
    f->wmask[SMBBA] = 0xF0;
    f->wmask[SMBBA + 1] = 0xFF;
    f->wmask[SMBHSTCFG] = 0x0F;
}

/* ACPI mode is the only mode (the FADT's SMI_CMD is 0), so SCI_EN is set from reset. */
static void pm_reset(void *dev)
{
    struct piix4_pm *p = dev;
    defaults(p);
    update_mapping(p);
    p->pmsts = 0;
    p->pmen = 0;
    p->pmcntrl = SCI_EN;
    p->tmrof_epoch = timer_ticks(p) >> TMR_OVF_SHIFT;
    p->warned_sleep = false;
    timer_cancel(p->m, &p->ovf_timer);
    update_sci(p);
}

/* State version 1: configuration space, the PM registers and the overflow epoch. The
 * timer itself is virtual time; the SCI level and the mapping follow from the rest. */
static void pm_save(void *dev, struct state_buf *out)
{
    struct piix4_pm *p = dev;
    state_put(out, p->fn.config, sizeof p->fn.config);
    state_put_u16(out, p->pmsts);
    state_put_u16(out, p->pmen);
    state_put_u16(out, p->pmcntrl);
    state_put_u64(out, p->tmrof_epoch);
}

static bool pm_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct piix4_pm *p = dev;
    if (version != 1)
        return false;
    uint8_t config[256];
    state_get(in, config, sizeof config);
    uint16_t sts = state_get_u16(in), en = state_get_u16(in), cnt = state_get_u16(in);
    uint64_t epoch = state_get_u64(in);
    if (in->error)
        return false;
    memcpy(p->fn.config, config, sizeof config);
    p->pmsts = sts & STS_BITS & ~TMROF;
    p->pmen = en & EN_BITS;
    p->pmcntrl = cnt & CNT_BITS;
    p->tmrof_epoch = epoch;
    update_mapping(p);
    /* The IRQ line is the interrupt controller's saved state: only remember the level. */
    p->sci = (p->pmcntrl & SCI_EN) && (status(p) & p->pmen & EN_BITS);
    arm_overflow(p);
    return true;
}

static void pm_destroy(void *dev)
{
    struct piix4_pm *p = dev;
    timer_cancel(p->m, &p->ovf_timer);
    free(p);
}

static void pm_dump(void *dev, FILE *out)
{
    struct piix4_pm *p = dev;
    fprintf(out, "PM block %s at 0x%04x; PM1_STS %04x PM1_EN %04x PM1_CNT %04x (SCI_EN %u, "
            "SLP_TYP %u); PM timer %06x; SCI (IRQ %u) %s\n",
            p->mapped ? "decoded" : "not decoded", p->io_base, status(p), p->pmen, p->pmcntrl,
            p->pmcntrl & SCI_EN, (p->pmcntrl & SUS_TYP_MASK) >> SUS_TYP_SHIFT,
            piix4_pm_timer(p), PIIX4_PM_SCI_IRQ, p->sci ? "high" : "low");
}

static const struct device_ops piix4_pm_ops = {
    .name = "piix4-pm",
    .state_version = 1,
    .reset = pm_reset,
    .save = pm_save,
    .load = pm_load,
    .destroy = pm_destroy,
    .dump = pm_dump,
};

struct piix4_pm *piix4_pm_create(struct machine *m)
{
    if (!m->pci)
        return NULL;
    struct piix4_pm *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->fn.opaque = p;
    p->fn.config_written = config_written;
    timer_init(&p->ovf_timer, "piix4-pm overflow", overflow_fired, p);
    defaults(p);
    if (pci_register(m->pci, &p->fn, 1, 3) != 0) {
        free(p);
        return NULL;
    }
    if (machine_add_device(m, &piix4_pm_ops, p) != 0) {
        m->pci->fn[p->fn.devfn] = NULL;
        free(p);
        return NULL;
    }
    return p;
}
