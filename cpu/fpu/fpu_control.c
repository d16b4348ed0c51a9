/* x87 control instructions: FLDCW, FNSTCW, FNSTSW, FNCLEX, FNINIT, FFREE, FDECSTP,
 * FINCSTP, and the environment and state images of FLDENV/FNSTENV/FRSTOR/FNSAVE in their
 * four layouts (16/32-bit operand size x real/protected mode: Intel SDM vol. 1, 8.1.10,
 * figures 8-9 to 8-12; V86 mode uses the real-mode layouts). */
#include "cpu/fpu/fpu_arith.h"

/* After a new control or status word, ES and B say whether an unmasked exception flag is
 * set (reported by the next waiting instruction: SDM vol. 2, FLDCW). */
static void update_error_summary(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    if (f->sw & ~f->cw & 0x3F)
        fpu_error_raised(m);
    else
        fpu_error_cleared(m);
}

void fpu_fldcw(struct machine *m, uint16_t cw)
{
    struct fpu *f = fpu_of(m);
    f->cw = (uint16_t)((cw & 0x1F3F) | 0x0040); /* reserved bits: 6 reads as 1, 13-15 as 0 */
    update_error_summary(m);
}

void fpu_fnclex(struct machine *m)
{
    struct fpu *f = fpu_of(m);
    f->sw &= (uint16_t)~0x7Fu;
    fpu_error_cleared(m);
}

void fpu_fninit(struct machine *m)
{
    fpu_init(fpu_of(m));
    fpu_set_ferr(m, false);
}

void fpu_ffree(struct machine *m, unsigned sti, bool pop)
{
    struct fpu *f = fpu_of(m);
    f->empty |= (uint8_t)(1u << st_phys(f, sti));
    if (pop)
        fpu_pop(f);
}

void fpu_incdec_top(struct machine *m, int delta)
{
    struct fpu *f = fpu_of(m);
    fpu_set_top(f, (unsigned)((int)fpu_top(f) + delta));
    f->sw &= ~FSW_C1;
}

static bool real_layout(const struct cpu *c) { return !cpu_protected(c) || in_v86(c); }

/* Serialise the environment (14 or 28 bytes) in the layout of the current mode and
 * operand size. Reserved halves of the 32-bit layouts are written as 1s, as Intel chips do. */
static unsigned env_image(struct machine *m, const struct insn *i, uint8_t *b)
{
    const struct cpu *c = &m->cpu;
    const struct fpu *f = &c->fpu;
    bool op32 = (i->attr & A_OP32) != 0;
    uint16_t tw = fpu_tag_word(f);
    uint32_t words[7];
    if (real_layout(c)) {
        uint32_t ip = ((uint32_t)f->fcs << 4) + f->fip; /* real mode: linear addresses */
        uint32_t dp = ((uint32_t)f->fds << 4) + f->fdp;
        if (op32) {
            words[3] = 0xFFFF0000u | (ip & 0xFFFF);
            words[4] = ((ip >> 16) << 12) | (f->fop & 0x7FF);
            words[5] = 0xFFFF0000u | (dp & 0xFFFF);
            words[6] = (dp >> 16) << 12;
        } else {
            words[3] = ip & 0xFFFF;
            words[4] = (((ip >> 16) & 0xF) << 12) | (f->fop & 0x7FF);
            words[5] = dp & 0xFFFF;
            words[6] = ((dp >> 16) & 0xF) << 12;
        }
    } else if (op32) {
        words[3] = f->fip;
        words[4] = f->fcs | ((uint32_t)(f->fop & 0x7FF) << 16);
        words[5] = f->fdp;
        words[6] = 0xFFFF0000u | f->fds;
    } else {
        words[3] = f->fip & 0xFFFF;
        words[4] = f->fcs;
        words[5] = f->fdp & 0xFFFF;
        words[6] = f->fds;
    }
    words[0] = f->cw;
    words[1] = f->sw;
    words[2] = tw;
    unsigned size = op32 ? 4 : 2;
    for (unsigned k = 0; k < 7; k++) {
        uint32_t v = words[k];
        if (op32 && k < 3)
            v |= 0xFFFF0000u;
        for (unsigned n = 0; n < size; n++)
            b[k * size + n] = (uint8_t)(v >> (8 * n));
    }
    return 7 * size;
}

