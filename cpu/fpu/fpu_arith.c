/* The x87 arithmetic and comparison instructions on the register stack: the eight basic
 * operations in their memory, ST(0),ST(i) / ST(i),ST(0) and popping forms, FCOM/FUCOM and
 * FCOMI/FUCOMI with their pops, FCMOVcc, FXCH, FCHS, FABS, FTST, FXAM, the constants,
 * FSQRT, FRNDINT, FSCALE, FXTRACT, FPREM/FPREM1 (Intel SDM vol. 2, the F* pages). */
#include "cpu/fpu/fpu_arith.h"
#include "cpu/fpu/float80_internal.h"

/* The operation of ModRM.reg 0,1,4..7 with a = ST(0) and b = the other operand. The
 * D8/DC/DE encodings line up so that reg 4 is always a - b and reg 5 always b - a, and
 * only the destination differs (SDM vol. 2, FSUB/FSUBR: "DC E8+i FSUB ST(i), ST(0)"). */
static struct f80 basic_op(struct f80_env *e, unsigned reg, struct f80 a, struct f80 b)
{
    switch (reg) {
    case 0: return f80_add(e, a, b);
    case 1: return f80_mul(e, a, b);
    case 4: return f80_sub(e, a, b);
    case 5: return f80_sub(e, b, a);
    case 6: return f80_div(e, a, b);
    default: return f80_div(e, b, a);
    }
}

static void set_compare_cc(struct fpu *f, unsigned cmp)
{
    unsigned cc = (cmp & 1 ? FSW_C0 : 0) | (cmp & 4 ? FSW_C2 : 0) | (cmp & 0x40 ? FSW_C3 : 0);
    fpu_set_cc(f, cc);
}

void fpu_arith_mem(struct machine *m, unsigned reg, struct f80 src, const struct f80_env *src_env)
{
    struct fpu *f = fpu_of(m);
    struct f80_env e = *src_env;
    bool compare = reg == 2 || reg == 3;
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(m, false)) {
            if (compare)
                set_compare_cc(f, F80_CMP_UN);
            else
                st_set(f, 0, f80_indefinite());
            if (reg == 3)
                fpu_pop(f);
        }
        return;
    }
    if (compare) {
        unsigned cmp = f80_compare(&e, st_get(f, 0), src, false);
        if (fpu_commit(m, &e)) {
            set_compare_cc(f, cmp);
            if (reg == 3)
                fpu_pop(f);
        }
        return;
    }
    struct f80 r = basic_op(&e, reg, st_get(f, 0), src);
    if (fpu_commit(m, &e))
        st_set(f, 0, r);
}

void fpu_arith_reg(struct machine *m, unsigned reg, unsigned sti, bool to_sti, bool pop)
{
    struct fpu *f = fpu_of(m);
    unsigned dest = to_sti ? sti : 0;
    if (st_empty(f, 0) || st_empty(f, sti)) {
        if (fpu_stack_fault(m, false)) {
            st_set(f, dest, f80_indefinite());
            if (pop)
                fpu_pop(f);
        }
        return;
    }
    struct f80_env e = fpu_env(f);
    struct f80 r = basic_op(&e, reg, st_get(f, 0), st_get(f, sti));
    if (fpu_commit(m, &e)) {
        st_set(f, dest, r);
        if (pop)
            fpu_pop(f);
    }
}

void fpu_compare_reg(struct machine *m, unsigned sti, bool quiet, unsigned pops)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0) || st_empty(f, sti)) {
        if (fpu_stack_fault(m, false)) {
            set_compare_cc(f, F80_CMP_UN);
            while (pops--)
                fpu_pop(f);
        }
        return;
    }
    struct f80_env e = fpu_env(f);
    unsigned cmp = f80_compare(&e, st_get(f, 0), st_get(f, sti), quiet);
    if (fpu_commit(m, &e)) {
        set_compare_cc(f, cmp);
        while (pops--)
            fpu_pop(f);
    }
}

/* FCOMI/FUCOMI: the result goes to ZF, PF, CF; OF, SF and AF are cleared. */
static void set_eflags_compare(struct machine *m, unsigned cmp)
{
    uint32_t fl = cpu_get_eflags(&m->cpu) & ~(uint32_t)FLAGS_ARITH;
    fl |= (cmp & 1 ? FLAG_CF : 0) | (cmp & 4 ? FLAG_PF : 0) | (cmp & 0x40 ? FLAG_ZF : 0);
    lf_load(&m->cpu.lf, fl);
}

