/* The PC's Intel 8254 programmable interval timer at 0x40-0x43, clocked at 1.193182 MHz:
 * counter 0 drives IRQ 0, counter 1 is the old DRAM refresh timer, counter 2 feeds the
 * speaker and port 0x61. Follows the Intel 8254 datasheet (order number 231164). */
#ifndef GLASS86_PIT_H
#define GLASS86_PIT_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct pit;

#define PIT_PORT 0x40
#define PIT_HZ 1193182u

/* The PIT clock in virtual time: pulses since time 0, and when pulse `tick` falls. */
static inline uint64_t pit_ticks_at(uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * PIT_HZ) / 1000000000u);
}
static inline uint64_t pit_tick_ns(uint64_t tick)
{
    return (uint64_t)(((unsigned __int128)tick * 1000000000u + PIT_HZ - 1) / PIT_HZ);
}

/* Create the timer and register its ports. Counters 0 and 1 have their gates tied high;
 * counter 2's gate comes from port 0x61 (pit_set_gate). NULL on failure. */
struct pit *pit_create(struct machine *m);

/* Drive counter `channel`'s GATE input. */
void pit_set_gate(struct pit *p, unsigned channel, bool level);
/* Counter `channel`'s OUT now (computed from virtual time). */
bool pit_get_out(struct pit *p, unsigned channel);
/* The period in PIT clocks of a counter running in mode 2 or 3, else 0: what a speaker
 * frontend needs to make counter 2's tone (frequency = PIT_HZ / period). */
uint32_t pit_period(struct pit *p, unsigned channel);

#endif
