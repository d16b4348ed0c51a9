/* The exact x87 operations on one or two 80-bit values that are not IEEE basic arithmetic:
 * FRNDINT, FSCALE and the partial remainders FPREM/FPREM1 (Intel SDM vol. 2, the FRNDINT,
 * FSCALE, FPREM and FPREM1 pages, with their tables of special operands). */
#include "cpu/fpu/float80_internal.h"

struct f80 f80_round_int(struct f80_env *e, struct f80 a)
{
    enum f80_class ca = f80_classify(a);
    if (ca == F80_UNSUPPORTED)
        return f80_invalid(e);
    if (f80_class_nan(ca))
        return f80_propagate_nan(e, a, a);
    if (ca == F80_ZERO || ca == F80_INF)
        return a;
    if (f80_check_denormal(e, ca, ca))
        return a;
    uint64_t sig;
    int32_t exp = f80_unpack(a, &sig);
    bool sign = f80_sign(a);
    if (exp >= 63)
        return a; /* no fraction bits */
    /* Integer part in .hi, fraction in .lo: round at the binary point. */
    uint32_t shift = (uint32_t)(63 - exp);
    struct u128 v = u128_shr_jam(u128_make(sig, 0), shift > 200 ? 200 : shift);
    bool carry, inexact, up;
    uint64_t n = f80_round_bits(e->rc, sign, v, 64, &carry, &inexact, &up);
    e->c1 = false;
    if (inexact) {
        e->flags |= F80_PE;
        e->c1 = up;
    }
    if (n == 0)
        return f80_zero(sign);
    unsigned lz = clz64(n);
    return f80_make(sign, (unsigned)(F80_BIAS + 63 - (int)lz), n << lz);
}

struct f80 f80_scale(struct f80_env *e, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED)
        return f80_invalid(e);
    if (f80_class_nan(ca) || f80_class_nan(cb))
        return f80_propagate_nan(e, a, b);
    bool sa = f80_sign(a);
    if (cb == F80_INF) {
        if (!f80_sign(b)) { /* * 2^+inf */
            if (ca == F80_ZERO)
                return f80_invalid(e);
            f80_check_denormal(e, ca, ca);
            return f80_inf(sa);
        }
        if (ca == F80_INF) /* inf * 2^-inf */
            return f80_invalid(e);
        f80_check_denormal(e, ca, ca);
        return f80_zero(sa);
    }
    if (f80_check_denormal(e, ca, cb))
        return a;
    if (ca == F80_ZERO || ca == F80_INF)
        return a;
    /* trunc(b), clamped far beyond any exponent that can still produce a finite result. */
    int32_t n = 0;
    if (cb != F80_ZERO) {
        uint64_t sigb;
        int32_t eb = f80_unpack(b, &sigb);
        if (eb >= 30)
            n = 1 << 30;
        else if (eb >= 0)
            n = (int32_t)(sigb >> (63 - eb));
        if (f80_sign(b))
            n = -n;
    }
    uint64_t siga;
    int32_t ea = f80_unpack(a, &siga);
    int64_t exp = (int64_t)ea + n;
    if (exp > 1 << 20)
        exp = 1 << 20;
    if (exp < -(1 << 20))
        exp = -(1 << 20);
    return f80_round_pack(e, sa, (int32_t)exp, u128_make(siga, 0), 64);
}

struct f80 f80_rem(struct f80_env *e, struct f80 a, struct f80 b, bool ieee, unsigned *quot,
                   bool *complete)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    *quot = F80_REM_NO_QUOTIENT;
    *complete = true;
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED)
        return f80_invalid(e);
    if (f80_class_nan(ca) || f80_class_nan(cb))
        return f80_propagate_nan(e, a, b);
    if (ca == F80_INF || cb == F80_ZERO)
        return f80_invalid(e);
    *quot = 0;
    if (f80_check_denormal(e, ca, cb))
        return a;
    if (ca == F80_ZERO)
        return a;
    bool sign = f80_sign(a);
    if (cb == F80_INF) { /* a itself, normalised (a pseudo-denormal gets exponent 1) */
        uint64_t s;
        int32_t x = f80_unpack(a, &s);
        return f80_round_pack(e, sign, x, u128_make(s, 0), 64);
    }
    uint64_t siga, sigb;
    int32_t ea = f80_unpack(a, &siga), eb = f80_unpack(b, &sigb);
    int32_t d = ea - eb;
    if (d < -1 || (d == -1 && !ieee))
        return f80_round_pack(e, sign, ea, u128_make(siga, 0), 64); /* |a| < |b|: a itself */
    if (d == -1) {
        /* FPREM1 with 1/2 |b| <= |a| < |b|: the quotient rounds to 1 when |a| > |b|/2. */
        if (siga <= sigb)
            return f80_round_pack(e, sign, ea, u128_make(siga, 0), 64);
        uint64_t r = 2 * sigb - siga; /* in units of 2^(ea-63); fits: 2*sigb - siga < 2^64 */
        *quot = 1;
        unsigned lz = clz64(r);
        return f80_round_pack(e, !sign, ea - (int32_t)lz, u128_make(r << lz, 0), 64);
    }
    /* Long division of siga * 2^steps by sigb, one quotient bit per step. When the
     * exponents are 64 or more apart only part of the way is done (C2 = 1): the x87
     * reduces the exponent difference to a number between 32 and 63. */
    int32_t steps = d, er = eb;
    if (d >= 64) {
        steps = (d & 31) | 32;
        er = eb + (d - steps);
        *complete = false;
    }
    uint64_t r = siga, q = 0;
    bool top = false;
    for (int32_t k = 0; k <= steps; k++) {
        if (k > 0) {
            top = r >> 63;
            r <<= 1;
        }
        q <<= 1;
        if (top || r >= sigb) {
            r -= sigb;
            q |= 1;
        }
    }
    if (ieee && *complete) {
        /* Round the quotient to nearest-even: compare the remainder with |b|/2. */
        bool more = (r >> 63) || (r << 1) > sigb;
        bool tie = !(r >> 63) && (r << 1) == sigb;
        if (more || (tie && (q & 1))) {
            r = sigb - r;
            sign = !sign;
            q++;
        }
    }
    *quot = (unsigned)(q & 7);
    if (r == 0)
        return f80_zero(f80_sign(a));
    unsigned lz = clz64(r);
    return f80_round_pack(e, sign, er - (int32_t)lz, u128_make(r << lz, 0), 64);
}
