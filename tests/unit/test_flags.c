/* The lazy arithmetic flags of cpu/flags.h against an eager reference that computes OF SF
 * ZF AF PF CF straight from their definitions (Intel SDM vol. 1, 3.4.3.1 and appendix A):
 * carries and overflows from wide integer arithmetic, parity by counting bits. Then the
 * same reference against real instructions run by the CPU. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "cpu/flags.h"

/* ---- The reference ---- */

enum op { ADD, ADC, SUB, SBB, CMP, AND, OR, XOR, INC, DEC, NEG, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "add", "adc", "sub", "sbb", "cmp", "and",
                                                "or",  "xor", "inc", "dec", "neg" };

struct ref {
    uint32_t res;
    uint32_t flags;     /* the six arithmetic flags */
    uint32_t undefined; /* flags the SDM leaves undefined for this operation */
};

static uint64_t wmask(unsigned w) { return (1ull << w) - 1; }

static int64_t sx(uint32_t v, unsigned w)
{
    uint64_t m = wmask(w);
    v &= (uint32_t)m;
    return (v >> (w - 1)) & 1 ? (int64_t)v - (int64_t)(m + 1) : (int64_t)v;
}

/* ZF SF PF of a result of width w. PF: an even number of ones in the low byte. */
static uint32_t ref_szp(uint32_t r, unsigned w)
{
    unsigned ones = 0;
    for (unsigned k = 0; k < 8; k++)
        ones += (r >> k) & 1;
    return (r == 0 ? FLAG_ZF : 0) | ((r >> (w - 1)) & 1 ? FLAG_SF : 0) |
           (ones % 2 == 0 ? FLAG_PF : 0);
}

/* a + b + carry_in */
static struct ref ref_add(uint32_t a, uint32_t b, unsigned cin, unsigned w)
{
    uint64_t sum = (uint64_t)a + b + cin;
    int64_t ssum = sx(a, w) + sx(b, w) + cin;
    int64_t smax = (int64_t)(wmask(w) >> 1), smin = -smax - 1;
    struct ref r = { (uint32_t)(sum & wmask(w)), 0, 0 };
    r.flags = ref_szp(r.res, w) | (sum > wmask(w) ? FLAG_CF : 0) |
              (ssum > smax || ssum < smin ? FLAG_OF : 0) |
              ((a & 0xF) + (b & 0xF) + cin > 0xF ? FLAG_AF : 0);
    return r;
}

/* a - b - borrow_in */
static struct ref ref_sub(uint32_t a, uint32_t b, unsigned bin, unsigned w)
{
    int64_t diff = (int64_t)a - (int64_t)b - bin;
    int64_t sdiff = sx(a, w) - sx(b, w) - bin;
    int64_t smax = (int64_t)(wmask(w) >> 1), smin = -smax - 1;
    struct ref r = { (uint32_t)((uint64_t)diff & wmask(w)), 0, 0 };
    r.flags = ref_szp(r.res, w) | (diff < 0 ? FLAG_CF : 0) |
              (sdiff > smax || sdiff < smin ? FLAG_OF : 0) |
              ((int)(a & 0xF) - (int)(b & 0xF) - (int)bin < 0 ? FLAG_AF : 0);
    return r;
}

/* AND OR XOR: CF = OF = 0, AF undefined. */
static struct ref ref_logic(uint32_t r, unsigned w)
{
    return (struct ref){ r, ref_szp(r, w), FLAG_AF };
}

/* The instruction `op` with operands a (destination) and b, old flags `in`. */
static struct ref ref_op(enum op op, uint32_t a, uint32_t b, uint32_t in, unsigned w)
{
    unsigned cf = (in & FLAG_CF) != 0;
    struct ref r;
    switch (op) {
    case ADD: return ref_add(a, b, 0, w);
    case ADC: return ref_add(a, b, cf, w);
    case SUB:
    case CMP: return ref_sub(a, b, 0, w);
    case SBB: return ref_sub(a, b, cf, w);
    case AND: return ref_logic(a & b, w);
    case OR: return ref_logic(a | b, w);
    case XOR: return ref_logic(a ^ b, w);
    case INC: /* CF is not touched */
        r = ref_add(a, 1, 0, w);
        r.flags = (r.flags & ~FLAG_CF) | (in & FLAG_CF);
        return r;
    case DEC:
        r = ref_sub(a, 1, 0, w);
        r.flags = (r.flags & ~FLAG_CF) | (in & FLAG_CF);
        return r;
    default: /* NEG: 0 - a, so CF = (a != 0) */
        return ref_sub(0, a, 0, w);
    }
}

