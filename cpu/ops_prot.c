/* The protected-mode system instructions: SLDT STR LLDT LTR VERR VERW LAR LSL (Intel SDM
 * vol. 2, the page of each; vol. 3A, 5.10 "Pointer validation"). All of them are #UD in
 * real and V86 mode. */
#include "cpu/descriptor.h"
#include "cpu/ops.h"

static void require_protected(struct machine *m)
{
    if (!cpu_protected(&m->cpu) || in_v86(&m->cpu))
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
}

static void set_zf(struct cpu *c, bool zf)
{
    uint32_t f = lf_get(&c->lf);
    lf_load(&c->lf, zf ? (f | FLAG_ZF) : (f & ~FLAG_ZF));
}

/* SLDT/STR: a register destination takes the operand size (upper bits zero). */
ALWAYS_INLINE void store_selector(struct machine *m, const struct insn *i, bool mem, uint16_t sel)
{
    require_protected(m);
    if (mem)
        mem_write16(m, i->seg, insn_ea(m, i), sel);
    else
        reg_set(&m->cpu, i->rm, (i->attr & A_OP32) ? 32 : 16, sel);
}
HANDLER(sldt_r) { store_selector(m, i, false, m->cpu.ldtr.selector); }
HANDLER(sldt_m) { store_selector(m, i, true, m->cpu.ldtr.selector); }
HANDLER(str_r) { store_selector(m, i, false, m->cpu.tr.selector); }
HANDLER(str_m) { store_selector(m, i, true, m->cpu.tr.selector); }

ALWAYS_INLINE void lldt(struct machine *m, const struct insn *i, bool mem)
{
    struct cpu *c = &m->cpu;
    require_protected(m);
    require_cpl0(m);
    uint16_t sel = (uint16_t)rm_read(m, i, 16, mem, mem ? insn_ea(m, i) : 0);
    if ((sel & 0xFFFC) == 0) {
        c->ldtr = (struct segment){ .selector = sel, .lo = 1 };
        return;
    }
    struct descriptor d;
    if ((sel & 4) || !desc_fetch(m, sel, &d) || desc_type(&d) != DT_LDT)
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (!desc_present(&d))
        cpu_raise(m, EXC_NP, sel_error(sel));
    seg_cache_build(&c->ldtr, sel, desc_base(&d), desc_limit(&d), desc_attr(&d));
}
HANDLER(lldt_r) { lldt(m, i, false); }
HANDLER(lldt_m) { lldt(m, i, true); }

ALWAYS_INLINE void ltr(struct machine *m, const struct insn *i, bool mem)
{
    struct cpu *c = &m->cpu;
    require_protected(m);
    require_cpl0(m);
    uint16_t sel = (uint16_t)rm_read(m, i, 16, mem, mem ? insn_ea(m, i) : 0);
    if ((sel & 0xFFFC) == 0)
        cpu_raise(m, EXC_GP, 0);
    struct descriptor d;
    if ((sel & 4) || !desc_fetch(m, sel, &d))
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (desc_type(&d) != DT_TSS16_AVAIL && desc_type(&d) != DT_TSS32_AVAIL)
        cpu_raise(m, EXC_GP, sel_error(sel));
    if (!desc_present(&d))
        cpu_raise(m, EXC_NP, sel_error(sel));
    d.hi |= 0x200; /* busy */
    desc_write_hi(m, &d);
    seg_cache_build(&c->tr, sel, desc_base(&d), desc_limit(&d), desc_attr(&d));
}
HANDLER(ltr_r) { ltr(m, i, false); }
HANDLER(ltr_m) { ltr(m, i, true); }

/* Descriptor visible at the current CPL with the selector's RPL (LAR/LSL/VERR/VERW). */
static bool visible(const struct machine *m, uint16_t sel, const struct descriptor *d)
{
    if (desc_conforming(d))
        return true;
    unsigned dpl = desc_dpl(d);
    return dpl >= m->cpu.cpl && dpl >= (sel & 3u);
}

ALWAYS_INLINE void verify(struct machine *m, const struct insn *i, bool mem, bool write)
{
    struct cpu *c = &m->cpu;
    require_protected(m);
    uint16_t sel = (uint16_t)rm_read(m, i, 16, mem, mem ? insn_ea(m, i) : 0);
    struct descriptor d;
    bool ok = (sel & 0xFFFC) && desc_fetch(m, sel, &d) && desc_is_segment(&d) && visible(m, sel, &d) &&
              (write ? desc_writable(&d) : desc_readable(&d));
    set_zf(c, ok);
}
HANDLER(verr_r) { verify(m, i, false, false); }
HANDLER(verr_m) { verify(m, i, true, false); }
HANDLER(verw_r) { verify(m, i, false, true); }
HANDLER(verw_m) { verify(m, i, true, true); }

/* System descriptor types LAR and LSL accept (SDM vol. 2, LAR table 3-60, LSL 3-61). */
static bool lar_type_ok(unsigned type, bool lsl)
{
    switch (type) {
    case DT_TSS16_AVAIL: case DT_LDT: case DT_TSS16_BUSY: case DT_TSS32_AVAIL: case DT_TSS32_BUSY:
        return true;
    case DT_CALL_GATE16: case DT_TASK_GATE: case DT_CALL_GATE32:
        return !lsl;
    default:
        return false;
    }
}

ALWAYS_INLINE void lar_lsl(struct machine *m, const struct insn *i, unsigned w, bool mem, bool lsl)
{
    struct cpu *c = &m->cpu;
    require_protected(m);
    uint16_t sel = (uint16_t)rm_read(m, i, 16, mem, mem ? insn_ea(m, i) : 0);
    struct descriptor d;
    bool ok = (sel & 0xFFFC) && desc_fetch(m, sel, &d) &&
              (desc_is_segment(&d) || lar_type_ok(desc_type(&d), lsl)) && visible(m, sel, &d);
    if (ok) {
        uint32_t v = lsl ? desc_limit(&d) : (d.hi & 0x00F0FF00u);
        reg_set(c, i->reg, w, v);
    }
    set_zf(c, ok);
}
INST_EV(lar_GvEw, lar_lsl, false)
INST_EV(lsl_GvEw, lar_lsl, true)
