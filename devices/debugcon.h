/* The debug console on port 0xE9 (the Bochs "port E9 hack", QEMU's isa-debugcon): every
 * byte the guest writes there is copied to a host file, the simplest way for a test guest
 * or a BIOS to print. */
#ifndef GLASS86_DEBUGCON_H
#define GLASS86_DEBUGCON_H

#include <stdio.h>

struct machine;

#define DEBUGCON_PORT 0xE9

/* Attach a debug console writing to `out` (stdout or a file the caller opened and closes
 * after machine_destroy()). Returns 0, or -1 when the port or device table is full. */
int debugcon_attach(struct machine *m, FILE *out);

#endif
