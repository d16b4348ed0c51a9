/* CPUID as each model answers it, run as guest code: the highest basic leaf in leaf 0,
 * the Pentium Pro's cache and TLB descriptors in leaf 2 (SDM vol. 2A, CPUID, leaf 2
 * descriptor table: one call, 8 KiB L1 code and data, 256 KiB L2, the four TLBs), and
 * Intel's answer to a leaf above the highest: the highest basic leaf's data. */
#include "fixture.h"

#define CODE 0x1000u

struct regs {
    uint32_t eax, ebx, ecx, edx;
};

/* mov eax, leaf / cpuid / hlt, run in real mode. */
static struct regs cpuid(enum cpu_model_id model, uint32_t leaf)
{
    struct machine *m = fx_machine(model, 1u << 20);
    fx_real_mode(m, 0, CODE);
    const uint8_t code[] = { 0x66, 0xB8, (uint8_t)leaf, (uint8_t)(leaf >> 8), (uint8_t)(leaf >> 16),
                             (uint8_t)(leaf >> 24), 0x0F, 0xA2, 0xF4 };
    fx_load(m, CODE, code, sizeof code);
    fx_run_from(m, 0, CODE, 100);
    const struct cpu *c = &m->cpu;
    struct regs r = { c->gpr[EAX], c->gpr[EBX], c->gpr[ECX], c->gpr[EDX] };
    machine_destroy(m);
    return r;
}

/* Each descriptor byte of leaf 2 (AL excluded: it is the call count), bit 31 clear. */
static bool has_descriptor(const struct regs *r, uint8_t d)
{
    const uint32_t w[4] = { r->eax & ~0xFFu, r->ebx, r->ecx, r->edx };
    for (int k = 0; k < 4; k++) {
        if (w[k] & 0x80000000u)
            continue;
        for (int b = 0; b < 32; b += 8)
            if (((w[k] >> b) & 0xFF) == d)
                return true;
    }
    return false;
}

static void test_p6_leaf0(void **state)
{
    (void)state;
    struct regs r = cpuid(CPU_P6, 0);
    assert_int_equal(r.eax, 2); /* the Pentium Pro's highest basic leaf */
    assert_int_equal(r.ebx, 0x756E6547);
    assert_int_equal(r.edx, 0x49656E69);
    assert_int_equal(r.ecx, 0x6C65746E);
}

static void test_p6_leaf2(void **state)
{
    (void)state;
    struct regs r = cpuid(CPU_P6, 2);
    assert_int_equal(r.eax & 0xFF, 1); /* one call gives everything */
    /* ITLB 4K x32, ITLB 4M x2, DTLB 4K x64, DTLB 4M x8, L1 code 8K, L1 data 8K, L2 256K */
    static const uint8_t want[] = { 0x01, 0x02, 0x03, 0x04, 0x06, 0x0A, 0x42 };
    for (size_t k = 0; k < sizeof want; k++)
        if (!has_descriptor(&r, want[k]))
            fail_msg("leaf 2 lacks descriptor %02Xh: %08x %08x %08x %08x", want[k], r.eax, r.ebx,
                     r.ecx, r.edx);
    /* And nothing else: 7 descriptors, the other bytes null. */
    unsigned nonzero = 0;
    const uint32_t w[4] = { r.eax & ~0xFFu, r.ebx, r.ecx, r.edx };
    for (int k = 0; k < 4; k++)
        for (int b = 0; b < 32; b += 8)
            nonzero += ((w[k] >> b) & 0xFF) != 0;
    assert_int_equal(nonzero, 7);
}

static void test_p6_above_highest(void **state)
{
    (void)state;
    struct regs two = cpuid(CPU_P6, 2), high = cpuid(CPU_P6, 0x1234);
    assert_memory_equal(&two, &high, sizeof two);
}

static void test_486_stops_at_leaf1(void **state)
{
    (void)state;
    struct regs r0 = cpuid(CPU_486, 0), r1 = cpuid(CPU_486, 1), r2 = cpuid(CPU_486, 2);
    assert_int_equal(r0.eax, 1);
    assert_int_equal(r1.eax >> 8 & 0xF, 4); /* family 4 */
    assert_memory_equal(&r1, &r2, sizeof r1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_p6_leaf0),
        cmocka_unit_test(test_p6_leaf2),
        cmocka_unit_test(test_p6_above_highest),
        cmocka_unit_test(test_486_stops_at_leaf1),
    };
    fx_filter_from_env();
    return cmocka_run_group_tests_name("cpuid", tests, NULL, NULL);
}
