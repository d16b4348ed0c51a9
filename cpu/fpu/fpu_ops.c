/* The x87 opcode handlers named by the D8-DF rows of cpu/opcodes.def. Each row is one
 * escape opcode and ModRM.reg (shape SH_EW): `_m` is the memory form; `_r`, the register
 * form (mod = 3), is either one instruction on ST(i) = ST(rm) or, for D9 /2 /4-/7, DA /5,
 * DB /4, DE /3 and DF /4, a family told apart by ModRM.rm through the small tables and
 * switches below. Opcode maps: Intel SDM vol. 2D, A.5; instruction pages: vol. 2. */
#include "cpu/fpu/fpu_arith.h"

/* ---- Common shapes ---- */

/* The eight basic operations with a memory operand of the given kind. */
static void arith_m(struct machine *m, const struct insn *i, unsigned kind)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    struct f80_env e = fpu_env(fpu_of(m));
    struct f80 src = fpu_read_operand(m, i, kind, &e);
    fpu_arith_mem(m, i->reg, src, &e);
}

/* D8 and DC register forms: reg 2/3 compare (DC D0/D8 are aliases of FCOM/FCOMP). */
static void arith_r(struct machine *m, const struct insn *i, bool to_sti, bool pop)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    if (i->reg == 2 || i->reg == 3)
        fpu_compare_reg(m, i->rm, false, i->reg == 3 || pop);
    else
        fpu_arith_reg(m, i->reg, i->rm, to_sti, pop);
}

static void load_m(struct machine *m, const struct insn *i, unsigned kind)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fld_mem(m, i, kind);
}
static void store_m(struct machine *m, const struct insn *i, unsigned kind, bool pop)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fst_mem(m, i, kind, pop);
}
static void undefined(struct machine *m, const struct insn *i) { op_invalid(m, i); }

