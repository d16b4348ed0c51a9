/* Guest memory accesses as instructions make them: real-mode segment limit faults on the
 * 286 and later (delivered through the IVT), the 8086's wrap inside a segment and at 1 MiB,
 * MOVS restarting after a write fault, the A20 gate, accesses that straddle a page, and
 * reads of addresses nothing answers. */
#include "fixture.h"

#include <stdlib.h>

#include "mmu/mem.h"

struct variant {
    enum cpu_model_id model;
    uint32_t ram;
};
static const struct variant i8086 = { CPU_8086, 1u << 20 }, i286 = { CPU_286, 2u << 20 };
static const struct variant i386 = { CPU_386, 2u << 20 }, p6 = { CPU_P6, 2u << 20 };
static const struct variant i8086_small = { CPU_8086, 256u << 10 };
static const struct variant p6_small = { CPU_P6, 256u << 10 };

#define CODE 0x1000u
#define STACK_TOP 0x8000u
#define GP_HANDLER 0x2000u
#define SS_HANDLER 0x2100u

static int mem_setup(void **state)
{
    const struct variant *v = *state;
    struct machine *m = fx_machine(v->model, v->ram);
    fx_real_mode(m, 0, CODE);
    m->cpu.gpr[ESP] = STACK_TOP;
    /* IVT: #SS (12) and #GP (13) to handlers that are just HLT */
    phys_write(m, 12 * 4, SS_HANDLER, 4);
    phys_write(m, 13 * 4, GP_HANDLER, 4);
    phys_write8(m, GP_HANDLER, 0xF4);
    phys_write8(m, SS_HANDLER, 0xF4);
    *state = m;
    return 0;
}

static int mem_teardown(void **state)
{
    machine_destroy(*state);
    return 0;
}

/* Execute one instruction placed at 0:CODE. */
static void step(struct machine *m, const uint8_t *code, size_t n)
{
    fx_load(m, CODE, code, n);
    cpu_load_seg_real(m, SEG_CS, 0);
    m->cpu.eip = CODE;
    m->cpu.halted = false;
    assert_int_equal(cpu_step(m), STOP_LIMIT);
}
#define STEP(m, ...) step(m, BYTES(__VA_ARGS__))

/* After a fault in real mode: CS:IP at the handler, FLAGS, CS and the faulting IP pushed. */
static void expect_fault(struct machine *m, int vector, uint16_t flags_before)
{
    struct cpu *c = &m->cpu;
    uint16_t handler = vector == EXC_SS ? SS_HANDLER : GP_HANDLER;
    if (c->seg[SEG_CS].selector != 0 || c->eip != handler)
        fail_msg("expected vector %d at 0:%04x, CS:IP is %04x:%04x", vector, handler,
                 c->seg[SEG_CS].selector, c->eip);
    assert_int_equal(c->gpr[ESP], STACK_TOP - 6);
    assert_int_equal(phys_read(m, STACK_TOP - 6, 2), CODE); /* a fault restarts its instruction */
    assert_int_equal(phys_read(m, STACK_TOP - 4, 2), 0);
    assert_int_equal(phys_read(m, STACK_TOP - 2, 2), flags_before);
    /* and the fault left the machine ready for the next one */
    c->gpr[ESP] = STACK_TOP;
}