void fpu_compare_eflags(struct machine *m, unsigned sti, bool quiet, bool pop)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0) || st_empty(f, sti)) {
        if (fpu_stack_fault(m, false)) {
            set_eflags_compare(m, F80_CMP_UN);
            if (pop)
                fpu_pop(f);
        }
        return;
    }
    struct f80_env e = fpu_env(f);
    unsigned cmp = f80_compare(&e, st_get(f, 0), st_get(f, sti), quiet);
    e.c1 = (f->sw & FSW_C1) != 0; /* FCOMI leaves C1 as it was (host-checked) */
    if (fpu_commit(m, &e)) {
        set_eflags_compare(m, cmp);
        if (pop)
            fpu_pop(f);
    }
}

void fpu_fcmov(struct machine *m, unsigned sti, unsigned cond_reg, bool negate)
{
    struct fpu *f = fpu_of(m);
    const struct lazy_flags *lf = &m->cpu.lf;
    if (st_empty(f, 0) || st_empty(f, sti)) {
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    bool cond;
    switch (cond_reg) {
    case 0: cond = lf_cf(lf); break;              /* B */
    case 1: cond = lf_zf(lf); break;              /* E */
    case 2: cond = lf_cf(lf) || lf_zf(lf); break; /* BE */
    default: cond = lf_pf(lf); break;             /* U */
    }
    if (cond != negate)
        st_set(f, 0, st_get(f, sti));
}

void fpu_fxch(struct machine *m, unsigned sti)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~FSW_C1;
    if (st_empty(f, 0) || st_empty(f, sti)) {
        if (!fpu_stack_fault(m, false))
            return;
        /* Masked: the empty registers take the indefinite, then the exchange happens. */
        if (st_empty(f, 0))
            st_set(f, 0, f80_indefinite());
        if (st_empty(f, sti))
            st_set(f, sti, f80_indefinite());
    }
    struct f80 t = st_get(f, 0);
    st_set(f, 0, st_get(f, sti));
    st_set(f, sti, t);
}

/* FCHS and FABS change only the sign bit: no exception but stack underflow. */
void fpu_sign_op(struct machine *m, bool abs)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~FSW_C1;
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80 v = st_get(f, 0);
    st_set(f, 0, abs ? f80_abs(v) : f80_negate(v));
}

void fpu_ftst(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(m, false))
            set_compare_cc(f, F80_CMP_UN);
        return;
    }
    struct f80_env e = fpu_env(f);
    unsigned cmp = f80_compare(&e, st_get(f, 0), f80_zero(false), false);
    if (fpu_commit(m, &e))
        set_compare_cc(f, cmp);
}

void fpu_fxam(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    struct f80 v = st_get(f, 0);
    unsigned cc; /* C3 C2 C0 (SDM vol. 2, FXAM, table 3-39) */
    if (st_empty(f, 0)) {
        cc = FSW_C3 | FSW_C0;
    } else {
        switch (f80_classify(v)) {
        case F80_UNSUPPORTED: cc = 0; break;
        case F80_QNAN:
        case F80_SNAN: cc = FSW_C0; break;
        case F80_NORMAL: cc = FSW_C2; break;
        case F80_INF: cc = FSW_C2 | FSW_C0; break;
        case F80_ZERO: cc = FSW_C3; break;
        default: cc = FSW_C3 | FSW_C2; break; /* denormal, pseudo-denormal */
        }
    }
    fpu_set_cc(f, cc | (f80_sign(v) ? FSW_C1 : 0));
}

/* Push a value: stack overflow when the register below the top is in use. */
void fpu_push_checked(struct machine *m, struct f80 v)
{
    struct fpu *f = fpu_of(m);
    if (!((f->empty >> ((fpu_top(f) - 1) & 7)) & 1)) {
        if (fpu_stack_fault(m, true))
            fpu_push(f, f80_indefinite());
        return;
    }
    fpu_push(f, v);
}

