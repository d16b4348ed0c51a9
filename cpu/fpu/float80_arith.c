/* Correctly rounded x87 arithmetic on 80-bit operands: add, subtract, multiply, divide and
 * square root with 128-bit intermediate significands, plus compare. Special operands
 * follow Intel SDM vol. 1, tables 8-10 and 4-7 and the FADD/FMUL/FDIV/FSQRT/FCOM pages
 * of vol. 2; exception priority: SDM vol. 1, 4.9.2. */
#include "cpu/fpu/float80_internal.h"

/* Invalid operands, NaNs and denormals, in the x87's priority order. Returns true with
 * *out set when the instruction is decided without arithmetic. */
static bool special_operands(struct f80_env *e, struct f80 a, struct f80 b, enum f80_class ca,
                             enum f80_class cb, struct f80 *out)
{
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED) {
        *out = f80_invalid(e);
        return true;
    }
    if (f80_class_nan(ca) || f80_class_nan(cb)) {
        *out = f80_propagate_nan(e, a, b);
        return true;
    }
    return false;
}

static struct f80 addsub(struct f80_env *e, struct f80 a, struct f80 b, bool negate_b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    struct f80 out;
    if (special_operands(e, a, b, ca, cb, &out))
        return out;
    bool sa = f80_sign(a), sb = f80_sign(b) ^ negate_b;
    if (ca == F80_INF || cb == F80_INF) {
        if (ca == F80_INF && cb == F80_INF && sa != sb)
            return f80_invalid(e); /* inf - inf */
        f80_check_denormal(e, ca, cb);
        return f80_inf(ca == F80_INF ? sa : sb);
    }
    if (f80_check_denormal(e, ca, cb))
        return a;
    if (ca == F80_ZERO && cb == F80_ZERO) {
        bool sign = sa == sb ? sa : e->rc == F80_RC_DOWN;
        return f80_zero(sign);
    }
    uint64_t siga = 0, sigb = 0;
    int32_t ea = ca == F80_ZERO ? 0 : f80_unpack(a, &siga);
    int32_t eb = cb == F80_ZERO ? 0 : f80_unpack(b, &sigb);
    if (ca == F80_ZERO)
        return f80_round_pack(e, sb, eb, u128_make(sigb, 0), e->prec);
    if (cb == F80_ZERO)
        return f80_round_pack(e, sa, ea, u128_make(siga, 0), e->prec);
    if (ea < eb || (ea == eb && siga < sigb)) { /* make a the larger magnitude */
        int32_t te = ea; ea = eb; eb = te;
        uint64_t ts = siga; siga = sigb; sigb = ts;
        bool tsg = sa; sa = sb; sb = tsg;
    }
    struct u128 x = u128_make(siga, 0);
    uint32_t d = (uint32_t)(ea - eb);
    struct u128 y = u128_shr_jam(u128_make(sigb, 0), d > 200 ? 200 : d);
    if (sa == sb) {
        struct u128 s = u128_add(x, y);
        if (u128_lt(s, x)) { /* carry out of bit 127 */
            s = u128_shr_jam(s, 1);
            s.hi |= F80_J;
            ea++;
        }
        return f80_round_pack(e, sa, ea, s, e->prec);
    }
    struct u128 s = u128_sub(x, y);
    if (u128_is_zero(s))
        return f80_zero(e->rc == F80_RC_DOWN); /* x - x is +0 except when rounding down */
    unsigned shift = u128_clz(s);
    return f80_round_pack(e, sa, ea - (int32_t)shift, u128_shl(s, shift), e->prec);
}

struct f80 f80_add(struct f80_env *e, struct f80 a, struct f80 b) { return addsub(e, a, b, false); }
struct f80 f80_sub(struct f80_env *e, struct f80 a, struct f80 b) { return addsub(e, a, b, true); }

struct f80 f80_mul(struct f80_env *e, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    struct f80 out;
    if (special_operands(e, a, b, ca, cb, &out))
        return out;
    bool sign = f80_sign(a) ^ f80_sign(b);
    if (ca == F80_INF || cb == F80_INF) {
        if (ca == F80_ZERO || cb == F80_ZERO)
            return f80_invalid(e); /* 0 * inf */
        f80_check_denormal(e, ca, cb);
        return f80_inf(sign);
    }
    if (f80_check_denormal(e, ca, cb))
        return a;
    if (ca == F80_ZERO || cb == F80_ZERO)
        return f80_zero(sign);
    uint64_t siga, sigb;
    int32_t exp = f80_unpack(a, &siga) + f80_unpack(b, &sigb);
    struct u128 p = mul64x64(siga, sigb); /* in [2^126, 2^128) */
    if (p.hi & F80_J)
        exp++;
    else
        p = u128_shl(p, 1);
    return f80_round_pack(e, sign, exp, p, e->prec);
}

/* floor(a * 2^127 / b) for normalised 128-bit a and b, by restoring division; *rem_nonzero
 * says whether the quotient is inexact. The quotient lies in [2^126, 2^128). */