/* Condition codes from EFLAGS, SDM vol. 1 appendix B, table B-1. */
static bool ref_cond(uint32_t f, unsigned cc)
{
    bool of = f & FLAG_OF, cf = f & FLAG_CF, zf = f & FLAG_ZF, sf = f & FLAG_SF, pf = f & FLAG_PF;
    switch (cc) {
    case 0x0: return of;
    case 0x1: return !of;
    case 0x2: return cf;
    case 0x3: return !cf;
    case 0x4: return zf;
    case 0x5: return !zf;
    case 0x6: return cf || zf;
    case 0x7: return !cf && !zf;
    case 0x8: return sf;
    case 0x9: return !sf;
    case 0xA: return pf;
    case 0xB: return !pf;
    case 0xC: return sf != of;
    case 0xD: return sf == of;
    case 0xE: return zf || sf != of;
    default: return !zf && sf == of;
    }
}

/* ref_cond for all 16 codes at once, as a bit mask, for the flags in the low 12 bits */
static uint16_t ref_cond_mask(uint32_t f)
{
    static uint16_t table[0x1000];
    static bool ready;
    if (!ready) {
        for (uint32_t k = 0; k < 0x1000; k++)
            for (unsigned cc = 0; cc < 16; cc++)
                if (ref_cond(k, cc))
                    table[k] |= (uint16_t)(1u << cc);
        ready = true;
    }
    return table[f & 0xFFF];
}

static void flag_names(uint32_t f, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%s%s%s%s", f & FLAG_OF ? "OF " : "", f & FLAG_SF ? "SF " : "",
             f & FLAG_ZF ? "ZF " : "", f & FLAG_AF ? "AF " : "", f & FLAG_PF ? "PF " : "",
             f & FLAG_CF ? "CF " : "");
}

/* Fails with the operands and both flag sets when the compared flags differ. */
static void check_flags(const char *what, uint32_t a, uint32_t b, unsigned w, uint32_t got,
                        uint32_t want, uint32_t compared)
{
    if (((got ^ want) & compared) == 0)
        return;
    char g[40], x[40];
    flag_names(got & compared, g, sizeof g);
    flag_names(want & compared, x, sizeof x);
    fail_msg("%s/%u a=%#x b=%#x: flags [%s], expected [%s]", what, w, a, b, g, x);
}

/* ---- The lazy flags alone ---- */

/* lf_add/lf_sub/lf_logic as ADD/ADC/SUB/SBB/AND/OR/XOR use them, then lf_get and lf_cond. */
static void check_lazy(enum op op, uint32_t a, uint32_t b, unsigned cin, unsigned w)
{
    struct lazy_flags lf;
    uint32_t mask = (uint32_t)wmask(w), r;
    switch (op) {
    case ADD:
    case ADC:
        r = (a + b + cin) & mask;
        lf_add(&lf, a, b, r, w);
        break;
    case SUB:
    case SBB:
        r = (a - b - cin) & mask;
        lf_sub(&lf, a, b, r, w);
        break;
    case AND: r = a & b; lf_logic(&lf, r, w); break;
    case OR: r = a | b; lf_logic(&lf, r, w); break;
    default: r = a ^ b; lf_logic(&lf, r, w); break;
    }
    struct ref want = ref_op(op, a, b, cin ? FLAG_CF : 0, w);
    if (r != want.res)
        fail_msg("%s/%u a=%#x b=%#x: result %#x, reference %#x", op_names[op], w, a, b, r,
                 want.res);
    /* lf_logic promises AF = 0 (what Intel chips do), so nothing is masked here */
    uint32_t got = lf_get(&lf);
    check_flags(op_names[op], a, b, w, got, want.flags, FLAGS_ARITH);
    uint16_t conds = 0;
    for (unsigned cc = 0; cc < 16; cc++)
        conds |= (uint16_t)(lf_cond(&lf, cc) << cc);
    if (conds != ref_cond_mask(want.flags))
        fail_msg("%s/%u a=%#x b=%#x: conditions true: %#06x, expected %#06x", op_names[op], w, a,
                 b, conds, ref_cond_mask(want.flags));
}

