/* Unit tests of the portable 80-bit arithmetic (cpu/fpu/float80*.c) against values worked
 * out by hand from the IEEE 754 rules and Intel SDM vol. 1, chapters 4 and 8: rounding in
 * the four modes and three precisions, special operands, overflow/underflow responses,
 * conversions, BCD, compare, FPREM, FSCALE and FRNDINT. The bit-for-bit comparison with a
 * real x87 is fpu-host-compare's job. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/fpu/float80.h"

#define F(se, sig) f80_make((se) >> 15, (se) & 0x7FFF, sig)
#define ONE F(0x3FFF, 0x8000000000000000ull)
#define TWO F(0x4000, 0x8000000000000000ull)
#define THREE F(0x4000, 0xC000000000000000ull)

static struct f80_env env(unsigned rc, unsigned pc_field)
{
    struct f80_env e;
    f80_env_init(&e, (uint16_t)(0x037F & ~0x0F00u) | (uint16_t)(pc_field << 8) | (uint16_t)(rc << 10));
    return e;
}

static void expect(struct f80 got, uint16_t se, uint64_t sig)
{
    if (got.se != se || got.sig != sig)
        fail_msg("got %04x:%016llx, want %04x:%016llx", got.se, (unsigned long long)got.sig, se,
                 (unsigned long long)sig);
}

static void test_add_exact(void **state)
{
    (void)state;
    struct f80_env e = env(F80_RC_NEAREST, 3);
    expect(f80_add(&e, ONE, ONE), 0x4000, 0x8000000000000000ull);
    assert_int_equal(e.flags, 0);
    expect(f80_sub(&e, ONE, ONE), 0x0000, 0); /* +0 */
    e = env(F80_RC_DOWN, 3);
    expect(f80_sub(&e, ONE, ONE), 0x8000, 0); /* -0 when rounding down */
}

static void test_div_rounding(void **state)
{
    (void)state;
    /* 1/3 = 0.AAAA...: nearest and down truncate, up increments; 24 bits: ...AB. */
    struct f80_env e = env(F80_RC_NEAREST, 3);
    expect(f80_div(&e, ONE, THREE), 0x3FFD, 0xAAAAAAAAAAAAAAABull);
    assert_int_equal(e.flags, F80_PE);
    assert_true(e.c1);
    e = env(F80_RC_CHOP, 3);
    expect(f80_div(&e, ONE, THREE), 0x3FFD, 0xAAAAAAAAAAAAAAAAull);
    assert_false(e.c1);
    e = env(F80_RC_NEAREST, 0); /* PC = 24 bits */
    expect(f80_div(&e, ONE, THREE), 0x3FFD, 0xAAAAAB0000000000ull);
    e = env(F80_RC_NEAREST, 2); /* PC = 53 bits */
    expect(f80_div(&e, ONE, THREE), 0x3FFD, 0xAAAAAAAAAAAAA800ull);
}

