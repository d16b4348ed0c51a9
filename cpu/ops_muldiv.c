/* Multiply and divide: MUL IMUL DIV IDIV in their one-, two- and three-operand forms
 * (Intel SDM vol. 2, MUL/IMUL/DIV/IDIV). #DE on a zero divisor or a quotient that does not
 * fit. The 8086 also faults on the most negative quotient, and a REP prefix makes it negate
 * the result of IMUL and IDIV (its microcode reuses the prefix latch as a sign flag). */
#include "cpu/ops.h"

static bool rep_negates(const struct machine *m, const struct insn *i)
{
    return model_is(m, CPU_8086) && (i->attr & A_REPANY);
}

/* Product flags: CF = OF = "the high half matters"; SF ZF PF AF are undefined, and are left
 * as the low half gives them. */
static void set_mul_flags(struct cpu *c, uint32_t low, unsigned w, bool overflow)
{
    lf_set_explicit(&c->lf, low, w, overflow, overflow, false);
}

ALWAYS_INLINE void mul_E(struct machine *m, const struct insn *i, unsigned w, bool mem, bool sign)
{
    struct cpu *c = &m->cpu;
    uint32_t src = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0);
    uint32_t acc = reg_get(c, EAX, w);
    uint64_t p;
    bool overflow;
    if (sign) {
        int64_t sp = (int64_t)(int32_t)lf_sign_extend(acc, w) * (int32_t)lf_sign_extend(src, w);
        if (rep_negates(m, i))
            sp = -sp;
        p = (uint64_t)sp;
        overflow = (int64_t)(int32_t)lf_sign_extend((uint32_t)p & width_mask(w), w) != sp;
    } else {
        p = (uint64_t)acc * src;
        overflow = (p >> w) != 0;
    }
    uint32_t lo = (uint32_t)p & width_mask(w), hi = (uint32_t)(p >> w) & width_mask(w);
    if (w == 8) {
        cpu_set_reg16(c, EAX, (uint16_t)p);
    } else {
        reg_set(c, EAX, w, lo);
        reg_set(c, EDX, w, hi);
    }
    set_mul_flags(c, lo, w, overflow);
}
INST_EB(mul_Eb, mul_E, false)
INST_EV(mul_Ev, mul_E, false)
INST_EB(imul_Eb, mul_E, true)
INST_EV(imul_Ev, mul_E, true)

/* IMUL reg, r/m [, imm]: the product truncated to the operand size. */
static void imul_trunc(struct machine *m, const struct insn *i, unsigned w, uint32_t a, uint32_t b)
{
    int64_t p = (int64_t)(int32_t)lf_sign_extend(a, w) * (int32_t)lf_sign_extend(b, w);
    uint32_t lo = (uint32_t)p & width_mask(w);
    bool overflow = (int64_t)(int32_t)lf_sign_extend(lo, w) != p;
    reg_set(&m->cpu, i->reg, w, lo);
    set_mul_flags(&m->cpu, lo, w, overflow);
}
ALWAYS_INLINE void imul_GE(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    uint32_t b = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0);
    imul_trunc(m, i, w, reg_get(&m->cpu, i->reg, w), b);
}
ALWAYS_INLINE void imul_GEI(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    uint32_t a = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0);
    imul_trunc(m, i, w, a, i->imm & width_mask(w));
}
INST_EV(imul_GvEv, imul_GE)
INST_EV(imul_GvEvIv, imul_GEI)

ALWAYS_INLINE void div_E(struct machine *m, const struct insn *i, unsigned w, bool mem, bool sign)
{
    struct cpu *c = &m->cpu;
    uint32_t divisor = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0);
    uint64_t dividend = w == 8 ? (c->gpr[EAX] & 0xFFFF)
                               : ((uint64_t)reg_get(c, EDX, w) << w) | reg_get(c, EAX, w);
    if (model_is(m, CPU_8086))
        c->insn_next_eip = c->eip; /* the 8086's #DE returns past the instruction */
    if (divisor == 0)
        cpu_raise(m, EXC_DE, NO_ERROR_CODE);
    uint32_t q, r;
    if (sign) {
        int64_t n = w == 32 ? (int64_t)dividend : (int64_t)(dividend << (64 - 2 * w)) >> (64 - 2 * w);
        int64_t d = (int32_t)lf_sign_extend(divisor, w);
        if (w == 32 && n == INT64_MIN && d == -1)
            cpu_raise(m, EXC_DE, NO_ERROR_CODE);
        int64_t sq = n / d, sr = n % d;
        if (rep_negates(m, i))
            sq = -sq;
        int64_t lim = (int64_t)1 << (w - 1);
        bool fits = model_is(m, CPU_8086) ? (sq > -lim && sq < lim) : (sq >= -lim && sq < lim);
        if (!fits)
            cpu_raise(m, EXC_DE, NO_ERROR_CODE);
        q = (uint32_t)sq & width_mask(w);
        r = (uint32_t)sr & width_mask(w);
    } else {
        uint64_t uq = dividend / divisor;
        if (uq > width_mask(w))
            cpu_raise(m, EXC_DE, NO_ERROR_CODE);
        q = (uint32_t)uq;
        r = (uint32_t)(dividend % divisor);
    }
    if (w == 8) {
        cpu_set_reg16(c, EAX, (uint16_t)(q | (r << 8)));
    } else {
        reg_set(c, EAX, w, q);
        reg_set(c, EDX, w, r);
    }
}
INST_EB(div_Eb, div_E, false)
INST_EV(div_Ev, div_E, false)
INST_EB(idiv_Eb, div_E, true)
INST_EV(idiv_Ev, div_E, true)
