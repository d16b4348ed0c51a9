/* System control port B at 0x61 (IBM PC AT Technical Reference, "System board I/O": port
 * 061). Bits 0-3 read back as written: 0 counter 2 gate, 1 speaker data enable, 2 parity
 * check disable, 3 I/O channel check disable. Bit 4 toggles with every DRAM refresh, bit 5
 * is counter 2's OUT, bits 6/7 report I/O channel check and parity errors (never here). */
#include "devices/port61.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "devices/pit.h"
#include "machine/machine.h"

struct port61 {
    struct machine *m;
    struct pit *pit;
    uint8_t control;     /* bits 0-3 as written */
    uint32_t changes;
};

/* The AT's BIOS programs counter 1 with 18, a refresh request every 15.09 us, and bit 4
 * toggles with each. Later chipsets (PIIX's REF_TOGGLE) time refresh on their own, so the
 * toggle here runs at that rate whatever counter 1 does. Worked out from virtual time:
 * BIOS delay loops and Linux's calibration poll it. */
#define REFRESH_PIT_TICKS 18u

static uint32_t port61_read(void *opaque, uint16_t port, unsigned size)
{
    struct port61 *p = opaque;
    uint64_t refresh = (pit_ticks_at(sched_now(p->m)) / REFRESH_PIT_TICKS) & 1;
    return p->control | (uint32_t)refresh << 4 | (uint32_t)pit_get_out(p->pit, 2) << 5;
}

static void port61_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct port61 *p = opaque;
    uint8_t v = value & 0x0F;
    if ((v ^ p->control) & 3)
        p->changes++;
    p->control = v;
    pit_set_gate(p->pit, 2, v & 1);
}

void port61_speaker(struct port61 *p, struct speaker_state *out)
{
    *out = (struct speaker_state){ .gate2 = p->control & 1, .data_enable = (p->control & 2) != 0,
                                   .period = pit_period(p->pit, 2), .changes = p->changes };
}

static void port61_reset(void *dev)
{
    struct port61 *p = dev;
    p->control = 0;
    pit_set_gate(p->pit, 2, false);
}

static void port61_save(void *dev, struct state_buf *out)
{
    struct port61 *p = dev;
    state_put_u8(out, p->control);
    state_put_u32(out, p->changes);
}

/* Counter 2's gate level is part of the PIT's own saved state. */
static bool port61_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct port61 *p = dev;
    if (version != 1)
        return false;
    p->control = state_get_u8(in) & 0x0F;
    p->changes = state_get_u32(in);
    return !in->error;
}

static void port61_destroy(void *dev)
{
    free(dev);
}

static const struct device_ops port61_ops = {
    .name = "port61",
    .state_version = 1,
    .reset = port61_reset,
    .save = port61_save,
    .load = port61_load,
    .destroy = port61_destroy,
};

struct port61 *port61_create(struct machine *m, struct pit *pit)
{
    struct port61 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->pit = pit;
    if (machine_add_device(m, &port61_ops, p) != 0) {
        free(p);
        return NULL;
    }
    port61_reset(p);
    if (iobus_register(&m->io, PORT61_PORT, 1, port61_read, port61_write, p, IO_SIZE_8, "port61") != 0)
        return NULL;
    return p;
}
