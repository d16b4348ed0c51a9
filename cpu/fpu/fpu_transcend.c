/* The x87 transcendental instructions FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X
 * and FYL2XP1 (Intel SDM vol. 2, their pages and tables of special operands; vol. 1,
 * 8.3.10). Results are computed with ~125-bit arithmetic (xfloat.c) and rounded once, so
 * they are correctly rounded. FSIN/FCOS/FSINCOS/FPTAN reduce their argument the way the
 * hardware does, modulo pi/2 with pi rounded to 66 bits (SDM vol. 1, 8.3.10 "pi"), which
 * is what makes them agree with real chips for large arguments. */
#include "cpu/fpu/fpu_arith.h"
#include "cpu/fpu/float80_internal.h"
#include "cpu/fpu/xfloat.h"

/* pi to 66 bits: P * 2^-64 with P = 0x3243F6A8885A308D3 (the x87's reduction constant). */
#define PI66_HI 0x3ull
#define PI66_LO 0x243F6A8885A308D3ull

static bool top_empty_fault(struct machine *m, unsigned n)
{
    struct fpu *f = fpu_of(m);
    for (unsigned k = 0; k < n; k++)
        if (st_empty(f, k))
            return true;
    return false;
}

/* |x| = q * pi66/2 + r with q rounded to nearest; returns r and q mod 4. */
static struct xf reduce(struct f80 x, unsigned *quadrant)
{
    uint64_t sig;
    int32_t exp = f80_unpack(x, &sig);
    *quadrant = 0;
    if (exp < -1)
        return xf_abs(xf_from_f80(x)); /* |x| < 1/2 < pi/4 */
    /* N = |x| * 2^65 = sig * 2^(exp + 2), an integer of at most 128 bits; divide it by
     * P = pi66/2 * 2^65 bit by bit, keeping the remainder exact. */
    struct u128 n = u128_shl(u128_make(0, sig), (unsigned)(exp + 2));
    struct u128 p = u128_make(PI66_HI, PI66_LO), rem = u128_make(0, 0);
    uint64_t q = 0;
    for (int bit = 127; bit >= 0; bit--) {
        uint64_t b = bit >= 64 ? (n.hi >> (bit - 64)) & 1 : (n.lo >> bit) & 1;
        rem = u128_add(u128_shl(rem, 1), u128_make(0, b));
        q <<= 1;
        if (u128_le(p, rem)) {
            rem = u128_sub(rem, p);
            q |= 1;
        }
    }
    bool negative = false;
    if (u128_lt(p, u128_shl(rem, 1))) { /* past the half-way point: the next quadrant */
        q++;
        rem = u128_sub(p, rem);
        negative = true;
    }
    *quadrant = (unsigned)(q & 3);
    return xf_make(negative, 127 - 65, rem);
}

/* Classify ST(0) for FSIN/FCOS/FSINCOS/FPTAN. Returns true with *out set when the answer
 * needs no computation; *out_of_range for |x| >= 2^63 (C2 = 1, nothing changes). */
static bool trig_special(struct f80_env *e, struct f80 x, struct f80 *out, bool *out_of_range)
{
    enum f80_class c = f80_classify(x);
    *out_of_range = false;
    switch (c) {
    case F80_UNSUPPORTED:
    case F80_INF:
        *out = f80_invalid(e);
        return true;
    case F80_QNAN:
    case F80_SNAN:
        *out = f80_propagate_nan(e, x, x);
        return true;
    case F80_ZERO:
        *out = x;
        return true;
    default:
        break;
    }
    if (f80_check_denormal(e, c, c)) {
        *out = x;
        return true;
    }
    if (f80_exp(x) >= F80_BIAS + 63) {
        *out_of_range = true;
        return true;
    }
    return false;
}

