/* System control port A at 0x92 (IBM PS/2 Hardware Interface Technical Reference, "System
 * control port A"; Intel 82371 PIIX datasheet, "Port 92"): bit 1 gates A20, a 0-to-1
 * transition of bit 0 resets the CPU alone (INIT on the PIIX). The other bits (password
 * lock, fixed-disk light) have no effect here; every bit reads back as written. */
#include "devices/port92.h"

#include <stdlib.h>

#include "devices/a20.h"
#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct port92 {
    struct machine *m;
    uint8_t value;
};

static uint32_t port92_read(void *opaque, uint16_t port, unsigned size)
{
    struct port92 *p = opaque;
    return p->value;
}

static void port92_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct port92 *p = opaque;
    uint8_t old = p->value, v = (uint8_t)value;
    p->value = v;
    machine_set_a20(p->m, (v & 2) != 0);
    if ((v & 1) && !(old & 1))
        machine_cpu_reset(p->m);
}

/* After a machine reset bit 1 shows the A20 state the machine starts with, so a guest's
 * read-modify-write of the port does not switch A20 off by accident. */
static void port92_reset(void *dev)
{
    struct port92 *p = dev;
    p->value = machine_a20_enabled(p->m) ? 2 : 0;
}

static void port92_save(void *dev, struct state_buf *out)
{
    struct port92 *p = dev;
    state_put_u8(out, p->value);
}

/* The A20 mask itself belongs to the machine's memory state. */
static bool port92_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct port92 *p = dev;
    if (version != 1)
        return false;
    p->value = state_get_u8(in);
    return !in->error;
}

static void port92_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops port92_ops = {
    .name = "port92",
    .state_version = 1,
    .reset = port92_reset,
    .save = port92_save,
    .load = port92_load,
    .destroy = port92_destroy,
};

struct port92 *port92_create(struct machine *m)
{
    struct port92 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    if (machine_add_device(m, &port92_ops, p) != 0) {
        free(p);
        return NULL;
    }
    port92_reset(p);
    if (iobus_register(&m->io, PORT92_PORT, 1, port92_read, port92_write, p, IO_SIZE_8, "port92") != 0)
        return NULL;
    return p;
}
