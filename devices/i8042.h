/* The Intel 8042 keyboard controller of the PC/AT and PS/2 (ports 0x60/0x64, IRQ 1 for
 * the keyboard and IRQ 12 for the auxiliary device), following the IBM PC AT Technical
 * Reference ("Keyboard controller") and the PS/2 additions. Its output port also drives
 * the A20 gate and the CPU's RESET line. */
#ifndef GLASS86_I8042_H
#define GLASS86_I8042_H

#include <stdint.h>

#include "devices/ps2.h"

struct machine;
struct i8042;

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64
#define I8042_IRQ_KBD 1
#define I8042_IRQ_AUX 12

/* The two PS/2 sockets. */
enum i8042_channel { I8042_KBD = 0, I8042_AUX = 1 };

/* Status register (read from 0x64). */
#define I8042_STR_OBF 0x01      /* output buffer full: 0x60 has a byte */
#define I8042_STR_IBF 0x02      /* input buffer full (always 0: writes are taken at once) */
#define I8042_STR_SYS 0x04      /* system flag: 0 after power-on, 1 after self test */
#define I8042_STR_CMD 0x08      /* A2: the last write went to 0x64 */
#define I8042_STR_UNLOCKED 0x10 /* keyboard not inhibited by the key lock */
#define I8042_STR_AUXOBF 0x20   /* the byte in the output buffer came from the aux device */
#define I8042_STR_TIMEOUT 0x40  /* no device answered on the socket written to */
#define I8042_STR_PARITY 0x80

/* Controller command byte (controller RAM byte 0). */
#define I8042_CTR_KBDINT 0x01   /* IRQ 1 while keyboard data waits */
#define I8042_CTR_AUXINT 0x02   /* IRQ 12 while aux data waits */
#define I8042_CTR_SYS 0x04
#define I8042_CTR_KBDDIS 0x10   /* keyboard clock held low */
#define I8042_CTR_AUXDIS 0x20   /* aux clock held low */
#define I8042_CTR_XLATE 0x40    /* translate keyboard set-2 codes to set 1 */

/* Output port bits (commands D0/D1). */
#define I8042_OUT_RESET 0x01    /* 0 = CPU held in reset */
#define I8042_OUT_A20 0x02

/* Virtual time between a device having a byte and the byte showing up in the output
 * buffer: the 11-bit PS/2 frame at the keyboard's 10-16.7 kHz clock, rounded down so
 * that command replies stay quick. */
#define I8042_TRANSFER_NS 100000u

/* Create the controller, register its ports and attach it to the machine. Plug the
 * keyboard and mouse in afterwards (ps2kbd_create, ps2mouse_create) through
 * i8042_port(). NULL when out of memory or the ports are taken. */
struct i8042 *i8042_create(struct machine *m);

/* A socket to plug a PS/2 device into. */
struct ps2_port *i8042_port(struct i8042 *c, enum i8042_channel ch);

/* The controller command byte and output port, for the debugger and tests. */
uint8_t i8042_command_byte(const struct i8042 *c);
uint8_t i8042_output_port(const struct i8042 *c);

#endif
