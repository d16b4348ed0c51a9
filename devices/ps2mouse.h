/* A PS/2 mouse on the 8042's auxiliary socket, after the IBM PS/2 mouse interface
 * reference, with the Microsoft IntelliMouse wheel (ID 3, after sample rates 200, 100, 80)
 * and IntelliMouse Explorer extension (ID 4, five buttons, after 200, 200, 80). Stream
 * mode reports at the sample rate in virtual time; remote mode answers Read Data. */
#ifndef GLASS86_PS2MOUSE_H
#define GLASS86_PS2MOUSE_H

#include <stdint.h>

struct machine;
struct ps2_port;
struct ps2mouse;

/* Buttons for ps2mouse_move(), in the order of the packet's first byte. */
#define PS2MOUSE_LEFT 0x01u
#define PS2MOUSE_RIGHT 0x02u
#define PS2MOUSE_MIDDLE 0x04u
#define PS2MOUSE_BUTTON4 0x08u  /* reported with ID 4 only */
#define PS2MOUSE_BUTTON5 0x10u

/* Plug a mouse into `port` (i8042_port(kbc, I8042_AUX)) and attach it to the machine.
 * NULL when out of memory. */
struct ps2mouse *ps2mouse_create(struct machine *m, struct ps2_port *port);

/* The frontend's entry point: relative motion in mouse counts with screen orientation
 * (dx > 0 right, dy > 0 down; the mouse turns dy into the PS/2 "up is positive"), wheel
 * clicks (dz > 0 towards the user, i.e. scrolling down, as the IntelliMouse reports it),
 * and the buttons now held (PS2MOUSE_*). Call it from the thread that runs the machine,
 * between machine_run() calls. Motion accumulates until the next sample; more than a
 * packet's 9-bit range in one sample sets the overflow bit and is clipped, as on a real
 * mouse. Wheel clicks are never lost: they are spread over the following packets. */
void ps2mouse_move(struct ps2mouse *mo, int dx, int dy, int dz, unsigned buttons);

/* The ID the mouse reports (0, 3 or 4), for tests and the debugger. */
uint8_t ps2mouse_id(const struct ps2mouse *mo);

#endif
