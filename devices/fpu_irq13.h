/* The PC's x87 error circuit: FERR# to IRQ 13, port F0h to IGNNE# (Intel SDM vol. 1,
 * D.2.1.2, figure D-1). */
#ifndef GLASS86_FPU_IRQ13_H
#define GLASS86_FPU_IRQ13_H

struct machine;
struct fpu_irq13;

#define FPU_IRQ13_PORT 0xF0
#define FPU_IRQ13_LINE 13

/* Create the circuit and connect it to the CPU's FERR# and IGNNE#. NULL on failure. */
struct fpu_irq13 *fpu_irq13_create(struct machine *m);

#endif