/* Load the environment from an image already read from memory. */
static unsigned load_env_image(struct machine *m, const struct insn *i, const uint8_t *b)
{
    struct cpu *c = &m->cpu;
    struct fpu *f = &c->fpu;
    bool op32 = (i->attr & A_OP32) != 0;
    unsigned size = op32 ? 4 : 2;
    uint32_t w[7];
    for (unsigned k = 0; k < 7; k++) {
        w[k] = 0;
        for (unsigned n = 0; n < size; n++)
            w[k] |= (uint32_t)b[k * size + n] << (8 * n);
    }
    f->cw = (uint16_t)((w[0] & 0x1F3F) | 0x0040);
    f->sw = (uint16_t)w[1];
    fpu_set_tag_word(f, (uint16_t)w[2]);
    if (real_layout(c)) {
        uint32_t hi_mask = op32 ? 0xFFFF : 0xF;
        f->fip = (w[3] & 0xFFFF) | (((w[4] >> 12) & hi_mask) << 16);
        f->fdp = (w[5] & 0xFFFF) | (((w[6] >> 12) & hi_mask) << 16);
        f->fop = (uint16_t)(w[4] & 0x7FF);
        f->fcs = f->fds = 0;
    } else if (op32) {
        f->fip = w[3];
        f->fcs = (uint16_t)w[4];
        f->fop = (uint16_t)((w[4] >> 16) & 0x7FF);
        f->fdp = w[5];
        f->fds = (uint16_t)w[6];
    } else {
        f->fip = w[3] & 0xFFFF;
        f->fcs = (uint16_t)w[4];
        f->fdp = w[5] & 0xFFFF;
        f->fds = (uint16_t)w[6];
    }
    /* ES follows the loaded flags and masks, whatever the image said. */
    update_error_summary(m);
    return 7 * size;
}

void fpu_fstenv(struct machine *m, const struct insn *i, bool save_regs)
{
    struct fpu *f = fpu_of(m);
    uint8_t b[108];
    unsigned n = env_image(m, i, b);
    if (save_regs) {
        for (unsigned k = 0; k < 8; k++) {
            struct f80 v = st_get(f, k);
            for (unsigned x = 0; x < 8; x++)
                b[n + 10 * k + x] = (uint8_t)(v.sig >> (8 * x));
            b[n + 10 * k + 8] = (uint8_t)v.se;
            b[n + 10 * k + 9] = (uint8_t)(v.se >> 8);
        }
        n += 80;
    }
    fpu_write_mem(m, i, insn_ea(m, i), b, n);
    if (save_regs) {
        fpu_fninit(m); /* FNSAVE ends with an FNINIT */
    } else {
        f->cw |= 0x3F; /* FNSTENV masks every exception afterwards */
    }
}

void fpu_fldenv(struct machine *m, const struct insn *i, bool restore_regs)
{
    struct fpu *f = fpu_of(m);
    uint8_t b[108];
    unsigned size = (i->attr & A_OP32) ? 28 : 14;
    fpu_read_mem(m, i, insn_ea(m, i), b, size + (restore_regs ? 80 : 0));
    unsigned n = load_env_image(m, i, b);
    if (restore_regs) {
        for (unsigned k = 0; k < 8; k++) {
            const uint8_t *r = b + n + 10 * k;
            uint64_t sig = 0;
            for (unsigned x = 0; x < 8; x++)
                sig |= (uint64_t)r[x] << (8 * x);
            f->reg[st_phys(f, k)] = (struct f80){ sig, (uint16_t)(r[8] | (r[9] << 8)) };
        }
    }
}
