/* The instruction decoder: bytes at CS:EIP -> one 32-byte `struct insn` whose handler was
 * chosen here, once, from the opcode table in cpu/opcodes.def (operand size, register or
 * memory form, CPU model). Encoding rules: Intel SDM vol. 2A, chapter 2 and appendix A. */
#ifndef GLASS86_DECODE_H
#define GLASS86_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/models.h"

struct machine;
struct insn;
typedef void (*insn_fn)(struct machine *m, const struct insn *i);

/* insn.attr bits */
#define A_OP32 0x01u    /* 32-bit operand size */
#define A_AD32 0x02u    /* 32-bit address size */
#define A_MEM 0x04u     /* ModRM names memory */
#define A_REP 0x08u     /* F3 (REP / REPE) */
#define A_REPNE 0x10u   /* F2 */
#define A_LOCK 0x20u
#define A_SEGOVR 0x40u  /* an explicit segment prefix was given */
#define A_REPANY (A_REP | A_REPNE)

#define REG_NONE 8      /* insn.base / insn.index: no register */

/* A decoded instruction. Handlers see EIP already advanced past it. */
struct insn {
    insn_fn fn;
    uint32_t imm;       /* immediate, relative target offset or moffs */
    uint32_t disp;      /* ModRM displacement; second immediate of ENTER and far pointers */
    uint16_t def;       /* index of its row in the opcode table (names, flags, traits) */
    uint16_t len;       /* length in bytes, prefixes included (the 8086 has no limit) */
    uint8_t opcode;     /* last opcode byte (condition codes, register-in-opcode forms) */
    uint8_t reg;        /* ModRM.reg, or the register encoded in the opcode */
    uint8_t rm;         /* ModRM.rm register when A_MEM is clear */
    uint8_t base;       /* memory form: base register or REG_NONE */
    uint8_t index;      /* memory form: index register or REG_NONE */
    uint8_t scale;      /* memory form: shift count 0..3 */
    uint8_t seg;        /* memory form: effective segment after overrides */
    uint8_t attr;       /* A_* bits */
    uint8_t modrm;      /* the ModRM byte as encoded (an x87 instruction's FOP keeps it) */
};
_Static_assert(sizeof(struct insn) <= 32, "a decoded instruction must stay within 32 bytes");

/* Operand shapes: which handlers an opcode row provides. */
enum op_shape {
    SH_EB,   /* ModRM, byte operand: stem_r, stem_m */
    SH_EV,   /* ModRM, word or dword operand: stem_r16, stem_m16, stem_r32, stem_m32 */
    SH_EW,   /* ModRM, one size: stem_r, stem_m */
    SH_MV,   /* ModRM, memory only, word or dword: stem_m16, stem_m32 (register form #UD) */
    SH_MW,   /* ModRM, memory only, one size: stem_m */
    SH_RW,   /* ModRM, register only whatever mod says (MOV CRn): stem_r */
    SH_NV,   /* no ModRM, word or dword: stem_16, stem_32 */
    SH_N,    /* no ModRM, one handler: stem */
};

/* Immediate operands that follow ModRM/displacement. */
enum op_imm {
    IM_NONE,
    IM_B,    /* imm8 */
    IM_SB,   /* imm8 sign-extended to the operand size */
    IM_W,    /* imm16 */
    IM_V,    /* imm16 or imm32 by operand size */
    IM_JB,   /* rel8, sign-extended */
    IM_JV,   /* rel16 or rel32 */
    IM_AP,   /* far pointer: offset (operand size) then selector in disp */
    IM_O,    /* moffs: offset of address size */
    IM_WB,   /* ENTER: imm16 then imm8 (in disp) */
};

/* Traits of an opcode row. */
#define T_ENDS 0x01u      /* ends a decoded block: branches, mode or interrupt-state changes */
#define T_LOCK 0x02u      /* LOCK allowed with a memory destination */
#define T_STRING 0x04u    /* string instruction: REP prefixes apply */
#define T_UNIMPL 0x08u    /* known opcode glass86 does not implement yet: #UD, counted */
#define T_INVALID 0x10u   /* architecturally invalid on this model: #UD */

struct opcode_def {
    const char *mnemonic;
    insn_fn fn[4];        /* indexed by (op32 ? 2 : 0) + (memory form ? 1 : 0) */
    uint8_t map;          /* 0: one-byte map, 1: 0F map */
    uint8_t opcode;
    uint8_t reg;          /* ModRM.reg for group rows, 8 for all */
    uint8_t shape, imm;
    uint8_t min_model, max_model;
    uint8_t traits;
    uint16_t flags_written, flags_undefined;
};

/* The opcode table filtered for one CPU model: [map][opcode][ModRM.reg] -> row. */
struct decoder_table {
    const struct opcode_def *row[2][256][8];
    bool has_modrm[2][256];
    enum cpu_model_id model;
};

extern const struct opcode_def opcode_table[];
extern const unsigned opcode_table_size;

void decoder_table_build(struct decoder_table *t, enum cpu_model_id model);
/* The handler for a memory operand without an index register, for 32-bit or 16-bit
 * addresses, when `fn` has such a variant (a base form, see cpu/ops.h); else `fn`. */
insn_fn decoder_base_form(insn_fn fn, bool ad32);

/* Where the decoder reads instruction bytes: a window of host memory that starts at the
 * instruction's first byte. `avail` bytes are readable; a longer instruction crosses
 * into memory the window does not cover and decode returns DECODE_NEED_MORE. */
enum decode_status { DECODE_OK, DECODE_NEED_MORE };

enum decode_status decode_insn(const struct decoder_table *t, const uint8_t *bytes, unsigned avail,
                               bool code32, struct insn *out);

/* The row of a decoded instruction, for names, flag masks and traits. */
static inline const struct opcode_def *insn_def(const struct insn *i) { return &opcode_table[i->def]; }

/* Handlers shared by every table row that raises #UD. */
void op_invalid(struct machine *m, const struct insn *i);
void op_unimplemented(struct machine *m, const struct insn *i);
void op_too_long(struct machine *m, const struct insn *i); /* longer than 15 bytes: #GP(0) */

#endif
