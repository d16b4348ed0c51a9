/* 128-bit-significand arithmetic and the series behind the x87 transcendentals. The
 * series (Taylor for sin, cos, e^x - 1 and atan; the atanh series for logarithms) are
 * summed until a term falls 130 bits below the sum, on arguments kept small by the
 * reductions in fpu_transcend.c, so every result has about 125 correct bits. */
#include "cpu/fpu/xfloat.h"
#include "cpu/fpu/float80_internal.h"

/* Series terms below 2^-136 of the sum are dropped, and a result whose low bits come out
 * zero is rounded as exact (but reported inexact): the x87 does the same, e.g. FSIN of
 * |x| < 2^-66 returns x itself in every rounding mode (measured against the host). */
#define XF_STOP_BITS 136

struct xf xf_make(bool sign, int32_t exp, struct u128 sig)
{
    if (u128_is_zero(sig))
        return (struct xf){ sign, 0, sig };
    unsigned lz = u128_clz(sig);
    return (struct xf){ sign, exp - (int32_t)lz, u128_shl(sig, lz) };
}

struct xf xf_from_f80(struct f80 a)
{
    if (f80_classify(a) == F80_ZERO)
        return (struct xf){ f80_sign(a), 0, u128_make(0, 0) };
    uint64_t sig;
    int32_t exp = f80_unpack(a, &sig);
    return (struct xf){ f80_sign(a), exp, u128_make(sig, 0) };
}

struct xf xf_from_int(int64_t v)
{
    bool sign = v < 0;
    uint64_t mag = sign ? 0 - (uint64_t)v : (uint64_t)v;
    return xf_make(sign, 127, u128_make(0, mag));
}

struct xf xf_const(uint64_t hi, uint64_t lo, int32_t exp) { return (struct xf){ false, exp, u128_make(hi, lo) }; }

int xf_cmp_abs(struct xf a, struct xf b)
{
    if (xf_is_zero(a) || xf_is_zero(b))
        return xf_is_zero(a) ? (xf_is_zero(b) ? 0 : -1) : 1;
    if (a.exp != b.exp)
        return a.exp < b.exp ? -1 : 1;
    if (u128_eq(a.sig, b.sig))
        return 0;
    return u128_lt(a.sig, b.sig) ? -1 : 1;
}

struct xf xf_add(struct xf a, struct xf b)
{
    if (xf_is_zero(a))
        return b;
    if (xf_is_zero(b))
        return a;
    if (xf_cmp_abs(a, b) < 0) {
        struct xf t = a;
        a = b;
        b = t;
    }
    uint32_t d = (uint32_t)(a.exp - b.exp);
    struct u128 bs = u128_shr_jam(b.sig, d > 200 ? 200 : d);
    if (a.sign == b.sign) {
        struct u128 s = u128_add(a.sig, bs);
        if (u128_lt(s, a.sig)) {
            s = u128_shr_jam(s, 1);
            s.hi |= 1ull << 63;
            return (struct xf){ a.sign, a.exp + 1, s };
        }
        return (struct xf){ a.sign, a.exp, s };
    }
    return xf_make(a.sign, a.exp, u128_sub(a.sig, bs));
}

struct xf xf_sub(struct xf a, struct xf b) { return xf_add(a, xf_neg(b)); }

struct xf xf_mul(struct xf a, struct xf b)
{
    bool sign = a.sign != b.sign;
    if (xf_is_zero(a) || xf_is_zero(b))
        return (struct xf){ sign, 0, u128_make(0, 0) };
    bool sticky;
    struct u128 p = u128_mul_hi(a.sig, b.sig, &sticky);
    int32_t exp = a.exp + b.exp;
    if (p.hi >> 63)
        exp++;
    else
        p = u128_shl(p, 1);
    p.lo |= sticky;
    return (struct xf){ sign, exp, p };
}

struct xf xf_div(struct xf a, struct xf b)
{
    bool sign = a.sign != b.sign;
    if (xf_is_zero(a))
        return (struct xf){ sign, 0, u128_make(0, 0) };
    bool inexact;
    struct u128 q = f80_div128(a.sig, b.sig, &inexact);
    int32_t exp = a.exp - b.exp;
    if (!(q.hi >> 63)) {
        q = u128_shl(q, 1);
        exp--;
    }
    q.lo |= inexact;
    return (struct xf){ sign, exp, q };
}

