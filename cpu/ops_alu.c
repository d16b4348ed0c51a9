/* Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT
 * (Intel SDM vol. 2, the instruction pages of each). Flags are recorded lazily. */
#include "cpu/ops.h"

enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

ALWAYS_INLINE uint32_t alu(struct cpu *c, int op, uint32_t a, uint32_t b, unsigned w)
{
    uint32_t mask = width_mask(w), r;
    switch (op) {
    case ALU_ADD:
        r = (a + b) & mask;
        lf_add(&c->lf, a, b, r, w);
        return r;
    case ALU_ADC:
        r = (a + b + lf_cf(&c->lf)) & mask;
        lf_add(&c->lf, a, b, r, w);
        return r;
    case ALU_SBB:
        r = (a - b - lf_cf(&c->lf)) & mask;
        lf_sub(&c->lf, a, b, r, w);
        return r;
    case ALU_SUB:
    case ALU_CMP:
        r = (a - b) & mask;
        lf_sub(&c->lf, a, b, r, w);
        return r;
    case ALU_OR:
        r = a | b;
        break;
    case ALU_AND:
        r = a & b;
        break;
    default:
        r = a ^ b;
        break;
    }
    lf_logic(&c->lf, r, w);
    return r;
}

/* op r/m, reg */
ALWAYS_INLINE void alu_EG(struct machine *m, const struct insn *i, unsigned w, bool mem, int form, int op)
{
    uint32_t ea = mem ? ea_of(m, i, form) : 0;
    uint8_t *host = op != ALU_CMP ? rmw_host(m, i, w, mem, ea) : NULL;
    uint32_t a = op != ALU_CMP ? rmw_read(m, i, w, mem, ea, host) : rm_read(m, i, w, mem, ea);
    uint32_t r = alu(&m->cpu, op, a, reg_get(&m->cpu, i->reg, w), w);
    if (op != ALU_CMP)
        rmw_write(m, i, w, mem, ea, host, r);
}
/* op reg, r/m */
ALWAYS_INLINE void alu_GE(struct machine *m, const struct insn *i, unsigned w, bool mem, int form, int op)
{
    uint32_t b = rm_read(m, i, w, mem, mem ? ea_of(m, i, form) : 0);
    uint32_t r = alu(&m->cpu, op, reg_get(&m->cpu, i->reg, w), b, w);
    if (op != ALU_CMP)
        reg_set(&m->cpu, i->reg, w, r);
}
/* op AL/AX/EAX, imm */
ALWAYS_INLINE void alu_AI(struct machine *m, const struct insn *i, unsigned w, int op)
{
    uint32_t r = alu(&m->cpu, op, reg_get(&m->cpu, EAX, w), i->imm & width_mask(w), w);
    if (op != ALU_CMP)
        reg_set(&m->cpu, EAX, w, r);
}
/* op r/m, imm */
ALWAYS_INLINE void alu_EI(struct machine *m, const struct insn *i, unsigned w, bool mem, int form, int op)
{
    uint32_t ea = mem ? ea_of(m, i, form) : 0;
    uint8_t *host = op != ALU_CMP ? rmw_host(m, i, w, mem, ea) : NULL;
    uint32_t a = op != ALU_CMP ? rmw_read(m, i, w, mem, ea, host) : rm_read(m, i, w, mem, ea);
    uint32_t r = alu(&m->cpu, op, a, i->imm & width_mask(w), w);
    if (op != ALU_CMP)
        rmw_write(m, i, w, mem, ea, host, r);
}