static void test_lazy_8bit_exhaustive(void **state)
{
    (void)state;
    for (uint32_t a = 0; a < 256; a++) {
        for (uint32_t b = 0; b < 256; b++) {
            check_lazy(ADD, a, b, 0, 8);
            check_lazy(ADC, a, b, 1, 8);
            check_lazy(SUB, a, b, 0, 8);
            check_lazy(SBB, a, b, 1, 8);
            check_lazy(AND, a, b, 0, 8);
            check_lazy(OR, a, b, 0, 8);
            check_lazy(XOR, a, b, 0, 8);
        }
    }
}

/* An operand: half the time a value at an edge (0, 1, the sign boundary, all ones, the
 * nibble boundary of AF), otherwise random. */
static uint32_t operand(uint64_t *rng, unsigned w)
{
    uint32_t m = (uint32_t)wmask(w), smax = m >> 1;
    uint64_t r = fx_rand(rng);
    const uint32_t edges[] = { 0, 1, 2, m, m - 1, smax, smax - 1, smax + 1, smax + 2,
                               0xF, 0x10, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
                               0x10000 };
    if (r & 1)
        return (uint32_t)(r >> 32) & m;
    return edges[(r >> 1) % (sizeof edges / sizeof edges[0])] & m;
}

static void lazy_random(unsigned w, unsigned count)
{
    uint64_t rng = 0x666C616773000000ull + w;
    for (unsigned n = 0; n < count; n++) {
        uint32_t a = operand(&rng, w), b = operand(&rng, w);
        check_lazy(ADD, a, b, 0, w);
        check_lazy(ADC, a, b, 1, w);
        check_lazy(SUB, a, b, 0, w);
        check_lazy(SBB, a, b, 1, w);
        check_lazy((enum op)(AND + n % 3), a, b, 0, w);
    }
}

static void test_lazy_16bit_random(void **state)
{
    (void)state;
    lazy_random(16, 1000000);
}

static void test_lazy_32bit_random(void **state)
{
    (void)state;
    lazy_random(32, 1000000);
}

/* INC, DEC and NEG as their handlers build them: lf_add/lf_sub, then lf_force_cf to keep
 * the old CF for INC and DEC. */
static void test_lazy_inc_dec_neg(void **state)
{
    (void)state;
    uint64_t rng = 0x696E6364656Eull;
    for (unsigned w = 8; w <= 32; w *= 2) {
        unsigned count = w == 8 ? 256 : 200000;
        for (unsigned n = 0; n < count; n++) {
            uint32_t a = w == 8 ? n : operand(&rng, w), mask = (uint32_t)wmask(w);
            for (unsigned cf = 0; cf < 2; cf++) {
                struct lazy_flags lf;
                uint32_t in = cf ? FLAG_CF : 0;
                lf_add(&lf, a, 1, (a + 1) & mask, w);
                lf_force_cf(&lf, cf);
                check_flags("inc", a, 1, w, lf_get(&lf), ref_op(INC, a, 0, in, w).flags,
                            FLAGS_ARITH);
                lf_sub(&lf, a, 1, (a - 1) & mask, w);
                lf_force_cf(&lf, cf);
                check_flags("dec", a, 1, w, lf_get(&lf), ref_op(DEC, a, 0, in, w).flags,
                            FLAGS_ARITH);
            }
            struct lazy_flags lf;
            lf_sub(&lf, 0, a, (0 - a) & mask, w);
            struct ref want = ref_op(NEG, a, 0, 0, w);
            check_flags("neg", a, 0, w, lf_get(&lf), want.flags, FLAGS_ARITH);
            assert_int_equal(lf_cf(&lf), a != 0); /* the SDM's own words for NEG */
        }
    }
}

/* Shifts, multiplies and BCD give CF, OF and AF explicitly. */
static void test_lazy_set_explicit(void **state)
{
    (void)state;
    uint64_t rng = 0x6578706C69636974ull;
    for (unsigned w = 8; w <= 32; w *= 2) {
        for (unsigned n = 0; n < 100000; n++) {
            uint32_t r = operand(&rng, w);
            unsigned bits = n & 7;
            bool cf = bits & 1, of = bits & 2, af = bits & 4;
            struct lazy_flags lf;
            lf_set_explicit(&lf, r, w, cf, of, af);
            uint32_t want = ref_szp(r, w) | (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0) |
                            (af ? FLAG_AF : 0);
            check_flags("explicit", r, bits, w, lf_get(&lf), want, FLAGS_ARITH);
        }
    }
}

