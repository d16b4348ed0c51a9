/* The x87 FPU of the 386 (with a 387), the 486DX and the P6: its registers and the entry
 * points the rest of glass86 uses. Register model: Intel SDM vol. 1, chapter 8 (8.1 the
 * data registers, status, control and tag words, the last-instruction pointers); reset
 * state: SDM vol. 3A, table 9-1; error reporting through #MF or FERR#/IGNNE#: vol. 1, 8.7
 * and appendix D. */
#ifndef GLASS86_FPU_H
#define GLASS86_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu/float80.h"
#include "cpu/models.h"

struct machine;

/* Status word bits (SDM vol. 1, figure 8-4). Bits 0-5 are the F80_* exception flags. */
#define FSW_SF 0x0040u  /* stack fault (with IE) */
#define FSW_ES 0x0080u  /* error summary: an unmasked exception is pending */
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3 0x4000u
#define FSW_B 0x8000u   /* busy: mirrors ES since the 387 */
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* Tag values (SDM vol. 1, figure 8-7). */
enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

struct fpu {
    struct f80 reg[8];   /* physical registers R0..R7; ST(i) is R((TOP + i) & 7) */
    uint16_t cw;         /* control word */
    uint16_t sw;         /* status word, TOP included */
    uint8_t empty;       /* bit n: Rn is empty (the other tag values follow from contents) */
    bool ferr;           /* the FERR# output is asserted (CR0.NE = 0 error reporting) */
    bool ignne;          /* the IGNNE# input is asserted (by the board, fpu_set_ignne()) */
    uint16_t fop;        /* last non-control instruction: opcode bits 10..0 */
    uint16_t fcs, fds;   /* ... its CS selector and its memory operand's selector */
    uint32_t fip, fdp;   /* ... its offset and its memory operand's offset */
};

/* Power-on reset (SDM vol. 3A table 9-1: P6 CW 0040H and all registers +0.0 tagged zero;
 * the 386/387 and 486 come out of RESET in the FNINIT state). */
void fpu_reset(struct fpu *f, enum cpu_model_id model);
/* The FNINIT state: CW 037FH, SW 0, all registers empty, pointers cleared. */
void fpu_init(struct fpu *f);

/* The full tag word with tags computed from register contents, as FSTENV writes it. */
uint16_t fpu_tag_word(const struct fpu *f);
/* Load a tag word: only "empty" matters, as on every x87 since the 387. */
void fpu_set_tag_word(struct fpu *f, uint16_t tw);

/* FERR# and IGNNE#, the MS-DOS compatibility error reporting of CR0.NE = 0 (SDM vol. 1,
 * D.2). A board that wires FERR# (the PC: IRQ 13 through the PIC, IGNNE# from a write to
 * port F0h, devices/fpu_irq13.c) sets m->ferr_changed, which hears every change of FERR#,
 * and drives IGNNE# with fpu_set_ignne(). On a board that leaves FERR# unconnected IGNNE#
 * counts as tied asserted: pending errors are ignored and nothing ever freezes.
 *
 * The model, per chip. 386 + 387: the 387's ERROR# (FERR# here) goes up at the end of the
 * instruction that raised the unmasked exception. 486 and P6: "deferred" reporting, FERR#
 * goes up when the next waiting instruction (or WAIT) freezes. In every case a waiting
 * instruction that meets a pending error with IGNNE# deasserted freezes: it does not run,
 * and the CPU waits, as in HLT, for an interrupt, which returns to it (on a PC, IRQ 13,
 * whose handler writes port F0h or clears the error). On the 486 a no-wait instruction
 * (FNINIT FNCLEX FNSTSW FNSTCW FNSTENV FNSAVE, FNENI FNDISI FNSETPM) that meets a pending
 * error pulses FERR# (D.2.1.3), which the PC's latch turns into IRQ 13; glass86 takes
 * that interrupt after the no-wait instruction, never inside it; the P6 does not pulse. */
void fpu_set_ignne(struct machine *m, bool asserted);

#endif