static struct u128 div_sig(struct u128 a, struct u128 b, bool *rem_nonzero)
{
    struct u128 q = u128_make(0, 0), r = a;
    for (int k = 0; k < 128; k++) {
        bool top = false;
        if (k > 0) {
            top = (r.hi >> 63) != 0;
            r = u128_shl(r, 1);
        }
        q = u128_shl(q, 1);
        if (top || u128_le(b, r)) {
            r = u128_sub(r, b);
            q.lo |= 1;
        }
    }
    *rem_nonzero = !u128_is_zero(r);
    return q;
}

struct u128 f80_div128(struct u128 a, struct u128 b, bool *inexact) { return div_sig(a, b, inexact); }

struct f80 f80_div(struct f80_env *e, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    struct f80 out;
    if (special_operands(e, a, b, ca, cb, &out))
        return out;
    bool sign = f80_sign(a) ^ f80_sign(b);
    if (ca == F80_INF) {
        if (cb == F80_INF)
            return f80_invalid(e);
        f80_check_denormal(e, ca, cb);
        return f80_inf(sign);
    }
    if (cb == F80_INF) {
        f80_check_denormal(e, ca, cb);
        return f80_zero(sign);
    }
    if (cb == F80_ZERO) {
        if (ca == F80_ZERO)
            return f80_invalid(e); /* 0 / 0 */
        f80_raise(e, F80_ZE);
        return f80_inf(sign);
    }
    if (f80_check_denormal(e, ca, cb))
        return a;
    if (ca == F80_ZERO)
        return f80_zero(sign);
    uint64_t siga, sigb;
    int32_t exp = f80_unpack(a, &siga) - f80_unpack(b, &sigb);
    bool inexact;
    struct u128 q = div_sig(u128_make(siga, 0), u128_make(sigb, 0), &inexact);
    if (!(q.hi & F80_J)) {
        q = u128_shl(q, 1);
        exp--;
    }
    q.lo |= inexact;
    return f80_round_pack(e, sign, exp, q, e->prec);
}

struct f80 f80_sqrt(struct f80_env *e, struct f80 a)
{
    enum f80_class ca = f80_classify(a);
    if (ca == F80_UNSUPPORTED)
        return f80_invalid(e);
    if (f80_class_nan(ca))
        return f80_propagate_nan(e, a, a);
    if (ca == F80_ZERO)
        return a;
    if (f80_sign(a))
        return f80_invalid(e); /* negative, including -inf */
    if (ca == F80_INF)
        return a;
    if (f80_check_denormal(e, ca, ca))
        return a;
    uint64_t sig;
    int32_t exp = f80_unpack(a, &sig);
    /* R = floor(sqrt(sig * 2^(67 + odd))) has 66 bits and sqrt(a) = R/2^65 * 2^floor(exp/2);
     * the radicand is fed two bits at a time, most significant first. */
    unsigned shift = 67 + (unsigned)(exp & 1);
    struct u128 q = u128_make(0, 0), r = u128_make(0, 0);
    for (int k = 65; k >= 0; k--) {
        unsigned pair = 0;
        for (int b = 1; b >= 0; b--) {
            int pos = 2 * k + b - (int)shift;
            pair = (pair << 1) | (pos >= 0 && pos < 64 ? (unsigned)(sig >> pos) & 1 : 0);
        }
        r = u128_add(u128_shl(r, 2), u128_make(0, pair));
        struct u128 t = u128_add(u128_shl(q, 2), u128_make(0, 1));
        q = u128_shl(q, 1);
        if (u128_le(t, r)) {
            r = u128_sub(r, t);
            q.lo |= 1;
        }
    }
    struct u128 s = u128_shl(q, 62);
    s.lo |= !u128_is_zero(r);
    return f80_round_pack(e, false, (exp - (exp & 1)) / 2, s, e->prec);
}

unsigned f80_compare(struct f80_env *e, struct f80 a, struct f80 b, bool quiet)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED) {
        f80_raise(e, F80_IE);
        return F80_CMP_UN;
    }
    if (f80_class_nan(ca) || f80_class_nan(cb)) {
        if (!quiet || ca == F80_SNAN || cb == F80_SNAN)
            f80_raise(e, F80_IE);
        return F80_CMP_UN;
    }
    if (f80_check_denormal(e, ca, cb))
        return F80_CMP_UN;
    if (ca == F80_ZERO && cb == F80_ZERO)
        return F80_CMP_EQ;
    bool sa = f80_sign(a), sb = f80_sign(b);
    if (ca == F80_ZERO)
        return sb ? F80_CMP_GT : F80_CMP_LT;
    if (cb == F80_ZERO)
        return sa ? F80_CMP_LT : F80_CMP_GT;
    if (sa != sb)
        return sa ? F80_CMP_LT : F80_CMP_GT;
    /* Same sign: compare magnitudes by (exponent, significand), infinity the largest. */
    uint64_t ma = 0, mb = 0;
    int32_t ea = ca == F80_INF ? 1 << 20 : f80_unpack(a, &ma);
    int32_t eb = cb == F80_INF ? 1 << 20 : f80_unpack(b, &mb);
    int mag = ea != eb ? (ea < eb ? -1 : 1) : ma != mb ? (ma < mb ? -1 : 1) : 0;
    if (mag == 0)
        return F80_CMP_EQ;
    return (mag < 0) != sa ? F80_CMP_LT : F80_CMP_GT;
}
