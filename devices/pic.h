/* The PC/AT interrupt controllers: two Intel 8259A PICs (master at 0x20/0x21, slave at
 * 0xA0/0xA1 on the master's IR2) plus the PIIX edge/level control registers (ELCR) at
 * 0x4D0/0x4D1. Follows the Intel 8259A datasheet (order number 231468). The pair is the
 * machine's interrupt controller: ISA IRQ lines come in through machine_set_irq(). */
#ifndef GLASS86_PIC_H
#define GLASS86_PIC_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct pic;

#define PIC_MASTER_PORT 0x20
#define PIC_SLAVE_PORT 0xA0
#define PIC_ELCR_PORT 0x4D0

/* Create the pair, register its ports and install it as the machine's interrupt
 * controller. ISA line 2 is the AT's redirected IRQ 2 and arrives as IRQ 9; lines above
 * 15 are ignored. NULL when out of memory or the ports are taken. */
struct pic *pic_create(struct machine *m);

/* One chip's registers as a debugger shows them (chip 0 = master, 1 = slave). */
struct pic_chip_view {
    uint8_t irr, isr, imr;
    uint8_t vector_base;   /* ICW2 with the low three bits clear */
    uint8_t elcr;          /* level-triggered lines */
    uint8_t lowest;        /* the IR with the lowest priority (7 unless rotated) */
    bool special_mask, auto_eoi, special_fully_nested, initializing;
};
void pic_view(const struct pic *p, unsigned chip, struct pic_chip_view *out);

/* The acknowledge cycle in its two halves. On the first INTA pulse the master resolves
 * its request and, for a cascade input, selects the slave; the vector comes on the
 * second. The machine's acknowledge() runs both back to back. A request that goes away
 * between them gives the slave's IR7 vector with only the master's IR2 in service: the
 * datasheet's default IR7 on a slave, which tests reproduce by splitting the cycle. */
void pic_inta_begin(struct pic *p);
uint8_t pic_inta_end(struct pic *p);

#endif
