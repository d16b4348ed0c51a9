/* Decoding one instruction: prefixes, opcode, ModRM/SIB, displacement and immediates
 * (Intel SDM vol. 2A, chapter 2: figures 2-1 to 2-3, tables 2-1 to 2-3). The handler is
 * chosen here from the row of cpu/opcodes.def, the operand size and the ModRM form, so
 * executing a cached instruction never looks at its bytes again. */
#include <string.h>

#include "cpu/decode.h"
#include "cpu/cpu.h"

struct cursor {
    const uint8_t *p;
    unsigned pos, avail;
};

/* Read n bytes little-endian; false if the window ends first. */
static bool take(struct cursor *cur, unsigned n, uint32_t *out)
{
    if (cur->pos + n > cur->avail)
        return false;
    uint32_t v = 0;
    for (unsigned k = 0; k < n; k++)
        v |= (uint32_t)cur->p[cur->pos + k] << (8 * k);
    cur->pos += n;
    *out = v;
    return true;
}

static uint32_t sext8(uint32_t v) { return (uint32_t)(int32_t)(int8_t)v; }
static uint32_t sext16(uint32_t v) { return (uint32_t)(int32_t)(int16_t)v; }

/* 16-bit ModRM memory forms (SDM vol. 2A, table 2-1): base, index, default segment. */
static const uint8_t modrm16_base[8] = { EBX, EBX, EBP, EBP, REG_NONE, REG_NONE, EBP, EBX };
static const uint8_t modrm16_index[8] = { ESI, EDI, ESI, EDI, ESI, EDI, REG_NONE, REG_NONE };

static bool decode_modrm(struct cursor *cur, uint8_t modrm, bool ad32, struct insn *out,
                         int *default_seg)
{
    unsigned mod = modrm >> 6, rm = modrm & 7;
    uint32_t disp = 0;
    out->base = REG_NONE;
    out->index = REG_NONE;
    out->scale = 0;
    *default_seg = SEG_DS;
    if (!ad32) {
        if (mod == 0 && rm == 6) {
            if (!take(cur, 2, &disp))
                return false;
        } else {
            out->base = modrm16_base[rm];
            out->index = modrm16_index[rm];
            if (out->base == REG_NONE) { /* [si], [di]: one register, kept as the base */
                out->base = out->index;
                out->index = REG_NONE;
            }
            if (out->base == EBP)
                *default_seg = SEG_SS;
            if (mod == 1) {
                if (!take(cur, 1, &disp))
                    return false;
                disp = sext8(disp);
            } else if (mod == 2) {
                if (!take(cur, 2, &disp))
                    return false;
            }
        }
        out->disp = disp & 0xFFFF;
        return true;
    }
    if (rm == 4) {
        uint32_t sib;
        if (!take(cur, 1, &sib))
            return false;
        unsigned base = sib & 7, index = (sib >> 3) & 7;
        out->scale = (uint8_t)(sib >> 6);
        out->index = index == 4 ? REG_NONE : (uint8_t)index;
        if (base == 5 && mod == 0) {
            if (!take(cur, 4, &disp))
                return false;
        } else {
            out->base = (uint8_t)base;
        }
    } else if (rm == 5 && mod == 0) {
        if (!take(cur, 4, &disp))
            return false;
    } else {
        out->base = (uint8_t)rm;
    }
    if (out->base == EBP || out->base == ESP)
        *default_seg = SEG_SS;
    if (mod == 1) {
        if (!take(cur, 1, &disp))
            return false;
        disp = sext8(disp);
    } else if (mod == 2) {
        if (!take(cur, 4, &disp))
            return false;
    }
    out->disp = disp;
    return true;
}

static bool decode_immediate(struct cursor *cur, enum op_imm kind, bool op32, bool ad32,
                             struct insn *out)
{
    uint32_t v = 0, w = 0;
    switch (kind) {
    case IM_NONE:
        return true;
    case IM_B:
        if (!take(cur, 1, &v))
            return false;
        break;
    case IM_SB:
    case IM_JB:
        if (!take(cur, 1, &v))
            return false;
        v = sext8(v);
        break;
    case IM_W:
        if (!take(cur, 2, &v))
            return false;
        break;
    case IM_V:
        if (!take(cur, op32 ? 4 : 2, &v))
            return false;
        break;
    case IM_JV:
        if (!take(cur, op32 ? 4 : 2, &v))
            return false;
        if (!op32)
            v = sext16(v);
        break;
    case IM_O:
        if (!take(cur, ad32 ? 4 : 2, &v))
            return false;
        break;
    case IM_AP:
        if (!take(cur, op32 ? 4 : 2, &v) || !take(cur, 2, &w))
            return false;
        out->disp = w;
        break;
    case IM_WB:
        if (!take(cur, 2, &v) || !take(cur, 1, &w))
            return false;
        out->disp = w;
        break;
    }
    out->imm = v;
    return true;
}

