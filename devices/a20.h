/* The two CPU control lines that the 8042 keyboard controller and port 0x92 both drive:
 * the A20 gate (IBM PC AT Technical Reference, "A20 gate") and a reset of the CPU alone
 * (the 8042's reset pulse, port 0x92's fast reset). */
#ifndef GLASS86_A20_H
#define GLASS86_A20_H

#include <stdbool.h>

struct machine;

/* Enable or disable address line 20. Disabled, physical addresses wrap at 1 MiB the way
 * the 8086 wraps them (a20_mask 0xFFEFFFFF). The last caller wins, as in QEMU where both
 * the 8042 and port 0x92 drive one A20 line; the real chipsets OR the two sources, which
 * only differs for a guest that enables A20 one way and disables it the other. */
void machine_set_a20(struct machine *m, bool enabled);
bool machine_a20_enabled(const struct machine *m);

/* Reset the CPU only, as the RESET/INIT pulse from the 8042 or port 0x92 does: registers to
 * their power-on values, memory, devices and A20 untouched. Virtual time keeps running.
 * Safe to call from inside an I/O handler: the CPU leaves the current block and starts
 * at the reset vector. */
void machine_cpu_reset(struct machine *m);

#endif
