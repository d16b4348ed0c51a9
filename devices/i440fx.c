/* The 82441FX PMC's configuration space (Intel 440FX PCIset datasheet, order 290549,
 * 3.2): identity, PAM0-PAM6 (3.2.18) steering each 16 KiB of 0xC0000-0xEFFFF and the
 * 64 KiB at 0xF0000 to ROM or RAM, DRB0-DRB7 (3.2.19) describing the installed DRAM,
 * SMRAM control (3.2.23; accepted, SMM itself is not modelled) and the rest of the
 * chipset registers as plain storage with their reset values. */
#include "devices/i440fx.h"

#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/pci.h"
#include "machine/machine.h"
#include "mmu/mem.h"

#define PAM0 0x59
#define DRB0 0x60
#define SMRAM 0x72
#define SMRAM_D_OPEN 0x40
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08

struct i440fx {
    struct pci_function fn;
    struct machine *m;
    uint8_t smram;   /* SMRAM before the guest's latest write (the lock needs it) */
};

/* Register defaults and writable bits (datasheet 3.2), beyond the standard header. */
static const struct { uint8_t off, value, wmask; } regs[] = {
    { 0x50, 0x00, 0xFF }, { 0x51, 0x01, 0xFF },  /* PMCCFG */
    { 0x52, 0x00, 0xFF },                        /* DETURBO */
    { 0x53, 0x80, 0xFF },                        /* DBC */
    { 0x54, 0x00, 0xFF },                        /* AXC */
    { 0x55, 0x00, 0xFF }, { 0x56, 0x00, 0xFF },  /* DRAMR */
    { 0x57, 0x01, 0xFF },                        /* DRAMC */
    { 0x58, 0x10, 0xFF },                        /* DRAMT */
    { 0x59, 0x00, 0x30 },                        /* PAM0: only the 0xF0000 field */
    { 0x5A, 0x00, 0x33 }, { 0x5B, 0x00, 0x33 }, { 0x5C, 0x00, 0x33 },
    { 0x5D, 0x00, 0x33 }, { 0x5E, 0x00, 0x33 }, { 0x5F, 0x00, 0x33 },
    { 0x68, 0x00, 0xC0 },                        /* FDHC */
    { 0x70, 0x20, 0xF8 },                        /* MTT */
    { 0x71, 0x10, 0xFF },                        /* CLT */
    { 0x72, 0x02, 0x78 },                        /* SMRAM: C_BASE_SEG is fixed at A0000h */
    { 0x90, 0x00, 0xFF },                        /* ERRCMD */
};

/* The DRAM rows as a BIOS would have sized them: cumulative row ends in 8 MiB units,
 * up to 128 MiB per row (the largest 440FX row), the last row taking the rest. */
static void fill_drb(struct i440fx *h)
{
    uint32_t units = (uint32_t)(((uint64_t)h->m->mem.ram_size + (8u << 20) - 1) >> 23);
    if (units > 255)
        units = 255;
    for (unsigned k = 0; k < 8; k++) {
        uint32_t end = k < 7 && units > 16 * (k + 1) ? 16 * (k + 1) : units;
        h->fn.config[DRB0 + k] = (uint8_t)end;
        h->fn.wmask[DRB0 + k] = 0xFF;
    }
}

/* PAM fields are two bits, RE (bit 0) and WE (bit 1): exactly LEGACY_READ_RAM and
 * LEGACY_WRITE_RAM. Chunk k (16 KiB from 0xC0000) is field k&1 of PAM1 + k/2; the four
 * chunks of 0xF0000-0xFFFFF share PAM0's high field. */
static void apply_pam(struct i440fx *h)
{
    struct machine *m = h->m;
    for (unsigned chunk = 0; chunk < LEGACY_CHUNKS; chunk++) {
        uint8_t reg = chunk >= 12 ? h->fn.config[PAM0] >> 4
                                  : h->fn.config[PAM0 + 1 + chunk / 2] >> (4 * (chunk & 1));
        physmem_set_legacy_mode(&m->mem, chunk, reg & 3);
    }
    /* The same physical addresses now hold other bytes: drop cached host pointers and
     * decoded code. */
    tlb_flush(m);
    dcache_flush(m);
}