static void test_specials(void **state)
{
    (void)state;
    struct f80_env e = env(F80_RC_NEAREST, 3);
    struct f80 zero = f80_zero(false), inf = f80_inf(false);
    expect(f80_div(&e, zero, zero), 0xFFFF, 0xC000000000000000ull);
    assert_int_equal(e.flags, F80_IE);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_div(&e, f80_negate(ONE), zero), 0xFFFF, 0x8000000000000000ull);
    assert_int_equal(e.flags, F80_ZE);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_sub(&e, inf, inf), 0xFFFF, 0xC000000000000000ull);
    assert_int_equal(e.flags, F80_IE);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_sqrt(&e, f80_negate(ONE)), 0xFFFF, 0xC000000000000000ull);
    /* An SNaN operand is quieted and raises IE; a QNaN passes silently. */
    e = env(F80_RC_NEAREST, 3);
    expect(f80_add(&e, F(0x7FFF, 0x8000000000000001ull), ONE), 0x7FFF, 0xC000000000000001ull);
    assert_int_equal(e.flags, F80_IE);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_mul(&e, F(0xFFFF, 0xC000000000000005ull), ONE), 0xFFFF, 0xC000000000000005ull);
    assert_int_equal(e.flags, 0);
    /* Unnormals are unsupported since the 387. */
    e = env(F80_RC_NEAREST, 3);
    expect(f80_add(&e, F(0x3FFF, 0x4000000000000000ull), ONE), 0xFFFF, 0xC000000000000000ull);
    assert_int_equal(e.flags, F80_IE);
}

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(f80_classify(F(0, 0)), F80_ZERO);
    assert_int_equal(f80_classify(F(0, 1)), F80_DENORMAL);
    assert_int_equal(f80_classify(F(0, 0x8000000000000000ull)), F80_PSEUDO_DENORMAL);
    assert_int_equal(f80_classify(F(0x7FFF, 0x8000000000000000ull)), F80_INF);
    assert_int_equal(f80_classify(F(0x7FFF, 0)), F80_UNSUPPORTED); /* pseudo-infinity */
    assert_int_equal(f80_classify(F(0x7FFF, 0x4000000000000000ull)), F80_UNSUPPORTED);
    assert_int_equal(f80_classify(F(0x7FFF, 0xC000000000000000ull)), F80_QNAN);
    assert_int_equal(f80_classify(F(0x7FFF, 0x8000000000000001ull)), F80_SNAN);
    assert_int_equal(f80_classify(F(0x1234, 0x0000000000000001ull)), F80_UNSUPPORTED);
}

static void test_sqrt(void **state)
{
    (void)state;
    struct f80_env e = env(F80_RC_NEAREST, 3);
    expect(f80_sqrt(&e, TWO), 0x3FFF, 0xB504F333F9DE6484ull);
    assert_int_equal(e.flags, F80_PE);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_sqrt(&e, F(0x4001, 0x8000000000000000ull)), 0x4000, 0x8000000000000000ull); /* 4 */
    assert_int_equal(e.flags, 0);
}

static void test_overflow_underflow(void **state)
{
    (void)state;
    struct f80 max = F(0x7FFE, 0xFFFFFFFFFFFFFFFFull), min = F(0x0001, 0x8000000000000000ull);
    struct f80_env e = env(F80_RC_NEAREST, 3);
    expect(f80_mul(&e, max, TWO), 0x7FFF, 0x8000000000000000ull);
    assert_int_equal(e.flags, F80_OE | F80_PE);
    e = env(F80_RC_CHOP, 3);
    expect(f80_mul(&e, max, TWO), 0x7FFE, 0xFFFFFFFFFFFFFFFFull);
    /* Unmasked overflow: the result comes back scaled by 2^-24576. */
    e = env(F80_RC_NEAREST, 3);
    e.masks &= (uint8_t)~F80_OE;
    expect(f80_mul(&e, max, TWO), 0x7FFF - F80_WRAP_BIAS, 0xFFFFFFFFFFFFFFFFull);
    assert_int_equal(e.flags, F80_OE);
    /* min/2 is an exact denormal: no underflow flag while UE is masked. */
    e = env(F80_RC_NEAREST, 3);
    expect(f80_div(&e, min, TWO), 0x0000, 0x4000000000000000ull);
    assert_int_equal(e.flags, 0);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_div(&e, min, THREE), 0x0000, 0x2AAAAAAAAAAAAAABull);
    assert_int_equal(e.flags, F80_UE | F80_PE);
}

