/* The glass86 side of the difftest: one emulated machine per worker, put directly into
 * 32-bit flat protected mode at CPL 0 (or CPL 3 with paging) through the descriptor caches,
 * running a sequence from the same registers and memory as the native executor, up to a
 * HLT (user mode: INT 30h) after it. */
#ifndef DIFFTEST_EMU_H
#define DIFFTEST_EMU_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/models.h"
#include "gen.h"
#include "protocol.h"
#include "templates.h"

struct machine;

enum emu_status {
    EMU_OK,        /* reached the HLT after the snippet */
    EMU_EXCEPTION, /* took an exception: `vector`, `fault_eip`, `error_code` */
    EMU_NO_HALT,   /* still running after the instruction budget */
    EMU_SHUTDOWN,  /* triple fault */
    EMU_STOPPED,   /* something asked the run loop to stop */
    EMU_STRAY,     /* HLT somewhere else than after the snippet */
};

#define EMU_NO_ERROR_CODE 0xFFFFFFFFu

struct emu_result {
    enum emu_status status;
    int vector;
    uint32_t error_code;   /* EMU_NO_ERROR_CODE if the vector has none */
    uint32_t fault_eip;    /* EIP the exception frame holds */
    uint32_t eip;          /* EIP when the run loop returned */
    uint32_t insn_eip;     /* EIP of the last instruction started */
    uint32_t cr2;          /* CR2 after an exception */
    uint8_t fpu[DT_FPU_IMAGE]; /* x87 mode: glass86's FNSAVE image at the end */
    uint64_t unimplemented;/* #UD raised for opcodes glass86 does not implement yet */
    struct dt_regs regs;
    uint8_t scratch[DT_SCRATCH_SIZE];
    uint8_t stack[DT_STACK_SIZE];
};

struct emu {
    struct machine *m;
    enum dt_mode mode;
};

/* Returns 0, or -1 with a reason in err. */
int emu_init(struct emu *e, enum cpu_model_id model, enum dt_mode mode, char *err, size_t errlen);
void emu_run(struct emu *e, const struct dt_seq *s, struct emu_result *r);
void emu_free(struct emu *e);
/* Run the sequence one instruction at a time, printing the registers after each. */
void emu_trace(struct emu *e, const struct dt_seq *s, FILE *f);

const char *emu_status_name(enum emu_status st);

#endif