/* All 64 combinations of the six flags, ZF and SF both set and ZF with PF clear included
 * (POPF and SAHF can load states no arithmetic produces). */
static uint32_t combo(unsigned k)
{
    static const uint32_t bits[6] = { FLAG_CF, FLAG_PF, FLAG_AF, FLAG_ZF, FLAG_SF, FLAG_OF };
    uint32_t f = 0;
    for (unsigned b = 0; b < 6; b++)
        if (k & (1u << b))
            f |= bits[b];
    return f;
}

static void test_lazy_load_get_round_trip(void **state)
{
    (void)state;
    for (unsigned k = 0; k < 64; k++) {
        struct lazy_flags lf;
        uint32_t f = combo(k);
        lf_load(&lf, f);
        check_flags("lf_load", f, 0, 0, lf_get(&lf), f, FLAGS_ARITH);
        /* the other EFLAGS bits do not leak in, and lf_get reports only the six */
        lf_load(&lf, f | (0xFFFFFFFFu & ~FLAGS_ARITH));
        assert_int_equal(lf_get(&lf), f);
        /* each accessor agrees with lf_get */
        assert_int_equal(lf_cf(&lf), (f & FLAG_CF) != 0);
        assert_int_equal(lf_pf(&lf), (f & FLAG_PF) != 0);
        assert_int_equal(lf_af(&lf), (f & FLAG_AF) != 0);
        assert_int_equal(lf_zf(&lf), (f & FLAG_ZF) != 0);
        assert_int_equal(lf_sf(&lf), (f & FLAG_SF) != 0);
        assert_int_equal(lf_of(&lf), (f & FLAG_OF) != 0);
    }
}

static void test_lazy_cond_all_codes(void **state)
{
    (void)state;
    for (unsigned k = 0; k < 64; k++) {
        struct lazy_flags lf;
        uint32_t f = combo(k);
        lf_load(&lf, f);
        for (unsigned cc = 0; cc < 16; cc++)
            if (lf_cond(&lf, cc) != ref_cond(f, cc)) {
                char names[40];
                flag_names(f, names, sizeof names);
                fail_msg("condition %#x with [%s]: %d", cc, names, lf_cond(&lf, cc));
            }
    }
}

/* lf_force_cf and lf_force_of change one flag and keep the other five, whether the state
 * came from lf_load or from arithmetic; lf_force_cf_of changes both. */
static void check_force(struct lazy_flags lf, const char *how)
{
    uint32_t before = lf_get(&lf);
    for (unsigned v = 0; v < 2; v++) {
        struct lazy_flags t = lf;
        lf_force_cf(&t, v);
        check_flags(how, before, v, 0, lf_get(&t), (before & ~FLAG_CF) | (v ? FLAG_CF : 0),
                    FLAGS_ARITH);
        t = lf;
        lf_force_of(&t, v);
        check_flags(how, before, v, 0, lf_get(&t), (before & ~FLAG_OF) | (v ? FLAG_OF : 0),
                    FLAGS_ARITH);
        /* forcing both in turn */
        t = lf;
        lf_force_of(&t, !v);
        lf_force_cf(&t, v);
        check_flags(how, before, v, 0, lf_get(&t),
                    (before & ~(FLAG_CF | FLAG_OF)) | (v ? FLAG_CF : FLAG_OF), FLAGS_ARITH);
        /* and at once, every combination */
        for (unsigned of = 0; of < 2; of++) {
            t = lf;
            lf_force_cf_of(&t, v, of);
            check_flags(how, before, v, of, lf_get(&t),
                        (before & ~(FLAG_CF | FLAG_OF)) | (v ? FLAG_CF : 0) | (of ? FLAG_OF : 0),
                        FLAGS_ARITH);
        }
    }
}

