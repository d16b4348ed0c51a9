/* The firmware's debug ports: 0x400-0x403 of the Bochs BIOS (panic line numbers on 0x400
 * and 0x401, info and debug text on 0x402 and 0x403, Bochs' "virtual ports") and SeaBIOS's
 * debug console on 0x402, which it uses only when a read there gives 0xE9 (QEMU's
 * isa-debugcon readback). Text goes to a host file or nowhere. */
#ifndef GLASS86_FWDEBUG_H
#define GLASS86_FWDEBUG_H

#include <stdio.h>

struct machine;

#define FWDEBUG_PORT 0x400
#define FWDEBUG_READBACK 0xE9

/* Attach the ports; firmware text goes to `out` (NULL: dropped; the caller closes the file
 * after machine_destroy()). 0, or -1 when the ports or the device table are taken. */
int fwdebug_attach(struct machine *m, FILE *out);

#endif
