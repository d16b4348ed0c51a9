/* The PIIX3 (Intel 82371SB PCI ISA IDE Xcelerator, order 290550) at PCI 00:01: function
 * 0 is the PCI-to-ISA bridge with the PIRQ router (PIRQA-D to ISA IRQs), function 1 the
 * IDE controller's PCI face (legacy ports and IRQs 14/15, bus-master IDE at BAR4). */
#ifndef GLASS86_PIIX3_H
#define GLASS86_PIIX3_H

struct machine;
struct ide_controller;
struct piix3;

/* Function 0 on m->pci (create the i440FX first) and, with `ide`, function 1 for it.
 * Installs the bus's PIRQ router. NULL on failure. */
struct piix3 *piix3_create(struct machine *m, struct ide_controller *ide);
/* Function 1 alone (piix3_create calls it). 0, or -1 on failure. */
int piix3_ide_create(struct machine *m, struct ide_controller *ide);
/* The ISA IRQ that PIRQA-D (0-3) is routed to now, or -1 when routing is off. */
int piix3_pirq_route(const struct piix3 *p, unsigned pirq);

#endif
