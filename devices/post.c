/* The POST code port 0x80 (see post.h). A BIOS writes it hundreds of times while it boots
 * and some OSes use it as an I/O delay, so changes are logged only on request. */
#include "devices/post.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct post {
    struct machine *m;
    bool log_changes;
    uint8_t value;
    uint32_t changes;
};

static uint32_t post_read(void *opaque, uint16_t port, unsigned size)
{
    struct post *p = opaque;
    return p->value;
}

static void post_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct post *p = opaque;
    uint8_t v = (uint8_t)value;
    if (v == p->value)
        return;
    p->value = v;
    p->changes++;
    if (p->log_changes)
        machine_log(p->m, "POST %02X", v);
}

uint8_t post_last(const struct post *p)
{
    return p->value;
}

uint32_t post_changes(const struct post *p)
{
    return p->changes;
}

/* No reset: like a POST card, the port keeps showing the last code across a reset, which
 * is what one wants to see after a hang and reboot. */
static void post_save(void *dev, struct state_buf *out)
{
    struct post *p = dev;
    state_put_u8(out, p->value);
    state_put_u32(out, p->changes);
}

static bool post_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct post *p = dev;
    if (version != 1)
        return false;
    p->value = state_get_u8(in);
    p->changes = state_get_u32(in);
    return !in->error;
}

static void post_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops post_ops = {
    .name = "post",
    .state_version = 1,
    .save = post_save,
    .load = post_load,
    .destroy = post_destroy,
};

struct post *post_create(struct machine *m, bool log_changes)
{
    struct post *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->log_changes = log_changes;
    if (machine_add_device(m, &post_ops, p) != 0) {
        free(p);
        return NULL;
    }
    if (iobus_register(&m->io, POST_PORT, 1, post_read, post_write, p, IO_SIZE_8, "post") != 0)
        return NULL;
    return p;
}
