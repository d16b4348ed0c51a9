/* The one small interface every device implements: a const descriptor of operations plus
 * an instance pointer (86Box's device_t, Bochs's iodev). Ports and MMIO windows are
 * registered on the buses with that instance pointer; interrupt outputs are levels set
 * with machine_set_irq(); timers come from machine/sched.h. */
#ifndef GLASS86_DEVICE_H
#define GLASS86_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "machine/state.h"

struct device_ops {
    const char *name;
    uint32_t state_version;
    /* Power-on / hardware reset (RESET line): registers to their datasheet values. */
    void (*reset)(void *dev);
    /* Saved state: the fields that are not derived from others. */
    void (*save)(void *dev, struct state_buf *out);
    /* Load a state saved with `version`; false when the version is unknown. */
    bool (*load)(void *dev, struct state_buf *in, uint32_t version);
    void (*destroy)(void *dev);
    /* Optional: the registers and internal state, a few lines of text for the debugger's
     * `info device NAME`. NULL: the debugger says it has no details. */
    void (*dump)(void *dev, FILE *out);
};

#endif
