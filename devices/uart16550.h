/* The National Semiconductor 16550A UART as a PC serial port (COM1-COM4), after the
 * PC16550D datasheet: 16-byte FIFOs, character timing from the divisor in virtual time,
 * the four interrupt sources in their priority order, loopback, and the PC's wiring of
 * OUT2 as the gate of the IRQ line. The host end is a chardev (devices/chardev.h). */
#ifndef GLASS86_UART16550_H
#define GLASS86_UART16550_H

#include <stdint.h>

struct machine;
struct chardev;
struct uart16550;

/* The PC's four ports: COM1 0x3F8 IRQ 4, COM2 0x2F8 IRQ 3, COM3 0x3E8 IRQ 4,
 * COM4 0x2E8 IRQ 3. */
#define UART_COM1_BASE 0x3F8
#define UART_COM2_BASE 0x2F8
#define UART_COM3_BASE 0x3E8
#define UART_COM4_BASE 0x2E8

/* Register offsets. */
#define UART_RBR 0   /* read: receive buffer; write: THR; DLAB: divisor low */
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1   /* DLAB: divisor high */
#define UART_DLM 1
#define UART_IIR 2   /* read */
#define UART_FCR 2   /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI 0x01    /* received data available (and the FIFO timeout) */
#define UART_IER_THRI 0x02   /* transmitter holding register empty */
#define UART_IER_RLSI 0x04   /* receiver line status */
#define UART_IER_MSI 0x08    /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_TIMEOUT 0x0C
#define UART_IIR_FIFO 0xC0   /* both bits set while the FIFOs are enabled */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_TRIGGER 0xC0 /* 00 = 1 byte, 40 = 4, 80 = 8, C0 = 14 */

#define UART_LCR_DLAB 0x80
#define UART_LCR_BREAK 0x40

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08   /* on a PC: enables the IRQ line driver */
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_FIFOERR 0x80

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

/* The UART's clock: 1.8432 MHz, divided by 16 and by the divisor (1 = 115200 baud). */
#define UART_CLOCK_HZ 1843200u
/* How often host input is looked for, in virtual time. */
#define UART_POLL_NS 1000000u

/* Create a 16550A at `base` (8 byte-wide ports) on ISA IRQ `irq`, talking to `cd`, and
 * attach it to the machine. The UART owns `cd` from then on and closes it when it is
 * destroyed, also when creation fails. NULL when out of memory or the ports are taken. */
struct uart16550 *uart16550_create(struct machine *m, uint16_t base, unsigned irq,
                                   struct chardev *cd);
/* COM1-COM4 (n = 1..4) at their standard ports and IRQs; the device is named "com1"..
 * "com4" for machine_find_device(). */
struct uart16550 *uart16550_create_com(struct machine *m, unsigned n, struct chardev *cd);

/* The host end, e.g. for chardev_restore_terminal() in a signal handler. */
struct chardev *uart16550_chardev(const struct uart16550 *u);

#endif
