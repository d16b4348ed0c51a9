/* Bit instructions: BT BTS BTR BTC with register and immediate bit offsets, BSF and BSR
 * (Intel SDM vol. 2, BT/BTS/BTR/BTC, BSF/BSR). With a memory operand and a register offset
 * the offset is signed and may reach outside the addressed word. */
#include "cpu/ops.h"

enum bit_op { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

ALWAYS_INLINE void bit_apply(struct machine *m, const struct insn *i, unsigned w, bool mem,
                             int op, uint32_t offset, bool offset_from_reg)
{
    struct cpu *c = &m->cpu;
    uint32_t ea = 0;
    if (mem) {
        ea = insn_ea(m, i);
        if (offset_from_reg) {
            int32_t words = w == 16 ? (int16_t)offset >> 4 : (int32_t)offset >> 5;
            ea += (uint32_t)words * (w / 8);
            if (!(i->attr & A_AD32))
                ea &= 0xFFFF;
        }
    }
    uint8_t *host = op != BIT_TEST ? rmw_host(m, i, w, mem, ea) : NULL;
    uint32_t v = op != BIT_TEST ? rmw_read(m, i, w, mem, ea, host) : rm_read(m, i, w, mem, ea);
    uint32_t bit = 1u << (offset & (w - 1));
    lf_force_cf(&c->lf, (v & bit) != 0); /* ZF is kept; OF SF AF PF are undefined */
    if (op == BIT_TEST)
        return;
    v = op == BIT_SET ? v | bit : op == BIT_RESET ? v & ~bit : v ^ bit;
    rmw_write(m, i, w, mem, ea, host, v);
}
ALWAYS_INLINE void bit_EG(struct machine *m, const struct insn *i, unsigned w, bool mem, int op)
{
    bit_apply(m, i, w, mem, op, reg_get(&m->cpu, i->reg, w), true);
}
ALWAYS_INLINE void bit_EI(struct machine *m, const struct insn *i, unsigned w, bool mem, int op)
{
    bit_apply(m, i, w, mem, op, i->imm, false);
}
INST_EV(bt_EvGv, bit_EG, BIT_TEST)
INST_EV(bts_EvGv, bit_EG, BIT_SET)
INST_EV(btr_EvGv, bit_EG, BIT_RESET)
INST_EV(btc_EvGv, bit_EG, BIT_COMPLEMENT)
INST_EV(bt_EvIb, bit_EI, BIT_TEST)
INST_EV(bts_EvIb, bit_EI, BIT_SET)
INST_EV(btr_EvIb, bit_EI, BIT_RESET)
INST_EV(btc_EvIb, bit_EI, BIT_COMPLEMENT)

/* BSF/BSR: a zero source sets ZF and leaves the destination as it was (undefined in the
 * SDM; what Intel chips do). */
ALWAYS_INLINE void bit_scan(struct machine *m, const struct insn *i, unsigned w, bool mem, bool reverse)
{
    struct cpu *c = &m->cpu;
    uint32_t v = rm_read(m, i, w, mem, mem ? insn_ea(m, i) : 0);
    if (v == 0) {
        lf_logic(&c->lf, 0, w);
        return;
    }
    uint32_t index = reverse ? 31u - (uint32_t)__builtin_clz(v) : (uint32_t)__builtin_ctz(v);
    reg_set(c, i->reg, w, index);
    lf_logic(&c->lf, 1, w); /* ZF clear; the other flags are undefined */
}
INST_EV(bsf_GvEv, bit_scan, false)
INST_EV(bsr_GvEv, bit_scan, true)