/* The SMRAM lock depends on the value before the write, which a write mask cannot
 * express: once D_LCK is set, D_OPEN reads zero and D_LCK, D_OPEN and G_SMRAME are
 * read-only until reset. The bus stores the write; this corrects it from the shadow. */
static uint8_t smram_write(uint8_t old, uint8_t v)
{
    v = (uint8_t)((v & 0x78) | 0x02);
    if (old & SMRAM_D_LCK)
        v = (uint8_t)((v & ~(SMRAM_D_OPEN | SMRAM_G_SMRAME)) | SMRAM_D_LCK |
                      (old & SMRAM_G_SMRAME));
    else if (v & SMRAM_D_LCK)
        v &= (uint8_t)~SMRAM_D_OPEN;
    return v;
}

static void config_written(struct pci_function *f, unsigned offset, unsigned size)
{
    struct i440fx *h = f->opaque;
    if (offset <= SMRAM && offset + size > SMRAM) {
        h->smram = smram_write(h->smram, f->config[SMRAM]);
        f->config[SMRAM] = h->smram;
    }
    if (offset <= PAM0 + 6 && offset + size > PAM0)
        apply_pam(h);
}

static void defaults(struct i440fx *h)
{
    struct pci_function *f = &h->fn;
    pci_function_init(f, "i440fx", 0x8086, 0x1237, 0x02, 0x060000);
    pci_set16(f, 0x04, 0x0006);   /* memory and bus master: always on */
    pci_set16(f, 0x06, 0x0280);   /* fast back-to-back, medium DEVSEL */
    f->wmask[0x04] = 0x40;        /* parity error response */
    f->wmask[0x05] = 0x01;        /* SERR# enable */
    f->wmask[0x0C] = 0x00;
    f->wmask[0x0D] = 0xF8;        /* latency timer, 8-clock granularity */
    f->wmask[0x3C] = 0x00;        /* no interrupt */
    for (size_t k = 0; k < sizeof regs / sizeof regs[0]; k++) {
        f->config[regs[k].off] = regs[k].value;
        f->wmask[regs[k].off] = regs[k].wmask;
    }
    fill_drb(h);
    h->smram = f->config[SMRAM];
}

static void i440fx_reset(void *dev)
{
    struct i440fx *h = dev;
    defaults(h);
    if (h->m->pci)
        h->m->pci->config_address = 0;
    apply_pam(h);
}

/* State version 1: the 256 configuration bytes and CONFADDR (0xCF8), which lives in
 * this chip. */
static void i440fx_save(void *dev, struct state_buf *out)
{
    struct i440fx *h = dev;
    state_put(out, h->fn.config, sizeof h->fn.config);
    state_put_u32(out, h->m->pci ? h->m->pci->config_address : 0);
}

static bool i440fx_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct i440fx *h = dev;
    if (version != 1)
        return false;
    uint8_t config[256];
    state_get(in, config, sizeof config);
    uint32_t address = state_get_u32(in);
    if (in->error)
        return false;
    memcpy(h->fn.config, config, sizeof config);
    h->smram = config[SMRAM];
    if (h->m->pci)
        h->m->pci->config_address = address & 0x80FFFFFCu;
    apply_pam(h);
    return true;
}

static void i440fx_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops i440fx_ops = {
    .name = "i440fx",
    .state_version = 1,
    .reset = i440fx_reset,
    .save = i440fx_save,
    .load = i440fx_load,
    .destroy = i440fx_destroy,
};

struct i440fx *i440fx_create(struct machine *m)
{
    if (!m->pci) {
        m->pci = pci_bus_create(m);
        if (!m->pci)
            return NULL;
    }
    struct i440fx *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->m = m;
    h->fn.opaque = h;
    h->fn.config_written = config_written;
    defaults(h);
    if (pci_register(m->pci, &h->fn, 0, 0) != 0) {
        free(h);
        return NULL;
    }
    if (machine_add_device(m, &i440fx_ops, h) != 0) {
        m->pci->fn[0] = NULL;
        free(h);
        return NULL;
    }
    apply_pam(h);
    return h;
}