/* The 286 and later: a word or dword that does not fit below offset 0xFFFF faults. */
static void test_real_mode_limit_faults(void **state)
{
    struct machine *m = *state;
    struct cpu *c = &m->cpu;
    bool is286 = c->model->id == CPU_286;
    phys_write(m, 0xFFFE, 0x5678, 2);
    phys_write(m, 0x10000, 0x9ABC, 2);
    cpu_set_eflags(c, 0x0002 | FLAG_CF | FLAG_ZF);
    uint16_t flags = (uint16_t)cpu_get_eflags(c);

    c->gpr[EAX] = 0xAAAA;
    c->gpr[EBX] = 0xFFFF;
    STEP(m, 0x8B, 0x07); /* mov ax, [bx] */
    expect_fault(m, EXC_GP, flags);
    assert_int_equal(c->gpr[EAX], 0xAAAA);

    STEP(m, 0x89, 0x07); /* mov [bx], ax */
    expect_fault(m, EXC_GP, flags);
    assert_int_equal(phys_read8(m, 0xFFFF), 0x56);
    assert_int_equal(phys_read8(m, 0x10000), 0xBC);

    STEP(m, 0xFF, 0x07); /* inc word [bx] */
    expect_fault(m, EXC_GP, flags);
    assert_int_equal(phys_read8(m, 0xFFFF), 0x56);

    /* through SS: #SS on the 386 and later, #GP on the 286 */
    c->gpr[EBP] = 0xFFFF;
    STEP(m, 0x8B, 0x46, 0x00); /* mov ax, [bp+0] */
    expect_fault(m, is286 ? EXC_GP : EXC_SS, flags);

    /* the last byte of the segment and the last whole word are fine */
    STEP(m, 0x8A, 0x07); /* mov al, [bx] */
    assert_int_equal(c->eip, CODE + 2);
    assert_int_equal(c->gpr[EAX] & 0xFF, 0x56);
    c->gpr[EBX] = 0xFFFE;
    STEP(m, 0x8B, 0x07);
    assert_int_equal(c->eip, CODE + 2);
    assert_int_equal(c->gpr[EAX], 0x5678);

    if (is286)
        return;
    /* dwords: offset 0xFFFC fits, 0xFFFD does not */
    c->gpr[EBX] = 0xFFFC;
    STEP(m, 0x66, 0x8B, 0x07); /* mov eax, [bx] */
    assert_int_equal(c->gpr[EAX], 0x56780000u | phys_read(m, 0xFFFC, 2));
    c->gpr[EBX] = 0xFFFD;
    c->gpr[EAX] = 0xAAAA;
    STEP(m, 0x66, 0x8B, 0x07);
    expect_fault(m, EXC_GP, flags);
    assert_int_equal(c->gpr[EAX], 0xAAAA);
}

/* A MOVS whose write faults restarts from the element it has not stored: SI, DI and CX
 * are left as they were before that iteration (Linux's page fault on the destination of
 * glibc's "rep movsl" is the case that matters; a limit fault shows the same rule). */
static void test_movs_write_fault_keeps_registers(void **state)
{
    struct machine *m = *state;
    struct cpu *c = &m->cpu;
    cpu_set_eflags(c, 0x0002);
    uint16_t flags = (uint16_t)cpu_get_eflags(c);
    phys_write(m, 0x0100, 0x11223344u, 4);
    c->gpr[ESI] = 0x0100;
    c->gpr[EDI] = 0xFFFD;
    STEP(m, 0x66, 0xA5); /* movsd: the dword at ES:0xFFFD does not fit */
    expect_fault(m, EXC_GP, flags);
    assert_int_equal(c->gpr[ESI], 0x0100);
    assert_int_equal(c->gpr[EDI], 0xFFFD);

    c->gpr[ECX] = 2;
    STEP(m, 0xF3, 0x66, 0xA5); /* rep movsd, faulting in its first iteration */
    expect_fault(m, EXC_GP, flags);
    assert_int_equal(c->gpr[ESI], 0x0100);
    assert_int_equal(c->gpr[EDI], 0xFFFD);
    assert_int_equal(c->gpr[ECX], 2);
}

/* The 8086 wraps a word at offset 0xFFFF to offset 0 of the same segment. */
static void test_8086_wraps_in_segment(void **state)
{
    struct machine *m = *state;
    struct cpu *c = &m->cpu;
    cpu_load_seg_real(m, SEG_DS, 0x1000);
    phys_write8(m, 0x1FFFF, 0x34);
    phys_write8(m, 0x10000, 0x12);
    phys_write8(m, 0x20000, 0xEE);
    c->gpr[EBX] = 0xFFFF;
    STEP(m, 0x8B, 0x07); /* mov ax, [bx] */
    assert_int_equal(c->eip, CODE + 2);
    assert_int_equal(c->gpr[EAX], 0x1234);
    c->gpr[EAX] = 0xBEEF;
    STEP(m, 0x89, 0x07); /* mov [bx], ax */
    assert_int_equal(phys_read8(m, 0x1FFFF), 0xEF);
    assert_int_equal(phys_read8(m, 0x10000), 0xBE);
    assert_int_equal(phys_read8(m, 0x20000), 0xEE);
    /* the stack too: PUSH with SP = 1 writes at 0xFFFF and 0x0000 */
    cpu_load_seg_real(m, SEG_SS, 0x1000);
    c->gpr[ESP] = 1;
    c->gpr[ECX] = 0x5AA5;
    STEP(m, 0x51); /* push cx */
    assert_int_equal(c->gpr[ESP], 0xFFFF);
    assert_int_equal(phys_read8(m, 0x1FFFF), 0xA5);
    assert_int_equal(phys_read8(m, 0x10000), 0x5A);
}

