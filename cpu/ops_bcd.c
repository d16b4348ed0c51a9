/* Decimal arithmetic: DAA DAS AAA AAS AAM AAD, and the undocumented SALC (Intel SDM vol. 2,
 * the pages of each; SALC: present on every Intel chip from the 8086 on). Where the chips
 * differ, SingleStepTests' captures from a real 8086 and 286 decide: the 8086 adjusts AL
 * and AH separately in AAA/AAS where later chips add to AX as a whole, and its DAA/DAS
 * compare the old AL with 9Fh instead of 99h when AF was set. */
#include "cpu/ops.h"

static uint8_t decimal_threshold(const struct machine *m, bool old_af)
{
    return (model_is(m, CPU_8086) && old_af) ? 0x9F : 0x99;
}

HANDLER(daa)
{
    struct cpu *c = &m->cpu;
    uint8_t al = cpu_reg8(c, 0), old_al = al;
    bool old_cf = lf_cf(&c->lf), old_af = lf_af(&c->lf), cf, af = false;
    if ((al & 0x0F) > 9 || old_af) {
        al += 6;
        af = true;
    }
    cf = old_al > decimal_threshold(m, old_af) || old_cf;
    if (cf)
        al += 0x60;
    cpu_set_reg8(c, 0, al);
    lf_set_explicit(&c->lf, al, 8, cf, false, af);
}

HANDLER(das)
{
    struct cpu *c = &m->cpu;
    uint8_t al = cpu_reg8(c, 0), old_al = al;
    bool old_cf = lf_cf(&c->lf), old_af = lf_af(&c->lf), cf, af = false;
    bool borrow = false;
    if ((al & 0x0F) > 9 || old_af) {
        borrow = al < 6;
        al -= 6;
        af = true;
    }
    cf = old_al > decimal_threshold(m, old_af) || old_cf;
    if (cf)
        al -= 0x60;
    /* From the 286 on, a borrow out of the low adjustment also sets CF; the 8086 drops it. */
    cf = cf || (borrow && !model_is(m, CPU_8086));
    cpu_set_reg8(c, 0, al);
    lf_set_explicit(&c->lf, al, 8, cf, false, af);
}

static void ascii_adjust(struct machine *m, bool subtract)
{
    struct cpu *c = &m->cpu;
    uint16_t ax = cpu_reg16(c, EAX);
    bool adjust = (ax & 0x0F) > 9 || lf_af(&c->lf);
    if (adjust) {
        if (!model_is(m, CPU_8086)) {
            ax = subtract ? (uint16_t)(ax - 6) : (uint16_t)(ax + 0x106);
            if (subtract)
                ax = (uint16_t)(ax - 0x100);
        } else {
            uint8_t al = (uint8_t)(subtract ? ax - 6 : ax + 6);
            uint8_t ah = (uint8_t)((ax >> 8) + (subtract ? -1 : 1));
            ax = (uint16_t)(al | (ah << 8));
        }
    }
    uint8_t al = (uint8_t)(ax & 0xFF);
    cpu_set_reg16(c, EAX, (uint16_t)((ax & 0xFF00) | (al & 0x0F)));
    lf_set_explicit(&c->lf, al, 8, adjust, false, adjust);
}
HANDLER(aaa) { ascii_adjust(m, false); }
HANDLER(aas) { ascii_adjust(m, true); }

HANDLER(aam)
{
    struct cpu *c = &m->cpu;
    uint8_t base = (uint8_t)i->imm, al = cpu_reg8(c, 0);
    if (base == 0) {
        /* The 8086's microcode has set the flags for a zero result when it gives up, and
         * its #DE returns past the instruction. */
        if (model_is(m, CPU_8086)) {
            lf_logic(&c->lf, 0, 8);
            c->insn_next_eip = c->eip;
        }
        cpu_raise(m, EXC_DE, NO_ERROR_CODE);
    }
    uint8_t q = al / base, r = al % base;
    cpu_set_reg16(c, EAX, (uint16_t)(r | (q << 8)));
    lf_logic(&c->lf, r, 8);
}

HANDLER(aad)
{
    struct cpu *c = &m->cpu;
    uint8_t al = cpu_reg8(c, 0), ah = cpu_reg8(c, 4), base = (uint8_t)i->imm;
    uint8_t product = (uint8_t)(ah * base);
    uint8_t r = (uint8_t)(al + product);
    /* The flags come out as from the byte addition the microcode performs. */
    lf_add(&c->lf, al, product, r, 8);
    cpu_set_reg16(c, EAX, r);
}

HANDLER(salc) { cpu_set_reg8(&m->cpu, 0, lf_cf(&m->cpu.lf) ? 0xFF : 0x00); }