/* sin and cos of x, from the reduced argument and its quadrant. */
static void sin_cos(struct f80 x, struct xf *s, struct xf *c)
{
    unsigned q;
    struct xf r = reduce(x, &q);
    struct xf sr = xf_sin(r), cr = xf_cos(r);
    switch (q) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = xf_neg(sr); break;
    case 2: *s = xf_neg(sr); *c = xf_neg(cr); break;
    default: *s = xf_neg(cr); *c = sr; break;
    }
    if (f80_sign(x))
        *s = xf_neg(*s);
}

/* FSIN and FCOS: one result in ST(0). */
static void sin_or_cos(struct machine *m, bool cosine)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~(FSW_C1 | FSW_C2);
    if (top_empty_fault(m, 1)) {
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80_env e = fpu_env(f);
    struct f80 x = st_get(f, 0), r;
    bool out_of_range;
    if (trig_special(&e, x, &r, &out_of_range)) {
        if (out_of_range) {
            f->sw |= FSW_C2;
            return;
        }
        if (cosine && f80_classify(x) == F80_ZERO)
            r = f80_one(false);
    } else {
        struct xf s, c;
        sin_cos(x, &s, &c);
        r = xf_to_f80(&e, cosine ? c : s, false);
    }
    if (fpu_commit(m, &e))
        st_set(f, 0, r);
}

void fpu_fsin(struct machine *m) { sin_or_cos(m, false); }
void fpu_fcos(struct machine *m) { sin_or_cos(m, true); }

/* FSINCOS and FPTAN: ST(0) is replaced and a second value pushed. */
static void two_results(struct machine *m, bool tangent)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~(FSW_C1 | FSW_C2);
    if (top_empty_fault(m, 1)) {
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
    struct f80 x = st_get(f, 0), first, second;
    bool out_of_range;
    if (trig_special(&e, x, &first, &out_of_range)) {
        if (out_of_range) {
            f->sw |= FSW_C2;
            return;
        }
        /* NaNs and invalid results fill both; tan(+-0) = +-0 then 1; sin(+-0) then cos = 1. */
        second = f80_classify(x) == F80_ZERO ? f80_one(false) : first;
    } else {
        struct xf s, c;
        sin_cos(x, &s, &c);
        if (tangent) {
            first = xf_to_f80(&e, xf_div(s, c), false);
            second = f80_one(false);
        } else {
            /* Both roundings report into C1; the last one (the cosine) wins. */
            first = xf_to_f80(&e, s, false);
            second = xf_to_f80(&e, c, false);
        }
    }
    if (fpu_commit(m, &e)) {
        st_set(f, 0, first);
        fpu_push(f, second);
    }
}

void fpu_fptan(struct machine *m) { two_results(m, true); }
void fpu_fsincos(struct machine *m) { two_results(m, false); }

/* Instructions of two operands that leave one result in ST(1) and pop. */
static bool binary_prologue(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~FSW_C1;
    if (top_empty_fault(m, 2)) {
        if (fpu_stack_fault(m, false)) {
            st_set(f, 1, f80_indefinite());
            fpu_pop(f);
        }
        return false;
    }
    return true;
}
static void binary_epilogue(struct machine *m, struct f80_env *e, struct f80 r)
{
    struct fpu *f = fpu_of(m);
    if (fpu_commit(m, e)) {
        st_set(f, 1, r);
        fpu_pop(f);
    }
}

/* pi, pi/2, pi/4 and 3pi/4 rounded in the current mode, with y's sign. */
static struct f80 pi_multiple(struct f80_env *e, unsigned quarters, bool sign)
{
    struct xf v = xf_ldexp(xf_pi_2(), -1); /* pi/4 */
    if (quarters == 3)
        v = xf_add(v, xf_pi_2());
    else if (quarters == 2)
        v = xf_pi_2();
    else if (quarters == 4)
        v = xf_ldexp(xf_pi_2(), 1);
    v.sign = sign;
    return xf_to_f80(e, v, false);
}

