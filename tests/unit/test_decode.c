/* The decoder, bytes in and fields out: ModRM and SIB forms, prefixes, every kind of
 * immediate, the 0F map, group opcodes, the differences between CPU models, truncated and
 * over-long instructions, and a cross-check of instruction lengths against Capstone.
 * Encodings: Intel SDM vol. 2A chapter 2 (tables 2-1 to 2-3) and appendix A of vol. 2D. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "cpu/decode.h"
#include "cpu/handlers.h"

static struct decoder_table *tables[CPU_MODEL_COUNT];

static const char *const model_names[CPU_MODEL_COUNT] = { "8086", "286", "386", "486", "p6" };

static int build_tables(void **state)
{
    (void)state;
    for (int k = 0; k < CPU_MODEL_COUNT; k++) {
        tables[k] = malloc(sizeof *tables[k]);
        if (!tables[k])
            return -1;
        decoder_table_build(tables[k], (enum cpu_model_id)k);
    }
    return 0;
}

static int free_tables(void **state)
{
    (void)state;
    for (int k = 0; k < CPU_MODEL_COUNT; k++) {
        free(tables[k]);
        tables[k] = NULL;
    }
    return 0;
}

static void hex(char *out, size_t cap, const uint8_t *b, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t k = 0; k < n && used + 4 < cap; k++)
        used += (size_t)snprintf(out + used, cap - used, "%s%02X", k ? " " : "", b[k]);
}

/* An instruction that is #UD on this model: its length does not matter. */
static void expect_ud(enum cpu_model_id model, bool code32, const uint8_t *b, size_t n)
{
    struct insn i;
    char h[100];
    hex(h, sizeof h, b, n);
    if (decode_insn(tables[model], b, (unsigned)n, code32, &i) != DECODE_OK || i.fn != op_invalid)
        fail_msg("%s %s-bit [%s]: not decoded as invalid", model_names[model],
                 code32 ? "32" : "16", h);
}
#define EXPECT_UD(model, code32, ...) expect_ud(model, code32, BYTES(__VA_ARGS__))

/* Decode exactly the n bytes given: DECODE_OK and a length of n are required. */
static struct insn dec(enum cpu_model_id model, bool code32, const uint8_t *b, size_t n)
{
    struct insn i;
    char h[100];
    hex(h, sizeof h, b, n);
    if (decode_insn(tables[model], b, (unsigned)n, code32, &i) != DECODE_OK)
        fail_msg("%s %s-bit [%s]: DECODE_NEED_MORE", model_names[model], code32 ? "32" : "16", h);
    if (i.len != n)
        fail_msg("%s %s-bit [%s]: length %u, expected %zu", model_names[model],
                 code32 ? "32" : "16", h, i.len, n);
    return i;
}

static const char *mn(const struct insn *i) { return insn_def(i)->mnemonic; }

/* ---- ModRM and SIB ---- */

/* 16-bit addressing, SDM vol. 2A table 2-1: every rm with mod 0, 1 and 2. */
static void test_modrm16_forms(void **state)
{
    (void)state;
    static const struct { uint8_t a, b; bool ss; } forms[8] = {
        { EBX, ESI, false }, { EBX, EDI, false }, { EBP, ESI, true }, { EBP, EDI, true },
        { ESI, REG_NONE, false }, { EDI, REG_NONE, false }, { EBP, REG_NONE, true },
        { EBX, REG_NONE, false },
    };
    static const enum cpu_model_id models[] = { CPU_8086, CPU_286, CPU_386, CPU_P6 };
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
        for (unsigned mod = 0; mod < 3; mod++) {
            for (unsigned rm = 0; rm < 8; rm++) {
                /* mov dx, [form + disp]: 8B /r with reg = 2 */
                uint8_t b[4] = { 0x8B, (uint8_t)(mod << 6 | 2 << 3 | rm), 0x80, 0x12 };
                bool direct = mod == 0 && rm == 6;
                size_t n = 2 + (direct || mod == 2 ? 2 : mod == 1 ? 1 : 0);
                struct insn i = dec(models[k], false, b, n);
                assert_string_equal(mn(&i), "mov");
                assert_int_equal(i.attr, A_MEM);
                /* one register or none: the base-form handler (cpu/ops.h, INST_EV_EA) */
                bool one = direct || forms[rm].b == REG_NONE;
                assert_ptr_equal(i.fn, one ? op_mov_GvEv_m16_b16 : op_mov_GvEv_m16);
                assert_int_equal(i.reg, 2);
                assert_int_equal(i.opcode, 0x8B);
                assert_int_equal(i.scale, 0);
                if (direct) {
                    /* [disp16]: no register, DS */
                    assert_int_equal(i.base, REG_NONE);
                    assert_int_equal(i.index, REG_NONE);
                    assert_int_equal(i.disp, 0x1280);
                    assert_int_equal(i.seg, SEG_DS);
                    continue;
                }
                /* The two registers may come in either field: the address is their sum.
                 * A single one is always the base. */
                if (one)
                    assert_int_equal(i.index, REG_NONE);
                bool same = i.base == forms[rm].a && i.index == forms[rm].b;
                bool swapped = i.base == forms[rm].b && i.index == forms[rm].a;
                if (!same && !swapped)
                    fail_msg("%s mod %u rm %u: base %u index %u, expected registers %u and %u",
                             model_names[models[k]], mod, rm, i.base, i.index, forms[rm].a,
                             forms[rm].b);
                /* disp8 is sign-extended and the address wraps at 64 KiB */
                uint32_t disp = mod == 0 ? 0 : mod == 1 ? 0xFF80 : 0x1280;
                assert_int_equal(i.disp, disp);
                /* [bp...] forms default to SS (table 2-1, note 1) */
                assert_int_equal(i.seg, forms[rm].ss ? SEG_SS : SEG_DS);
            }
        }
        /* mod 3 names a register: no memory operand at all */
        struct insn i = dec(models[k], false, BYTES(0x8B, 0xD3)); /* mov dx, bx */
        assert_int_equal(i.attr, 0);
        assert_int_equal(i.reg, EDX);
        assert_int_equal(i.rm, EBX);
        assert_ptr_equal(i.fn, op_mov_GvEv_r16);
    }
}

