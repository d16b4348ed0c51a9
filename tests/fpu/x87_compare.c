/* fpu-host-compare: glass86's x87 against the host CPU's x87, one instruction at a time.
 * Each case is a random FPU state (registers with tags, control word with all exceptions
 * masked and random rounding/precision control, status flags), random EFLAGS and a random
 * memory operand; the same instruction bytes run natively (x87_host.c) and in glass86
 * (P6 model, real mode with a 32-bit code segment). Compared: the registers in use, the
 * control word, the status word without the condition codes the SDM leaves undefined for
 * that instruction, the tag word, memory, AX and the arithmetic flags. Transcendental
 * results may differ from the host by rounding; those differences are counted in ulps
 * and reported, and fail the run only when larger than --max-ulps.
 *   fpu-host-compare [--count N] [--seed S] [--only NAME] [--verbose] [--max-ulps U] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "mmu/physmem.h"
#include "x87_host.h"

/* ---- Instructions ---- */
enum {
    F_STI = 1,       /* the second byte gets a random register number added */
    F_MEM = 2,       /* the second byte is a ModRM for [ebx] */
    F_TRANS = 4,     /* a transcendental: rounding differences are measured, not failed */
    F_EFLAGS = 8,    /* compare the arithmetic flags */
    F_AX = 16,       /* compare AX */
    F_ENV = 32,      /* stores an environment image: pointer fields are not compared */
};
enum dom { D_ANY, D_TRIG, D_UNIT, D_LOGP1, D_POS, D_SMALLINT };
enum mk { M_NONE, M_F32, M_F64, M_F80, M_I16, M_I32, M_I64, M_BCD, M_CW, M_ENV };

struct idef {
    const char *name;
    uint8_t b0, b1;
    uint8_t flags;
    uint16_t cc_undef;     /* status-word bits not compared */
    uint8_t dom0, dom1;    /* value domains of ST(0) and ST(1) */
    uint8_t mem;           /* memory operand kind */
};

#define C0 0x0100
#define C1 0x0200
#define C2 0x0400
#define C3 0x4000
#define CCX (C0 | C2 | C3)
#define CCALL (C0 | C1 | C2 | C3)
#define MODRM(reg) (uint8_t)(((reg) << 3) | 3)

