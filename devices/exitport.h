/* The exit device on port 0xF4 (after QEMU's isa-debug-exit): a guest ends the run and
 * chooses glass86's exit status by writing one byte there. */
#ifndef GLASS86_EXITPORT_H
#define GLASS86_EXITPORT_H

struct machine;

#define EXITPORT_PORT 0xF4

/* Attach the exit device. Returns 0, or -1 when the port or device table is full. */
int exitport_attach(struct machine *m);

#endif
