/* Port 0xE9 debug console. Reads return 0xE9, as in Bochs, so a guest can probe for it
 * (QEMU's isa-debugcon answers the same by default). */
#include "devices/debugcon.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct debugcon {
    FILE *out;
};

static uint32_t debugcon_read(void *opaque, uint16_t port, unsigned size)
{
    return DEBUGCON_PORT;
}

static void debugcon_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct debugcon *d = opaque;
    fputc((int)(value & 0xFF), d->out);
    /* Flush per line so the guest's output shows up while it runs and interleaves
     * sensibly with glass86's own messages on stderr. */
    if ((value & 0xFF) == '\n')
        fflush(d->out);
}

/* No guest-visible state: the output file is host configuration, so reset, save and load
 * have nothing to do. */
static void debugcon_save(void *dev, struct state_buf *out)
{
}

static bool debugcon_load(void *dev, struct state_buf *in, uint32_t version)
{
    return version == 1;
}

static void debugcon_destroy(void *dev)
{
    struct debugcon *d = dev;
    fflush(d->out);
    free(d);
}

static const struct device_ops debugcon_ops = {
    .name = "debugcon",
    .state_version = 1,
    .save = debugcon_save,
    .load = debugcon_load,
    .destroy = debugcon_destroy,
};

int debugcon_attach(struct machine *m, FILE *out)
{
    struct debugcon *d = calloc(1, sizeof(*d));
    if (!d)
        return -1;
    d->out = out;
    /* Hand the state to the machine first: from then on it is freed with the machine,
     * whatever happens next. */
    if (machine_add_device(m, &debugcon_ops, d) != 0) {
        free(d);
        return -1;
    }
    /* Byte-wide only: a word write is split by the bus and its high byte goes to 0xEA. */
    if (iobus_register(&m->io, DEBUGCON_PORT, 1, debugcon_read, debugcon_write, d, IO_SIZE_8,
                       "debugcon") != 0)
        return -1;
    return 0;
}
