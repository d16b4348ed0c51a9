/* Classifying 80-bit operands, NaN propagation and the one rounding routine every x87
 * result goes through: IEEE rounding at 24/53/64 bits, denormalisation, overflow and
 * underflow with the x87's masked and unmasked responses (Intel SDM vol. 1, 4.8.3, 4.8.4,
 * 4.9.1.4-4.9.1.6, table 4-7 for NaNs and 8.2.2 for the unsupported encodings). */
#include "cpu/fpu/float80_internal.h"

/* The x87 decides that a result is tiny after rounding it to the destination precision
 * with an unbounded exponent (checked against the host x87 by tests/fpu). */
#define TINY_AFTER_ROUNDING 1

enum f80_class f80_classify(struct f80 a)
{
    unsigned exp = f80_exp(a);
    bool j = (a.sig & F80_J) != 0;
    if (exp == 0) {
        if (a.sig == 0)
            return F80_ZERO;
        return j ? F80_PSEUDO_DENORMAL : F80_DENORMAL;
    }
    if (!j)
        return F80_UNSUPPORTED; /* unnormal, pseudo-infinity, pseudo-NaN */
    if (exp == F80_EXP_MAX) {
        if ((a.sig << 1) == 0)
            return F80_INF;
        return (a.sig & F80_QUIET) ? F80_QNAN : F80_SNAN;
    }
    return F80_NORMAL;
}

int32_t f80_unpack(struct f80 a, uint64_t *sig)
{
    unsigned exp = f80_exp(a);
    int32_t e = exp ? (int32_t)exp - F80_BIAS : 1 - F80_BIAS; /* denormals: 2^-16382 scale */
    uint64_t s = a.sig;
    unsigned shift = clz64(s);
    *sig = s << shift;
    return e - (int32_t)shift;
}

struct f80 f80_invalid(struct f80_env *e)
{
    f80_raise(e, F80_IE);
    return f80_indefinite();
}

struct f80 f80_quiet(struct f80 a)
{
    a.sig |= F80_QUIET;
    return a;
}

struct f80 f80_propagate_nan(struct f80_env *e, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    bool nan_a = f80_class_nan(ca), nan_b = f80_class_nan(cb);
    if (ca == F80_SNAN || cb == F80_SNAN)
        f80_raise(e, F80_IE);
    if (nan_a && nan_b) {
        /* An SNaN and a QNaN give the QNaN; two of a kind give the larger significand,
         * and of two equal significands the positive one. */
        if (ca != cb)
            return f80_quiet(ca == F80_QNAN ? a : b);
        uint64_t ma = a.sig & ~F80_J, mb = b.sig & ~F80_J;
        if (ma != mb)
            return f80_quiet(ma > mb ? a : b);
        return f80_quiet(a.se <= b.se ? a : b);
    }
    return f80_quiet(nan_a ? a : b);
}

static bool rounds_up(unsigned rc, bool sign, bool lsb, bool half, bool sticky)
{
    switch (rc) {
    case F80_RC_NEAREST:
        return half && (sticky || lsb);
    case F80_RC_UP:
        return !sign && (half || sticky);
    case F80_RC_DOWN:
        return sign && (half || sticky);
    default:
        return false;
    }
}

uint64_t f80_round_bits(unsigned rc, bool sign, struct u128 sig, unsigned prec, bool *carry,
                        bool *inexact, bool *up)
{
    uint64_t hi = sig.hi, unit;
    bool half, sticky;
    if (prec >= 64) {
        unit = 1;
        half = sig.lo >> 63;
        sticky = (sig.lo << 1) != 0;
    } else {
        unit = 1ull << (64 - prec);
        half = (hi & (unit >> 1)) != 0;
        sticky = (hi & ((unit >> 1) - 1)) != 0 || sig.lo != 0;
        hi &= ~(unit - 1);
    }
    *inexact = half || sticky;
    *up = rounds_up(rc, sign, (hi & unit) != 0, half, sticky);
    *carry = false;
    if (*up) {
        hi += unit;
        if (hi == 0) { /* 1.111..1 rounded up to 10.000..0 */
            *carry = true;
            hi = F80_J;
        }
    }
    return hi;
}

/* The largest finite significand with `prec` bits. */
static uint64_t max_sig(unsigned prec) { return ~0ull << (64 - prec); }

void f80_round_core(struct f80_env *e, bool sign, int32_t exp, struct u128 sig,
                    const struct f80_format *f, struct f80_rounded *r)
{
    bool carry, inexact, up;
    r->inf = false;
    e->c1 = false;
    if (u128_is_zero(sig)) {
        r->sig = 0;
        r->exp = f->emin;
        return;
    }
    if (exp < f->emin) {
        bool tiny = true;
        if (TINY_AFTER_ROUNDING) {
            f80_round_bits(e->rc, sign, sig, f->prec, &carry, &inexact, &up);
            tiny = !(carry && exp + 1 >= f->emin);
        }
        if (tiny && !(e->masks & F80_UE)) {
            /* Unmasked underflow: registers get the exact result scaled up by 2^24576;
             * memory destinations get nothing (the caller sees the unmasked UE). */
            e->flags |= F80_UE;
            if (!f->wrap) {
                r->sig = 0;
                r->exp = f->emin;
                return;
            }
            exp += F80_WRAP_BIAS;
        }
        if (exp < f->emin) {
            uint32_t shift = (uint32_t)(f->emin - exp);
            sig = u128_shr_jam(sig, shift > 200 ? 200 : shift);
            r->sig = f80_round_bits(e->rc, sign, sig, f->prec, &carry, &inexact, &up);
            r->exp = f->emin;
            if (inexact) {
                e->flags |= F80_PE | (tiny ? F80_UE : 0);
                e->c1 = up;
            }
            return;
        }
    }
    r->sig = f80_round_bits(e->rc, sign, sig, f->prec, &carry, &inexact, &up);
    exp += carry;
    if (exp > f->emax) {
        if (!(e->masks & F80_OE)) {
            e->flags |= F80_OE | (inexact ? F80_PE : 0);
            e->c1 = up;
            exp -= F80_WRAP_BIAS;
            if (!f->wrap || exp > f->emax)
                r->inf = true; /* beyond even the wrapped range */
            r->exp = exp;
            return;
        }
        e->flags |= F80_OE | F80_PE;
        bool to_inf = e->rc == F80_RC_NEAREST || (e->rc == F80_RC_UP && !sign) ||
                      (e->rc == F80_RC_DOWN && sign);
        if (to_inf) {
            r->inf = true;
            e->c1 = true;
        } else {
            r->sig = max_sig(f->prec);
            r->exp = f->emax;
        }
        return;
    }
    r->exp = exp;
    if (inexact) {
        e->flags |= F80_PE;
        e->c1 = up;
    }
}

static const struct f80_format reg_format[3] = {
    { 24, 1 - F80_BIAS, F80_BIAS, true },
    { 53, 1 - F80_BIAS, F80_BIAS, true },
    { 64, 1 - F80_BIAS, F80_BIAS, true },
};

struct f80 f80_round_pack(struct f80_env *e, bool sign, int32_t exp, struct u128 sig, unsigned prec)
{
    const struct f80_format *f = &reg_format[prec == 24 ? 0 : prec == 53 ? 1 : 2];
    struct f80_rounded r;
    f80_round_core(e, sign, exp, sig, f, &r);
    if (r.inf)
        return f80_inf(sign);
    if (!(r.sig & F80_J))
        return f80_make(sign, 0, r.sig); /* zero or denormal */
    return f80_make(sign, (unsigned)(r.exp + F80_BIAS), r.sig);
}
