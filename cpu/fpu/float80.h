/* The x87's 80-bit extended-precision numbers in portable integer C: classification,
 * rounding to 24/53/64 bits under the four rounding modes, the basic arithmetic, compare,
 * and conversions to and from the memory formats. Formats and the rules for special
 * operands follow Intel SDM vol. 1, chapter 4 (4.2, 4.8, 4.9) and chapter 8 (8.2, 8.5),
 * and IEEE 754-1985 for double-extended. Results are the same bits on any host. */
#ifndef GLASS86_FPU_FLOAT80_H
#define GLASS86_FPU_FLOAT80_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu/u128.h"

/* sign (bit 15 of se) | 15-bit biased exponent; 64-bit significand with the explicit
 * integer bit J at bit 63. */
struct f80 {
    uint64_t sig;
    uint16_t se;
};

#define F80_BIAS 16383
#define F80_EXP_MAX 0x7FFF
#define F80_J (1ull << 63)
#define F80_QUIET (1ull << 62)
/* The exponent adjustment the x87 applies to results of unmasked overflow/underflow
 * (SDM vol. 1, 4.9.1.4 and 4.9.1.5): 3 * 2^13. */
#define F80_WRAP_BIAS 24576

static inline bool f80_sign(struct f80 a) { return a.se >> 15; }
static inline unsigned f80_exp(struct f80 a) { return a.se & 0x7FFF; }
static inline struct f80 f80_make(bool sign, unsigned exp, uint64_t sig)
{
    return (struct f80){ sig, (uint16_t)(((unsigned)sign << 15) | exp) };
}
static inline struct f80 f80_zero(bool sign) { return f80_make(sign, 0, 0); }
static inline struct f80 f80_inf(bool sign) { return f80_make(sign, F80_EXP_MAX, F80_J); }
static inline struct f80 f80_one(bool sign) { return f80_make(sign, F80_BIAS, F80_J); }
/* The "real indefinite" QNaN that masked invalid operations return. */
static inline struct f80 f80_indefinite(void) { return f80_make(true, F80_EXP_MAX, 0xC000000000000000ull); }
static inline struct f80 f80_negate(struct f80 a) { a.se ^= 0x8000; return a; }
static inline struct f80 f80_abs(struct f80 a) { a.se &= 0x7FFF; return a; }

/* Operand classes, as the x87 sees them (SDM vol. 1, table 8-3 and 8.2.2). */
enum f80_class {
    F80_ZERO,
    F80_DENORMAL,        /* exponent 0, J = 0 */
    F80_PSEUDO_DENORMAL, /* exponent 0, J = 1: accepted, treated as a denormal */
    F80_NORMAL,
    F80_INF,
    F80_QNAN,
    F80_SNAN,
    F80_UNSUPPORTED,     /* pseudo-NaN, pseudo-infinity, unnormal: invalid since the 387 */
};
enum f80_class f80_classify(struct f80 a);
static inline bool f80_class_nan(enum f80_class c) { return c == F80_QNAN || c == F80_SNAN; }
static inline bool f80_class_denormal(enum f80_class c)
{
    return c == F80_DENORMAL || c == F80_PSEUDO_DENORMAL;
}

/* Exception flags, at their positions in the status word and control word. */
#define F80_IE 0x01u /* invalid operation */
#define F80_DE 0x02u /* denormal operand */
#define F80_ZE 0x04u /* zero divide */
#define F80_OE 0x08u /* overflow */
#define F80_UE 0x10u /* underflow */
#define F80_PE 0x20u /* precision (inexact) */

/* Rounding control, in the encoding of control word bits 10-11. */
enum { F80_RC_NEAREST = 0, F80_RC_DOWN = 1, F80_RC_UP = 2, F80_RC_CHOP = 3 };

