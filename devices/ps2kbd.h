/* A PS/2 (MF2) keyboard on the 8042's keyboard socket, after the IBM PS/2 keyboard
 * interface reference: the host commands (reset, identify, scan code set, LEDs,
 * typematic rate, enable/disable, defaults, echo, resend), a key queue, and typematic
 * repeat of the last key held, timed in virtual time. */
#ifndef GLASS86_PS2KBD_H
#define GLASS86_PS2KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/keycodes.h"

struct machine;
struct ps2_port;
struct ps2kbd;

/* Bytes the keyboard holds for the host (a real one has 16; this one is roomier so that
 * a frontend's burst of keys is not lost while the guest is busy). */
#define PS2KBD_QUEUE_LEN 64

/* LED bits of command ED. */
#define PS2KBD_LED_SCROLL 1u
#define PS2KBD_LED_NUM 2u
#define PS2KBD_LED_CAPS 4u

/* Plug a keyboard into `port` (i8042_port(kbc, I8042_KBD)) and attach it to the machine.
 * NULL when out of memory. */
struct ps2kbd *ps2kbd_create(struct machine *m, struct ps2_port *port);

/* The frontend's entry point: `key` went down (pressed) or up. Call it from the thread
 * that runs the machine, between machine_run() calls. A press of a key already down is
 * ignored (the keyboard repeats keys itself: filter the host's own auto-repeat, or not,
 * it makes no difference), and so is a release of a key that is up. Keys pressed while
 * the keyboard is disabled (F5) send nothing. */
void ps2kbd_key(struct ps2kbd *k, enum pc_key key, bool pressed);

/* The LEDs the guest last set (PS2KBD_LED_*), for a frontend to show. */
uint8_t ps2kbd_leds(const struct ps2kbd *k);

/* The scan code set in use (1, 2 or 3). */
unsigned ps2kbd_scancode_set(const struct ps2kbd *k);

#endif
