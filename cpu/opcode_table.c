/* Expands cpu/opcodes.def into the opcode table and the per-model decoder lookup.
 * Handler names are derived from a row's stem and shape, e.g. SH_EV + add_EvGv gives
 * op_add_EvGv_r16, _m16, _r32 and _m32 (declared in cpu/handlers.h). */
#include <string.h>

#include "cpu/decode.h"
#include "cpu/handlers.h"

#define ANY 8
#define M86 CPU_8086
#define M286 CPU_286
#define M386 CPU_386
#define M486 CPU_486
#define MP6 CPU_P6
#define F_O 0x800
#define F_S 0x080
#define F_Z 0x040
#define F_A 0x010
#define F_P 0x004
#define F_C 0x001
#define F_ALL (F_O | F_S | F_Z | F_A | F_P | F_C)

#define FN_SH_EB(s) { op_##s##_r, op_##s##_m, op_##s##_r, op_##s##_m }
#define FN_SH_EV(s) { op_##s##_r16, op_##s##_m16, op_##s##_r32, op_##s##_m32 }
#define FN_SH_EW(s) { op_##s##_r, op_##s##_m, op_##s##_r, op_##s##_m }
#define FN_SH_MV(s) { op_invalid, op_##s##_m16, op_invalid, op_##s##_m32 }
#define FN_SH_MW(s) { op_invalid, op_##s##_m, op_invalid, op_##s##_m }
#define FN_SH_RW(s) { op_##s##_r, op_##s##_r, op_##s##_r, op_##s##_r }
#define FN_SH_NV(s) { op_##s##_16, op_##s##_16, op_##s##_32, op_##s##_32 }
#define FN_SH_N(s) { op_##s, op_##s, op_##s, op_##s }

const struct opcode_def opcode_table[] = {
    /* Row 0 stands for every opcode missing from the table. */
    { "(bad)", { op_invalid, op_invalid, op_invalid, op_invalid }, 0, 0, ANY, SH_N, IM_NONE,
      M86, MP6, T_INVALID, 0, 0 },
#define X(map, op, reg, mn, shape, stem, imm, first, last, traits, fw, fu) \
    { mn, FN_##shape(stem), map, op, reg, shape, imm, first, last, traits, fw, fu },
#include "cpu/opcodes.def"
#undef X
};
const unsigned opcode_table_size = sizeof opcode_table / sizeof opcode_table[0];

/* The base-form variants of memory-form handlers: { any form, 16-bit, 32-bit addresses }. */
struct base_form { insn_fn any, b16, b32; };
#define BASE_SH_EB(s) { op_##s##_m, op_##s##_m_b16, op_##s##_m_b32 },
#define BASE_SH_EV(s) { op_##s##_m16, op_##s##_m16_b16, op_##s##_m16_b32 }, \
                      { op_##s##_m32, op_##s##_m32_b16, op_##s##_m32_b32 },
#define BASE_SH_MV(s) BASE_SH_EV(s)
#define BASE(shape, s) BASE_##shape(s)
static const struct base_form base_forms[] = { BASE_FORM_STEMS(BASE) };
#undef BASE

insn_fn decoder_base_form(insn_fn fn, bool ad32)
{
    for (size_t k = 0; k < sizeof base_forms / sizeof base_forms[0]; k++)
        if (base_forms[k].any == fn)
            return ad32 ? base_forms[k].b32 : base_forms[k].b16;
    return fn;
}

void decoder_table_build(struct decoder_table *t, enum cpu_model_id model)
{
    t->model = model;
    memset(t->has_modrm, 0, sizeof t->has_modrm);
    for (int map = 0; map < 2; map++)
        for (int op = 0; op < 256; op++)
            for (int reg = 0; reg < 8; reg++)
                t->row[map][op][reg] = &opcode_table[0];
    /* Rows for all reg values go in first, so that group rows can refine them. */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned k = 1; k < opcode_table_size; k++) {
            const struct opcode_def *d = &opcode_table[k];
            if (model < d->min_model || model > d->max_model)
                continue;
            if ((d->reg == ANY) != (pass == 0))
                continue;
            for (int reg = 0; reg < 8; reg++)
                if (d->reg == ANY || d->reg == reg)
                    t->row[d->map][d->opcode][reg] = d;
            if (d->shape != SH_N && d->shape != SH_NV)
                t->has_modrm[d->map][d->opcode] = true;
        }
    }
}