/* What an operation needs from the control word and what it reports back. */
struct f80_env {
    uint8_t rc;     /* F80_RC_* */
    uint8_t prec;   /* significand bits the result is rounded to: 24, 53 or 64 */
    uint8_t masks;  /* control word bits 0-5: the exceptions that are masked */
    uint8_t flags;  /* F80_* raised so far */
    bool c1;        /* the last rounding increased the magnitude (status word C1) */
    bool denormal_src; /* the memory operand was a denormal in its own format */
};
static inline void f80_env_init(struct f80_env *e, uint16_t cw)
{
    static const uint8_t prec_bits[4] = { 24, 64, 53, 64 }; /* PC = 01 is reserved */
    e->rc = (cw >> 10) & 3;
    e->prec = prec_bits[(cw >> 8) & 3];
    e->masks = cw & 0x3F;
    e->flags = 0;
    e->c1 = false;
    e->denormal_src = false;
}
/* Raise flags; true when one of them is unmasked (the caller stops before the result). */
static inline bool f80_raise(struct f80_env *e, unsigned flags)
{
    e->flags |= (uint8_t)flags;
    return (flags & ~e->masks) != 0;
}

/* Rounding of sign * sig/2^127 * 2^exp (exp unbiased, sig with bit 127 set, or zero) to the
 * register format with `prec` significand bits: overflow, underflow, denormals and the
 * x87's exponent wrapping of unmasked overflow/underflow results. */
struct f80 f80_round_pack(struct f80_env *e, bool sign, int32_t exp, struct u128 sig, unsigned prec);
/* Split a finite nonzero operand into its unbiased exponent and normalised significand. */
int32_t f80_unpack(struct f80 a, uint64_t *sig);

/* The NaN a two-operand instruction returns (SDM vol. 1, table 4-7); raises IE for SNaN. */
struct f80 f80_propagate_nan(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_quiet(struct f80 a);
/* IE and the real indefinite. */
struct f80 f80_invalid(struct f80_env *e);

/* Arithmetic. Each raises IE/DE/ZE/OE/UE/PE in e and returns the (masked) result; when it
 * raises an unmasked IE, DE or ZE the result is not meant to be stored. */
struct f80 f80_add(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_sub(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_mul(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_div(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_sqrt(struct f80_env *e, struct f80 a);
/* FRNDINT: round to an integer in the current rounding mode. */
struct f80 f80_round_int(struct f80_env *e, struct f80 a);
/* FSCALE: a * 2^trunc(b). */
struct f80 f80_scale(struct f80_env *e, struct f80 a, struct f80 b);
/* FPREM (ieee = false, truncating quotient) and FPREM1 (ieee = true, nearest): the partial
 * remainder, the low three quotient bits and whether the reduction is complete. */
struct f80 f80_rem(struct f80_env *e, struct f80 a, struct f80 b, bool ieee, unsigned *quot,
                   bool *complete);
#define F80_REM_NO_QUOTIENT 8u /* *quot for NaN and invalid operands */

/* Compare: the result as C3 C2 C0 (SDM vol. 2, FCOM): 0 = greater, C0 = less, C3 = equal,
 * all three = unordered. `quiet` is FUCOM: only SNaN operands are invalid. */
enum { F80_CMP_GT = 0, F80_CMP_LT = 1, F80_CMP_EQ = 0x40, F80_CMP_UN = 0x45 };
unsigned f80_compare(struct f80_env *e, struct f80 a, struct f80 b, bool quiet);

/* Conversions. Loads from memory formats are exact; stores round with the target's own
 * precision and exponent range. Integers out of range are invalid (masked: the integer
 * indefinite 100..0). */
struct f80 f80_from_int(int64_t v);
struct f80 f80_from_f32(struct f80_env *e, uint32_t v);
struct f80 f80_from_f64(struct f80_env *e, uint64_t v);
/* The same as operands of arithmetic: an SNaN stays signalling (the operation decides),
 * and a denormal source sets e->denormal_src instead of raising DE at once. */
struct f80 f80_operand_f32(struct f80_env *e, uint32_t v);
struct f80 f80_operand_f64(struct f80_env *e, uint64_t v);
uint32_t f80_to_f32(struct f80_env *e, struct f80 a);
uint64_t f80_to_f64(struct f80_env *e, struct f80 a);
/* To a signed integer of `bits` (16, 32, 64) in the current rounding mode (or truncating). */
int64_t f80_to_int(struct f80_env *e, struct f80 a, unsigned bits, bool truncate);
/* Packed BCD: 18 digits and a sign byte, 10 bytes little-endian. */
struct f80 f80_from_bcd(const uint8_t bcd[10]);
void f80_to_bcd(struct f80_env *e, struct f80 a, uint8_t bcd[10]);

#endif
