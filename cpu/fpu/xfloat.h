/* A wider floating-point type for computing x87 transcendentals: 128-bit significand,
 * 32-bit exponent, truncating arithmetic. Results carry about 125 correct bits, so
 * rounding them to the 64-bit register format gives the correctly rounded value except
 * in astronomically rare cases (used by fpu_transcend.c only). */
#ifndef GLASS86_FPU_XFLOAT_H
#define GLASS86_FPU_XFLOAT_H

#include "cpu/fpu/float80.h"

/* sign * sig/2^127 * 2^exp, sig normalised (bit 127 set), or zero when sig == 0. */
struct xf {
    bool sign;
    int32_t exp;
    struct u128 sig;
};

static inline bool xf_is_zero(struct xf a) { return u128_is_zero(a.sig); }
static inline struct xf xf_neg(struct xf a) { a.sign = !a.sign; return a; }
static inline struct xf xf_abs(struct xf a) { a.sign = false; return a; }
static inline struct xf xf_ldexp(struct xf a, int32_t n) { a.exp += n; return a; }

struct xf xf_make(bool sign, int32_t exp, struct u128 sig); /* normalises */
struct xf xf_from_f80(struct f80 a);                         /* a finite */
struct xf xf_from_int(int64_t v);
struct xf xf_const(uint64_t hi, uint64_t lo, int32_t exp);
struct xf xf_add(struct xf a, struct xf b);
struct xf xf_sub(struct xf a, struct xf b);
struct xf xf_mul(struct xf a, struct xf b);
struct xf xf_div(struct xf a, struct xf b);
struct xf xf_div_small(struct xf a, uint32_t d);
struct xf xf_sqrt(struct xf a); /* a > 0 */
/* -1 / 0 / 1 as |a| <, =, > |b|. */
int xf_cmp_abs(struct xf a, struct xf b);
/* Round to the register format with 64 bits; inexact unless `exact`. */
struct f80 xf_to_f80(struct f80_env *e, struct xf a, bool exact);

/* The functions, on reduced arguments. */
struct xf xf_sin(struct xf x);   /* |x| <= pi/4 (any small |x| works) */
struct xf xf_cos(struct xf x);
struct xf xf_atan(struct xf x);  /* any x */
struct xf xf_expm1(struct xf x); /* e^x - 1, |x| <= 1 */
struct xf xf_log1p_ratio(struct xf t); /* 2 * atanh(t) = ln((1+t)/(1-t)), |t| small */

/* pi/2, ln 2 and log2(e) to 128 bits. */
struct xf xf_pi_2(void);
struct xf xf_ln2(void);
struct xf xf_log2e(void);

#endif