void fpu_fpatan(struct machine *m)
{
    if (!binary_prologue(m))
        return;
    struct fpu *f = fpu_of(m);
    struct f80_env e = fpu_env(f);
    struct f80 x = st_get(f, 0), y = st_get(f, 1), r;
    enum f80_class cx = f80_classify(x), cy = f80_classify(y);
    bool sy = f80_sign(y), sx = f80_sign(x);
    if (cx == F80_UNSUPPORTED || cy == F80_UNSUPPORTED) {
        r = f80_invalid(&e);
    } else if (f80_class_nan(cx) || f80_class_nan(cy)) {
        r = f80_propagate_nan(&e, x, y);
    } else if (f80_check_denormal(&e, cx, cy)) {
        r = y;
    } else if (cy == F80_ZERO) { /* atan2(+-0, x) */
        r = sx ? pi_multiple(&e, 4, sy) : f80_zero(sy);
    } else if (cy == F80_INF) {
        r = pi_multiple(&e, cx == F80_INF ? (sx ? 3 : 1) : 2, sy);
    } else if (cx == F80_ZERO) {
        r = pi_multiple(&e, 2, sy);
    } else if (cx == F80_INF) {
        r = sx ? pi_multiple(&e, 4, sy) : f80_zero(sy);
    } else {
        struct xf ax = xf_abs(xf_from_f80(x)), ay = xf_abs(xf_from_f80(y)), a;
        if (xf_cmp_abs(ay, ax) <= 0)
            a = xf_atan(xf_div(ay, ax));
        else
            a = xf_sub(xf_pi_2(), xf_atan(xf_div(ax, ay)));
        if (sx)
            a = xf_sub(xf_ldexp(xf_pi_2(), 1), a);
        a.sign = sy;
        r = xf_to_f80(&e, a, false);
    }
    binary_epilogue(m, &e, r);
}

/* log2 of a positive v: exponent plus ln(m) * log2(e), m in [sqrt(1/2), sqrt(2)). */
static struct xf log2_xf(struct xf v, bool *exact)
{
    int32_t exp = v.exp;
    *exact = v.sig.hi == F80_J && v.sig.lo == 0;
    if (*exact)
        return xf_from_int(exp);
    struct xf mant = { false, 0, v.sig };
    if (v.sig.hi > 0xB504F333F9DE6484ull) { /* above sqrt(2): use m/2 */
        mant = xf_ldexp(mant, -1);
        exp++;
    }
    struct xf one = xf_from_int(1);
    struct xf t = xf_div(xf_sub(mant, one), xf_add(mant, one));
    return xf_add(xf_from_int(exp), xf_mul(xf_log1p_ratio(t), xf_log2e()));
}