/* The constants of FLDPI, FLDL2T, FLDL2E, FLDLG2, FLDLN2 as 128-bit significands, rounded
 * to 64 bits in the current rounding mode. (The 387 and 486 rounded from 66 bits, which
 * makes FLDLG2 differ in round-to-nearest; glass86 follows the correctly rounded value of
 * later chips.) */
void fpu_load_constant(struct machine *m, unsigned which)
{
    static const struct { uint64_t hi, lo; int16_t exp; } k[] = {
        { 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 1 },  /* log2(10) */
        { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0 },  /* log2(e) */
        { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1 },  /* pi */
        { 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, -2 }, /* log10(2) */
        { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1 }, /* ln(2) */
    };
    struct fpu *f = fpu_of(m);
    f->sw &= ~FSW_C1;
    struct f80_env e = fpu_env(f);
    struct u128 sig = u128_make(k[which].hi, k[which].lo);
    bool carry, inexact, up;
    uint64_t s = f80_round_bits(e.rc, false, sig, 64, &carry, &inexact, &up);
    fpu_push_checked(m, f80_make(false, (unsigned)(F80_BIAS + k[which].exp), s));
}

void fpu_fsqrt(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80_env e = fpu_env(f);
    struct f80 r = f80_sqrt(&e, st_get(f, 0));
    if (fpu_commit(m, &e))
        st_set(f, 0, r);
}

void fpu_frndint(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80_env e = fpu_env(f);
    struct f80 r = f80_round_int(&e, st_get(f, 0));
    if (fpu_commit(m, &e))
        st_set(f, 0, r);
}

void fpu_fscale(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0) || st_empty(f, 1)) {
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80_env e = fpu_env(f);
    struct f80 r = f80_scale(&e, st_get(f, 0), st_get(f, 1));
    if (fpu_commit(m, &e))
        st_set(f, 0, r);
}

void fpu_fprem(struct machine *m, bool ieee)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0) || st_empty(f, 1)) {
        f->sw &= ~FSW_C2;
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80_env e = fpu_env(f);
    unsigned q;
    bool complete;
    struct f80 r = f80_rem(&e, st_get(f, 0), st_get(f, 1), ieee, &q, &complete);
    f->sw &= ~FSW_C2;
    if (fpu_commit(m, &e)) {
        st_set(f, 0, r);
        if (q == F80_REM_NO_QUOTIENT) /* NaN or invalid: C0 and C3 stay */
            return;
        /* Quotient bits: C0 = q2, C3 = q1, C1 = q0; C2 = reduction incomplete. */
        unsigned cc = complete ? ((q & 4 ? FSW_C0 : 0) | (q & 2 ? FSW_C3 : 0) | (q & 1 ? FSW_C1 : 0))
                               : FSW_C2;
        fpu_set_cc(f, cc);
    }
}

void fpu_fxtract(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    if (st_empty(f, 0)) {
        if (fpu_stack_fault(m, false)) {
            st_set(f, 0, f80_indefinite());
            fpu_push(f, f80_indefinite());
        }
        return;
    }
    if (!st_empty(f, 7)) {
        if (fpu_stack_fault(m, true)) {
            st_set(f, 0, f80_indefinite());
            fpu_push(f, f80_indefinite());
        }
        return;
    }
    struct f80_env e = fpu_env(f);
    struct f80 v = st_get(f, 0), expo, sig;
    enum f80_class c = f80_classify(v);
    if (c == F80_UNSUPPORTED) {
        expo = sig = f80_invalid(&e);
    } else if (f80_class_nan(c)) {
        expo = sig = f80_propagate_nan(&e, v, v);
    } else if (c == F80_INF) {
        expo = f80_inf(false);
        sig = v;
    } else if (c == F80_ZERO) {
        f80_raise(&e, F80_ZE); /* the exponent of 0 is -inf */
        expo = f80_inf(true);
        sig = v;
    } else {
        f80_check_denormal(&e, c, c);
        uint64_t s;
        int32_t x = f80_unpack(v, &s);
        expo = f80_from_int(x);
        sig = f80_make(f80_sign(v), F80_BIAS, s);
    }
    f->sw &= ~FSW_C1;
    if (fpu_commit(m, &e)) {
        st_set(f, 0, expo);
        fpu_push(f, sig);
    }
}