/* ---- D8: m32real, ST(0) op ST(i) ---- */
#define D8_ROW(stem) \
    HANDLER(stem##_m) { arith_m(m, i, MEM_F32); } \
    HANDLER(stem##_r) { arith_r(m, i, false, false); }
D8_ROW(fadd_d8) D8_ROW(fmul_d8) D8_ROW(fcom_d8) D8_ROW(fcomp_d8)
D8_ROW(fsub_d8) D8_ROW(fsubr_d8) D8_ROW(fdiv_d8) D8_ROW(fdivr_d8)

/* ---- DC: m64real, ST(i) op ST(0) ---- */
#define DC_ROW(stem) \
    HANDLER(stem##_m) { arith_m(m, i, MEM_F64); } \
    HANDLER(stem##_r) { arith_r(m, i, true, false); }
DC_ROW(fadd_dc) DC_ROW(fmul_dc) DC_ROW(fcom_dc) DC_ROW(fcomp_dc)
DC_ROW(fsub_dc) DC_ROW(fsubr_dc) DC_ROW(fdiv_dc) DC_ROW(fdivr_dc)

/* ---- DE: m16int, and the popping register forms FADDP ... FDIVP, FCOMPP ---- */
#define DE_ROW(stem) \
    HANDLER(stem##_m) { arith_m(m, i, MEM_I16); } \
    HANDLER(stem##_r) { arith_r(m, i, true, true); }
DE_ROW(fiadd_de) DE_ROW(fimul_de) DE_ROW(ficom_de)
DE_ROW(fisub_de) DE_ROW(fisubr_de) DE_ROW(fidiv_de) DE_ROW(fidivr_de)
HANDLER(ficomp_de_m) { arith_m(m, i, MEM_I16); }
HANDLER(ficomp_de_r)
{
    if (i->rm != 1) /* only DE D9, FCOMPP */
        undefined(m, i);
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_reg(m, 1, false, 2);
}

/* ---- DA: m32int; on the P6 FCMOVB/E/BE/U and FUCOMPP (DA E9) ---- */
#define DA_FCMOV_ROW(stem) \
    HANDLER(stem##_m) { arith_m(m, i, MEM_I32); } \
    HANDLER(stem##_r) { FPU_BEGIN(m, i, FPU_ARITH); fpu_fcmov(m, i->rm, i->reg, false); } \
    HANDLER(stem##_pre6_m) { arith_m(m, i, MEM_I32); } \
    HANDLER(stem##_pre6_r) { undefined(m, i); }
DA_FCMOV_ROW(fiadd_da) DA_FCMOV_ROW(fimul_da) DA_FCMOV_ROW(ficom_da) DA_FCMOV_ROW(ficomp_da)
#define DA_ROW(stem) \
    HANDLER(stem##_m) { arith_m(m, i, MEM_I32); } \
    HANDLER(stem##_r) { undefined(m, i); }
DA_ROW(fisub_da) DA_ROW(fidiv_da) DA_ROW(fidivr_da)
HANDLER(fisubr_da_m) { arith_m(m, i, MEM_I32); }
HANDLER(fisubr_da_r)
{
    if (i->rm != 1) /* only DA E9, FUCOMPP */
        undefined(m, i);
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_reg(m, 1, true, 2);
}

/* ---- D9: m32real loads and stores, the environment, and the one-register group ---- */
HANDLER(fld_d9_m) { load_m(m, i, MEM_F32); }
HANDLER(fld_d9_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fld_sti(m, i->rm);
}
HANDLER(fxch_d9_m) { undefined(m, i); }
HANDLER(fxch_d9_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fxch(m, i->rm);
}
HANDLER(fst_d9_m) { store_m(m, i, MEM_F32, false); }
HANDLER(fst_d9_r)
{
    if (i->rm != 0) /* only D9 D0, FNOP */
        undefined(m, i);
    FPU_BEGIN(m, i, FPU_ARITH);
}
HANDLER(fstp_d9_m) { store_m(m, i, MEM_F32, true); }
HANDLER(fstp_d9_r) /* D9 D8+i: an alias of FSTP ST(i) */
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fst_sti(m, i->rm, true);
}
HANDLER(fldenv_d9_m)
{
    FPU_BEGIN(m, i, FPU_WAIT);
    fpu_fldenv(m, i, false);
}
HANDLER(fldenv_d9_r) /* D9 E0-E7: FCHS FABS - - FTST FXAM - - */
{
    if (i->rm == 2 || i->rm == 3 || i->rm >= 6)
        undefined(m, i);
    FPU_BEGIN(m, i, FPU_ARITH);
    switch (i->rm) {
    case 0: fpu_sign_op(m, false); break;
    case 1: fpu_sign_op(m, true); break;
    case 4: fpu_ftst(m); break;
    default: fpu_fxam(m); break;
    }
}
HANDLER(fldcw_d9_m)
{
    FPU_BEGIN(m, i, FPU_WAIT);
    fpu_fldcw(m, mem_read16(m, i->seg, insn_ea(m, i)));
}
HANDLER(fldcw_d9_r) /* D9 E8-EF: FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ - */
{
    if (i->rm == 7)
        undefined(m, i);
    FPU_BEGIN(m, i, FPU_ARITH);
    struct fpu *f = fpu_of(m);
    if (i->rm == 0 || i->rm == 6) {
        f->sw &= ~FSW_C1;
        fpu_push_checked(m, i->rm == 0 ? f80_one(false) : f80_zero(false));
    } else {
        fpu_load_constant(m, i->rm - 1u);
    }
}
HANDLER(fnstenv_d9_m)
{
    FPU_BEGIN(m, i, FPU_NOWAIT);
    fpu_fstenv(m, i, false);
}
HANDLER(fnstenv_d9_r) /* D9 F0-F7 */
{
    FPU_BEGIN(m, i, FPU_ARITH);
    switch (i->rm) {
    case 0: fpu_f2xm1(m); break;
    case 1: fpu_fyl2x(m); break;
    case 2: fpu_fptan(m); break;
    case 3: fpu_fpatan(m); break;
    case 4: fpu_fxtract(m); break;
    case 5: fpu_fprem(m, true); break;
    case 6: fpu_incdec_top(m, -1); break; /* FDECSTP */
    default: fpu_incdec_top(m, 1); break; /* FINCSTP */
    }
}
HANDLER(fnstcw_d9_m)
{
    FPU_BEGIN(m, i, FPU_NOWAIT);
    mem_write16(m, i->seg, insn_ea(m, i), fpu_of(m)->cw);
}
HANDLER(fnstcw_d9_r) /* D9 F8-FF */
{
    FPU_BEGIN(m, i, FPU_ARITH);
    switch (i->rm) {
    case 0: fpu_fprem(m, false); break;
    case 1: fpu_fyl2xp1(m); break;
    case 2: fpu_fsqrt(m); break;
    case 3: fpu_fsincos(m); break;
    case 4: fpu_frndint(m); break;
    case 5: fpu_fscale(m); break;
    case 6: fpu_fsin(m); break;
    default: fpu_fcos(m); break;
    }
}

/* ---- DB: m32int, m80real, FNINIT/FNCLEX, and on the P6 FCMOVNcc and FCOMI/FUCOMI ---- */
#define DB_FCMOV_ROW(stem, mem_body) \
    HANDLER(stem##_m) { mem_body; } \
    HANDLER(stem##_r) { FPU_BEGIN(m, i, FPU_ARITH); fpu_fcmov(m, i->rm, i->reg, true); } \
    HANDLER(stem##_pre6_m) { mem_body; } \
    HANDLER(stem##_pre6_r) { undefined(m, i); }
DB_FCMOV_ROW(fild_db, load_m(m, i, MEM_I32))
DB_FCMOV_ROW(fisttp_db, undefined(m, i)) /* FISTTP arrived with SSE3 */
DB_FCMOV_ROW(fist_db, store_m(m, i, MEM_I32, false))
DB_FCMOV_ROW(fistp_db, store_m(m, i, MEM_I32, true))
HANDLER(fninit_db_m) { undefined(m, i); }
HANDLER(fninit_db_r) /* DB E0-E4: FNENI FNDISI FNCLEX FNINIT FNSETPM */
{
    if (i->rm > 4)
        undefined(m, i);
    FPU_BEGIN(m, i, FPU_NOWAIT);
    if (i->rm == 2)
        fpu_fnclex(m);
    else if (i->rm == 3)
        fpu_fninit(m);
    /* FNENI, FNDISI (8087) and FNSETPM (287) do nothing since the 387. */
}
HANDLER(fld_db_m) { load_m(m, i, MEM_F80); }
HANDLER(fld_db_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_eflags(m, i->rm, true, false); /* FUCOMI */
}
HANDLER(fld_db_pre6_m) { load_m(m, i, MEM_F80); }
HANDLER(fld_db_pre6_r) { undefined(m, i); }
HANDLER(fcomi_db_m) { undefined(m, i); }
HANDLER(fcomi_db_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_eflags(m, i->rm, false, false);
}
HANDLER(fcomi_db_pre6_m) { undefined(m, i); }
HANDLER(fcomi_db_pre6_r) { undefined(m, i); }
HANDLER(fstp_db_m) { store_m(m, i, MEM_F80, true); }
HANDLER(fstp_db_r) { undefined(m, i); }

/* ---- DD: m64real, FRSTOR/FNSAVE/FNSTSW, FFREE, FST(P) ST(i), FUCOM(P) ---- */
HANDLER(fld_dd_m) { load_m(m, i, MEM_F64); }
HANDLER(fld_dd_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_ffree(m, i->rm, false);
}
HANDLER(fxch4_dd_m) { undefined(m, i); } /* FISTTP m64 arrived with SSE3 */
HANDLER(fxch4_dd_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fxch(m, i->rm);
}
HANDLER(fst_dd_m) { store_m(m, i, MEM_F64, false); }
HANDLER(fst_dd_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fst_sti(m, i->rm, false);
}
HANDLER(fstp_dd_m) { store_m(m, i, MEM_F64, true); }
HANDLER(fstp_dd_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fst_sti(m, i->rm, true);
}
HANDLER(frstor_dd_m)
{
    FPU_BEGIN(m, i, FPU_WAIT);
    fpu_fldenv(m, i, true);
}
HANDLER(frstor_dd_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_reg(m, i->rm, true, 0); /* FUCOM */
}
HANDLER(fucomp_dd_m) { undefined(m, i); }
HANDLER(fucomp_dd_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_reg(m, i->rm, true, 1);
}
HANDLER(fnsave_dd_m)
{
    FPU_BEGIN(m, i, FPU_NOWAIT);
    fpu_fstenv(m, i, true);
}
HANDLER(fnsave_dd_r) { undefined(m, i); }
HANDLER(fnstsw_dd_m)
{
    FPU_BEGIN(m, i, FPU_NOWAIT);
    mem_write16(m, i->seg, insn_ea(m, i), fpu_of(m)->sw);
}
HANDLER(fnstsw_dd_r) { undefined(m, i); }

/* ---- DF: m16int, m64int, packed BCD, FNSTSW AX, FUCOMIP/FCOMIP and aliases ---- */
HANDLER(fild_df_m) { load_m(m, i, MEM_I16); }
HANDLER(fild_df_r) /* DF C0+i: FFREEP, undocumented but present since the 287 */
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_ffree(m, i->rm, true);
}
HANDLER(fisttp_df_m) { undefined(m, i); }
HANDLER(fisttp_df_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fxch(m, i->rm); /* DF C8+i: alias of FXCH */
}
HANDLER(fist_df_m) { store_m(m, i, MEM_I16, false); }
HANDLER(fist_df_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fst_sti(m, i->rm, true); /* DF D0+i: alias of FSTP */
}
HANDLER(fistp_df_m) { store_m(m, i, MEM_I16, true); }
HANDLER(fistp_df_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_fst_sti(m, i->rm, true); /* DF D8+i: alias of FSTP */
}
HANDLER(fbld_df_m) { load_m(m, i, MEM_BCD); }
HANDLER(fbld_df_r)
{
    if (i->rm != 0) /* only DF E0, FNSTSW AX */
        undefined(m, i);
    FPU_BEGIN(m, i, FPU_NOWAIT);
    cpu_set_reg16(&m->cpu, EAX, fpu_of(m)->sw);
}
HANDLER(fild64_df_m) { load_m(m, i, MEM_I64); }
HANDLER(fild64_df_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_eflags(m, i->rm, true, true); /* FUCOMIP */
}
HANDLER(fild64_df_pre6_m) { load_m(m, i, MEM_I64); }
HANDLER(fild64_df_pre6_r) { undefined(m, i); }
HANDLER(fbstp_df_m) { store_m(m, i, MEM_BCD, true); }
HANDLER(fbstp_df_r)
{
    FPU_BEGIN(m, i, FPU_ARITH);
    fpu_compare_eflags(m, i->rm, false, true); /* FCOMIP */
}
HANDLER(fbstp_df_pre6_m) { store_m(m, i, MEM_BCD, true); }
HANDLER(fbstp_df_pre6_r) { undefined(m, i); }
HANDLER(fistp64_df_m) { store_m(m, i, MEM_I64, true); }
HANDLER(fistp64_df_r) { undefined(m, i); }

/* ---- WAIT/FWAIT: #NM with MP and TS, then any pending unmasked exception ---- */
HANDLER(fwait)
{
    struct cpu *c = &m->cpu;
    if ((c->cr[0] & CR0_MP_BIT) && (c->cr[0] & CR0_TS_BIT))
        cpu_raise(m, EXC_NM, NO_ERROR_CODE);
    fpu_error_check(m, true);
}
