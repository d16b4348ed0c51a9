/* The FPU state machine around the arithmetic: reset and FNINIT state, tags, the checks
 * every escape instruction makes (#NM per SDM vol. 3A table 2-2; a pending unmasked
 * exception reported as #MF with CR0.NE = 1, or through FERR#/IRQ 13 with NE = 0, SDM
 * vol. 1 8.7 and appendix D), the last-instruction pointers (8.1.8), and how exception
 * flags reach the status word (8.5, 8.6). */
#include "cpu/fpu/fpu_internal.h"

void fpu_init(struct fpu *f)
{
    f->cw = 0x037F;
    f->sw = 0;
    f->empty = 0xFF;
    f->fop = 0;
    f->fcs = f->fds = 0;
    f->fip = f->fdp = 0;
}

void fpu_reset(struct fpu *f, enum cpu_model_id model)
{
    for (int k = 0; k < 8; k++)
        f->reg[k] = f80_zero(false);
    fpu_init(f);
    f->ferr = false;
    if (model >= CPU_P6) { /* table 9-1: CW 0040H, TW 5555H (every register +0.0) */
        f->cw = 0x0040;
        f->empty = 0;
    }
}

uint16_t fpu_tag_word(const struct fpu *f)
{
    uint16_t tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned tag;
        if ((f->empty >> p) & 1) {
            tag = TAG_EMPTY;
        } else {
            enum f80_class c = f80_classify(f->reg[p]);
            tag = c == F80_ZERO ? TAG_ZERO : c == F80_NORMAL ? TAG_VALID : TAG_SPECIAL;
        }
        tw |= (uint16_t)(tag << (2 * p));
    }
    return tw;
}

void fpu_set_tag_word(struct fpu *f, uint16_t tw)
{
    f->empty = 0;
    for (unsigned p = 0; p < 8; p++)
        if (((tw >> (2 * p)) & 3) == TAG_EMPTY)
            f->empty |= (uint8_t)(1u << p);
}

/* FERR# and IGNNE# (fpu.h has the model). */
void fpu_set_ferr(struct machine *m, bool asserted)
{
    struct fpu *f = fpu_of(m);
    if (f->ferr == asserted)
        return;
    f->ferr = asserted;
    if (m->ferr_changed)
        m->ferr_changed(m->ferr_opaque, asserted);
}

void fpu_set_ignne(struct machine *m, bool asserted) { m->cpu.fpu.ignne = asserted; }

static bool ignne_asserted(const struct machine *m)
{
    return !m->ferr_changed || m->cpu.fpu.ignne;
}

/* ES went up: the 387 raises its ERROR# output at once; the 486 and P6 wait for the next
 * waiting instruction (fpu_error_check). CR0.NE cannot be set on the 386. */
void fpu_error_raised(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    f->sw |= FSW_ES | FSW_B;
    if (model_is(m, CPU_386))
        fpu_set_ferr(m, true);
}

/* ES went down (FNCLEX, FNINIT, a new control word or environment): FERR# follows. */
void fpu_error_cleared(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    f->sw &= (uint16_t)~(FSW_ES | FSW_B);
    fpu_set_ferr(m, false);
}

/* A pending unmasked exception met by an instruction: #MF with CR0.NE = 1 (waiting
 * instructions only); with NE = 0 a waiting instruction freezes unless IGNNE# is
 * asserted, and a no-wait one pulses FERR# on the 486. Returns false when the instruction
 * must not run now: EIP is back on it and the CPU waits for an interrupt. */
bool fpu_error_check(struct machine *m, bool waiting)
{
    struct cpu *c = &m->cpu;
    struct fpu *f = &c->fpu;
    if (!(f->sw & FSW_ES))
        return true;
    if (waiting && (c->cr[0] & CR0_NE_BIT))
        cpu_raise(m, EXC_MF, NO_ERROR_CODE);
    if ((c->cr[0] & CR0_NE_BIT) || ignne_asserted(m))
        return true;
    if (!waiting) {
        if (model_is(m, CPU_486) && !f->ferr) {
            fpu_set_ferr(m, true);
            fpu_set_ferr(m, false);
        }
        return true;
    }
    fpu_set_ferr(m, true);
    c->eip = c->insn_eip;
    c->halted = true;
    cpu_signal(c, EV_HALT);
    return false;
}

bool fpu_commit(struct machine *m, const struct f80_env *e)
{
    struct fpu *f = fpu_of(m);
    unsigned unmasked = e->flags & ~f->cw & 0x3Fu;
    f->sw = (uint16_t)((f->sw | e->flags) & ~FSW_C1);
    if (e->c1)
        f->sw |= FSW_C1;
    if (unmasked)
        fpu_error_raised(m);
    return !(unmasked & (F80_IE | F80_DE | F80_ZE));
}

bool fpu_stack_fault(struct machine *m, bool overflow)
{
    struct fpu *f = fpu_of(m);
    f->sw = (uint16_t)((f->sw | F80_IE | FSW_SF) & ~FSW_C1);
    if (overflow)
        f->sw |= FSW_C1;
    if (f->cw & F80_IE)
        return true;
    fpu_error_raised(m);
    return false;
}

/* The ModRM byte of the instruction being executed, for FOP. Register forms are rebuilt
 * from the decoded fields (the same byte, whatever mod the encoding had); memory forms
 * keep the byte the decoder read. */
static uint8_t current_modrm(const struct insn *i)
{
    if (!(i->attr & A_MEM))
        return (uint8_t)(0xC0 | (i->reg << 3) | i->rm);
    return i->modrm;
}

bool fpu_begin(struct machine *m, const struct insn *i, unsigned how)
{
    struct cpu *c = &m->cpu;
    struct fpu *f = &c->fpu;
    if (c->cr[0] & (CR0_EM_BIT | CR0_TS_BIT))
        cpu_raise(m, EXC_NM, NO_ERROR_CODE);
    if (!fpu_error_check(m, (how & FPU_WAIT) != 0))
        return false;
    if (how & FPU_RECORD) {
        f->fip = c->insn_eip;
        f->fcs = c->seg[SEG_CS].selector;
        f->fop = (uint16_t)(((i->opcode & 7u) << 8) | current_modrm(i));
        if (i->attr & A_MEM) {
            f->fdp = insn_ea(m, i);
            f->fds = c->seg[i->seg].selector;
        }
    }
    return true;
}

void fpu_read_mem(struct machine *m, const struct insn *i, uint32_t off, void *dst, unsigned n)
{
    uint8_t *d = dst;
    for (unsigned k = 0; k < n;) {
        unsigned chunk = n - k >= 4 ? 4 : n - k >= 2 ? 2 : 1;
        uint32_t v = mem_read(m, i->seg, off + k, chunk);
        for (unsigned b = 0; b < chunk; b++)
            d[k + b] = (uint8_t)(v >> (8 * b));
        k += chunk;
    }
}

void fpu_write_mem(struct machine *m, const struct insn *i, uint32_t off, const void *src, unsigned n)
{
    const uint8_t *s = src;
    mem_check_write(m, i->seg, off, n);
    for (unsigned k = 0; k < n;) {
        unsigned chunk = n - k >= 4 ? 4 : n - k >= 2 ? 2 : 1;
        uint32_t v = 0;
        for (unsigned b = 0; b < chunk; b++)
            v |= (uint32_t)s[k + b] << (8 * b);
        mem_write(m, i->seg, off + k, v, chunk);
        k += chunk;
    }
}