static const struct idef insns[] = {
    /* Register arithmetic and compares. */
    { "fadd st,sti", 0xD8, 0xC0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fmul st,sti", 0xD8, 0xC8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcom sti", 0xD8, 0xD0, F_STI, 0, D_ANY, D_ANY, 0 },
    { "fcomp sti", 0xD8, 0xD8, F_STI, 0, D_ANY, D_ANY, 0 },
    { "fsub st,sti", 0xD8, 0xE0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fsubr st,sti", 0xD8, 0xE8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fdiv st,sti", 0xD8, 0xF0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fdivr st,sti", 0xD8, 0xF8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fadd sti,st", 0xDC, 0xC0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fmul sti,st", 0xDC, 0xC8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fsubr sti,st", 0xDC, 0xE0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fsub sti,st", 0xDC, 0xE8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fdivr sti,st", 0xDC, 0xF0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fdiv sti,st", 0xDC, 0xF8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "faddp", 0xDE, 0xC0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fmulp", 0xDE, 0xC8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fsubrp", 0xDE, 0xE0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fsubp", 0xDE, 0xE8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fdivrp", 0xDE, 0xF0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fdivp", 0xDE, 0xF8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcompp", 0xDE, 0xD9, 0, 0, D_ANY, D_ANY, 0 },
    { "fucom", 0xDD, 0xE0, F_STI, 0, D_ANY, D_ANY, 0 },
    { "fucomp", 0xDD, 0xE8, F_STI, 0, D_ANY, D_ANY, 0 },
    { "fucompp", 0xDA, 0xE9, 0, 0, D_ANY, D_ANY, 0 },
    { "fucomi", 0xDB, 0xE8, F_STI | F_EFLAGS, 0, D_ANY, D_ANY, 0 },
    { "fcomi", 0xDB, 0xF0, F_STI | F_EFLAGS, 0, D_ANY, D_ANY, 0 },
    { "fucomip", 0xDF, 0xE8, F_STI | F_EFLAGS, 0, D_ANY, D_ANY, 0 },
    { "fcomip", 0xDF, 0xF0, F_STI | F_EFLAGS, 0, D_ANY, D_ANY, 0 },
    { "fcmovb", 0xDA, 0xC0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcmove", 0xDA, 0xC8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcmovbe", 0xDA, 0xD0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcmovu", 0xDA, 0xD8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcmovnb", 0xDB, 0xC0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcmovne", 0xDB, 0xC8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcmovnbe", 0xDB, 0xD0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fcmovnu", 0xDB, 0xD8, F_STI, CCX, D_ANY, D_ANY, 0 },
    /* Register moves and stack control. */
    { "fld sti", 0xD9, 0xC0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fxch", 0xD9, 0xC8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fst sti", 0xDD, 0xD0, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "fstp sti", 0xDD, 0xD8, F_STI, CCX, D_ANY, D_ANY, 0 },
    { "ffree", 0xDD, 0xC0, F_STI, CCALL, D_ANY, D_ANY, 0 },
    { "ffreep", 0xDF, 0xC0, F_STI, CCALL, D_ANY, D_ANY, 0 },
    { "fnop", 0xD9, 0xD0, 0, CCALL, D_ANY, D_ANY, 0 },
    { "fchs", 0xD9, 0xE0, 0, CCX, D_ANY, D_ANY, 0 },
    { "fabs", 0xD9, 0xE1, 0, CCX, D_ANY, D_ANY, 0 },
    { "ftst", 0xD9, 0xE4, 0, 0, D_ANY, D_ANY, 0 },
    { "fxam", 0xD9, 0xE5, 0, 0, D_ANY, D_ANY, 0 },
    { "fld1", 0xD9, 0xE8, 0, CCX, D_ANY, D_ANY, 0 },
    { "fldl2t", 0xD9, 0xE9, 0, CCX, D_ANY, D_ANY, 0 },
    { "fldl2e", 0xD9, 0xEA, 0, CCX, D_ANY, D_ANY, 0 },
    { "fldpi", 0xD9, 0xEB, 0, CCX, D_ANY, D_ANY, 0 },
    { "fldlg2", 0xD9, 0xEC, 0, CCX, D_ANY, D_ANY, 0 },
    { "fldln2", 0xD9, 0xED, 0, CCX, D_ANY, D_ANY, 0 },
    { "fldz", 0xD9, 0xEE, 0, CCX, D_ANY, D_ANY, 0 },
    { "fxtract", 0xD9, 0xF4, 0, CCX, D_ANY, D_ANY, 0 },
    { "fdecstp", 0xD9, 0xF6, 0, CCX, D_ANY, D_ANY, 0 },
    { "fincstp", 0xD9, 0xF7, 0, CCX, D_ANY, D_ANY, 0 },
    { "fprem", 0xD9, 0xF8, 0, 0, D_ANY, D_ANY, 0 },
    { "fprem1", 0xD9, 0xF5, 0, 0, D_ANY, D_ANY, 0 },
    { "fsqrt", 0xD9, 0xFA, 0, CCX, D_ANY, D_ANY, 0 },
    { "frndint", 0xD9, 0xFC, 0, CCX, D_ANY, D_ANY, 0 },
    { "fscale", 0xD9, 0xFD, 0, CCX, D_ANY, D_SMALLINT, 0 },
    { "fnclex", 0xDB, 0xE2, 0, CCALL, D_ANY, D_ANY, 0 },
    { "fninit", 0xDB, 0xE3, 0, 0, D_ANY, D_ANY, 0 },
    { "fnstsw ax", 0xDF, 0xE0, F_AX, 0, D_ANY, D_ANY, 0 },
    /* Transcendentals. */
    { "fsin", 0xD9, 0xFE, F_TRANS, C0 | C3, D_TRIG, D_ANY, 0 },
    { "fcos", 0xD9, 0xFF, F_TRANS, C0 | C3, D_TRIG, D_ANY, 0 },
    { "fsincos", 0xD9, 0xFB, F_TRANS, C0 | C3, D_TRIG, D_ANY, 0 },
    { "fptan", 0xD9, 0xF2, F_TRANS, C0 | C3, D_TRIG, D_ANY, 0 },
    { "fpatan", 0xD9, 0xF3, F_TRANS, CCX, D_ANY, D_ANY, 0 },
    { "f2xm1", 0xD9, 0xF0, F_TRANS, CCX, D_UNIT, D_ANY, 0 },
    { "fyl2x", 0xD9, 0xF1, F_TRANS, CCX, D_POS, D_ANY, 0 },
    { "fyl2xp1", 0xD9, 0xF9, F_TRANS, CCX, D_LOGP1, D_ANY, 0 },
    /* Memory operands. */
    { "fadd m32", 0xD8, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fmul m32", 0xD8, MODRM(1), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fcom m32", 0xD8, MODRM(2), F_MEM, 0, D_ANY, D_ANY, M_F32 },
    { "fcomp m32", 0xD8, MODRM(3), F_MEM, 0, D_ANY, D_ANY, M_F32 },
    { "fsub m32", 0xD8, MODRM(4), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fsubr m32", 0xD8, MODRM(5), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fdiv m32", 0xD8, MODRM(6), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fdivr m32", 0xD8, MODRM(7), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fadd m64", 0xDC, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_F64 },
    { "fmul m64", 0xDC, MODRM(1), F_MEM, CCX, D_ANY, D_ANY, M_F64 },
    { "fcom m64", 0xDC, MODRM(2), F_MEM, 0, D_ANY, D_ANY, M_F64 },
    { "fsub m64", 0xDC, MODRM(4), F_MEM, CCX, D_ANY, D_ANY, M_F64 },
    { "fdivr m64", 0xDC, MODRM(7), F_MEM, CCX, D_ANY, D_ANY, M_F64 },
    { "fiadd m32", 0xDA, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_I32 },
    { "fimul m32", 0xDA, MODRM(1), F_MEM, CCX, D_ANY, D_ANY, M_I32 },
    { "ficom m32", 0xDA, MODRM(2), F_MEM, 0, D_ANY, D_ANY, M_I32 },
    { "fisubr m32", 0xDA, MODRM(5), F_MEM, CCX, D_ANY, D_ANY, M_I32 },
    { "fidiv m32", 0xDA, MODRM(6), F_MEM, CCX, D_ANY, D_ANY, M_I32 },
    { "fiadd m16", 0xDE, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_I16 },
    { "ficomp m16", 0xDE, MODRM(3), F_MEM, 0, D_ANY, D_ANY, M_I16 },
    { "fisub m16", 0xDE, MODRM(4), F_MEM, CCX, D_ANY, D_ANY, M_I16 },
    { "fidivr m16", 0xDE, MODRM(7), F_MEM, CCX, D_ANY, D_ANY, M_I16 },
    { "fld m32", 0xD9, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fst m32", 0xD9, MODRM(2), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fstp m32", 0xD9, MODRM(3), F_MEM, CCX, D_ANY, D_ANY, M_F32 },
    { "fld m64", 0xDD, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_F64 },
    { "fst m64", 0xDD, MODRM(2), F_MEM, CCX, D_ANY, D_ANY, M_F64 },
    { "fstp m64", 0xDD, MODRM(3), F_MEM, CCX, D_ANY, D_ANY, M_F64 },
    { "fld m80", 0xDB, MODRM(5), F_MEM, CCX, D_ANY, D_ANY, M_F80 },
    { "fstp m80", 0xDB, MODRM(7), F_MEM, CCX, D_ANY, D_ANY, M_F80 },
    { "fild m16", 0xDF, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_I16 },
    { "fist m16", 0xDF, MODRM(2), F_MEM, CCX, D_ANY, D_ANY, M_I16 },
    { "fistp m16", 0xDF, MODRM(3), F_MEM, CCX, D_ANY, D_ANY, M_I16 },
    { "fild m32", 0xDB, MODRM(0), F_MEM, CCX, D_ANY, D_ANY, M_I32 },
    { "fist m32", 0xDB, MODRM(2), F_MEM, CCX, D_ANY, D_ANY, M_I32 },
    { "fistp m32", 0xDB, MODRM(3), F_MEM, CCX, D_ANY, D_ANY, M_I32 },
    { "fild m64", 0xDF, MODRM(5), F_MEM, CCX, D_ANY, D_ANY, M_I64 },
    { "fistp m64", 0xDF, MODRM(7), F_MEM, CCX, D_ANY, D_ANY, M_I64 },
    { "fbld", 0xDF, MODRM(4), F_MEM, CCX, D_ANY, D_ANY, M_BCD },
    { "fbstp", 0xDF, MODRM(6), F_MEM, CCX, D_ANY, D_ANY, M_BCD },
    { "fldcw", 0xD9, MODRM(5), F_MEM, CCALL, D_ANY, D_ANY, M_CW },
    { "fnstcw", 0xD9, MODRM(7), F_MEM, CCALL, D_ANY, D_ANY, M_NONE },
    { "fnstsw m16", 0xDD, MODRM(7), F_MEM, CCALL, D_ANY, D_ANY, M_NONE },
    { "fnstenv", 0xD9, MODRM(6), F_MEM | F_ENV, CCALL, D_ANY, D_ANY, M_NONE },
    { "fldenv", 0xD9, MODRM(4), F_MEM | F_ENV, CCALL, D_ANY, D_ANY, M_ENV },
};
#define N_INSNS (sizeof insns / sizeof insns[0])

/* ---- Random values ---- */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }

struct f80v {
    uint64_t sig;
    uint16_t se;
};

static uint64_t random_sig(void)
{
    switch (rn(10)) {
    case 0: return 0x8000000000000000ull;
    case 1: return ~0ull;
    case 2: return 0x8000000000000000ull | (rnd() & 0xFFFFFF0000000000ull); /* a float's worth */
    case 3: return 0x8000000000000000ull | (rnd() & 0xFFFFFFFFFFFFF800ull); /* a double's */
    case 4: return 0x8000000000000000ull | (rnd() >> rn(64));
    case 5: return 0xFFFFFFFFFFFFFFFFull << rn(64) | 0x8000000000000000ull;
    default: return 0x8000000000000000ull | rnd();
    }
}

static struct f80v make(bool sign, unsigned exp, uint64_t sig)
{
    return (struct f80v){ sig, (uint16_t)(((unsigned)sign << 15) | exp) };
}

static struct f80v gen_special(void)
{
    bool s = rn(2);
    switch (rn(12)) {
    case 0: return make(s, 0, 0);                                      /* zero */
    case 1: return make(s, 0, rnd() >> (1 + rn(63)));                 /* denormal */
    case 2: return make(s, 0, 0x8000000000000000ull | rnd());          /* pseudo-denormal */
    case 3: return make(s, 0x7FFF, 0x8000000000000000ull);            /* infinity */
    case 4: return make(s, 0x7FFF, 0xC000000000000000ull | (rn(2) ? rnd() >> 2 : 0)); /* QNaN */
    case 5: return make(s, 0x7FFF, 0x8000000000000000ull | ((rnd() >> 2) | 1)); /* SNaN */
    case 6: return make(s, 1 + rn(0x7FFE), rnd() >> 1);              /* unnormal */
    case 7: return make(s, 0x7FFF, rnd() >> 1);                       /* pseudo-NaN/inf */
    case 8: return make(s, 1 + rn(80), random_sig());                 /* near the bottom */
    case 9: return make(s, 0x7FFE - rn(80), random_sig());            /* near the top */
    case 10: return make(s, 0x3FFF, 0x8000000000000000ull);           /* +-1 */
    default: return make(s, 0x3FFF + rn(64), random_sig());           /* integers */
    }
}

static struct f80v gen_value(int dom)
{
    bool s = rn(2);
    if (rn(100) < 6)
        return gen_special();
    switch (dom) {
    case D_TRIG: {
        unsigned r = rn(10);
        unsigned e = r < 6 ? 0x3FFF - 4 + rn(8) : r < 9 ? 0x3FFF - 70 + rn(134) : 0x3FFF + 60 + rn(6);
        return make(s, e, random_sig());
    }
    case D_UNIT:
        if (rn(10) == 0)
            return make(s, 0x3FFF, 0x8000000000000000ull);
        return make(s, 0x3FFF - 1 - rn(rn(4) ? 8 : 80), random_sig());
    case D_LOGP1:
        return make(s, 0x3FFF - 2 - rn(rn(4) ? 8 : 80), s ? random_sig() & 0xB504F333F9DE6484ull : random_sig());
    case D_POS:
        if (rn(8) == 0)
            return make(false, 0x3FFF + rn(3) - 1, 0x8000000000000000ull | (rnd() >> (50 + rn(14))));
        return make(rn(30) == 0, 0x3FFF - 80 + rn(160), random_sig());
    case D_SMALLINT:
        return make(s, 0x3FFF - 2 + rn(20), random_sig());
    default: {
        unsigned r = rn(10);
        unsigned e = r < 6 ? 0x3FFF - 40 + rn(80) : r < 8 ? 0x3FFF - 2000 + rn(4000) : 1 + rn(0x7FFE);
        return make(s, e, random_sig());
    }
    }
}

/* A value near another one, for cancellation and compare-equal cases. */
static struct f80v gen_near(struct f80v a)
{
    struct f80v b = a;
    switch (rn(4)) {
    case 0: break;
    case 1: b.sig += rn(5) - 2; b.sig |= 0x8000000000000000ull; break;
    case 2: b.se ^= 0x8000; break;
    default: b.se = (uint16_t)((b.se & 0x8000) | ((b.se + rn(70) - 35) & 0x7FFF)); break;
    }
    return b;
}

/* ---- The case ---- */
struct fstate {
    struct f80v st[8];
    uint8_t empty_st;  /* bit k: ST(k) empty */
    uint16_t cw, sw;
};

struct tcase {
    const struct idef *d;
    uint8_t code[3];
    unsigned len;
    struct fstate s;
    uint32_t eflags;
    uint8_t mem[128];
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k)); }
static void put_f80(uint8_t *p, struct f80v v)
{
    for (int k = 0; k < 8; k++)
        p[k] = (uint8_t)(v.sig >> (8 * k));
    put16(p + 8, v.se);
}
static struct f80v get_f80(const uint8_t *p)
{
    struct f80v v = { 0, 0 };
    for (int k = 0; k < 8; k++)
        v.sig |= (uint64_t)p[k] << (8 * k);
    v.se = (uint16_t)(p[8] | (p[9] << 8));
    return v;
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static unsigned tag_of(struct f80v v)
{
    unsigned e = v.se & 0x7FFF;
    if (e == 0 && v.sig == 0)
        return 1;
    if (e != 0 && e != 0x7FFF && (v.sig >> 63))
        return 0;
    return 2;
}

static void gen_memory(struct tcase *t, struct f80v like)
{
    for (int k = 0; k < 128; k++)
        t->mem[k] = (uint8_t)rnd();
    double d;
    float fl;
    struct f80v v = rn(3) ? gen_value(D_ANY) : gen_near(like);
    /* Convert through the host's own conversion for a realistic spread of floats. */
    long double ld;
    memcpy(&ld, &v, 10);
    switch (t->d->mem) {
    case M_F32:
        if (rn(4)) {
            fl = (float)ld;
            memcpy(t->mem, &fl, 4);
        }
        break;
    case M_F64:
        if (rn(4)) {
            d = (double)ld;
            memcpy(t->mem, &d, 8);
        }
        break;
    case M_F80:
        if (rn(4))
            put_f80(t->mem, v);
        break;
    case M_I16:
        if (rn(2))
            put16(t->mem, (uint16_t)(int16_t)(rn(3) ? (int)rn(2000) - 1000 : (int)(int16_t)rnd()));
        break;
    case M_I32:
    case M_I64:
        if (rn(2))
            put32(t->mem, (uint32_t)(rn(2) ? (int)rn(200000) - 100000 : (int)(int32_t)rnd()));
        if (t->d->mem == M_I64 && rn(2))
            put32(t->mem + 4, rn(2) ? 0 : 0xFFFFFFFF);
        break;
    case M_BCD:
        for (int k = 0; k < 9; k++)
            t->mem[k] = (uint8_t)(rn(10) << 4 | rn(10));
        t->mem[9] = rn(2) ? 0x80 : 0;
        break;
    case M_CW:
        /* Keep every exception masked: the host must not take an #MF inside the test. */
        put16(t->mem, (uint16_t)(rnd() | 0x3F));
        break;
    case M_ENV: {
        put16(t->mem, (uint16_t)(rnd() | 0x3F));
        put16(t->mem + 4, (uint16_t)(rnd() & 0x7F7F));
        put16(t->mem + 8, (uint16_t)rnd());
        break;
    }
    default:
        break;
    }
}

static void gen_case(struct tcase *t, const struct idef *d)
{
    memset(t, 0, sizeof *t);
    t->d = d;
    t->code[0] = d->b0;
    t->code[1] = d->b1;
    if (d->flags & F_STI)
        t->code[1] = (uint8_t)(d->b1 + rn(8));
    t->len = 2;
    unsigned top = rn(8);
    for (int k = 0; k < 8; k++) {
        int dom = k == 0 ? d->dom0 : k == 1 ? d->dom1 : D_ANY;
        t->s.st[k] = gen_value(dom);
        if (k > 0 && rn(4) == 0)
            t->s.st[k] = gen_near(t->s.st[0]);
        unsigned pe = k < 2 ? 3 : 25;
        if (rn(100) < pe)
            t->s.empty_st |= (uint8_t)(1u << k);
    }
    if (rn(10) == 0) /* an empty slot for pushes */
        t->s.empty_st |= 0x80;
    if (rn(4) == 0) /* room below the top for pushes */
        t->s.empty_st |= 0x80;
    unsigned pc = rn(4), rc = rn(4);
    t->s.cw = (uint16_t)(0x3F | 0x40 | (pc << 8) | (rc << 10) | (rn(2) << 12));
    t->s.sw = (uint16_t)((top << 11) | (rn(4) == 0 ? (rnd() & 0x3F) : 0) | (rnd() & (C0 | C1 | C2 | C3)));
    t->eflags = 0x202 | (uint32_t)(rnd() & 0x8D5);
    gen_memory(t, t->s.st[0]);
}

/* The FRSTOR image of a state (32-bit protected-mode layout). */
static void state_image(const struct fstate *s, struct x87_image *img)
{
    memset(img->b, 0, sizeof img->b);
    unsigned top = (s->sw >> 11) & 7;
    uint16_t tw = 0;
    for (unsigned k = 0; k < 8; k++) {
        unsigned phys = (top + k) & 7;
        unsigned tag = (s->empty_st >> k) & 1 ? 3 : tag_of(s->st[k]);
        tw |= (uint16_t)(tag << (2 * phys));
        put_f80(img->b + 28 + 10 * k, s->st[k]);
    }
    put16(img->b, s->cw);
    put16(img->b + 4, s->sw);
    put16(img->b + 8, tw);
}

/* ---- glass86 ---- */
#define CODE_AT 0x1000u
#define MEM_AT 0x2000u

static struct machine *emu;

static void emu_setup(void)
{
    struct machine_config cfg = { .model = CPU_P6, .ram_bytes = 1u << 20, .quiet = true };
    char err[200];
    emu = machine_create(&cfg, err, sizeof err);
    if (!emu) {
        fprintf(stderr, "machine_create: %s\n", err);
        exit(2);
    }
}

struct result {
    struct fstate s;
    uint16_t tw;
    uint8_t mem[128];
    uint16_t ax;
    uint32_t eflags;
    bool completed;
};

static void emu_run(const struct tcase *t, struct result *r)
{
    struct cpu *c = &emu->cpu;
    struct fpu *f = &c->fpu;
    cpu_set_seg_cache(c, SEG_CS, 0, 0, 0xFFFFFFFFu, 0x409B);
    for (int s = 0; s < SEG_COUNT; s++)
        if (s != SEG_CS)
            cpu_set_seg_cache(c, s, 0, 0, 0xFFFFFFFFu, 0x4093);
    c->cr[0] = 0x60000010u | 0x20; /* NE */
    uint8_t code[4] = { t->code[0], t->code[1], t->code[2], 0xF4 };
    phys_write_bytes(emu, CODE_AT, code, t->len + 1);
    phys_write_bytes(emu, MEM_AT, t->mem, sizeof t->mem);
    c->eip = CODE_AT;
    c->gpr[EBX] = MEM_AT;
    c->gpr[EAX] = 0;
    c->gpr[ESP] = 0x8000;
    c->halted = false;
    cpu_set_eflags(c, t->eflags);
    unsigned top = (t->s.sw >> 11) & 7;
    f->cw = t->s.cw;
    f->sw = t->s.sw;
    f->empty = 0;
    for (unsigned k = 0; k < 8; k++) {
        unsigned p = (top + k) & 7;
        f->reg[p].sig = t->s.st[k].sig;
        f->reg[p].se = t->s.st[k].se;
        if ((t->s.empty_st >> k) & 1)
            f->empty |= (uint8_t)(1u << p);
    }
    cpu_step(emu);
    r->completed = c->eip == CODE_AT + t->len;
    r->s.cw = f->cw;
    r->s.sw = f->sw;
    r->tw = fpu_tag_word(f);
    unsigned ntop = (f->sw >> 11) & 7;
    r->s.empty_st = 0;
    for (unsigned k = 0; k < 8; k++) {
        unsigned p = (ntop + k) & 7;
        r->s.st[k].sig = f->reg[p].sig;
        r->s.st[k].se = f->reg[p].se;
        if ((f->empty >> p) & 1)
            r->s.empty_st |= (uint8_t)(1u << k);
    }
    phys_read_bytes(emu, MEM_AT, r->mem, sizeof r->mem);
    r->ax = (uint16_t)c->gpr[EAX];
    r->eflags = cpu_get_eflags(c);
}

static void host_run(const struct tcase *t, struct result *r)
{
    struct x87_image in, out;
    state_image(&t->s, &in);
    memcpy(r->mem, t->mem, sizeof r->mem);
    struct x87_io io = { 0, 0, t->eflags };
    x87_host_run(t->code, t->len, &in, r->mem, &out, &io);
    r->completed = true;
    r->s.cw = get16(out.b);
    r->s.sw = get16(out.b + 4);
    r->tw = get16(out.b + 8);
    r->s.empty_st = 0;
    unsigned top = (r->s.sw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++) {
        r->s.st[k] = get_f80(out.b + 28 + 10 * k);
        if (((r->tw >> (2 * ((top + k) & 7))) & 3) == 3)
            r->s.empty_st |= (uint8_t)(1u << k);
    }
    r->ax = (uint16_t)io.rax_out;
    r->eflags = (uint32_t)io.flags_out;
}

/* ---- Comparing ---- */
struct stats {
    uint64_t cases, mismatches, ulp_hist[5]; /* exact, C1/PE only, 1 ulp, 2-3 ulps, more */
};

/* Distance in ulps of two finite values of the same sign (or a large number). */
static uint64_t ulps(struct f80v a, struct f80v b)
{
    if ((a.se & 0x8000) != (b.se & 0x8000) || (a.se & 0x7FFF) == 0x7FFF || (b.se & 0x7FFF) == 0x7FFF)
        return UINT64_MAX;
    /* Map to a monotonic integer: exponent * 2^63 + (sig without J). */
    unsigned __int128 ia = ((unsigned __int128)(a.se & 0x7FFF) << 63) + (a.sig & ~(1ull << 63));
    unsigned __int128 ib = ((unsigned __int128)(b.se & 0x7FFF) << 63) + (b.sig & ~(1ull << 63));
    unsigned __int128 d = ia > ib ? ia - ib : ib - ia;
    return d > 1000000 ? UINT64_MAX : (uint64_t)d;
}

static void dump(const struct tcase *t, const struct result *h, const struct result *e)
{
    printf("%s (%02x %02x) cw=%04x sw=%04x eflags=%03x empty(st)=%02x\n", t->d->name, t->code[0],
           t->code[1], t->s.cw, t->s.sw, t->eflags, t->s.empty_st);
    for (int k = 0; k < 8; k++)
        if (!((t->s.empty_st >> k) & 1))
            printf("  in st%d %04x %016" PRIx64 "\n", k, t->s.st[k].se, t->s.st[k].sig);
    if (t->d->flags & F_MEM) {
        printf("  mem:");
        for (int k = 0; k < 16; k++)
            printf(" %02x", t->mem[k]);
        printf("\n");
    }
    printf("  host: cw=%04x sw=%04x tw=%04x ax=%04x fl=%03x | glass86: cw=%04x sw=%04x tw=%04x ax=%04x fl=%03x%s\n",
           h->s.cw, h->s.sw, h->tw, h->ax, h->eflags & 0x8D5, e->s.cw, e->s.sw, e->tw, e->ax,
           e->eflags & 0x8D5, e->completed ? "" : " (did not complete)");
    for (int k = 0; k < 8; k++) {
        bool he = (h->s.empty_st >> k) & 1, ee = (e->s.empty_st >> k) & 1;
        if (he && ee)
            continue;
        printf("  st%d host %s%04x %016" PRIx64 "  glass86 %s%04x %016" PRIx64 "%s\n", k, he ? "(empty) " : "",
               h->s.st[k].se, h->s.st[k].sig, ee ? "(empty) " : "", e->s.st[k].se, e->s.st[k].sig,
               (!he && !ee && (h->s.st[k].se != e->s.st[k].se || h->s.st[k].sig != e->s.st[k].sig)) ? "  <--" : "");
    }
    if (memcmp(h->mem, e->mem, sizeof h->mem) != 0) {
        printf("  mem host   :");
        for (int k = 0; k < 32; k++)
            printf(" %02x", h->mem[k]);
        printf("\n  mem glass86:");
        for (int k = 0; k < 32; k++)
            printf(" %02x", e->mem[k]);
        printf("\n");
    }
}

/* Returns 0 on a match, 1 on a mismatch, 2 + ulps for a transcendental that differs only
 * in the result's last bits (and the C1/PE that follow from them). */
static uint64_t compare(const struct tcase *t, const struct result *h, const struct result *e)
{
    const struct idef *d = t->d;
    uint16_t swmask = (uint16_t)~d->cc_undef;
    bool trans = d->flags & F_TRANS;
    if (!e->completed || h->s.cw != e->s.cw || h->tw != e->tw)
        return 1;
    if ((d->flags & F_AX) && h->ax != e->ax)
        return 1;
    if ((d->flags & F_EFLAGS) && (h->eflags & 0x8D5) != (e->eflags & 0x8D5))
        return 1;
    if (d->flags & F_ENV) {
        /* Pointer fields (FIP, FCS, FOP, FDP, FDS at 12..27) hold host addresses. */
        if (memcmp(h->mem, e->mem, 12) != 0 || memcmp(h->mem + 28, e->mem + 28, 100) != 0)
            return 1;
    } else if (memcmp(h->mem, e->mem, sizeof h->mem) != 0) {
        return 1;
    }
    uint64_t worst = 0;
    for (int k = 0; k < 8; k++) {
        if ((h->s.empty_st >> k) & 1)
            continue;
        struct f80v a = h->s.st[k], b = e->s.st[k];
        if (a.se == b.se && a.sig == b.sig)
            continue;
        if (!trans)
            return 1;
        uint64_t u = ulps(a, b);
        if (u == UINT64_MAX)
            return 1;
        if (u > worst)
            worst = u;
    }
    if ((h->s.sw & swmask) != (e->s.sw & swmask)) {
        /* A transcendental's C1 says which way the chip rounded its own internal result;
         * where that differs from the exact result's, only C1 (and PE) differ. */
        uint16_t relaxed = (uint16_t)(swmask & ~(C1 | 0x20));
        if (!trans || (h->s.sw & relaxed) != (e->s.sw & relaxed))
            return 1;
        return 2 + (worst ? worst : 0);
    }
    return worst ? 2 + worst : 0;
}

int main(int argc, char **argv)
{
    uint64_t count = 100000, seed = 1, max_ulps = 1, max_report = 10;
    const char *only = NULL;
    bool verbose = false;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--count") && k + 1 < argc)
            count = strtoull(argv[++k], NULL, 0);
        else if (!strcmp(argv[k], "--seed") && k + 1 < argc)
            seed = strtoull(argv[++k], NULL, 0);
        else if (!strcmp(argv[k], "--only") && k + 1 < argc)
            only = argv[++k];
        else if (!strcmp(argv[k], "--max-ulps") && k + 1 < argc)
            max_ulps = strtoull(argv[++k], NULL, 0);
        else if (!strcmp(argv[k], "--report") && k + 1 < argc)
            max_report = strtoull(argv[++k], NULL, 0);
        else if (!strcmp(argv[k], "--verbose"))
            verbose = true;
        else {
            fprintf(stderr, "usage: %s [--count N] [--seed S] [--only NAME] [--max-ulps U] [--report N] [--verbose]\n", argv[0]);
            return 2;
        }
    }
    if (!x87_host_init()) {
        printf("fpu-host-compare: the host has no usable x87; skipped\n");
        return 77;
    }
    emu_setup();
    rng_state = seed;
    static struct stats st[N_INSNS];
    uint64_t failures = 0, reported = 0;
    const struct idef *pool[N_INSNS];
    unsigned npool = 0;
    for (unsigned k = 0; k < N_INSNS; k++)
        if (!only || !strcmp(only, insns[k].name))
            pool[npool++] = &insns[k];
    if (npool == 0) {
        fprintf(stderr, "no instruction named %s\n", only);
        return 2;
    }
    for (uint64_t n = 0; n < count; n++) {
        const struct idef *d = pool[rn(npool)];
        struct tcase t;
        gen_case(&t, d);
        struct result h, e;
        host_run(&t, &h);
        emu_run(&t, &e);
        uint64_t r = compare(&t, &h, &e);
        struct stats *s = &st[d - insns];
        s->cases++;
        if (r >= 2) {
            uint64_t u = r - 2;
            s->ulp_hist[u == 0 ? 1 : u == 1 ? 2 : u <= 3 ? 3 : 4]++;
            if (u > max_ulps) {
                s->mismatches++;
                failures++;
            }
        } else if (r == 1) {
            s->mismatches++;
            failures++;
        } else if (d->flags & F_TRANS) {
            s->ulp_hist[0]++;
        }
        if ((r == 1 || (r >= 2 && r - 2 > max_ulps)) && reported < max_report) {
            reported++;
            dump(&t, &h, &e);
        } else if (verbose && r >= 2) {
            /* One line per rounding difference, for offline checking. */
            printf("ULP %s cw=%04x st0=%04x:%016" PRIx64 " st1=%04x:%016" PRIx64
                   " host=%04x:%016" PRIx64 ",%04x:%016" PRIx64 " glass86=%04x:%016" PRIx64 ",%04x:%016" PRIx64 "\n",
                   d->name, t.s.cw, t.s.st[0].se, t.s.st[0].sig, t.s.st[1].se, t.s.st[1].sig,
                   h.s.st[0].se, h.s.st[0].sig, h.s.st[1].se, h.s.st[1].sig, e.s.st[0].se, e.s.st[0].sig,
                   e.s.st[1].se, e.s.st[1].sig);
        }
    }
    printf("%-14s %10s %10s   transcendentals: exact / C1,PE only / 1 ulp / 2-3 ulps / more\n", "instruction",
           "cases", "mismatches");
    for (unsigned k = 0; k < N_INSNS; k++) {
        if (!st[k].cases)
            continue;
        printf("%-14s %10" PRIu64 " %10" PRIu64, insns[k].name, st[k].cases, st[k].mismatches);
        if (insns[k].flags & F_TRANS)
            printf("   %" PRIu64 " / %" PRIu64 " / %" PRIu64 " / %" PRIu64 " / %" PRIu64, st[k].ulp_hist[0],
                   st[k].ulp_hist[1], st[k].ulp_hist[2], st[k].ulp_hist[3], st[k].ulp_hist[4]);
        printf("\n");
    }
    printf("fpu-host-compare: %" PRIu64 " cases, %" PRIu64 " mismatches\n", count, failures);
    machine_destroy(emu);
    return failures ? 1 : 0;
}
