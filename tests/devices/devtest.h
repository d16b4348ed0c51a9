/* What the device tests share: a quiet P6 machine with 2 MiB of RAM, port access, moving
 * virtual time forward with due timers fired on the way (as machine_run() does while the
 * CPU idles in HLT), and a stand-in interrupt controller that records IRQ line levels. */
#ifndef GLASS86_DEVTEST_H
#define GLASS86_DEVTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "machine/machine.h"

struct machine *dt_machine(void);

uint8_t dt_in(struct machine *m, uint16_t port);
void dt_out(struct machine *m, uint16_t port, uint8_t value);

/* Move virtual time forward to `ns` (never back), firing every timer due on the way at
 * its own deadline. Time resolution is one instruction (10 ns at the default rate). */
void dt_advance_to(struct machine *m, uint64_t ns);
void dt_advance(struct machine *m, uint64_t ns);
/* The deadline of the earliest armed timer, or UINT64_MAX. */
uint64_t dt_next_deadline(const struct machine *m);

/* Records machine_set_irq() calls in place of the PIC. */
#define DT_MAX_EDGES 64
struct irq_probe {
    struct machine *m;
    bool level[16];
    unsigned rises[16], falls[16];
    uint64_t rise_ns[16][DT_MAX_EDGES]; /* the times of the first DT_MAX_EDGES rises */
    uint64_t last_fall_ns[16];
};
void dt_probe_attach(struct machine *m, struct irq_probe *probe);

/* Run only the tests matching GLASS86_UNIT_FILTER, if set. */
void dt_filter_from_env(void);

#endif