#define ALU_HANDLERS(name, OP) \
    INST_EB_EA(name##_EbGb, alu_EG, OP) \
    INST_EV_EA(name##_EvGv, alu_EG, OP) \
    INST_EB_EA(name##_GbEb, alu_GE, OP) \
    INST_EV_EA(name##_GvEv, alu_GE, OP) \
    HANDLER(name##_ALIb) { alu_AI(m, i, 8, OP); } \
    INST_NV(name##_eAXIv, alu_AI, OP) \
    INST_EB_EA(name##_EbIb, alu_EI, OP) \
    INST_EV_EA(name##_EvIv, alu_EI, OP)

ALU_HANDLERS(add, ALU_ADD)
ALU_HANDLERS(or, ALU_OR)
ALU_HANDLERS(adc, ALU_ADC)
ALU_HANDLERS(sbb, ALU_SBB)
ALU_HANDLERS(and, ALU_AND)
ALU_HANDLERS(sub, ALU_SUB)
ALU_HANDLERS(xor, ALU_XOR)
ALU_HANDLERS(cmp, ALU_CMP)

/* TEST: AND without a result. */
ALWAYS_INLINE void test_EG(struct machine *m, const struct insn *i, unsigned w, bool mem, int form)
{
    uint32_t a = rm_read(m, i, w, mem, mem ? ea_of(m, i, form) : 0);
    lf_logic(&m->cpu.lf, a & reg_get(&m->cpu, i->reg, w), w);
}
ALWAYS_INLINE void test_EI(struct machine *m, const struct insn *i, unsigned w, bool mem, int form)
{
    uint32_t a = rm_read(m, i, w, mem, mem ? ea_of(m, i, form) : 0);
    lf_logic(&m->cpu.lf, a & i->imm & width_mask(w), w);
}
ALWAYS_INLINE void test_AI(struct machine *m, const struct insn *i, unsigned w)
{
    lf_logic(&m->cpu.lf, reg_get(&m->cpu, EAX, w) & i->imm & width_mask(w), w);
}
INST_EB_EA(test_EbGb, test_EG)
INST_EV_EA(test_EvGv, test_EG)
INST_EB_EA(test_EbI, test_EI)
INST_EV_EA(test_EvI, test_EI)
HANDLER(test_ALIb) { test_AI(m, i, 8); }
INST_NV(test_eAXIv, test_AI)

/* INC and DEC leave CF alone. */
ALWAYS_INLINE uint32_t inc_dec(struct cpu *c, uint32_t a, unsigned w, bool dec)
{
    bool cf = lf_cf(&c->lf);
    uint32_t r = (dec ? a - 1 : a + 1) & width_mask(w);
    if (dec)
        lf_sub(&c->lf, a, 1, r, w);
    else
        lf_add(&c->lf, a, 1, r, w);
    lf_force_cf(&c->lf, cf);
    return r;
}
ALWAYS_INLINE void inc_dec_E(struct machine *m, const struct insn *i, unsigned w, bool mem, bool dec)
{
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint8_t *host = rmw_host(m, i, w, mem, ea);
    uint32_t r = inc_dec(&m->cpu, rmw_read(m, i, w, mem, ea, host), w, dec);
    rmw_write(m, i, w, mem, ea, host, r);
}
ALWAYS_INLINE void inc_dec_reg(struct machine *m, const struct insn *i, unsigned w, bool dec)
{
    reg_set(&m->cpu, i->reg, w, inc_dec(&m->cpu, reg_get(&m->cpu, i->reg, w), w, dec));
}
INST_EB(inc_Eb, inc_dec_E, false)
INST_EB(dec_Eb, inc_dec_E, true)
INST_EV(inc_Ev, inc_dec_E, false)
INST_EV(dec_Ev, inc_dec_E, true)
INST_NV(inc_reg, inc_dec_reg, false)
INST_NV(dec_reg, inc_dec_reg, true)

ALWAYS_INLINE void not_E(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint8_t *host = rmw_host(m, i, w, mem, ea);
    rmw_write(m, i, w, mem, ea, host, ~rmw_read(m, i, w, mem, ea, host) & width_mask(w));
}
ALWAYS_INLINE void neg_E(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint8_t *host = rmw_host(m, i, w, mem, ea);
    uint32_t a = rmw_read(m, i, w, mem, ea, host);
    uint32_t r = (0 - a) & width_mask(w);
    lf_sub(&m->cpu.lf, 0, a, r, w);
    rmw_write(m, i, w, mem, ea, host, r);
}
INST_EB(not_Eb, not_E)
INST_EV(not_Ev, not_E)
INST_EB(neg_Eb, neg_E)
INST_EV(neg_Ev, neg_E)
