/* x87 data transfer: FLD/FST/FSTP with registers and m32/m64/m80 reals, FILD/FIST/FISTP
 * with m16/m32/m64 integers, FBLD/FBSTP with packed BCD (Intel SDM vol. 2, those pages;
 * vol. 1, 8.5 for the masked responses). A store computes the value and decides whether
 * to write it before touching memory; memory is written before any FPU state changes, so
 * a page fault leaves both as they were. */
#include "cpu/fpu/fpu_arith.h"

static const uint8_t mem_size[] = { 4, 8, 10, 2, 4, 8, 10 };

static uint64_t le_bytes(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n && k < 8; k++)
        v |= (uint64_t)b[k] << (8 * k);
    return v;
}
static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        b[k] = (uint8_t)(v >> (8 * k));
}

/* Convert a memory image to the register format: FLD semantics when `operand` is false
 * (SNaN raises IE and is quieted, a denormal raises DE), arithmetic-operand semantics
 * otherwise. */
static struct f80 from_memory(struct f80_env *e, const uint8_t *b, unsigned kind, bool operand)
{
    uint64_t v = le_bytes(b, mem_size[kind]);
    switch (kind) {
    case MEM_F32: return operand ? f80_operand_f32(e, (uint32_t)v) : f80_from_f32(e, (uint32_t)v);
    case MEM_F64: return operand ? f80_operand_f64(e, v) : f80_from_f64(e, v);
    case MEM_F80: return (struct f80){ v, (uint16_t)(b[8] | (b[9] << 8)) };
    case MEM_I16: return f80_from_int((int16_t)v);
    case MEM_I32: return f80_from_int((int32_t)v);
    case MEM_I64: return f80_from_int((int64_t)v);
    default: return f80_from_bcd(b);
    }
}

struct f80 fpu_read_operand(struct machine *m, const struct insn *i, unsigned kind, struct f80_env *e)
{
    uint8_t b[10];
    fpu_read_mem(m, i, insn_ea(m, i), b, mem_size[kind]);
    return from_memory(e, b, kind, true);
}

void fpu_fld_mem(struct machine *m, const struct insn *i, unsigned kind)
{
    struct fpu *f = fpu_of(m);
    uint8_t b[10];
    fpu_read_mem(m, i, insn_ea(m, i), b, mem_size[kind]);
    struct f80_env e = fpu_env(f);
    if (!((f->empty >> ((fpu_top(f) - 1) & 7)) & 1)) {
        if (fpu_stack_fault(m, true))
            fpu_push(f, f80_indefinite());
        return;
    }
    struct f80 v = from_memory(&e, b, kind, false);
    if (fpu_commit(m, &e))
        fpu_push(f, v);
}

void fpu_fld_sti(struct machine *m, unsigned sti)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~FSW_C1;
    if (st_empty(f, sti)) {
        if (fpu_stack_fault(m, false)) /* masked: the indefinite is pushed, unchecked */
            fpu_push(f, f80_indefinite());
        return;
    }
    fpu_push_checked(m, st_get(f, sti));
}

void fpu_fst_sti(struct machine *m, unsigned sti, bool pop)
{
    struct fpu *f = fpu_of(m);
    f->sw &= ~FSW_C1;
    if (st_empty(f, 0)) {
        if (!fpu_stack_fault(m, false))
            return;
        st_set(f, sti, f80_indefinite());
    } else {
        st_set(f, sti, st_get(f, 0));
    }
    if (pop)
        fpu_pop(f);
}

/* The image of ST(0) in the destination format; flags into e. */
static void to_memory(struct f80_env *e, struct f80 v, unsigned kind, uint8_t *b)
{
    switch (kind) {
    case MEM_F32: put_le(b, f80_to_f32(e, v), 4); break;
    case MEM_F64: put_le(b, f80_to_f64(e, v), 8); break;
    case MEM_F80:
        put_le(b, v.sig, 8);
        put_le(b + 8, v.se, 2);
        break;
    case MEM_I16: put_le(b, (uint64_t)f80_to_int(e, v, 16, false), 2); break;
    case MEM_I32: put_le(b, (uint64_t)f80_to_int(e, v, 32, false), 4); break;
    case MEM_I64: put_le(b, (uint64_t)f80_to_int(e, v, 64, false), 8); break;
    default: f80_to_bcd(e, v, b); break;
    }
}

void fpu_fst_mem(struct machine *m, const struct insn *i, unsigned kind, bool pop)
{
    struct fpu *f = fpu_of(m);
    struct f80_env e = fpu_env(f);
    uint8_t b[10];
    uint32_t ea = insn_ea(m, i);
    if (st_empty(f, 0)) {
        /* Stack underflow: masked, the indefinite of the format is stored. */
        if (f->cw & F80_IE) {
            to_memory(&e, f80_indefinite(), kind, b);
            fpu_write_mem(m, i, ea, b, mem_size[kind]);
        }
        if (fpu_stack_fault(m, false) && pop)
            fpu_pop(f);
        return;
    }
    to_memory(&e, st_get(f, 0), kind, b);
    /* Unmasked invalid, denormal, overflow and underflow leave memory unchanged; with
     * unmasked overflow or underflow the inexact result is not reported and C1 is
     * cleared (SDM vol. 1, 8.5.6). */
    bool store = !(e.flags & ~f->cw & (F80_IE | F80_DE | F80_OE | F80_UE));
    if (store) {
        fpu_write_mem(m, i, ea, b, mem_size[kind]);
    } else if (e.flags & ~f->cw & (F80_OE | F80_UE)) {
        e.flags &= ~F80_PE;
        e.c1 = false;
    }
    fpu_commit(m, &e);
    if (store && pop)
        fpu_pop(f);
}
