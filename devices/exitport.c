/* Port 0xF4 exit device. glass86's convention differs from QEMU's isa-debug-exit, which
 * exits with (v << 1) | 1: here the exit status is the low byte of the value written, so
 * a guest writing 0 means success, as test guests expect. The first write wins. */
#include "devices/exitport.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct exitport {
    struct machine *m;
};

static void exitport_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct machine *m = ((struct exitport *)opaque)->m;
    if (m->exit_requested)
        return;
    m->exit_status = (int)(value & 0xFF);
    m->exit_requested = true;
    cpu_signal(&m->cpu, EV_STOP); /* the run loop leaves after this instruction */
}

/* The exit request itself lives in struct machine (exit_requested, exit_status), so the
 * device has no state of its own to reset, save or load. */
static void exitport_save(void *dev, struct state_buf *out)
{
}

static bool exitport_load(void *dev, struct state_buf *in, uint32_t version)
{
    return version == 1;
}

static void exitport_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops exitport_ops = {
    .name = "exitport",
    .state_version = 1,
    .save = exitport_save,
    .load = exitport_load,
    .destroy = exitport_destroy,
};

int exitport_attach(struct machine *m)
{
    struct exitport *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    e->m = m;
    if (machine_add_device(m, &exitport_ops, e) != 0) {
        free(e);
        return -1;
    }
    /* One byte-wide port, as QEMU's default iosize=1: a wider write is split by the bus,
     * so its low byte decides and the rest goes to 0xF5 (unowned, logged once). No read
     * handler: reads float high like an unowned port, without a warning. */
    if (iobus_register(&m->io, EXITPORT_PORT, 1, NULL, exitport_write, e, IO_SIZE_8,
                       "exitport") != 0)
        return -1;
    return 0;
}
