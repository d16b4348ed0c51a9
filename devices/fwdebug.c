/* Firmware debug ports (see fwdebug.h; Bochs bios/rombios.h PANIC_PORT, INFO_PORT,
 * DEBUG_PORT; SeaBIOS src/hw/serialio.c and QEMU hw/char/debugcon.c). */
#include "devices/fwdebug.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct fwdebug {
    struct machine *m;
    FILE *out;
};

static uint32_t fwdebug_read(void *opaque, uint16_t port, unsigned size)
{
    return FWDEBUG_READBACK;
}

static void fwdebug_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct fwdebug *d = opaque;
    switch (port - FWDEBUG_PORT) {
    case 0:
    case 1:
        /* The Bochs BIOS's HALT macro writes its source line number to 0x400; its panic()
         * (after "No bootable device", for one) writes 0 to 0x401 before it halts. */
        if (port == FWDEBUG_PORT)
            machine_log(d->m, "firmware panic at BIOS source line %u", (unsigned)(value & 0xFFFF));
        else
            machine_log(d->m, "the firmware stopped after an error (Bochs BIOS panic port)");
        break;
    default:
        if (d->out) {
            fputc((int)(value & 0xFF), d->out);
            if ((value & 0xFF) == '\n')
                fflush(d->out);
        }
        break;
    }
}

static void fwdebug_save(void *dev, struct state_buf *out)
{
}

static bool fwdebug_load(void *dev, struct state_buf *in, uint32_t version)
{
    return version == 1;
}

static void fwdebug_destroy(void *dev)
{
    struct fwdebug *d = dev;
    if (d->out)
        fflush(d->out);
    free(d);
}

static const struct device_ops fwdebug_ops = {
    .name = "fwdebug",
    .state_version = 1,
    .save = fwdebug_save,
    .load = fwdebug_load,
    .destroy = fwdebug_destroy,
};

int fwdebug_attach(struct machine *m, FILE *out)
{
    struct fwdebug *d = calloc(1, sizeof *d);
    if (!d)
        return -1;
    d->m = m;
    d->out = out;
    if (machine_add_device(m, &fwdebug_ops, d) != 0) {
        free(d);
        return -1;
    }
    return iobus_register(&m->io, FWDEBUG_PORT, 4, fwdebug_read, fwdebug_write, d,
                          IO_SIZE_8 | IO_SIZE_16, "fwdebug");
}