struct xf xf_div_small(struct xf a, uint32_t d)
{
    /* Five 32-bit limbs (the significand and 32 zero bits), most significant first. */
    uint32_t limb[5] = { (uint32_t)(a.sig.hi >> 32), (uint32_t)a.sig.hi,
                         (uint32_t)(a.sig.lo >> 32), (uint32_t)a.sig.lo, 0 };
    uint64_t rem = 0;
    for (int k = 0; k < 5; k++) {
        uint64_t cur = (rem << 32) | limb[k];
        limb[k] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    struct u128 q = u128_make(((uint64_t)limb[0] << 32) | limb[1], ((uint64_t)limb[2] << 32) | limb[3]);
    if (u128_is_zero(q))
        return (struct xf){ a.sign, 0, q };
    unsigned lz = u128_clz(q);
    q = u128_shl(q, lz);
    if (lz)
        q.lo |= (uint64_t)limb[4] >> (32 - lz);
    q.lo |= rem != 0;
    return (struct xf){ a.sign, a.exp - (int32_t)lz, q };
}

struct xf xf_sqrt(struct xf a)
{
    /* A 64-bit first guess from the float80 square root, then one Newton step. */
    int32_t even = a.exp & ~1;
    struct f80_env e = { F80_RC_CHOP, 64, 0x3F, 0, false, false };
    struct f80 g = f80_sqrt(&e, f80_make(false, (unsigned)(F80_BIAS + (a.exp - even)), a.sig.hi));
    struct xf y = xf_ldexp(xf_from_f80(g), even / 2);
    return xf_ldexp(xf_add(y, xf_div(a, y)), -1);
}

struct f80 xf_to_f80(struct f80_env *e, struct xf a, bool exact)
{
    if (xf_is_zero(a))
        return f80_zero(a.sign);
    struct f80 r = f80_round_pack(e, a.sign, a.exp, a.sig, 64);
    if (!exact) /* inexact in truth: a tiny result is an underflow as well */
        e->flags |= F80_PE | (f80_exp(r) == 0 ? F80_UE : 0);
    return r;
}

/* True when `term` no longer changes `sum` at XF_STOP_BITS bits. */
static bool negligible(struct xf term, struct xf sum)
{
    return xf_is_zero(term) || (!xf_is_zero(sum) && term.exp < sum.exp - XF_STOP_BITS);
}

struct xf xf_sin(struct xf x)
{
    struct xf x2 = xf_mul(x, x), term = x, sum = x;
    for (uint32_t k = 1; k < 60; k++) {
        term = xf_neg(xf_div_small(xf_mul(term, x2), (2 * k) * (2 * k + 1)));
        if (negligible(term, sum))
            break;
        sum = xf_add(sum, term);
    }
    return sum;
}

struct xf xf_cos(struct xf x)
{
    struct xf x2 = xf_mul(x, x), term = xf_from_int(1), sum = term;
    for (uint32_t k = 1; k < 60; k++) {
        term = xf_neg(xf_div_small(xf_mul(term, x2), (2 * k - 1) * (2 * k)));
        if (negligible(term, sum))
            break;
        sum = xf_add(sum, term);
    }
    return sum;
}

struct xf xf_expm1(struct xf x)
{
    struct xf term = x, sum = x;
    for (uint32_t k = 2; k < 200; k++) {
        term = xf_div_small(xf_mul(term, x), k);
        if (negligible(term, sum))
            break;
        sum = xf_add(sum, term);
    }
    return sum;
}

struct xf xf_log1p_ratio(struct xf t)
{
    struct xf t2 = xf_mul(t, t), power = t, sum = t;
    for (uint32_t k = 1; k < 200; k++) {
        power = xf_mul(power, t2);
        struct xf term = xf_div_small(power, 2 * k + 1);
        if (negligible(term, sum))
            break;
        sum = xf_add(sum, term);
    }
    return xf_ldexp(sum, 1);
}

struct xf xf_atan(struct xf x)
{
    if (xf_is_zero(x))
        return x;
    struct xf one = xf_from_int(1);
    if (xf_cmp_abs(x, one) > 0) { /* atan(x) = +-pi/2 - atan(1/x) */
        struct xf r = xf_sub(xf_pi_2(), xf_atan(xf_div(one, xf_abs(x))));
        r.sign = x.sign;
        return r;
    }
    /* Three halvings, atan(x) = 2 atan(x / (1 + sqrt(1 + x^2))), bring |x| below 0.1. */
    for (int k = 0; k < 3; k++)
        x = xf_div(x, xf_add(one, xf_sqrt(xf_add(one, xf_mul(x, x)))));
    struct xf x2 = xf_mul(x, x), power = x, sum = x;
    for (uint32_t k = 1; k < 100; k++) {
        power = xf_neg(xf_mul(power, x2));
        struct xf term = xf_div_small(power, 2 * k + 1);
        if (negligible(term, sum))
            break;
        sum = xf_add(sum, term);
    }
    return xf_ldexp(sum, 3);
}

struct xf xf_pi_2(void) { return xf_const(0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 0); }
struct xf xf_ln2(void) { return xf_const(0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1); }
struct xf xf_log2e(void) { return xf_const(0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0); }