/* The 8086 has 20 address lines: FFFF:0010 is physical 0. */
static void test_8086_wraps_at_1mib(void **state)
{
    struct machine *m = *state;
    struct cpu *c = &m->cpu;
    cpu_load_seg_real(m, SEG_DS, 0xFFFF);
    phys_write8(m, 0x00000, 0x5A);
    phys_write8(m, 0xFFFFF, 0x11);
    c->gpr[EBX] = 0x0010;
    STEP(m, 0x8A, 0x07); /* mov al, [bx] */
    assert_int_equal(c->gpr[EAX] & 0xFF, 0x5A);
    c->gpr[EBX] = 0x000F; /* a word at 0xFFFFF and 0x100000 = 0 */
    STEP(m, 0x8B, 0x07);
    assert_int_equal(c->gpr[EAX], 0x5A11);
    STEP(m, 0xC7, 0x07, 0x34, 0x12); /* mov word [bx], 0x1234 */
    assert_int_equal(phys_read8(m, 0xFFFFF), 0x34);
    assert_int_equal(phys_read8(m, 0x00000), 0x12);
}

/* The A20 gate of the 286 and later: with A20 masked, FFFF:0010 is physical 0 as on the
 * 8086; enabled, it is the first byte above 1 MiB. */
static void test_a20_gate(void **state)
{
    struct machine *m = *state;
    struct cpu *c = &m->cpu;
    cpu_load_seg_real(m, SEG_DS, 0xFFFF);
    phys_write8(m, 0x000000, 0x5A);
    phys_write8(m, 0x100000, 0xA1);
    c->gpr[EBX] = 0x0010;
    STEP(m, 0x8A, 0x07); /* mov al, [bx] */
    assert_int_equal(c->gpr[EAX] & 0xFF, 0xA1);
    m->mem.a20_mask = ~0x100000u; /* what the keyboard controller or port 92h will do */
    tlb_flush(m);
    STEP(m, 0x8A, 0x07);
    assert_int_equal(c->gpr[EAX] & 0xFF, 0x5A);
    STEP(m, 0xC6, 0x07, 0x77); /* mov byte [bx], 0x77 */
    assert_int_equal(phys_read8(m, 0x000000), 0x77);
    m->mem.a20_mask = 0xFFFFFFFFu;
    tlb_flush(m);
    assert_int_equal(phys_read8(m, 0x100000), 0xA1);
    STEP(m, 0x8A, 0x07);
    assert_int_equal(c->gpr[EAX] & 0xFF, 0xA1);
}

