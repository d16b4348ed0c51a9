/* Helpers shared by the float80 files but not by the instruction handlers: the rounding
 * core that serves the register format and the single/double memory formats alike
 * (Intel SDM vol. 1, 4.8.4 rounding, 4.9.1.4-4.9.1.6 overflow/underflow/inexact). */
#ifndef GLASS86_FPU_FLOAT80_INTERNAL_H
#define GLASS86_FPU_FLOAT80_INTERNAL_H

#include "cpu/fpu/float80.h"

/* A destination format: significand bits, unbiased exponent range, and whether an
 * unmasked overflow/underflow result is delivered with a wrapped exponent (registers) or
 * not at all (memory). */
struct f80_format {
    unsigned prec;
    int32_t emin, emax;
    bool wrap;
};

/* A rounded result: `sig` left-aligned (J at bit 63 for a normal number), `exp` unbiased;
 * a denormal or zero has exp = emin and J = 0. */
struct f80_rounded {
    uint64_t sig;
    int32_t exp;
    bool inf;
};

void f80_round_core(struct f80_env *e, bool sign, int32_t exp, struct u128 sig,
                    const struct f80_format *f, struct f80_rounded *r);

/* Round the 128-bit `sig` to its top `prec` bits (IEEE rounding by position). */
uint64_t f80_round_bits(unsigned rc, bool sign, struct u128 sig, unsigned prec, bool *carry,
                        bool *inexact, bool *up);

/* floor(a * 2^127 / b) for normalised 128-bit a and b (bit 127 set), in [2^126, 2^128);
 * *inexact when the remainder is nonzero. */
struct u128 f80_div128(struct u128 a, struct u128 b, bool *inexact);

/* Raise DE when one of the operands is a denormal; true when DE is unmasked and the
 * instruction must stop. */
static inline bool f80_check_denormal(struct f80_env *e, enum f80_class a, enum f80_class b)
{
    if (f80_class_denormal(a) || f80_class_denormal(b) || e->denormal_src)
        return f80_raise(e, F80_DE);
    return false;
}

#endif
