/* The PC's x87 error circuit, as Intel recommends it for MS-DOS compatibility (SDM vol. 1,
 * D.2.1.2, figure D-1; the PC/AT did the same for the 287's ERROR#): FERR# going up sets
 * flip-flop 1, which holds IRQ 13; any write to port F0h clears it and, while FERR# is up,
 * sets flip-flop 2, which drives IGNNE#; FERR# going down clears flip-flop 2. */
#include "devices/fpu_irq13.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct fpu_irq13 {
    struct machine *m;
    bool ferr;   /* the CPU's FERR# output, as last seen */
    bool irq;    /* flip-flop 1: IRQ 13 requested */
    bool ignne;  /* flip-flop 2: IGNNE# asserted */
};

static void set_outputs(struct fpu_irq13 *d)
{
    machine_set_irq(d->m, FPU_IRQ13_LINE, d->irq);
    fpu_set_ignne(d->m, d->ignne);
}

static void ferr_changed(void *opaque, bool asserted)
{
    struct fpu_irq13 *d = opaque;
    if (asserted && !d->ferr)
        d->irq = true;
    if (!asserted)
        d->ignne = false;
    d->ferr = asserted;
    set_outputs(d);
}

static void port_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct fpu_irq13 *d = opaque;
    d->irq = false;
    if (d->ferr)
        d->ignne = true;
    set_outputs(d);
}

/* RESET also resets the CPU, whose FERR# comes up deasserted. */
static void fpu_irq13_reset(void *dev)
{
    struct fpu_irq13 *d = dev;
    d->ferr = d->irq = d->ignne = false;
    set_outputs(d);
}

static void fpu_irq13_save(void *dev, struct state_buf *out)
{
    struct fpu_irq13 *d = dev;
    state_put_u8(out, (uint8_t)(d->ferr | d->irq << 1 | d->ignne << 2));
}

static bool fpu_irq13_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct fpu_irq13 *d = dev;
    if (version != 1)
        return false;
    uint8_t v = state_get_u8(in);
    d->ferr = v & 1;
    d->irq = (v >> 1) & 1;
    d->ignne = (v >> 2) & 1;
    set_outputs(d);
    return !in->error;
}

static void fpu_irq13_destroy(void *dev)
{
    free(dev);
}

static void fpu_irq13_dump(void *dev, FILE *out)
{
    struct fpu_irq13 *d = dev;
    fprintf(out, "FERR# %s, IRQ 13 latch %u, IGNNE# %s\n", d->ferr ? "asserted" : "deasserted",
            d->irq, d->ignne ? "asserted" : "deasserted");
}

static const struct device_ops fpu_irq13_ops = {
    .name = "fpu-irq13",
    .state_version = 1,
    .reset = fpu_irq13_reset,
    .save = fpu_irq13_save,
    .load = fpu_irq13_load,
    .destroy = fpu_irq13_destroy,
    .dump = fpu_irq13_dump,
};

struct fpu_irq13 *fpu_irq13_create(struct machine *m)
{
    struct fpu_irq13 *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->m = m;
    if (machine_add_device(m, &fpu_irq13_ops, d) != 0) {
        free(d);
        return NULL;
    }
    if (iobus_register(&m->io, FPU_IRQ13_PORT, 1, NULL, port_write, d, IO_SIZE_8, "fpu-irq13") != 0)
        return NULL;
    m->ferr_changed = ferr_changed;
    m->ferr_opaque = d;
    fpu_irq13_reset(d);
    return d;
}