/* Words and dwords that straddle a 4 KiB page, at every split. */
static void test_page_crossing(void **state)
{
    struct machine *m = *state;
    struct cpu *c = &m->cpu;
    bool has32 = c->model->id >= CPU_386;
    cpu_load_seg_real(m, SEG_DS, 0x0300); /* page boundary at DS:0x1000 (physical 0x4000) */
    for (uint32_t off = 0x0FFD; off <= 0x0FFF; off++) {
        unsigned size = has32 ? 4 : 2;
        uint32_t value = has32 ? 0x44332211u : 0x2211u;
        if (!has32 && off != 0x0FFF)
            continue;
        phys_write(m, 0x3FF8, 0, 4);
        phys_write(m, 0x3FFC, 0, 4);
        phys_write(m, 0x4000, 0, 4);
        c->gpr[EBX] = off;
        c->gpr[EAX] = value;
        if (has32)
            STEP(m, 0x66, 0x89, 0x07); /* mov [bx], eax */
        else
            STEP(m, 0x89, 0x07);
        for (unsigned k = 0; k < size; k++)
            assert_int_equal(phys_read8(m, 0x3000 + off + k), (value >> (8 * k)) & 0xFF);
        assert_int_equal(phys_read8(m, 0x3000 + off - 1), 0);
        assert_int_equal(phys_read8(m, 0x3000 + off + size), 0);
        c->gpr[ECX] = 0;
        if (has32)
            STEP(m, 0x66, 0x8B, 0x0F); /* mov ecx, [bx] */
        else
            STEP(m, 0x8B, 0x0F);
        assert_int_equal(c->gpr[ECX], value);
        /* read-modify-write across the boundary */
        if (has32)
            STEP(m, 0x66, 0xFF, 0x07); /* inc dword [bx] */
        else
            STEP(m, 0xFF, 0x07);
        assert_int_equal(phys_read(m, 0x3000 + off, size), value + 1);
    }
    /* the physical bus across a page: phys_read/phys_write split the same way */
    phys_write(m, 0x5FFE, 0xCAFEBABE, 4);
    assert_int_equal(phys_read(m, 0x5FFE, 4), 0xCAFEBABE);
    assert_int_equal(phys_read8(m, 0x6000), 0xFE);
}

/* Reads where nothing is mapped float high; writes there are dropped. */
static void test_unmapped_reads_ff(void **state)
{
    struct machine *m = *state;
    struct cpu *c = &m->cpu;
    bool has32 = c->model->id >= CPU_386;
    assert_int_equal(m->mem.ram_size, 256u << 10);
    assert_int_equal(phys_read(m, 0x80000, 1), 0xFF);
    assert_int_equal(phys_read(m, 0x80000, 2), 0xFFFF);
    assert_int_equal(phys_read(m, 0x80000, 4), 0xFFFFFFFFu);
    uint8_t buf[4] = { 0 };
    phys_read_bytes(m, 0x9FFFE, buf, sizeof buf);
    for (unsigned k = 0; k < sizeof buf; k++)
        assert_int_equal(buf[k], 0xFF);

    cpu_load_seg_real(m, SEG_DS, 0x8000);
    c->gpr[EBX] = 0x10;
    STEP(m, 0x8B, 0x07); /* mov ax, [bx] */
    assert_int_equal(c->gpr[EAX], 0xFFFF);
    if (has32) {
        STEP(m, 0x66, 0x8B, 0x07);
        assert_int_equal(c->gpr[EAX], 0xFFFFFFFFu);
    }
    c->gpr[EAX] = 0x1234;
    STEP(m, 0x89, 0x07); /* mov [bx], ax: dropped */
    assert_int_equal(phys_read(m, 0x80010, 2), 0xFFFF);
    STEP(m, 0x8B, 0x07);
    assert_int_equal(c->gpr[EAX], 0xFFFF);

    /* a word whose first byte is the last byte of RAM */
    phys_write8(m, 0x3FFFF, 0x42);
    cpu_load_seg_real(m, SEG_DS, 0x3FF0);
    c->gpr[EBX] = 0x00FF;
    STEP(m, 0x8B, 0x07);
    assert_int_equal(c->gpr[EAX], 0xFF42);
}

#define ON(test, v) { #test " (" #v ")", test, mem_setup, mem_teardown, (void *)&v }

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON(test_real_mode_limit_faults, i286),
        ON(test_real_mode_limit_faults, i386),
        ON(test_real_mode_limit_faults, p6),
        ON(test_movs_write_fault_keeps_registers, i386),
        ON(test_movs_write_fault_keeps_registers, p6),
        ON(test_8086_wraps_in_segment, i8086),
        ON(test_8086_wraps_at_1mib, i8086),
        ON(test_a20_gate, i286),
        ON(test_a20_gate, p6),
        ON(test_page_crossing, i8086),
        ON(test_page_crossing, i286),
        ON(test_page_crossing, p6),
        ON(test_unmapped_reads_ff, i8086_small),
        ON(test_unmapped_reads_ff, p6_small),
    };
    fx_filter_from_env();
    return cmocka_run_group_tests_name("mem", tests, NULL, NULL);
}
