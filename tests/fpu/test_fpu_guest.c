/* Runs tests/fpu/fpu_guest.asm in real mode on the P6 and 486 models and checks what it
 * stored: exact arithmetic results, FNSTSW after FCOMPP, the real-mode FSAVE (16-bit)
 * and FSTENV (32-bit) images of SDM vol. 1 figures 8-10 and 8-12 with tags, pointers and
 * opcode, FRSTOR, #NM from CR0.TS, #MF with CR0.NE = 1, and FCOMI/FCMOVcc, which exist
 * on the P6 only. The expected values are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/machine.h"
#include "mmu/physmem.h"

#define LOAD_AT 0x1000u
#define LBL_FLDZ 0x104Bu  /* from the nasm listing of fpu_guest.asm */
#define LBL_FLDPI 0x1052u
#define C2 0x10C3u

static uint8_t image[8192];
static size_t image_len;

static uint16_t rd16(struct machine *m, uint32_t a) { return (uint16_t)phys_read(m, a, 2); }
static uint32_t rd32(struct machine *m, uint32_t a) { return phys_read(m, a, 4); }
static uint64_t rd64(struct machine *m, uint32_t a) { return rd32(m, a) | ((uint64_t)rd32(m, a + 4) << 32); }

static struct machine *run_guest(enum cpu_model_id model)
{
    struct machine_config cfg = { .model = model, .ram_bytes = 1u << 20, .quiet = true };
    char err[200];
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m)
        fail_msg("machine_create: %s", err);
    phys_write_bytes(m, LOAD_AT, image, image_len);
    struct cpu *c = &m->cpu;
    cpu_load_seg_real(m, SEG_CS, 0);
    cpu_load_seg_real(m, SEG_DS, 0);
    cpu_load_seg_real(m, SEG_ES, 0);
    cpu_load_seg_real(m, SEG_SS, 0);
    c->gpr[ESP] = 0xFFF0;
    c->eip = LOAD_AT;
    cpu_set_eflags(c, 0);
    if (cpu_run(m, 100000) != STOP_HALTED)
        fail_msg("the guest did not reach its HLT (stopped at %04x)", c->eip);
    return m;
}

static void check_common(struct machine *m)
{
    assert_int_equal(rd16(m, 0x2000), 4);                       /* FIST 3.5 -> 4 */
    assert_int_equal(rd64(m, 0x2008), 0x400C000000000000ull);   /* 3.5 as a double */
    assert_int_equal(rd16(m, 0x2010), 0x0020); /* FCOMPP 2 > 1, TOP 0; PE sticky from FIST */

    /* FSAVE, 16-bit real-mode layout: CW SW TW, IP 15..0, IP 19..16 | FOP, DP 15..0,
     * DP 19..16, then ST(0) = 0.0 and ST(1) = 1.0. TOP = 6; R6 holds 0 (tag 01), R7 1.0
     * (tag 00), the rest are empty. The last instruction was FLDZ (D9 EE) at 0000:104B;
     * the last memory operand FILD word [c2]. */
    const uint32_t s = 0x2050;
    assert_int_equal(rd16(m, s + 0), 0x037F);
    assert_int_equal(rd16(m, s + 2), 0x3020);
    assert_int_equal(rd16(m, s + 4), 0x1FFF);
    assert_int_equal(rd16(m, s + 6), LBL_FLDZ);
    assert_int_equal(rd16(m, s + 8), 0x01EE);
    assert_int_equal(rd16(m, s + 10), C2);
    assert_int_equal(rd16(m, s + 12), 0);
    assert_int_equal(rd64(m, s + 14), 0);
    assert_int_equal(rd16(m, s + 22), 0);
    assert_int_equal(rd64(m, s + 24), 0x8000000000000000ull);
    assert_int_equal(rd16(m, s + 32), 0x3FFF);

    /* FSTENV, 32-bit real-mode layout, after FSAVE's FNINIT and FLDPI: TOP = 7, R7 valid;
     * FIP 15..0 in the low half of dword 3, FOP (D9 EB) in dword 4. */
    const uint32_t v = 0x20B0;
    assert_int_equal(rd32(m, v + 0), 0xFFFF037Fu);
    assert_int_equal(rd32(m, v + 4), 0xFFFF3800u);
    assert_int_equal(rd32(m, v + 8), 0xFFFF3FFFu);
    assert_int_equal(rd32(m, v + 12) & 0xFFFF, LBL_FLDPI);
    assert_int_equal(rd32(m, v + 16), 0x01EB);

    /* FRSTOR gave back the two values. */
    assert_int_equal(rd64(m, 0x2020), 0);
    assert_int_equal(rd64(m, 0x2030), 0x8000000000000000ull);
    assert_int_equal(rd16(m, 0x2038), 0x3FFF);

    assert_int_equal(rd16(m, 0x2018), 1); /* one #NM */
    assert_int_equal(rd16(m, 0x201A), 1); /* one #MF */
    /* In the #MF handler: ZE with ES and B, TOP = 6 (FDIVP did not pop). */
    assert_int_equal(rd16(m, 0x201C), 0x8000 | 0x3000 | 0x80 | 0x04);
    assert_int_equal(rd16(m, 0x2012), 0x3000); /* after FNCLEX */
}

static void test_p6(void **state)
{
    (void)state;
    struct machine *m = run_guest(CPU_P6);
    check_common(m);
    assert_int_equal(rd16(m, 0x2014) & 0x8D5, 0x001); /* FCOMI 0 < 1: CF only */
    assert_int_equal(rd16(m, 0x2016), 0);             /* no #UD */
    assert_int_equal(rd64(m, 0x2040), 0x8000000000000000ull); /* FCMOVB took 1.0 */
    machine_destroy(m);
}

static void test_486(void **state)
{
    (void)state;
    struct machine *m = run_guest(CPU_486);
    check_common(m);
    assert_int_equal(rd16(m, 0x2016), 2);  /* FCOMI and FCMOVB are #UD */
    assert_int_equal(rd64(m, 0x2040), 0);  /* ST(0) stayed 0.0 */
    machine_destroy(m);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : FPU_GUEST_BIN;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    image_len = fread(image, 1, sizeof image, f);
    fclose(f);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_p6),
        cmocka_unit_test(test_486),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
