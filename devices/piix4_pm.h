/* The PIIX4 power-management function (Intel 82371AB PIIX4 datasheet, order 290562,
 * function 3) at PCI 00:01.3, as QEMU's i440FX "pc" machine has it: the ACPI fixed
 * hardware (PM1a event and control blocks, the 24-bit PM timer) in an I/O block the BIOS
 * places through PMBA, the SCI on ISA IRQ 9, and soft-off (S5) ending the run. */
#ifndef GLASS86_PIIX4_PM_H
#define GLASS86_PIIX4_PM_H

#include <stdint.h>

struct machine;
struct piix4_pm;

/* Offsets in the PM I/O block (datasheet 7.2) that the FADT points at. */
#define PIIX4_PM_PMSTS 0x00     /* PM1a_EVT_BLK: status, then enable at 0x02 */
#define PIIX4_PM_PMCNTRL 0x04   /* PM1a_CNT_BLK */
#define PIIX4_PM_PMTMR 0x08     /* PM_TMR_BLK */
#define PIIX4_PM_IO_SIZE 64
#define PIIX4_PM_SCI_IRQ 9      /* hardwired on the board, as QEMU and SeaBIOS have it */
#define PIIX4_PM_TIMER_HZ 3579545u

/* SUS_TYP values of PMCNTRL bits 12:10 (datasheet 7.2.3): 0 is soft off, the one sleep
 * state the board implements, so \_S5 in the DSDT names it. */
#define PIIX4_SUS_TYP_SOFT_OFF 0

/* Function 3 on m->pci (the PIIX3 at 00:01 must exist: it is the multi-function device).
 * NULL on failure. */
struct piix4_pm *piix4_pm_create(struct machine *m);

/* The PM timer's 24-bit value now, for tests. */
uint32_t piix4_pm_timer(const struct piix4_pm *p);

#endif