enum decode_status decode_insn(const struct decoder_table *t, const uint8_t *bytes, unsigned avail,
                               bool code32, struct insn *out)
{
    const struct cpu_model_info *model = cpu_model_get(t->model);
    struct cursor cur = { bytes, 0, avail };
    uint32_t b;
    uint8_t attr = 0;
    int seg_override = -1;
    bool opsize = false, adsize = false;

    memset(out, 0, sizeof *out);
    /* Prefixes. The last segment override and the last of F2/F3 win. */
    for (;;) {
        if (!take(&cur, 1, &b))
            return DECODE_NEED_MORE;
        bool is386 = t->model >= CPU_386;
        if (b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E) {
            seg_override = (b >> 3) & 3;
        } else if (is386 && (b == 0x64 || b == 0x65)) {
            seg_override = b == 0x64 ? SEG_FS : SEG_GS;
        } else if (is386 && b == 0x66) {
            opsize = true;
        } else if (is386 && b == 0x67) {
            adsize = true;
        } else if (b == 0xF0 || (b == 0xF1 && t->model == CPU_8086)) {
            attr |= A_LOCK;
        } else if (b == 0xF2) {
            attr = (uint8_t)((attr & ~A_REPANY) | A_REPNE);
        } else if (b == 0xF3) {
            attr = (uint8_t)((attr & ~A_REPANY) | A_REP);
        } else {
            break;
        }
    }
    unsigned map = 0;
    if (b == 0x0F && t->model >= CPU_286) {
        map = 1;
        if (!take(&cur, 1, &b))
            return DECODE_NEED_MORE;
    }
    bool op32 = code32 ^ opsize, ad32 = code32 ^ adsize;
    if (op32)
        attr |= A_OP32;
    if (ad32)
        attr |= A_AD32;
    out->opcode = (uint8_t)b;

    /* The row for reg 0 tells whether a ModRM byte follows; group rows share the shape. */
    const struct opcode_def *d = t->row[map][b][0];
    bool has_modrm = t->has_modrm[map][b];
    bool mem = false;
    int default_seg = SEG_DS;
    if (has_modrm) {
        uint32_t modrm;
        if (!take(&cur, 1, &modrm))
            return DECODE_NEED_MORE;
        unsigned reg = (modrm >> 3) & 7;
        d = t->row[map][b][reg];
        out->reg = (uint8_t)reg;
        out->rm = modrm & 7;
        out->modrm = (uint8_t)modrm;
        /* MOV to/from control and debug registers ignore mod (SDM vol. 2B, MOV CRn). */
        mem = (modrm >> 6) != 3 && d->shape != SH_RW;
        if (mem) {
            if (!decode_modrm(&cur, (uint8_t)modrm, ad32, out, &default_seg))
                return DECODE_NEED_MORE;
            attr |= A_MEM;
        }
    } else {
        out->reg = b & 7;
    }
    if (!decode_immediate(&cur, (enum op_imm)d->imm, op32, ad32, out))
        return DECODE_NEED_MORE;

    if (seg_override >= 0)
        attr |= A_SEGOVR;
    out->seg = (uint8_t)(seg_override >= 0 ? seg_override : default_seg);
    out->attr = attr;
    out->len = (uint16_t)cur.pos;
    out->def = (uint16_t)(d - opcode_table);
    out->fn = d->fn[(op32 ? 2 : 0) + (mem ? 1 : 0)];
    if (mem && out->index == REG_NONE)
        out->fn = decoder_base_form(out->fn, ad32);

    /* Checks that make the whole instruction invalid (286 and later). */
    /* LOCK with an instruction that cannot be locked is #UD from the 386 on; the 8086 and
     * 286 simply assert their LOCK# pin. */
    if (t->model >= CPU_386 && (attr & A_LOCK) && (!(d->traits & T_LOCK) || !mem))
        out->fn = op_invalid;
    if (model->max_insn_len && cur.pos > model->max_insn_len)
        out->fn = op_too_long;
    return DECODE_OK;
}