static void test_lazy_force_keeps_others(void **state)
{
    (void)state;
    for (unsigned k = 0; k < 64; k++) {
        struct lazy_flags lf;
        lf_load(&lf, combo(k));
        check_force(lf, "force after lf_load");
    }
    uint64_t rng = 0x666F726365ull;
    for (unsigned w = 8; w <= 32; w *= 2) {
        for (unsigned n = 0; n < 50000; n++) {
            uint32_t a = operand(&rng, w), b = operand(&rng, w), mask = (uint32_t)wmask(w);
            struct lazy_flags lf;
            lf_add(&lf, a, b, (a + b) & mask, w);
            check_force(lf, "force after lf_add");
            lf_sub(&lf, a, b, (a - b) & mask, w);
            check_force(lf, "force after lf_sub");
            lf_logic(&lf, a ^ b, w);
            check_force(lf, "force after lf_logic");
        }
    }
}

/* ---- Real instructions through the CPU ---- */

/* One instruction: `op` on AL/AX/EAX (or the memory at DS:BX) with CL/CX/ECX. */
struct snippet {
    enum op op;
    unsigned w;
    bool mem;
    uint16_t ip;
};

#define CODE_BASE 0x1000u
#define DATA 0x5000u
#define MAX_SNIPPETS (OP_COUNT * 3 * 2)

struct cpu_fixture {
    struct machine *m;
    struct snippet snip[MAX_SNIPPETS];
    unsigned count;
};

/* Encode `op` for width w in register (AL, CL) or memory ([BX], CL) form, 16-bit code. */
static unsigned encode(enum op op, unsigned w, bool mem, uint8_t *b)
{
    static const uint8_t alu_base[OP_COUNT] = { [ADD] = 0x00, [ADC] = 0x10, [SUB] = 0x28,
                                                [SBB] = 0x18, [CMP] = 0x38, [AND] = 0x20,
                                                [OR] = 0x08,  [XOR] = 0x30 };
    unsigned n = 0;
    if (w == 32)
        b[n++] = 0x66;
    switch (op) {
    case INC: /* FE/FF /0 */
    case DEC: /* FE/FF /1 */
        b[n++] = w == 8 ? 0xFE : 0xFF;
        b[n++] = (uint8_t)((mem ? 0x07 : 0xC0) | (op == DEC ? 1 : 0) << 3);
        break;
    case NEG: /* F6/F7 /3 */
        b[n++] = w == 8 ? 0xF6 : 0xF7;
        b[n++] = (uint8_t)((mem ? 0x07 : 0xC0) | 3 << 3);
        break;
    default: /* op r/m, reg with reg = CL/CX/ECX */
        b[n++] = (uint8_t)(alu_base[op] + (w == 8 ? 0 : 1));
        b[n++] = (uint8_t)((mem ? 0x07 : 0xC0) | ECX << 3);
        break;
    }
    b[n++] = 0xF4; /* HLT: ends the decoded block; never reached by cpu_step */
    return n;
}

static int cpu_setup(void **state)
{
    struct cpu_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->m = fx_machine(CPU_P6, 1u << 20);
    fx_real_mode(f->m, 0, CODE_BASE);
    uint16_t ip = CODE_BASE;
    for (int op = 0; op < OP_COUNT; op++)
        for (unsigned w = 8; w <= 32; w *= 2)
            for (int mem = 0; mem < 2; mem++) {
                uint8_t b[8];
                unsigned n = encode((enum op)op, w, mem, b);
                fx_load(f->m, ip, b, n);
                f->snip[f->count++] = (struct snippet){ (enum op)op, w, mem, ip };
                ip += 16;
            }
    *state = f;
    return 0;
}

static int cpu_teardown(void **state)
{
    struct cpu_fixture *f = *state;
    machine_destroy(f->m);
    free(f);
    return 0;
}

