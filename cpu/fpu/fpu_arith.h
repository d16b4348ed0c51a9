/* The operations behind the x87 opcode handlers (fpu_ops.c), grouped by file: arithmetic
 * and compares (fpu_arith.c), loads and stores (fpu_load_store.c). Each one takes the
 * stack, checks for stack faults, computes with float80 and commits per SDM vol. 1, 8.5. */
#ifndef GLASS86_FPU_ARITH_H
#define GLASS86_FPU_ARITH_H

#include "cpu/fpu/fpu_internal.h"

/* ST(0) = ST(0) op src for ModRM.reg (0 add, 1 mul, 2 com, 3 comp, 4 sub, 5 subr, 6 div,
 * 7 divr); src was converted from memory with src_env's flags. */
void fpu_arith_mem(struct machine *m, unsigned reg, struct f80 src, const struct f80_env *src_env);
/* The register forms: dest ST(0) or ST(sti), optionally popping. */
void fpu_arith_reg(struct machine *m, unsigned reg, unsigned sti, bool to_sti, bool pop);
void fpu_compare_reg(struct machine *m, unsigned sti, bool quiet, unsigned pops);
void fpu_compare_eflags(struct machine *m, unsigned sti, bool quiet, bool pop);
void fpu_fcmov(struct machine *m, unsigned sti, unsigned cond_reg, bool negate);
void fpu_fxch(struct machine *m, unsigned sti);
void fpu_sign_op(struct machine *m, bool abs);
void fpu_ftst(struct machine *m);
void fpu_fxam(struct machine *m);
void fpu_push_checked(struct machine *m, struct f80 v);
/* 0 log2(10), 1 log2(e), 2 pi, 3 log10(2), 4 ln(2) */
void fpu_load_constant(struct machine *m, unsigned which);
void fpu_fsqrt(struct machine *m);
void fpu_frndint(struct machine *m);
void fpu_fscale(struct machine *m);
void fpu_fprem(struct machine *m, bool ieee);
void fpu_fxtract(struct machine *m);

/* Loads and stores (fpu_load_store.c). */
void fpu_fld_sti(struct machine *m, unsigned sti);
void fpu_fst_sti(struct machine *m, unsigned sti, bool pop);
void fpu_fld_mem(struct machine *m, const struct insn *i, unsigned kind);
void fpu_fst_mem(struct machine *m, const struct insn *i, unsigned kind, bool pop);
/* Memory operand kinds. */
enum { MEM_F32, MEM_F64, MEM_F80, MEM_I16, MEM_I32, MEM_I64, MEM_BCD };
/* Read a memory operand of arithmetic (m32real, m64real, m16int, m32int). */
struct f80 fpu_read_operand(struct machine *m, const struct insn *i, unsigned kind, struct f80_env *e);

/* Control (fpu_control.c). */
void fpu_fldcw(struct machine *m, uint16_t cw);
void fpu_fnclex(struct machine *m);
void fpu_fninit(struct machine *m);
void fpu_ffree(struct machine *m, unsigned sti, bool pop);
void fpu_incdec_top(struct machine *m, int delta);

#endif