static void test_conversions(void **state)
{
    (void)state;
    struct f80_env e = env(F80_RC_NEAREST, 3);
    struct f80 third = f80_div(&e, ONE, THREE);
    e = env(F80_RC_NEAREST, 3);
    assert_int_equal(f80_to_f64(&e, third), 0x3FD5555555555555ull);
    assert_int_equal(f80_to_f32(&e, third), 0x3EAAAAABu);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_from_f32(&e, 0x00000001u), 0x3F6A, 0x8000000000000000ull); /* 2^-149 */
    assert_int_equal(e.flags, F80_DE);
    e = env(F80_RC_NEAREST, 3);
    expect(f80_from_f64(&e, 0x7FF0000000000001ull), 0x7FFF, 0xC000000000000800ull);
    assert_int_equal(e.flags, F80_IE);
    e = env(F80_RC_NEAREST, 3);
    assert_int_equal(f80_to_int(&e, F(0x4000, 0xA000000000000000ull), 16, false), 2); /* 2.5 -> 2 */
    assert_int_equal(f80_to_int(&e, F(0x4000, 0xE000000000000000ull), 16, false), 4); /* 3.5 -> 4 */
    assert_int_equal(f80_to_int(&e, F(0x4000, 0xE000000000000000ull), 16, true), 3);
    e = env(F80_RC_NEAREST, 3);
    assert_int_equal(f80_to_int(&e, F(0x400F, 0x8000000000000000ull), 16, false), -32768); /* 65536 */
    assert_int_equal(e.flags, F80_IE);
    expect(f80_from_int(INT64_MIN), 0xC03E, 0x8000000000000000ull);
}

static void test_bcd(void **state)
{
    (void)state;
    const uint8_t bcd[10] = { 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0x80 };
    struct f80 v = f80_from_bcd(bcd);
    struct f80_env e = env(F80_RC_NEAREST, 3);
    assert_int_equal(f80_to_int(&e, v, 64, false), -123456789);
    uint8_t out[10];
    f80_to_bcd(&e, v, out);
    assert_memory_equal(out, bcd, 10);
    f80_to_bcd(&e, F(0x403F, 0x8000000000000000ull), out); /* 2^64: out of range */
    const uint8_t indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF };
    assert_memory_equal(out, indefinite, 10);
}

static void test_compare(void **state)
{
    (void)state;
    struct f80_env e = env(F80_RC_NEAREST, 3);
    assert_int_equal(f80_compare(&e, ONE, TWO, false), F80_CMP_LT);
    assert_int_equal(f80_compare(&e, f80_zero(true), f80_zero(false), false), F80_CMP_EQ);
    assert_int_equal(e.flags, 0);
    struct f80 qnan = F(0x7FFF, 0xC000000000000000ull);
    assert_int_equal(f80_compare(&e, qnan, ONE, true), F80_CMP_UN);
    assert_int_equal(e.flags, 0); /* FUCOM: quiet NaNs are fine */
    assert_int_equal(f80_compare(&e, qnan, ONE, false), F80_CMP_UN);
    assert_int_equal(e.flags, F80_IE); /* FCOM: any NaN is invalid */
}

static void test_rem_scale_round(void **state)
{
    (void)state;
    struct f80_env e = env(F80_RC_NEAREST, 3);
    unsigned q;
    bool complete;
    struct f80 ten = F(0x4002, 0xA000000000000000ull);
    expect(f80_rem(&e, ten, THREE, false, &q, &complete), 0x3FFF, 0x8000000000000000ull);
    assert_int_equal(q, 3);
    assert_true(complete);
    /* FPREM1: 10 = 3*3 + 1, but 11 = 4*3 - 1. */
    struct f80 eleven = F(0x4002, 0xB000000000000000ull);
    expect(f80_rem(&e, eleven, THREE, true, &q, &complete), 0xBFFF, 0x8000000000000000ull);
    assert_int_equal(q, 4);
    expect(f80_scale(&e, THREE, F(0xC000, 0xA000000000000000ull)), 0x3FFE, 0xC000000000000000ull); /* 3*2^-2 */
    e = env(F80_RC_NEAREST, 3);
    expect(f80_round_int(&e, F(0x4000, 0xA000000000000000ull)), 0x4000, 0x8000000000000000ull); /* 2.5 -> 2 */
    assert_int_equal(e.flags, F80_PE);
    e = env(F80_RC_UP, 3);
    expect(f80_round_int(&e, F(0x4000, 0xA000000000000000ull)), 0x4000, 0xC000000000000000ull); /* -> 3 */
    assert_true(e.c1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_exact),
        cmocka_unit_test(test_div_rounding),
        cmocka_unit_test(test_specials),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_sqrt),
        cmocka_unit_test(test_overflow_underflow),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_bcd),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_rem_scale_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