/* y * log2(x) or y * log2(1 + x) with the special operands of SDM vol. 2, FYL2X. */
static void ylog(struct machine *m, bool plus_one)
{
    if (!binary_prologue(m))
        return;
    struct fpu *f = fpu_of(m);
    struct f80_env e = fpu_env(f);
    struct f80 x = st_get(f, 0), y = st_get(f, 1), r;
    enum f80_class cx = f80_classify(x), cy = f80_classify(y);
    bool sx = f80_sign(x), sy = f80_sign(y);
    if (cx == F80_UNSUPPORTED || cy == F80_UNSUPPORTED) {
        r = f80_invalid(&e);
    } else if (f80_class_nan(cx) || f80_class_nan(cy)) {
        r = f80_propagate_nan(&e, x, y);
    } else if (plus_one) {
        /* log2(1 + x): zero at x = 0, and sign(log) = sign(x). */
        if (cx == F80_ZERO) {
            r = cy == F80_INF ? f80_invalid(&e) : f80_zero(sx != sy);
            if (cy != F80_INF)
                f80_check_denormal(&e, cx, cy);
        } else if (cx == F80_INF) {
            if (sx || cy == F80_ZERO) {
                r = f80_invalid(&e);
            } else {
                f80_check_denormal(&e, cx, cy);
                r = f80_inf(sy); /* y * log2(+inf) */
            }
        } else if (f80_check_denormal(&e, cx, cy)) {
            r = y;
        } else if (cy == F80_INF) {
            r = f80_inf(sx != sy);
        } else if (cy == F80_ZERO) {
            r = f80_zero(sx != sy);
        } else if (sx && f80_exp(x) >= F80_BIAS) {
            r = x; /* 1 + x <= 0: the chip leaves x as the result (host-checked) */
            f80_raise(&e, F80_PE);
        } else {
            struct xf xv = xf_from_f80(x), l;
            bool exact;
            if (f80_exp(x) >= F80_BIAS - 1) { /* |x| >= 1/2: log2 of 1 + x directly */
                l = log2_xf(xf_add(xf_from_int(1), xv), &exact);
            } else {
                struct xf t = xf_div(xv, xf_add(xf_from_int(2), xv));
                l = xf_mul(xf_log1p_ratio(t), xf_log2e());
            }
            r = xf_to_f80(&e, xf_mul(xf_from_f80(y), l), false);
        }
    } else {
        bool below_one = f80_exp(x) < F80_BIAS; /* 0 < x < 1: log2(x) < 0 */
        bool is_one = f80_exp(x) == F80_BIAS && x.sig == F80_J;
        if (sx && cx != F80_ZERO) {
            r = f80_invalid(&e); /* log of a negative number */
        } else if (cx == F80_ZERO) {
            if (cy == F80_ZERO) {
                r = f80_invalid(&e);
            } else {
                if (cy != F80_INF)
                    f80_raise(&e, F80_ZE);
                r = f80_inf(!sy);
            }
        } else if (cx == F80_INF) {
            r = cy == F80_ZERO ? f80_invalid(&e) : f80_inf(sy);
            if (cy != F80_ZERO)
                f80_check_denormal(&e, cx, cy);
        } else if (f80_check_denormal(&e, cx, cy)) {
            r = y;
        } else if (is_one) {
            r = cy == F80_INF ? f80_invalid(&e) : f80_zero(sy);
        } else if (cy == F80_INF || cy == F80_ZERO) {
            r = cy == F80_INF ? f80_inf(sy != below_one) : f80_zero(sy != below_one);
        } else {
            bool exact;
            struct xf l = log2_xf(xf_from_f80(x), &exact);
            /* x a power of two: y * integer is rounded exactly, yet the chip still
             * reports PE (host-checked). */
            r = xf_to_f80(&e, xf_mul(xf_from_f80(y), l), exact);
            e.flags |= F80_PE | (f80_exp(r) == 0 ? F80_UE : 0);
        }
    }
    binary_epilogue(m, &e, r);
}

void fpu_fyl2x(struct machine *m) { ylog(m, false); }
void fpu_fyl2xp1(struct machine *m) { ylog(m, true); }

void fpu_f2xm1(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~FSW_C1;
    if (top_empty_fault(m, 1)) {
        if (fpu_stack_fault(m, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    struct f80_env e = fpu_env(f);
    struct f80 x = st_get(f, 0), r;
    enum f80_class c = f80_classify(x);
    if (c == F80_UNSUPPORTED) {
        r = f80_invalid(&e);
    } else if (f80_class_nan(c)) {
        r = f80_propagate_nan(&e, x, x);
    } else if (c == F80_ZERO) {
        r = x;
    } else if (c == F80_INF) {
        r = f80_sign(x) ? f80_one(true) : x;
    } else if (f80_check_denormal(&e, c, c)) {
        r = x;
    } else if (f80_exp(x) == F80_BIAS && x.sig == F80_J) {
        /* 2^1 - 1 and 2^-1 - 1 are exact, reported inexact like every F2XM1 result. */
        r = f80_sign(x) ? f80_make(true, F80_BIAS - 1, F80_J) : f80_one(false);
        e.flags |= F80_PE;
    } else if (f80_exp(x) >= F80_BIAS) {
        /* Outside the documented -1..+1 the chip leaves x alone (host-checked). */
        r = x;
        f80_raise(&e, F80_PE);
    } else {
        r = xf_to_f80(&e, xf_expm1(xf_mul(xf_from_f80(x), xf_ln2())), false);
    }
    if (fpu_commit(m, &e))
        st_set(f, 0, r);
}