/* 32-bit addressing without SIB, SDM vol. 2A table 2-2. */
static void test_modrm32_forms(void **state)
{
    (void)state;
    for (unsigned mod = 0; mod < 3; mod++) {
        for (unsigned rm = 0; rm < 8; rm++) {
            if (rm == 4)
                continue; /* SIB, below */
            uint8_t b[6] = { 0x8B, (uint8_t)(mod << 6 | 2 << 3 | rm), 0x80, 0x56, 0x34, 0x12 };
            bool direct = mod == 0 && rm == 5;
            size_t n = 2 + (direct || mod == 2 ? 4 : mod == 1 ? 1 : 0);
            struct insn i = dec(CPU_P6, true, b, n);
            assert_int_equal(i.attr, A_MEM | A_OP32 | A_AD32);
            assert_ptr_equal(i.fn, op_mov_GvEv_m32_b32); /* no index: the base form */
            assert_int_equal(i.index, REG_NONE);
            if (direct) {
                assert_int_equal(i.base, REG_NONE);
                assert_int_equal(i.disp, 0x12345680);
                assert_int_equal(i.seg, SEG_DS);
                continue;
            }
            assert_int_equal(i.base, rm);
            assert_int_equal(i.disp, mod == 0 ? 0 : mod == 1 ? 0xFFFFFF80u : 0x12345680u);
            assert_int_equal(i.seg, rm == EBP ? SEG_SS : SEG_DS);
        }
    }
}

/* Every SIB byte with every mod, SDM vol. 2A table 2-3. */
static void test_sib_forms(void **state)
{
    (void)state;
    for (unsigned mod = 0; mod < 3; mod++) {
        for (unsigned sib = 0; sib < 256; sib++) {
            unsigned scale = sib >> 6, index = (sib >> 3) & 7, base = sib & 7;
            /* mov edx, [sib + disp]: ModRM rm = 4 */
            uint8_t b[7] = { 0x8B, (uint8_t)(mod << 6 | 2 << 3 | 4), (uint8_t)sib,
                             0xF0, 0xDE, 0xBC, 0x9A };
            bool no_base = base == 5 && mod == 0;
            size_t n = 3 + (no_base || mod == 2 ? 4 : mod == 1 ? 1 : 0);
            struct insn i = dec(CPU_P6, true, b, n);
            assert_int_equal(i.attr, A_MEM | A_OP32 | A_AD32);
            assert_int_equal(i.base, no_base ? REG_NONE : base);
            /* index 100b means "no index"; the scale is then irrelevant */
            assert_int_equal(i.index, index == 4 ? REG_NONE : index);
            if (index != 4)
                assert_int_equal(i.scale, scale);
            uint32_t disp = no_base || mod == 2 ? 0x9ABCDEF0u : mod == 1 ? 0xFFFFFFF0u : 0;
            assert_int_equal(i.disp, disp);
            /* ESP and EBP as base select SS; an EBP index does not */
            bool ss = !no_base && (base == ESP || base == EBP);
            assert_int_equal(i.seg, ss ? SEG_SS : SEG_DS);
            /* without an index, the base-form handler */
            assert_ptr_equal(i.fn, index == 4 ? op_mov_GvEv_m32_b32 : op_mov_GvEv_m32);
        }
    }
}

/* 67 switches the ModRM format, in both directions. */
static void test_address_size_prefix(void **state)
{
    (void)state;
    /* 16-bit code, 67: mov dx, [eax+ecx*4] */
    struct insn i = dec(CPU_P6, false, BYTES(0x67, 0x8B, 0x14, 0x88));
    assert_int_equal(i.attr, A_MEM | A_AD32);
    assert_int_equal(i.base, EAX);
    assert_int_equal(i.index, ECX);
    assert_int_equal(i.scale, 2);
    assert_ptr_equal(i.fn, op_mov_GvEv_m16);
    /* 16-bit code, 67, [disp32]: the base form picked by the address size, not the code */
    i = dec(CPU_386, false, BYTES(0x67, 0x8B, 0x15, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.disp, 0x12345678);
    assert_int_equal(i.base, REG_NONE);
    assert_ptr_equal(i.fn, op_mov_GvEv_m16_b32);
    /* 32-bit code, 67: [bx+si] and [disp16] */
    i = dec(CPU_P6, true, BYTES(0x67, 0x8B, 0x10));
    assert_int_equal(i.attr, A_MEM | A_OP32);
    assert_ptr_equal(i.fn, op_mov_GvEv_m32);
    i = dec(CPU_P6, true, BYTES(0x67, 0x8B, 0x16, 0x34, 0x12));
    assert_int_equal(i.disp, 0x1234);
    assert_int_equal(i.base, REG_NONE);
    assert_ptr_equal(i.fn, op_mov_GvEv_m32_b16);
    /* 67 67 does not toggle back */
    i = dec(CPU_P6, false, BYTES(0x67, 0x67, 0x8B, 0x14, 0x88));
    assert_int_equal(i.attr, A_MEM | A_AD32);
}

/* ---- Prefixes ---- */

static void test_operand_size_prefix(void **state)
{
    (void)state;
    static const enum cpu_model_id at_least_386[] = { CPU_386, CPU_486, CPU_P6 };
    for (size_t k = 0; k < 3; k++) {
        enum cpu_model_id model = at_least_386[k];
        struct insn i = dec(model, false, BYTES(0x01, 0xC8)); /* add ax, cx */
        assert_int_equal(i.attr, 0);
        assert_ptr_equal(i.fn, op_add_EvGv_r16);
        i = dec(model, false, BYTES(0x66, 0x01, 0xC8)); /* add eax, ecx */
        assert_int_equal(i.attr, A_OP32);
        assert_ptr_equal(i.fn, op_add_EvGv_r32);
        assert_int_equal(i.reg, ECX);
        assert_int_equal(i.rm, EAX);
        i = dec(model, false, BYTES(0x66, 0x66, 0x01, 0xC8)); /* a second 66 changes nothing */
        assert_int_equal(i.attr, A_OP32);
        i = dec(model, true, BYTES(0x01, 0xC8));
        assert_int_equal(i.attr, A_OP32 | A_AD32);
        assert_ptr_equal(i.fn, op_add_EvGv_r32);
        i = dec(model, true, BYTES(0x66, 0x01, 0xC8));
        assert_int_equal(i.attr, A_AD32);
        assert_ptr_equal(i.fn, op_add_EvGv_r16);
        i = dec(model, true, BYTES(0x66, 0x67, 0x01, 0xC8));
        assert_int_equal(i.attr, 0);
    }
    /* Before the 386, 66 and 67 are not prefixes (see test_model_8086/286). */
    EXPECT_UD(CPU_286, false, 0x66);
    struct insn i = dec(CPU_8086, false, BYTES(0x66, 0x01));
    assert_string_equal(mn(&i), "jbe");
}

static void test_segment_prefixes(void **state)
{
    (void)state;
    static const struct { uint8_t prefix; int seg; } p[] = {
        { 0x26, SEG_ES }, { 0x2E, SEG_CS }, { 0x36, SEG_SS }, { 0x3E, SEG_DS }, { 0x64, SEG_FS },
        { 0x65, SEG_GS },
    };
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) {
        uint8_t b[3] = { p[k].prefix, 0x8B, 0x07 }; /* mov ax, [bx] */
        struct insn i = dec(CPU_P6, false, b, 3);
        assert_int_equal(i.seg, p[k].seg);
        assert_int_equal(i.attr, A_MEM | A_SEGOVR);
        if (p[k].prefix < 0x40) {
            i = dec(CPU_8086, false, b, 3);
            assert_int_equal(i.seg, p[k].seg);
            assert_int_equal(i.attr, A_MEM | A_SEGOVR);
        }
    }
    /* the last segment override wins */
    struct insn i = dec(CPU_P6, false, BYTES(0x26, 0x64, 0x2E, 0x36, 0x8B, 0x07));
    assert_int_equal(i.seg, SEG_SS);
    i = dec(CPU_P6, false, BYTES(0x36, 0x26, 0x8B, 0x07));
    assert_int_equal(i.seg, SEG_ES);
    /* an override beats the SS default of [bp] */
    i = dec(CPU_P6, false, BYTES(0x8B, 0x46, 0x00)); /* mov ax, [bp+0] */
    assert_int_equal(i.seg, SEG_SS);
    assert_int_equal(i.attr & A_SEGOVR, 0);
    i = dec(CPU_P6, false, BYTES(0x3E, 0x8B, 0x46, 0x00));
    assert_int_equal(i.seg, SEG_DS);
    assert_int_equal(i.attr & A_SEGOVR, A_SEGOVR);
    /* moffs and string sources take overrides too */
    i = dec(CPU_P6, false, BYTES(0x26, 0xA0, 0x34, 0x12));
    assert_int_equal(i.seg, SEG_ES);
    i = dec(CPU_P6, false, BYTES(0xA0, 0x34, 0x12));
    assert_int_equal(i.seg, SEG_DS);
    i = dec(CPU_P6, false, BYTES(0x2E, 0xA4)); /* cs movsb */
    assert_int_equal(i.seg, SEG_CS);
    assert_int_equal(i.attr, A_SEGOVR);
}

