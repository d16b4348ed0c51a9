/* Port 0x92, "system control port A" (PS/2 and every PC chipset since): fast A20 gate and
 * fast CPU reset. */
#ifndef GLASS86_PORT92_H
#define GLASS86_PORT92_H

struct machine;
struct port92;

#define PORT92_PORT 0x92

/* Create the port. NULL on failure. */
struct port92 *port92_create(struct machine *m);

#endif