/* Run one snippet with a = destination, b = source and the six flags `in`; compare. */
static void run_snippet(struct machine *m, const struct snippet *s, uint32_t a, uint32_t b,
                        uint32_t in)
{
    struct cpu *c = &m->cpu;
    uint32_t mask = (uint32_t)wmask(s->w);
    c->gpr[EAX] = 0xA5A5A5A5u;
    c->gpr[ECX] = 0x5A5A5A5Au;
    c->gpr[EBX] = DATA;
    if (s->mem)
        phys_write(m, DATA, a, s->w / 8);
    else if (s->w == 8)
        cpu_set_reg8(c, 0, (uint8_t)a);
    else
        c->gpr[EAX] = (c->gpr[EAX] & ~mask) | a;
    if (s->w == 8)
        cpu_set_reg8(c, 1, (uint8_t)b);
    else
        c->gpr[ECX] = (c->gpr[ECX] & ~mask) | b;
    cpu_set_eflags(c, 0x2 | in);
    c->eip = s->ip;
    enum cpu_stop why = cpu_step(m);
    if (why != STOP_LIMIT || c->eip != (uint32_t)s->ip + (s->w == 32 ? 3 : 2))
        fail_msg("%s/%u%s a=%#x b=%#x did not complete (stop %d, IP %#x)", op_names[s->op], s->w,
                 s->mem ? " mem" : "", a, b, (int)why, c->eip);

    struct ref want = ref_op(s->op, a, b, in, s->w);
    uint32_t res = s->mem ? phys_read(m, DATA, s->w / 8) : c->gpr[EAX] & mask;
    uint32_t expect = s->op == CMP ? a : want.res;
    if (res != expect)
        fail_msg("%s/%u%s a=%#x b=%#x: result %#x, expected %#x", op_names[s->op], s->w,
                 s->mem ? " mem" : "", a, b, res, expect);
    if (!s->mem && (c->gpr[EAX] & ~mask) != (0xA5A5A5A5u & ~mask))
        fail_msg("%s/%u: bits above the operand changed: EAX=%#x", op_names[s->op], s->w,
                 c->gpr[EAX]);
    check_flags(op_names[s->op], a, b, s->w, cpu_get_eflags(c), want.flags,
                FLAGS_ARITH & ~want.undefined);
}

/* Random initial flags, so a flag an instruction forgets to write shows up. */
static uint32_t random_flags(uint64_t *rng) { return combo((unsigned)(fx_rand(rng) & 63)); }

static void test_cpu_8bit_exhaustive(void **state)
{
    struct cpu_fixture *f = *state;
    uint64_t rng = 0x6370753800ull;
    for (unsigned k = 0; k < f->count; k++) {
        const struct snippet *s = &f->snip[k];
        if (s->w != 8)
            continue;
        bool unary = s->op == INC || s->op == DEC || s->op == NEG;
        bool carry_in = s->op == ADC || s->op == SBB || s->op == INC || s->op == DEC;
        /* register forms see every operand pair, memory forms a random sample */
        unsigned pairs = s->mem ? 8192 : unary ? 256 : 65536;
        for (unsigned n = 0; n < pairs; n++) {
            uint32_t a, b;
            if (s->mem) {
                a = (uint32_t)fx_rand(&rng) & 0xFF;
                b = (uint32_t)fx_rand(&rng) & 0xFF;
            } else {
                a = n & 0xFF;
                b = n >> 8;
            }
            uint32_t in = random_flags(&rng);
            if (carry_in) {
                run_snippet(f->m, s, a, b, in & ~FLAG_CF);
                run_snippet(f->m, s, a, b, in | FLAG_CF);
            } else {
                run_snippet(f->m, s, a, b, in);
            }
        }
    }
}

static void cpu_random(struct cpu_fixture *f, unsigned w, unsigned count)
{
    uint64_t rng = 0x6370750000ull + w;
    for (unsigned k = 0; k < f->count; k++) {
        const struct snippet *s = &f->snip[k];
        if (s->w != w)
            continue;
        for (unsigned n = 0; n < count; n++)
            run_snippet(f->m, s, operand(&rng, w), operand(&rng, w), random_flags(&rng));
    }
}

static void test_cpu_16bit_random(void **state) { cpu_random(*state, 16, 40000); }
static void test_cpu_32bit_random(void **state) { cpu_random(*state, 32, 40000); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_8bit_exhaustive),
        cmocka_unit_test(test_lazy_16bit_random),
        cmocka_unit_test(test_lazy_32bit_random),
        cmocka_unit_test(test_lazy_inc_dec_neg),
        cmocka_unit_test(test_lazy_set_explicit),
        cmocka_unit_test(test_lazy_load_get_round_trip),
        cmocka_unit_test(test_lazy_cond_all_codes),
        cmocka_unit_test(test_lazy_force_keeps_others),
        cmocka_unit_test_setup_teardown(test_cpu_8bit_exhaustive, cpu_setup, cpu_teardown),
        cmocka_unit_test_setup_teardown(test_cpu_16bit_random, cpu_setup, cpu_teardown),
        cmocka_unit_test_setup_teardown(test_cpu_32bit_random, cpu_setup, cpu_teardown),
    };
    fx_filter_from_env();
    return cmocka_run_group_tests_name("flags", tests, NULL, NULL);
}