static void test_rep_and_lock_prefixes(void **state)
{
    (void)state;
    struct insn i = dec(CPU_P6, false, BYTES(0xF3, 0xA4));
    assert_string_equal(mn(&i), "movsb");
    assert_int_equal(i.attr, A_REP);
    i = dec(CPU_P6, false, BYTES(0xF2, 0xAE));
    assert_string_equal(mn(&i), "scasb");
    assert_int_equal(i.attr, A_REPNE);
    /* the last of F2/F3 wins */
    i = dec(CPU_P6, false, BYTES(0xF2, 0xF3, 0xA6));
    assert_int_equal(i.attr, A_REP);
    i = dec(CPU_P6, false, BYTES(0xF3, 0xF2, 0xA6));
    assert_int_equal(i.attr, A_REPNE);
    i = dec(CPU_8086, false, BYTES(0xF3, 0x26, 0xF2, 0xA5));
    assert_int_equal(i.attr, A_REPNE | A_SEGOVR);
    assert_int_equal(i.seg, SEG_ES);

    /* LOCK with a lockable instruction and a memory destination is fine everywhere */
    for (int model = 0; model < CPU_MODEL_COUNT; model++) {
        i = dec((enum cpu_model_id)model, false, BYTES(0xF0, 0x01, 0x07)); /* lock add [bx], ax */
        assert_int_equal(i.attr, A_LOCK | A_MEM);
        assert_ptr_equal(i.fn, op_add_EvGv_m16_b16);
        i = dec((enum cpu_model_id)model, false, BYTES(0xF0, 0x87, 0x07)); /* lock xchg [bx], ax */
        assert_ptr_equal(i.fn, op_xchg_EvGv_m16);
        /* lock xor byte [bx], 1 */
        i = dec((enum cpu_model_id)model, false, BYTES(0xF0, 0x80, 0x37, 0x01));
        assert_ptr_equal(i.fn, op_xor_EbIb_m_b16);
    }
    /* ...but #UD from the 386 on with a register destination or a non-lockable instruction */
    static const struct { uint8_t b[4]; size_t n; insn_fn fn286; } bad[] = {
        { { 0xF0, 0x01, 0xC0 }, 3, op_add_EvGv_r16 },      /* lock add ax, ax */
        { { 0xF0, 0x8B, 0x07 }, 3, op_mov_GvEv_m16_b16 },  /* lock mov ax, [bx] */
        { { 0xF0, 0x39, 0x07 }, 3, op_cmp_EvGv_m16_b16 },  /* lock cmp [bx], ax */
        { { 0xF0, 0x03, 0x07 }, 3, op_add_GvEv_m16_b16 },  /* lock add ax, [bx]: reg dest */
        { { 0xF0, 0x90 }, 2, op_xchg_eAX_reg_16 },         /* lock nop */
        { { 0xF0, 0xF6, 0x07, 0x01 }, 4, op_test_EbI_m_b16 }, /* lock test byte [bx], 1 */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        for (int model = CPU_386; model < CPU_MODEL_COUNT; model++) {
            i = dec((enum cpu_model_id)model, false, bad[k].b, bad[k].n);
            assert_int_equal(i.attr & A_LOCK, A_LOCK);
            assert_ptr_equal(i.fn, op_invalid);
        }
        /* the 286 and 8086 just assert LOCK# */
        i = dec(CPU_286, false, bad[k].b, bad[k].n);
        assert_ptr_equal(i.fn, bad[k].fn286);
        i = dec(CPU_8086, false, bad[k].b, bad[k].n);
        assert_ptr_equal(i.fn, bad[k].fn286);
    }
    /* F1 is a LOCK alias on the 8086 only; from the 386 on it is INT1 (ICEBP) */
    i = dec(CPU_8086, false, BYTES(0xF1, 0x01, 0x07));
    assert_int_equal(i.attr, A_LOCK | A_MEM);
    assert_ptr_equal(i.fn, op_add_EvGv_m16_b16);
    i = dec(CPU_386, false, BYTES(0xF1));
    assert_string_equal(mn(&i), "int1");
    EXPECT_UD(CPU_286, false, 0xF1);
    /* all prefixes together count towards the length */
    i = dec(CPU_P6, false, BYTES(0xF0, 0x2E, 0x66, 0x67, 0x01, 0x00)); /* lock add [cs:eax], eax */
    assert_int_equal(i.attr, A_LOCK | A_SEGOVR | A_OP32 | A_AD32 | A_MEM);
    assert_int_equal(i.base, EAX);
    assert_ptr_equal(i.fn, op_add_EvGv_m32_b32);
}

/* ---- Immediates ---- */

