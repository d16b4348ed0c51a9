/* Conversions between the 80-bit register format and the x87's memory formats: single and
 * double real, 16/32/64-bit integers and 18-digit packed BCD (Intel SDM vol. 1, 4.2, 4.7
 * and 8.2; vol. 2, the FLD/FST/FILD/FIST/FBLD/FBSTP pages). Loads are exact; stores round
 * with the destination's own precision and exponent range. */
#include "cpu/fpu/float80_internal.h"

struct f80 f80_from_int(int64_t v)
{
    if (v == 0)
        return f80_zero(false);
    bool sign = v < 0;
    uint64_t mag = sign ? 0 - (uint64_t)v : (uint64_t)v;
    unsigned lz = clz64(mag);
    return f80_make(sign, (unsigned)(F80_BIAS + 63 - (int)lz), mag << lz);
}

/* A single or double real: `fbits` fraction bits, `ebits` exponent bits. */
static struct f80 from_ieee(struct f80_env *e, uint64_t v, unsigned fbits, unsigned ebits, bool operand)
{
    bool sign = (v >> (fbits + ebits)) & 1;
    unsigned emax = (1u << ebits) - 1, bias = emax >> 1;
    unsigned exp = (unsigned)(v >> fbits) & emax;
    uint64_t frac = v & ((1ull << fbits) - 1);
    if (exp == emax) {
        if (frac == 0)
            return f80_inf(sign);
        struct f80 nan = f80_make(sign, F80_EXP_MAX, F80_J | (frac << (63 - fbits)));
        if (operand)
            return nan;
        if (!(nan.sig & F80_QUIET))
            f80_raise(e, F80_IE);
        return f80_quiet(nan);
    }
    if (exp == 0) {
        if (frac == 0)
            return f80_zero(sign);
        if (operand)
            e->denormal_src = true;
        else
            f80_raise(e, F80_DE); /* a denormal load is exact but reported */
        unsigned lz = clz64(frac);
        int32_t unbiased = 1 - (int32_t)bias - (int32_t)fbits + (63 - (int32_t)lz);
        return f80_make(sign, (unsigned)(unbiased + F80_BIAS), frac << lz);
    }
    return f80_make(sign, exp - bias + F80_BIAS, F80_J | (frac << (63 - fbits)));
}

struct f80 f80_from_f32(struct f80_env *e, uint32_t v) { return from_ieee(e, v, 23, 8, false); }
struct f80 f80_from_f64(struct f80_env *e, uint64_t v) { return from_ieee(e, v, 52, 11, false); }
struct f80 f80_operand_f32(struct f80_env *e, uint32_t v) { return from_ieee(e, v, 23, 8, true); }
struct f80 f80_operand_f64(struct f80_env *e, uint64_t v) { return from_ieee(e, v, 52, 11, true); }

static uint64_t to_ieee(struct f80_env *e, struct f80 a, unsigned fbits, unsigned ebits)
{
    unsigned emax = (1u << ebits) - 1, bias = emax >> 1;
    bool sign = f80_sign(a);
    uint64_t sbit = (uint64_t)sign << (fbits + ebits), infbits = (uint64_t)emax << fbits;
    uint64_t quiet = 1ull << (fbits - 1);
    enum f80_class c = f80_classify(a);
    switch (c) {
    case F80_UNSUPPORTED:
        f80_raise(e, F80_IE);
        return (1ull << (fbits + ebits)) | infbits | quiet; /* the indefinite */
    case F80_SNAN:
    case F80_QNAN:
        if (c == F80_SNAN)
            f80_raise(e, F80_IE);
        return sbit | infbits | quiet | ((a.sig << 1) >> (64 - fbits));
    case F80_INF:
        return sbit | infbits;
    case F80_ZERO:
        return sbit;
    default:
        break;
    }
    const struct f80_format f = { fbits + 1, 1 - (int32_t)bias, (int32_t)bias, false };
    uint64_t sig;
    int32_t exp = f80_unpack(a, &sig);
    struct f80_rounded r;
    f80_round_core(e, sign, exp, u128_make(sig, 0), &f, &r);
    if (r.inf)
        return sbit | infbits;
    uint64_t frac = (r.sig >> (63 - fbits)) & ((1ull << fbits) - 1);
    uint64_t bexp = (r.sig & F80_J) ? (uint64_t)(r.exp + (int32_t)bias) : 0;
    return sbit | (bexp << fbits) | frac;
}

uint32_t f80_to_f32(struct f80_env *e, struct f80 a) { return (uint32_t)to_ieee(e, a, 23, 8); }
uint64_t f80_to_f64(struct f80_env *e, struct f80 a) { return to_ieee(e, a, 52, 11); }

/* |a| rounded to an integer; false when a is not a number or |a| >= 2^64. Rounding
 * results go to *inexact / *up without touching e, because an out-of-range store reports
 * only IE. */
static bool round_magnitude(struct f80_env *e, struct f80 a, bool truncate, uint64_t *n,
                            bool *inexact, bool *up)
{
    enum f80_class c = f80_classify(a);
    *inexact = *up = false;
    *n = 0;
    if (c == F80_UNSUPPORTED || c == F80_INF || f80_class_nan(c))
        return false;
    if (c == F80_ZERO)
        return true;
    uint64_t sig;
    int32_t exp = f80_unpack(a, &sig);
    if (exp > 63)
        return false;
    if (exp == 63) {
        *n = sig;
        return true;
    }
    uint32_t shift = (uint32_t)(63 - exp);
    struct u128 v = u128_shr_jam(u128_make(sig, 0), shift > 200 ? 200 : shift);
    bool carry;
    *n = f80_round_bits(truncate ? F80_RC_CHOP : e->rc, f80_sign(a), v, 64, &carry, inexact, up);
    return true;
}

int64_t f80_to_int(struct f80_env *e, struct f80 a, unsigned bits, bool truncate)
{
    uint64_t n, limit = 1ull << (bits - 1);
    bool inexact, up, sign = f80_sign(a);
    if (!round_magnitude(e, a, truncate, &n, &inexact, &up) || n > limit || (n == limit && !sign)) {
        f80_raise(e, F80_IE);
        return (int64_t)(0 - limit); /* the integer indefinite: only the sign bit set */
    }
    e->c1 = false;
    if (inexact) {
        e->flags |= F80_PE;
        e->c1 = up;
    }
    return sign ? (int64_t)(0 - n) : (int64_t)n;
}

struct f80 f80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int k = 8; k >= 0; k--)
        v = v * 100 + (uint64_t)(bcd[k] >> 4) * 10 + (bcd[k] & 15);
    struct f80 r = f80_from_int((int64_t)v);
    if (bcd[9] & 0x80)
        r = f80_negate(r);
    return r;
}

void f80_to_bcd(struct f80_env *e, struct f80 a, uint8_t bcd[10])
{
    uint64_t n;
    bool inexact, up;
    if (!round_magnitude(e, a, false, &n, &inexact, &up) || n > 999999999999999999ull) {
        /* The packed BCD indefinite: FFFF C000 0000 0000 0000. */
        static const uint8_t indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF };
        f80_raise(e, F80_IE);
        for (int k = 0; k < 10; k++)
            bcd[k] = indefinite[k];
        return;
    }
    e->c1 = false;
    if (inexact) {
        e->flags |= F80_PE;
        e->c1 = up;
    }
    for (int k = 0; k < 9; k++) {
        unsigned two = (unsigned)(n % 100);
        n /= 100;
        bcd[k] = (uint8_t)(((two / 10) << 4) | (two % 10));
    }
    bcd[9] = f80_sign(a) ? 0x80 : 0;
}
