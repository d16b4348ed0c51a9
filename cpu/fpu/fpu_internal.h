/* What the x87 instruction handlers share: the register stack (ST(i) relative to TOP, with
 * tags), the checks every escape instruction makes first (#NM, a pending #MF), the
 * last-instruction pointers, and folding an operation's exception flags into the status
 * word with the masked/unmasked rules (Intel SDM vol. 1, 8.1-8.1.9, 8.5, 8.6; vol. 3A,
 * table 2-2 for EM/MP/TS). */
#ifndef GLASS86_FPU_INTERNAL_H
#define GLASS86_FPU_INTERNAL_H

#include "cpu/fpu/fpu.h"
#include "cpu/ops.h"

#define CR0_MP_BIT 0x02u
#define CR0_EM_BIT 0x04u
#define CR0_TS_BIT 0x08u
#define CR0_NE_BIT 0x20u

static inline struct fpu *fpu_of(struct machine *m) { return &m->cpu.fpu; }

static inline unsigned fpu_top(const struct fpu *f) { return (f->sw >> 11) & 7; }
static inline void fpu_set_top(struct fpu *f, unsigned top)
{
    f->sw = (uint16_t)((f->sw & ~FSW_TOP) | ((top & 7) << 11));
}
static inline unsigned st_phys(const struct fpu *f, unsigned i) { return (fpu_top(f) + i) & 7; }
static inline bool st_empty(const struct fpu *f, unsigned i) { return (f->empty >> st_phys(f, i)) & 1; }
static inline struct f80 st_get(const struct fpu *f, unsigned i) { return f->reg[st_phys(f, i)]; }
static inline void st_set(struct fpu *f, unsigned i, struct f80 v)
{
    unsigned p = st_phys(f, i);
    f->reg[p] = v;
    f->empty &= (uint8_t)~(1u << p);
}
static inline void fpu_pop(struct fpu *f)
{
    f->empty |= (uint8_t)(1u << fpu_top(f));
    fpu_set_top(f, fpu_top(f) + 1);
}
static inline void fpu_push(struct fpu *f, struct f80 v)
{
    fpu_set_top(f, fpu_top(f) - 1);
    st_set(f, 0, v);
}
static inline void fpu_set_cc(struct fpu *f, unsigned cc_bits)
{
    f->sw = (uint16_t)((f->sw & ~FSW_CC) | (cc_bits & FSW_CC));
}

/* How an escape instruction starts (fpu_exceptions.c). */
enum {
    FPU_NOWAIT = 0,       /* FNINIT FNCLEX FNSTSW FNSTCW FNSTENV FNSAVE: no pending check */
    FPU_WAIT = 1,         /* a pending unmasked exception is reported first */
    FPU_RECORD = 2,       /* a non-control instruction: FIP/FCS/FOP (and FDP/FDS) recorded */
    FPU_ARITH = FPU_WAIT | FPU_RECORD,
};
/* #NM, then a pending error (fpu_error_check); false: the instruction froze, return. */
bool fpu_begin(struct machine *m, const struct insn *i, unsigned how);
#define FPU_BEGIN(m, i, how) \
    do { \
        if (!fpu_begin(m, i, how)) \
            return; \
    } while (0)
/* FERR# and the error summary (fpu_exceptions.c; the model is described in fpu.h). */
void fpu_set_ferr(struct machine *m, bool asserted);
void fpu_error_raised(struct machine *m);
void fpu_error_cleared(struct machine *m);
bool fpu_error_check(struct machine *m, bool waiting);

/* An environment for one operation from the control word. */
static inline struct f80_env fpu_env(const struct fpu *f)
{
    struct f80_env e;
    f80_env_init(&e, f->cw);
    return e;
}

/* Fold e's exception flags into the status word (C1 from the rounding, ES/B and FERR#
 * for unmasked ones). Returns false when an unmasked IE, DE or ZE forbids storing the
 * result (SDM vol. 1, 8.5: the destination and the stack stay as they were). */
bool fpu_commit(struct machine *m, const struct f80_env *e);
/* Stack overflow (push onto a full register) or underflow (an empty operand): IE + SF,
 * C1 says which. Returns true when masked: the caller then delivers the indefinite. */
bool fpu_stack_fault(struct machine *m, bool overflow);

/* Memory operands: x87 data are read whole before anything changes, and a store checks
 * the whole destination before writing any byte. */
void fpu_read_mem(struct machine *m, const struct insn *i, uint32_t off, void *dst, unsigned n);
void fpu_write_mem(struct machine *m, const struct insn *i, uint32_t off, const void *src, unsigned n);
static inline uint32_t fpu_ea(struct machine *m, const struct insn *i) { return insn_ea(m, i); }

/* The transcendental instructions (fpu_transcend.c), on ST(0)/ST(1). */
void fpu_fsin(struct machine *m);
void fpu_fcos(struct machine *m);
void fpu_fsincos(struct machine *m);
void fpu_fptan(struct machine *m);
void fpu_fpatan(struct machine *m);
void fpu_f2xm1(struct machine *m);
void fpu_fyl2x(struct machine *m);
void fpu_fyl2xp1(struct machine *m);

/* Control instructions (fpu_control.c). */
void fpu_fldenv(struct machine *m, const struct insn *i, bool restore_regs);
void fpu_fstenv(struct machine *m, const struct insn *i, bool save_regs);

#endif