static void test_immediates(void **state)
{
    (void)state;
    struct insn i;
    /* IM_B */
    i = dec(CPU_P6, false, BYTES(0x04, 0x80)); /* add al, 0x80: not sign-extended */
    assert_int_equal(i.imm, 0x80);
    assert_ptr_equal(i.fn, op_add_ALIb);
    i = dec(CPU_P6, true, BYTES(0xB3, 0xFF)); /* mov bl, 0xFF */
    assert_int_equal(i.imm, 0xFF);
    assert_int_equal(i.reg, EBX);
    i = dec(CPU_P6, false, BYTES(0xCD, 0x21));
    assert_string_equal(mn(&i), "int");
    assert_int_equal(i.imm, 0x21);
    i = dec(CPU_P6, true, BYTES(0xC1, 0xE0, 0x05)); /* shl eax, 5 */
    assert_int_equal(i.imm, 5);
    assert_ptr_equal(i.fn, op_shl_EvIb_r32);
    /* IM_SB: sign-extended to the operand size */
    i = dec(CPU_P6, false, BYTES(0x83, 0xC0, 0xFF)); /* add ax, -1 */
    assert_int_equal(i.imm & 0xFFFF, 0xFFFF);
    i = dec(CPU_P6, true, BYTES(0x83, 0xC0, 0x80)); /* add eax, -128 */
    assert_int_equal(i.imm, 0xFFFFFF80u);
    i = dec(CPU_P6, true, BYTES(0x83, 0xC0, 0x7F));
    assert_int_equal(i.imm, 0x7F);
    i = dec(CPU_P6, true, BYTES(0x6A, 0xFE)); /* push -2 */
    assert_int_equal(i.imm, 0xFFFFFFFEu);
    i = dec(CPU_P6, false, BYTES(0x6B, 0xC1, 0x90)); /* imul ax, cx, -0x70 */
    assert_int_equal(i.imm & 0xFFFF, 0xFF90);
    /* IM_W: 16 bits whatever the operand size */
    i = dec(CPU_P6, false, BYTES(0xC2, 0x34, 0x12));
    assert_int_equal(i.imm, 0x1234);
    i = dec(CPU_P6, true, BYTES(0xCA, 0x34, 0x12));
    assert_int_equal(i.imm, 0x1234);
    /* IM_V */
    i = dec(CPU_P6, false, BYTES(0x05, 0x34, 0x12));
    assert_int_equal(i.imm, 0x1234);
    i = dec(CPU_P6, true, BYTES(0x05, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.imm, 0x12345678);
    i = dec(CPU_P6, false, BYTES(0x66, 0x05, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.imm, 0x12345678);
    i = dec(CPU_P6, true, BYTES(0x66, 0xBF, 0x34, 0x12)); /* mov di, 0x1234 */
    assert_int_equal(i.imm, 0x1234);
    assert_int_equal(i.reg, EDI);
    /* IM_V after ModRM and SIB and displacement */
    i = dec(CPU_P6, true, BYTES(0xC7, 0x44, 0x24, 0x08, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.base, ESP);
    assert_int_equal(i.disp, 8);
    assert_int_equal(i.imm, 0x12345678);
    assert_int_equal(i.seg, SEG_SS);
    /* IM_JB: rel8, sign-extended */
    i = dec(CPU_P6, false, BYTES(0xEB, 0xFE));
    assert_int_equal(i.imm, 0xFFFFFFFEu);
    i = dec(CPU_P6, false, BYTES(0x74, 0x7F));
    assert_int_equal(i.imm, 0x7F);
    assert_string_equal(mn(&i), "jz");
    i = dec(CPU_P6, true, BYTES(0xE2, 0x80)); /* loop */
    assert_int_equal(i.imm, 0xFFFFFF80u);
    /* IM_JV: rel16 sign-extended, or rel32 */
    i = dec(CPU_P6, false, BYTES(0xE8, 0xFD, 0xFF));
    assert_int_equal(i.imm, 0xFFFFFFFDu);
    i = dec(CPU_P6, true, BYTES(0xE9, 0x00, 0x00, 0x00, 0x80));
    assert_int_equal(i.imm, 0x80000000u);
    i = dec(CPU_P6, true, BYTES(0x66, 0xE8, 0x00, 0x80)); /* call rel16 in 32-bit code */
    assert_int_equal(i.imm, 0xFFFF8000u);
    assert_ptr_equal(i.fn, op_call_rel_16);
    /* IM_AP: offset of the operand size, then the selector (in disp) */
    i = dec(CPU_P6, false, BYTES(0xEA, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.imm, 0x5678);
    assert_int_equal(i.disp, 0x1234);
    i = dec(CPU_P6, false, BYTES(0x66, 0x9A, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB));
    assert_int_equal(i.imm, 0x12345678);
    assert_int_equal(i.disp, 0xABCD);
    assert_ptr_equal(i.fn, op_call_far_Ap_32);
    i = dec(CPU_P6, true, BYTES(0x66, 0xEA, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.imm, 0x5678);
    assert_int_equal(i.disp, 0x1234);
    /* IM_O: moffs of the address size, not the operand size */
    i = dec(CPU_P6, false, BYTES(0xA1, 0x34, 0x12));
    assert_int_equal(i.imm, 0x1234);
    i = dec(CPU_P6, false, BYTES(0x66, 0xA1, 0x34, 0x12));
    assert_int_equal(i.imm, 0x1234);
    assert_ptr_equal(i.fn, op_mov_eAX_Ov_32);
    i = dec(CPU_P6, false, BYTES(0x67, 0xA3, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.imm, 0x12345678);
    assert_ptr_equal(i.fn, op_mov_Ov_eAX_16);
    i = dec(CPU_P6, true, BYTES(0xA2, 0x78, 0x56, 0x34, 0x12));
    assert_int_equal(i.imm, 0x12345678);
    i = dec(CPU_P6, true, BYTES(0x67, 0xA0, 0x34, 0x12));
    assert_int_equal(i.imm, 0x1234);
    /* IM_WB: ENTER imm16, imm8 */
    i = dec(CPU_P6, false, BYTES(0xC8, 0x10, 0x20, 0x03));
    assert_string_equal(mn(&i), "enter");
    assert_int_equal(i.imm, 0x2010);
    assert_int_equal(i.disp, 3);
    i = dec(CPU_P6, true, BYTES(0xC8, 0xFF, 0xFF, 0xFF));
    assert_int_equal(i.imm, 0xFFFF);
    assert_int_equal(i.disp, 0xFF);
}

/* ---- The 0F map and group opcodes ---- */

static void test_0f_map(void **state)
{
    (void)state;
    struct insn i = dec(CPU_P6, false, BYTES(0x0F, 0xB6, 0xC1)); /* movzx ax, cl */
    assert_string_equal(mn(&i), "movzx");
    assert_int_equal(insn_def(&i)->map, 1);
    assert_int_equal(i.opcode, 0xB6);
    assert_ptr_equal(i.fn, op_movzx_GvEb_r16);
    assert_int_equal(i.rm, ECX);
    i = dec(CPU_386, false, BYTES(0x0F, 0x84, 0x34, 0x12));
    assert_string_equal(mn(&i), "jz");
    assert_int_equal(i.opcode, 0x84);
    assert_int_equal(i.imm, 0x1234);
    i = dec(CPU_386, true, BYTES(0x0F, 0x8F, 0xFE, 0xFF, 0xFF, 0xFF));
    assert_string_equal(mn(&i), "jnle");
    assert_int_equal(i.imm, 0xFFFFFFFEu);
    /* MOV from CRn ignores mod: no displacement follows even with mod = 0 */
    i = dec(CPU_386, true, BYTES(0x0F, 0x20, 0x05)); /* mov ebp, cr0 */
    assert_int_equal(i.attr & A_MEM, 0);
    assert_int_equal(i.rm, EBP);
    assert_int_equal(i.reg, 0);
    assert_ptr_equal(i.fn, op_mov_Rd_Cd_r);
    i = dec(CPU_P6, false, BYTES(0x0F, 0x22, 0x58)); /* mov cr3, eax (mod 1, no disp8) */
    assert_ptr_equal(i.fn, op_mov_Cd_Rd_r);
    assert_int_equal(i.reg, 3);
    /* memory-only rows refuse the register form */
    i = dec(CPU_P6, false, BYTES(0x0F, 0x01, 0x16, 0x34, 0x12)); /* lgdt [0x1234] */
    assert_ptr_equal(i.fn, op_lgdt_m);
    assert_int_equal(i.disp, 0x1234);
    i = dec(CPU_P6, false, BYTES(0x0F, 0x01, 0xD0));
    assert_string_equal(mn(&i), "lgdt");
    assert_ptr_equal(i.fn, op_invalid);
    /* rows that arrive with later models */
    i = dec(CPU_486, false, BYTES(0x0F, 0xA2));
    assert_ptr_equal(i.fn, op_cpuid);
    EXPECT_UD(CPU_386, false, 0x0F, 0xA2);
    i = dec(CPU_P6, false, BYTES(0x0F, 0x44, 0xC1)); /* cmovz ax, cx */
    assert_ptr_equal(i.fn, op_cmov_GvEv_z_r16);
    EXPECT_UD(CPU_486, false, 0x0F, 0x44, 0xC1);
    EXPECT_UD(CPU_286, false, 0x0F, 0x20, 0xC0);
    /* register in the opcode */
    i = dec(CPU_486, true, BYTES(0x0F, 0xCB));
    assert_string_equal(mn(&i), "bswap");
    assert_int_equal(i.reg, EBX);
    /* group 8 (0F BA) */
    i = dec(CPU_P6, false, BYTES(0x0F, 0xBA, 0xE0, 0x05)); /* bt ax, 5 */
    assert_ptr_equal(i.fn, op_bt_EvIb_r16);
    assert_int_equal(i.imm, 5);
    i = dec(CPU_P6, true, BYTES(0x0F, 0xBA, 0x28, 0x07)); /* bts [eax], 7 */
    assert_ptr_equal(i.fn, op_bts_EvIb_m32);
    EXPECT_UD(CPU_P6, false, 0x0F, 0xBA, 0xC0);
    i = dec(CPU_P6, true, BYTES(0x0F, 0xC7, 0x0B)); /* cmpxchg8b [ebx] */
    assert_ptr_equal(i.fn, op_cmpxchg8b_m);
    i = dec(CPU_P6, false, BYTES(0x0F, 0x0B));
    assert_string_equal(mn(&i), "ud2");
    assert_ptr_equal(i.fn, op_invalid);
}

static void test_group_rows(void **state)
{
    (void)state;
    static const char *const group1[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
    static const insn_fn group1_fn[8] = {
        op_add_EbIb_r, op_or_EbIb_r, op_adc_EbIb_r, op_sbb_EbIb_r,
        op_and_EbIb_r, op_sub_EbIb_r, op_xor_EbIb_r, op_cmp_EbIb_r,
    };
    for (unsigned reg = 0; reg < 8; reg++) {
        uint8_t b[3] = { 0x80, (uint8_t)(0xC0 | reg << 3 | 1), 0x12 };
        struct insn i = dec(CPU_P6, false, b, 3);
        assert_string_equal(mn(&i), group1[reg]);
        assert_ptr_equal(i.fn, group1_fn[reg]);
        assert_int_equal(i.reg, reg);
        assert_int_equal(i.rm, 1);
        assert_int_equal(i.imm, 0x12);
        b[0] = 0x82; /* the alias of 80 */
        i = dec(CPU_P6, false, b, 3);
        assert_string_equal(mn(&i), group1[reg]);
    }
    /* group 3: only TEST has an immediate, so the row decides the length */
    static const char *const group3[8] = { "test", "test", "not", "neg",
                                           "mul",  "imul", "div", "idiv" };
    for (unsigned reg = 0; reg < 8; reg++) {
        uint8_t b[6] = { 0xF7, (uint8_t)(0xC0 | reg << 3), 0x78, 0x56, 0x34, 0x12 };
        size_t n = reg < 2 ? 6 : 2;
        struct insn i = dec(CPU_P6, true, b, n);
        assert_string_equal(mn(&i), group3[reg]);
        if (reg < 2)
            assert_int_equal(i.imm, 0x12345678);
        b[0] = 0xF6;
        i = dec(CPU_P6, true, b, reg < 2 ? 3 : 2);
        assert_string_equal(mn(&i), group3[reg]);
    }
    /* group 5 */
    static const char *const group5[7] = { "inc", "dec", "call", "call", "jmp", "jmp", "push" };
    for (unsigned reg = 0; reg < 7; reg++) {
        uint8_t b[2] = { 0xFF, (uint8_t)(reg << 3 | 7) }; /* [bx] */
        struct insn i = dec(CPU_P6, false, b, 2);
        assert_string_equal(mn(&i), group5[reg]);
        assert_int_equal(i.attr, A_MEM);
    }
    struct insn i = dec(CPU_P6, false, BYTES(0xFF, 0xD8)); /* call far with a register */
    assert_ptr_equal(i.fn, op_invalid);
    i = dec(CPU_P6, false, BYTES(0xFF, 0x1F));
    assert_ptr_equal(i.fn, op_call_far_Mp_m16);
    i = dec(CPU_P6, false, BYTES(0xFF, 0x3F)); /* FF /7 */
    assert_ptr_equal(i.fn, op_invalid);
    i = dec(CPU_8086, false, BYTES(0xFF, 0x3F)); /* FF /7 is PUSH on the 8086 */
    assert_ptr_equal(i.fn, op_push_Ev_m16);
    i = dec(CPU_P6, false, BYTES(0xFE, 0xD0)); /* FE /2 */
    assert_ptr_equal(i.fn, op_invalid);
    /* group 2 /6: SETMO on the 8086, an alias of SHL afterwards */
    i = dec(CPU_8086, false, BYTES(0xD0, 0xF0));
    assert_string_equal(mn(&i), "setmo");
    i = dec(CPU_286, false, BYTES(0xD0, 0xF0));
    assert_ptr_equal(i.fn, op_shl_Eb1_r);
    /* C6/C7 and 8F take reg 0 only, except on the 8086 */
    EXPECT_UD(CPU_286, false, 0xC6, 0x0F, 0x12);
    i = dec(CPU_8086, false, BYTES(0xC6, 0x0F, 0x12));
    assert_ptr_equal(i.fn, op_mov_EbIb_m_b16);
    EXPECT_UD(CPU_286, false, 0x8F, 0x0F);
    i = dec(CPU_8086, false, BYTES(0x8F, 0x0F));
    assert_ptr_equal(i.fn, op_pop_Ev_m16);
}

/* ---- Model differences ---- */

static void test_model_8086(void **state)
{
    (void)state;
    static const char *const jcc[16] = { "jo", "jno", "jb", "jnb", "jz", "jnz", "jbe", "ja",
                                         "js", "jns", "jp", "jnp", "jl", "jnl", "jle", "jnle" };
    static const insn_fn jcc_fn[16] = {
        op_jcc_o_16, op_jcc_no_16, op_jcc_b_16, op_jcc_nb_16, op_jcc_z_16, op_jcc_nz_16,
        op_jcc_be_16, op_jcc_a_16, op_jcc_s_16, op_jcc_ns_16, op_jcc_p_16, op_jcc_np_16,
        op_jcc_l_16, op_jcc_nl_16, op_jcc_le_16, op_jcc_nle_16,
    };
    for (unsigned k = 0; k < 16; k++) {
        uint8_t b[2] = { (uint8_t)(0x60 + k), 0x05 };
        struct insn i = dec(CPU_8086, false, b, 2);
        assert_string_equal(mn(&i), jcc[k]);
        assert_ptr_equal(i.fn, jcc_fn[k]);
        assert_int_equal(i.imm, 5);
        assert_int_equal(i.opcode, 0x60 + k);
    }
    struct insn i = dec(CPU_8086, false, BYTES(0x0F)); /* POP CS */
    assert_string_equal(mn(&i), "pop");
    assert_ptr_equal(i.fn, op_pop_sreg_16);
    i = dec(CPU_8086, false, BYTES(0xC0, 0x34, 0x12)); /* RET imm16 */
    assert_ptr_equal(i.fn, op_ret_near_imm_16);
    assert_int_equal(i.imm, 0x1234);
    i = dec(CPU_8086, false, BYTES(0xC1));
    assert_ptr_equal(i.fn, op_ret_near_16);
    i = dec(CPU_8086, false, BYTES(0xC8, 0x34, 0x12)); /* RETF imm16 */
    assert_ptr_equal(i.fn, op_ret_far_imm_16);
    assert_int_equal(i.imm, 0x1234);
    i = dec(CPU_8086, false, BYTES(0xC9));
    assert_ptr_equal(i.fn, op_ret_far_16);
    /* and the same bytes on the 286 */
    i = dec(CPU_286, false, BYTES(0x60));
    assert_string_equal(mn(&i), "pusha");
    i = dec(CPU_286, false, BYTES(0xC0, 0xE0, 0x03)); /* shl al, 3 */
    assert_ptr_equal(i.fn, op_shl_EbIb_r);
    i = dec(CPU_286, false, BYTES(0xC9));
    assert_string_equal(mn(&i), "leave");
    i = dec(CPU_286, false, BYTES(0x0F, 0x06));
    assert_string_equal(mn(&i), "clts");
}

static void test_model_286(void **state)
{
    (void)state;
    for (uint8_t op = 0x64; op <= 0x67; op++) {
        struct insn i = dec(CPU_286, false, &op, 1);
        assert_ptr_equal(i.fn, op_invalid);
        assert_int_equal(i.attr, 0);
        /* on the 386 the same byte is a prefix: alone it is not an instruction */
        struct insn j;
        assert_int_equal(decode_insn(tables[CPU_386], &op, 1, false, &j), DECODE_NEED_MORE);
    }
    struct insn i = dec(CPU_286, false, BYTES(0x62, 0x07)); /* bound ax, [bx] */
    assert_ptr_equal(i.fn, op_bound_GvMa_m16);
    EXPECT_UD(CPU_286, false, 0x0F, 0xB6, 0xC1); /* no MOVZX before the 386 */
}

/* ---- Truncation and length limits ---- */

/* Every proper prefix of an instruction needs more bytes; all of it decodes; bytes after
 * it are not part of it. */
static void check_truncations(enum cpu_model_id model, bool code32, const uint8_t *b, size_t n)
{
    char h[100];
    hex(h, sizeof h, b, n);
    struct insn i;
    for (size_t k = 0; k < n; k++)
        if (decode_insn(tables[model], b, (unsigned)k, code32, &i) != DECODE_NEED_MORE)
            fail_msg("[%s] cut to %zu bytes: decoded with length %u", h, k, i.len);
    uint8_t longer[32];
    memcpy(longer, b, n);
    memset(longer + n, 0x90, sizeof longer - n);
    assert_int_equal(decode_insn(tables[model], longer, sizeof longer, code32, &i), DECODE_OK);
    if (i.len != n)
        fail_msg("[%s]: length %u with bytes after it, expected %zu", h, i.len, n);
}

static void test_truncation(void **state)
{
    (void)state;
    /* lock cs: add dword [eax+ecx*4+0x12345678], 0xDEADBEEF in 16-bit code: 15 bytes */
    static const uint8_t longest[] = { 0xF0, 0x2E, 0x66, 0x67, 0x81, 0x84, 0x88, 0x78, 0x56,
                                       0x34, 0x12, 0xEF, 0xBE, 0xAD, 0xDE };
    check_truncations(CPU_P6, false, longest, sizeof longest);
    struct insn i = dec(CPU_P6, false, longest, sizeof longest);
    assert_ptr_equal(i.fn, op_add_EvIv_m32);
    assert_int_equal(i.attr, A_LOCK | A_SEGOVR | A_OP32 | A_AD32 | A_MEM);
    assert_int_equal(i.seg, SEG_CS);
    assert_int_equal(i.base, EAX);
    assert_int_equal(i.index, ECX);
    assert_int_equal(i.scale, 2);
    assert_int_equal(i.disp, 0x12345678);
    assert_int_equal(i.imm, 0xDEADBEEF);

    /* bts dword [ebp+eax*4+0x11223344], 7: 0F map, SIB, disp32, imm8 */
    static const uint8_t bts[] = { 0x0F, 0xBA, 0xAC, 0x85, 0x44, 0x33, 0x22, 0x11, 0x07 };
    check_truncations(CPU_P6, true, bts, sizeof bts);
    i = dec(CPU_P6, true, bts, sizeof bts);
    assert_ptr_equal(i.fn, op_bts_EvIb_m32);
    assert_int_equal(i.seg, SEG_SS);
    assert_int_equal(i.imm, 7);

    static const uint8_t far_call[] = { 0x66, 0x9A, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB };
    check_truncations(CPU_P6, false, far_call, sizeof far_call);
    static const uint8_t enter[] = { 0xC8, 0x10, 0x00, 0x02 };
    check_truncations(CPU_286, false, enter, sizeof enter);
    static const uint8_t moffs[] = { 0x67, 0xA1, 0x78, 0x56, 0x34, 0x12 };
    check_truncations(CPU_386, false, moffs, sizeof moffs);
    static const uint8_t jcc32[] = { 0x0F, 0x85, 0x00, 0x00, 0x01, 0x00 };
    check_truncations(CPU_386, true, jcc32, sizeof jcc32);
    static const uint8_t mov16[] = { 0x26, 0xC7, 0x87, 0x34, 0x12, 0x78, 0x56 };
    check_truncations(CPU_8086, false, mov16, sizeof mov16);
    static const uint8_t prefixes_only[] = { 0xF3, 0x26, 0xA5 };
    check_truncations(CPU_8086, false, prefixes_only, sizeof prefixes_only);
}

static void test_length_limits(void **state)
{
    (void)state;
    uint8_t b[40];
    struct insn i;
    /* 386 and later: 15 bytes are fine, 16 are #GP(0) */
    for (int model = CPU_386; model < CPU_MODEL_COUNT; model++) {
        memset(b, 0x26, sizeof b);
        b[14] = 0x90;
        i = dec((enum cpu_model_id)model, false, b, 15);
        assert_ptr_equal(i.fn, op_xchg_eAX_reg_16);
        b[14] = 0x26;
        b[15] = 0x90;
        i = dec((enum cpu_model_id)model, false, b, 16);
        assert_ptr_equal(i.fn, op_too_long);
        /* also when the prefixes are legitimate and the bytes are an instruction's own */
        static const uint8_t long16[] = { 0x3E, 0xF0, 0x2E, 0x66, 0x67, 0x81, 0x84, 0x88, 0x78,
                                          0x56, 0x34, 0x12, 0xEF, 0xBE, 0xAD, 0xDE };
        i = dec((enum cpu_model_id)model, false, long16, sizeof long16);
        assert_ptr_equal(i.fn, op_too_long);
    }
    /* the 286: 10 bytes */
    memset(b, 0x2E, sizeof b);
    b[9] = 0x90;
    i = dec(CPU_286, false, b, 10);
    assert_ptr_equal(i.fn, op_xchg_eAX_reg_16);
    b[9] = 0x2E;
    b[10] = 0x90;
    i = dec(CPU_286, false, b, 11);
    assert_ptr_equal(i.fn, op_too_long);
    /* the 8086 has no limit */
    memset(b, 0x2E, sizeof b);
    b[39] = 0x40; /* inc ax */
    i = dec(CPU_8086, false, b, 40);
    assert_ptr_equal(i.fn, op_inc_reg_16);
    assert_int_equal(i.seg, SEG_CS);
}

/* The 8086 takes any number of prefixes, but insn.len is 8 bits wide: 255 prefixes and
 * INC AX decode with length 0, so EIP never moves and the instruction repeats forever. */
static void test_8086_prefix_run_length(void **state)
{
    (void)state;
    static uint8_t b[256];
    memset(b, 0x26, 255);
    b[255] = 0x40; /* inc ax */
    struct insn i;
    assert_int_equal(decode_insn(tables[CPU_8086], b, sizeof b, false, &i), DECODE_OK);
    assert_ptr_equal(i.fn, op_inc_reg_16);
    unsigned expected = 0;
    while (b[expected] == 0x26)
        expected++;
    expected++; /* 256: more than insn.len can hold */
    assert_int_equal(i.len, expected); /* the 8086 has no length limit */
}

/* ---- Capstone cross-check ---- */

static bool is_p6_prefix(uint8_t b)
{
    return b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65 ||
           b == 0x66 || b == 0x67 || b == 0xF0 || b == 0xF2 || b == 0xF3;
}

/* Whether the prefixes of the instruction at b include `prefix`. */
static bool has_prefix(const uint8_t *b, unsigned len, uint8_t prefix)
{
    for (unsigned k = 0; k < len && is_p6_prefix(b[k]); k++)
        if (b[k] == prefix)
            return true;
    return false;
}

/* Should the length of this instruction, decoded by glass86 for the P6, be compared with
 * Capstone's? Every exclusion says why; none hides a length glass86 gets wrong. */
enum verdict { SKIP, COMPARE, COMPARE_IF_CAPSTONE_KNOWS_IT };

static enum verdict crosscheck_wanted(const struct insn *i, const uint8_t *b, bool code32)
{
    const struct opcode_def *d = insn_def(i);
    /* #UD and over-long instructions (#GP) have no length to compare. */
    if (i->fn == op_invalid || i->fn == op_too_long || (d->traits & T_INVALID))
        return SKIP;
    /* Rows glass86 does not implement yet (T_UNIMPL, e.g. RDPMC) raise #UD for now. */
    if (d->traits & T_UNIMPL)
        return SKIP;
    /* x87 escapes D8-DF: glass86 has one row per escape and ModRM.reg and lets the handler
     * sort out the register forms, so it takes encodings Capstone 4 rejects: memory forms
     * with no x87 instruction (D9 /1, DB /4, DB /6, DD /5 with mod != 3), which the FPU's
     * handlers must #UD at run time, and reserved register forms (e.g. D9 D1-D7, DE D8-DF
     * other than DE D9, DF E1-E7). Whether those are #UD is for the FPU's own tests; the
     * length is compared whenever Capstone decodes the bytes. */
    if (d->map == 0 && d->opcode >= 0xD8 && d->opcode <= 0xDF)
        return COMPARE_IF_CAPSTONE_KNOWS_IT;
    /* MOV Sw with ModRM.reg 6 or 7 (8C /6, 8C /7, 8E /6, 8E /7): no such segment register,
     * #UD on the P6 (SDM vol. 2B, MOV). glass86 decodes the MOV row and its handler raises
     * the #UD at execution; Capstone rejects the bytes. Either way there is no length. */
    if (d->map == 0 && (d->opcode == 0x8C || d->opcode == 0x8E) && i->reg >= 6)
        return SKIP;
    /* The P6's reserved-NOP range 0F 19-0F 1F, NOP Ev with any ModRM.reg (SDM vol. 2B, NOP;
     * vol. 2D table A-3). Capstone 4 knows only 0F 19 and the memory form of 0F 1F /0 and
     * rejects the rest (newer Capstones decode them, some as later MPX and CET
     * instructions). The ModRM length rules are checked on every other Ev row. */
    if (d->map == 1 && d->opcode >= 0x1A && d->opcode <= 0x1F &&
        !(d->opcode == 0x1F && i->reg == 0 && (i->attr & A_MEM)))
        return SKIP;
    /* A Capstone 4 quirk, 32-bit code: with F2 or F3 present it ignores 66 on CALL/JMP rel
     * and decodes rel32 (as if F2/F3 were MPX's BND prefix), and it rejects MOV moffs
     * (A0-A3) outright. The P6 has no MPX: F2/F3 are ignored on these instructions and
     * 66 selects rel16 (SDM vol. 2A, CALL: "operand-size attribute"), so glass86's length
     * (prefixes + opcode + 2) is the P6's. */
    bool rep = has_prefix(b, i->len, 0xF2) || has_prefix(b, i->len, 0xF3);
    if (code32 && rep && has_prefix(b, i->len, 0x66) && d->map == 0 &&
        (d->opcode == 0xE8 || d->opcode == 0xE9 || (d->opcode >= 0xA0 && d->opcode <= 0xA3)))
        return SKIP;
    return COMPARE;
}

/* Random instruction bytes: up to four prefixes, the 0F escape often, then random bytes.
 * Uniform bytes would reach the 0F map only once in 256 tries. */
static void random_insn(uint64_t *rng, uint8_t *b, unsigned cap)
{
    static const uint8_t prefixes[] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0,
                                        0xF2, 0xF3 };
    unsigned n = 0;
    uint64_t r = fx_rand(rng);
    unsigned np = (r & 7) < 4 ? 0 : (unsigned)((r >> 3) & 3) + 1;
    r >>= 5;
    for (unsigned k = 0; k < np; k++, r >>= 4)
        b[n++] = prefixes[(r & 0xF) % sizeof prefixes];
    if (fx_rand(rng) % 3 == 0)
        b[n++] = 0x0F;
    while (n < cap) {
        uint64_t v = fx_rand(rng);
        for (unsigned k = 0; k < 8 && n < cap; k++, v >>= 8)
            b[n++] = (uint8_t)v;
    }
}

static void crosscheck(bool code32, uint64_t seed, unsigned samples)
{
    csh cs;
    if (cs_open(CS_ARCH_X86, code32 ? CS_MODE_32 : CS_MODE_16, &cs) != CS_ERR_OK)
        fail_msg("cs_open failed");
    cs_insn *ci = cs_malloc(cs);
    uint64_t rng = seed;
    unsigned compared = 0, mismatches = 0;
    for (unsigned n = 0; n < samples; n++) {
        uint8_t b[16];
        random_insn(&rng, b, sizeof b);
        struct insn i;
        if (decode_insn(tables[CPU_P6], b, sizeof b, code32, &i) != DECODE_OK)
            continue;
        enum verdict v = crosscheck_wanted(&i, b, code32);
        if (v == SKIP)
            continue;
        const uint8_t *p = b;
        size_t size = sizeof b;
        uint64_t address = 0x1000;
        bool ok = cs_disasm_iter(cs, &p, &size, &address, ci);
        if (!ok && v == COMPARE_IF_CAPSTONE_KNOWS_IT)
            continue;
        compared++;
        if (ok && ci->size == i.len)
            continue;
        if (++mismatches <= 40) {
            char h[64];
            hex(h, sizeof h, b, i.len > 12 ? i.len : 12);
            print_message("%s-bit [%s]: glass86 %s length %u, capstone %s%s%s length %u\n",
                          code32 ? "32" : "16", h, insn_def(&i)->mnemonic, i.len,
                          ok ? ci->mnemonic : "(invalid)", ok ? " " : "", ok ? ci->op_str : "",
                          ok ? ci->size : 0);
        }
    }
    cs_free(ci, 1);
    cs_close(&cs);
    print_message("capstone cross-check, %s-bit: %u of %u samples compared, %u mismatches\n",
                  code32 ? "32" : "16", compared, samples, mismatches);
    assert_true(compared > samples / 4); /* the generator must reach valid instructions */
    if (mismatches)
        fail_msg("%u instruction lengths differ from Capstone", mismatches);
}

/* GLASS86_CROSSCHECK_SAMPLES and GLASS86_CROSSCHECK_SEED run a longer or different
 * sweep by hand; ctest uses the defaults. */
static void env_or(const char *name, unsigned long long fallback, unsigned long long *out)
{
    const char *v = getenv(name);
    *out = v && *v ? strtoull(v, NULL, 0) : fallback;
}

static void test_capstone_16(void **state)
{
    (void)state;
    unsigned long long samples, seed;
    env_or("GLASS86_CROSSCHECK_SAMPLES", 200000, &samples);
    env_or("GLASS86_CROSSCHECK_SEED", 0x6C61737338360016ull, &seed);
    crosscheck(false, seed, (unsigned)samples);
}

static void test_capstone_32(void **state)
{
    (void)state;
    unsigned long long samples, seed;
    env_or("GLASS86_CROSSCHECK_SAMPLES", 200000, &samples);
    env_or("GLASS86_CROSSCHECK_SEED", 0x6C61737338360032ull, &seed);
    crosscheck(true, seed, (unsigned)samples);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modrm16_forms),
        cmocka_unit_test(test_modrm32_forms),
        cmocka_unit_test(test_sib_forms),
        cmocka_unit_test(test_address_size_prefix),
        cmocka_unit_test(test_operand_size_prefix),
        cmocka_unit_test(test_segment_prefixes),
        cmocka_unit_test(test_rep_and_lock_prefixes),
        cmocka_unit_test(test_immediates),
        cmocka_unit_test(test_0f_map),
        cmocka_unit_test(test_group_rows),
        cmocka_unit_test(test_model_8086),
        cmocka_unit_test(test_model_286),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_8086_prefix_run_length),
        cmocka_unit_test(test_capstone_16),
        cmocka_unit_test(test_capstone_32),
    };
    fx_filter_from_env();
    return cmocka_run_group_tests_name("decode", tests, build_tables, free_tables);
}
