/* 128-bit unsigned integers built from two uint64_t halves, so the x87 arithmetic is plain
 * portable C (no unsigned __int128, no long double) and gives the same bits on any host.
 * Used for exact products, quotients with guard bits and the fixed-point transcendentals. */
#ifndef GLASS86_FPU_U128_H
#define GLASS86_FPU_U128_H

#include <stdbool.h>
#include <stdint.h>

struct u128 {
    uint64_t hi, lo;
};

static inline struct u128 u128_make(uint64_t hi, uint64_t lo) { return (struct u128){ hi, lo }; }
static inline bool u128_is_zero(struct u128 a) { return (a.hi | a.lo) == 0; }
static inline bool u128_eq(struct u128 a, struct u128 b) { return a.hi == b.hi && a.lo == b.lo; }
static inline bool u128_lt(struct u128 a, struct u128 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}
static inline bool u128_le(struct u128 a, struct u128 b) { return !u128_lt(b, a); }

static inline struct u128 u128_add(struct u128 a, struct u128 b)
{
    struct u128 r = { a.hi + b.hi, a.lo + b.lo };
    r.hi += r.lo < a.lo;
    return r;
}
static inline struct u128 u128_sub(struct u128 a, struct u128 b)
{
    struct u128 r = { a.hi - b.hi, a.lo - b.lo };
    r.hi -= a.lo < b.lo;
    return r;
}
static inline struct u128 u128_neg(struct u128 a) { return u128_sub(u128_make(0, 0), a); }

static inline struct u128 u128_shl(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_make(0, 0);
    if (n >= 64)
        return u128_make(a.lo << (n - 64), 0);
    return u128_make((a.hi << n) | (a.lo >> (64 - n)), a.lo << n);
}
static inline struct u128 u128_shr(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_make(0, 0);
    if (n >= 64)
        return u128_make(0, a.hi >> (n - 64));
    return u128_make(a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)));
}
/* Shift right, OR-ing every bit shifted out into bit 0 ("jamming"), so that rounding
 * still sees that the value was inexact. */
static inline struct u128 u128_shr_jam(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_make(0, !u128_is_zero(a));
    struct u128 r = u128_shr(a, n);
    bool lost = !u128_eq(u128_shl(r, n), a);
    r.lo |= lost;
    return r;
}

static inline unsigned clz64(uint64_t v) { return v ? (unsigned)__builtin_clzll(v) : 64; }
static inline unsigned u128_clz(struct u128 a) { return a.hi ? clz64(a.hi) : 64 + clz64(a.lo); }

/* The exact 128-bit product of two 64-bit numbers, from 32-bit pieces. */
static inline struct u128 mul64x64(uint64_t a, uint64_t b)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    uint64_t lo = (mid << 32) | (uint32_t)p00;
    uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return u128_make(hi, lo);
}

/* The high 128 bits of a 128 x 128-bit product (the low half is dropped, truncating);
 * `sticky` (may be NULL) says whether the dropped half was nonzero. */
static inline struct u128 u128_mul_hi(struct u128 a, struct u128 b, bool *sticky)
{
    struct u128 ll = mul64x64(a.lo, b.lo), lh = mul64x64(a.lo, b.hi);
    struct u128 hl = mul64x64(a.hi, b.lo), hh = mul64x64(a.hi, b.hi);
    /* Sum the middle column: ll.hi + lh.lo + hl.lo, with carries into the high half. */
    struct u128 mid = u128_add(u128_make(0, ll.hi), u128_make(0, lh.lo));
    mid = u128_add(mid, u128_make(0, hl.lo));
    struct u128 r = u128_add(hh, u128_make(0, lh.hi));
    r = u128_add(r, u128_make(0, hl.hi));
    r = u128_add(r, u128_make(0, mid.hi));
    if (sticky)
        *sticky = (mid.lo | ll.lo) != 0;
    return r;
}

#endif
