/* Rotates and shifts: ROL ROR RCL RCR SHL SHR SAR (group 2), SHLD SHRD, and the 8086's
 * undocumented SETMO/SETMOC at group 2 /6 (Intel SDM vol. 2, RCL/RCR/ROL/ROR, SAL/SAR/SHL/SHR,
 * SHLD, SHRD). The count is masked to 5 bits from the 286 on; the 8086 shifts by the full
 * count, one bit at a time, which the formulas below reproduce for counts past the width. */
#include "cpu/ops.h"

enum shift_op { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

ALWAYS_INLINE uint32_t msb(uint32_t v, unsigned w) { return (v >> (w - 1)) & 1; }

/* Shift `a` by a nonzero count and set the flags; returns the result. */
static uint32_t shift(struct cpu *c, int op, uint32_t a, unsigned count, unsigned w)
{
    uint32_t mask = width_mask(w), r;
    bool cf, of;
    switch (op) {
    case SH_ROL: {
        unsigned n = count % w;
        r = n ? ((a << n) | (a >> (w - n))) & mask : a;
        cf = r & 1;
        of = msb(r, w) ^ cf;
        lf_force_cf_of(&c->lf, cf, of);
        return r;
    }
    case SH_ROR: {
        unsigned n = count % w;
        r = n ? ((a >> n) | (a << (w - n))) & mask : a;
        cf = msb(r, w);
        of = cf ^ msb(r << 1, w);
        lf_force_cf_of(&c->lf, cf, of);
        return r;
    }
    case SH_RCL: {
        unsigned n = count % (w + 1);
        uint64_t v = ((uint64_t)lf_cf(&c->lf) << w) | a; /* a (w+1)-bit rotate through CF */
        if (n)
            v = ((v << n) | (v >> (w + 1 - n))) & ((2ull << w) - 1);
        r = (uint32_t)v & mask;
        cf = (v >> w) & 1;
        of = msb(r, w) ^ cf;
        lf_force_cf_of(&c->lf, cf, of);
        return r;
    }
    case SH_RCR: {
        unsigned n = count % (w + 1);
        uint64_t v = ((uint64_t)lf_cf(&c->lf) << w) | a;
        if (n)
            v = ((v >> n) | (v << (w + 1 - n))) & ((2ull << w) - 1);
        r = (uint32_t)v & mask;
        cf = (v >> w) & 1;
        of = msb(r, w) ^ msb(r << 1, w);
        lf_force_cf_of(&c->lf, cf, of);
        return r;
    }
    case SH_SHL:
    case SH_SAL:
        if (count > w) {
            r = 0;
            cf = false;
        } else {
            uint64_t t = (uint64_t)a << count;
            r = (uint32_t)t & mask;
            cf = (t >> w) & 1;
        }
        of = msb(r, w) ^ cf;
        break;
    case SH_SHR:
        if (count > w) {
            r = 0;
            cf = false;
        } else {
            r = (uint32_t)((uint64_t)a >> count);
            cf = (a >> (count - 1)) & 1;
        }
        /* OF is defined for a count of 1: the old sign. For longer counts the 8086 and 286
         * leave the sign of the value before the last one-bit step. */
        of = count > w ? false : msb((uint32_t)((uint64_t)a >> (count - 1)), w);
        break;
    default: { /* SAR */
        bool sign = msb(a, w);
        if (count >= w) {
            r = sign ? mask : 0;
            cf = sign;
        } else {
            uint32_t fill = sign ? (mask << (w - count)) & mask : 0;
            r = (a >> count) | fill;
            cf = (a >> (count - 1)) & 1;
        }
        of = false;
        break;
    }
    }
    /* AF is undefined after shifts; Intel chips leave it clear. */
    lf_set_explicit(&c->lf, r, w, cf, of, false);
    return r;
}

ALWAYS_INLINE void shift_E(struct machine *m, const struct insn *i, unsigned w, bool mem, int op,
                           unsigned count)
{
    count &= m->cpu.model->shift_count_mask;
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint8_t *host = rmw_host(m, i, w, mem, ea);
    uint32_t a = rmw_read(m, i, w, mem, ea, host);
    if (count == 0)
        return;
    rmw_write(m, i, w, mem, ea, host, shift(&m->cpu, op, a, count, w));
}
ALWAYS_INLINE void shift_E1(struct machine *m, const struct insn *i, unsigned w, bool mem, int op)
{
    shift_E(m, i, w, mem, op, 1);
}
ALWAYS_INLINE void shift_ECL(struct machine *m, const struct insn *i, unsigned w, bool mem, int op)
{
    shift_E(m, i, w, mem, op, cpu_reg8(&m->cpu, 1 /* CL */));
}
ALWAYS_INLINE void shift_EI(struct machine *m, const struct insn *i, unsigned w, bool mem, int op)
{
    shift_E(m, i, w, mem, op, i->imm & 0xFF);
}

#define SHIFT_HANDLERS(name, OP) \
    INST_EB(name##_Eb1, shift_E1, OP) INST_EV(name##_Ev1, shift_E1, OP) \
    INST_EB(name##_EbCL, shift_ECL, OP) INST_EV(name##_EvCL, shift_ECL, OP) \
    INST_EB(name##_EbIb, shift_EI, OP) INST_EV(name##_EvIb, shift_EI, OP)
SHIFT_HANDLERS(rol, SH_ROL)
SHIFT_HANDLERS(ror, SH_ROR)
SHIFT_HANDLERS(rcl, SH_RCL)
SHIFT_HANDLERS(rcr, SH_RCR)
SHIFT_HANDLERS(shl, SH_SHL)
SHIFT_HANDLERS(shr, SH_SHR)
SHIFT_HANDLERS(sar, SH_SAR)

/* SETMO / SETMOC (8086 only): the operand becomes all ones, flags as after OR with it. */
ALWAYS_INLINE void setmo_E(struct machine *m, const struct insn *i, unsigned w, bool mem, bool use_cl)
{
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint8_t *host = rmw_host(m, i, w, mem, ea);
    rmw_read(m, i, w, mem, ea, host);
    if (use_cl && cpu_reg8(&m->cpu, 1) == 0)
        return;
    lf_logic(&m->cpu.lf, width_mask(w), w);
    rmw_write(m, i, w, mem, ea, host, width_mask(w));
}
INST_EB(setmo_Eb1, setmo_E, false)
INST_EV(setmo_Ev1, setmo_E, false)
INST_EB(setmo_EbCL, setmo_E, true)
INST_EV(setmo_EvCL, setmo_E, true)

/* SHLD/SHRD: shift r/m, filling from a register. With a 16-bit operand and a count above
 * 16 the result is undefined; the P6 shifts the 48-bit value dest:src:dest, and so do we. */
ALWAYS_INLINE void shxd(struct machine *m, const struct insn *i, unsigned w, bool mem, bool left,
                        unsigned count)
{
    struct cpu *c = &m->cpu;
    count &= 0x1F;
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint8_t *host = rmw_host(m, i, w, mem, ea);
    uint32_t a = rmw_read(m, i, w, mem, ea, host);
    if (count == 0)
        return;
    uint32_t b = reg_get(c, i->reg, w), r;
    bool cf, of;
    if (w == 16) {
        uint64_t v = ((uint64_t)a << 32) | ((uint64_t)b << 16) | a;
        if (left) {
            r = (uint32_t)(v >> (32 - count)) & 0xFFFF;
            cf = (v >> (48 - count)) & 1;
        } else {
            r = (uint32_t)(v >> count) & 0xFFFF;
            cf = (v >> (count - 1)) & 1;
        }
    } else if (left) {
        r = (a << count) | (count == 32 ? 0 : (uint32_t)((uint64_t)b >> (32 - count)));
        cf = (a >> (32 - count)) & 1;
    } else {
        r = (uint32_t)((((uint64_t)b << 32) | a) >> count);
        cf = (a >> (count - 1)) & 1;
    }
    if (left)
        of = cf ^ ((r >> (w - 1)) & 1);
    else
        of = ((r >> (w - 1)) ^ (r >> (w - 2))) & 1;
    lf_set_explicit(&c->lf, r, w, cf, of, false);
    rmw_write(m, i, w, mem, ea, host, r);
}
ALWAYS_INLINE void shld_Ib(struct machine *m, const struct insn *i, unsigned w, bool mem) { shxd(m, i, w, mem, true, i->imm); }
ALWAYS_INLINE void shld_CL(struct machine *m, const struct insn *i, unsigned w, bool mem) { shxd(m, i, w, mem, true, cpu_reg8(&m->cpu, 1)); }
ALWAYS_INLINE void shrd_Ib(struct machine *m, const struct insn *i, unsigned w, bool mem) { shxd(m, i, w, mem, false, i->imm); }
ALWAYS_INLINE void shrd_CL(struct machine *m, const struct insn *i, unsigned w, bool mem) { shxd(m, i, w, mem, false, cpu_reg8(&m->cpu, 1)); }
INST_EV(shld_EvGvIb, shld_Ib)
INST_EV(shld_EvGvCL, shld_CL)
INST_EV(shrd_EvGvIb, shrd_Ib)
INST_EV(shrd_EvGvCL, shrd_CL)
