/* The instruction templates the difftest generator draws from: one row per instruction
 * form, with its encoding, operand sizes, the CPU model that introduced it and the flags
 * it reads, writes and leaves undefined (Intel SDM vol. 2, each instruction's "Flags
 * Affected"). Rows whose flag effect depends on operands (shift counts) say so through
 * their kind; gen.c works those out. Later modes (paging, x87) add rows and kinds. */
#ifndef DIFFTEST_TEMPLATES_H
#define DIFFTEST_TEMPLATES_H

#include <stdint.h>

#include "cpu/models.h"

/* EFLAGS bits, as in cpu/flags.h, spelled short for the table. */
#define FC 0x001u
#define FP 0x004u
#define FA 0x010u
#define FZ 0x040u
#define FS 0x080u
#define FO 0x800u
#define FALL (FC | FP | FA | FZ | FS | FO)
#define FLOGIC_W (FC | FP | FZ | FS | FO) /* AND OR XOR TEST: AF undefined */

/* Operand sizes a row allows. */
#define SZ8 1u
#define SZ16 2u
#define SZ32 4u
#define SZV (SZ16 | SZ32)
#define SZALL (SZ8 | SZ16 | SZ32)

/* How a row is turned into bytes; see gen.c for what each one emits. */
enum tmpl_kind {
    K_RM_R,      /* op r/m, reg            (ADD 00, MOV 88, XCHG 86, XADD, TEST 84) */
    K_R_RM,      /* op reg, r/m            (ADD 02, MOV 8A, IMUL 0F AF) */
    K_ACC_IMM,   /* op AL/AX/EAX, imm      (ADD 04, TEST A8) */
    K_RM_IMM,    /* op r/m, imm of the operand size (80, 81, C6, C7, F6 /0) */
    K_RM_IMM8S,  /* op r/m, imm8 sign-extended (83) */
    K_RM,        /* op r/m                 (INC DEC NOT NEG MUL IMUL, PUSH/POP r/m) */
    K_OPREG,     /* op+reg                 (INC 40, PUSH 50, POP 58, XCHG 90, BSWAP) */
    K_OPREG_IMM, /* op+reg, imm            (MOV B0, B8) */
    K_FIXED,     /* no operand             (CLC, CBW, DAA, LAHF, PUSHF ...) */
    K_AAMD,      /* AAM/AAD imm8 (nonzero for AAM) */
    K_SHIFT1,    /* D0/D1: count 1 */
    K_SHIFTCL,   /* D2/D3: count in CL */
    K_SHIFTI,    /* C0/C1: count imm8 */
    K_DIV,       /* DIV/IDIV with a setup that cannot fault */
    K_BT_R,      /* BT* r/m, reg: memory forms with a bit offset kept inside the buffer */
    K_BT_I,      /* BT* r/m, imm8 */
    K_BSF,       /* BSF/BSR: destination undefined for a zero source, see gen.c */
    K_SHD_I,     /* SHLD/SHRD r/m, reg, imm8 */
    K_SHD_CL,    /* SHLD/SHRD r/m, reg, CL */
    K_MOVX,      /* MOVZX/MOVSX: source byte (B6/BE) or word (B7/BF) */
    K_CMOV,      /* CMOVcc reg, r/m */
    K_SETCC,     /* SETcc r/m8 */
    K_IMUL3,     /* IMUL reg, r/m, imm (69 / 6B) */
    K_CX8,       /* CMPXCHG8B m64 */
    K_PUSH_IMM,  /* PUSH imm (68 / 6A) */
    K_POPF,      /* PUSH imm; POPF with a value that keeps IF, IOPL, TF, AC as they are */
    K_XLAT,      /* MOV EBX, buffer; XLAT */
    K_MOFFS,     /* MOV AL/eAX <-> moffs32 (A0-A3) */
    K_LEA,       /* LEA with any addressing, 16-bit addressing included */
    K_NOPM,      /* NOP r/m (0F 1F /0), any addressing */
    K_STRING,    /* MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE */
    K_POPA,      /* PUSHA; MOV [ESP+k], imm (not the EBP slot); POPA */
    K_CMPXCHG,   /* CMPXCHG r/m, reg, with eAX made equal to r/m half of the time */
    K_POPESP,    /* PUSH imm (an address in the stack window); POP ESP */
    K_ESPADJ,    /* ADD/SUB ESP, imm or LEA ESP, [ESP+disp], staying in the stack window */
    K_ENTER,     /* ENTER imm16, level; LEAVE */
    /* x87 rows (mode x87): `op` is the escape byte D8-DF. */
    K_X87_M,     /* memory operand of `mbytes` bytes, ModRM.reg = ext */
    K_X87_R,     /* register form: ModRM `modrm` + i for a random ST(i) */
    K_X87_FIXED, /* the two bytes op, modrm */
    K_X87_LDCW,  /* a control word stored, then FLDCW: rounding and precision change */
};

/* Row traits. */
#define TR_WBIT 0x0001u    /* opcode bit 0 selects byte (0) or word/dword (1) */
#define TR_NOWRITE 0x0002u /* the r/m (or reg for K_R_RM) operand is only read: CMP, TEST, BT */
#define TR_LOCK 0x0004u    /* LOCK allowed with a memory destination */
#define TR_REGW 0x0008u    /* the ModRM.reg operand is written too: XCHG, XADD */
#define TR_REGONLY 0x0010u /* no memory form */
#define TR_MEMONLY 0x0020u /* no register form */
#define TR_PUSH 0x0040u    /* pushes `stack` operands */
#define TR_POP 0x0080u     /* pops `stack` operands */
#define TR_CLD 0x0100u     /* clears DF */
#define TR_STD 0x0200u     /* sets DF */
#define TR_REP 0x0400u     /* string op that takes REP */
#define TR_REPCC 0x0800u   /* string op that takes REPE/REPNE */
#define TR_SRC 0x1000u     /* string op reading DS:ESI */
#define TR_DST 0x2000u     /* string op using ES:EDI */
#define TR_UNDOC 0x8000u   /* undocumented alias: drawn only with --undocumented */
/* x87 rows reuse bits that only integer string rows have. */
#define TR_X87_LOAD 0x0400u  /* reads its memory operand: a special value is often put there */
#define TR_X87_INT 0x0800u   /* ... as an integer (else as a real) */
#define TR_TRANSC 0x1000u    /* transcendental: the last bit may differ between chips */

/* Operating modes the difftest can run in; rows say which ones they belong to. */
enum dt_mode {
    DT_MODE_FLAT32, /* CPL 0, 32-bit flat protected mode, no paging */
    DT_MODE_USER,   /* CPL 3 with paging, and page faults in the fault area (protocol.h) */
    DT_MODE_X87,    /* CPL 0 flat, x87 instructions (the x87 rows of templates.c) */
    DT_MODE_COUNT,
};
#define MODE_FLAT32 (1u << DT_MODE_FLAT32)
#define MODE_USER (1u << DT_MODE_USER)
#define MODE_X87 (1u << DT_MODE_X87)

const char *dt_mode_name(enum dt_mode mode);

struct tmpl {
    const char *name;   /* mnemonic as --only/--skip and the statistics see it */
    uint8_t kind;       /* enum tmpl_kind */
    uint8_t map;        /* 0: one-byte opcode, 1: 0F-prefixed */
    uint8_t op;         /* opcode byte (with bit 0 clear for TR_WBIT rows) */
    int8_t ext;         /* ModRM.reg digit of group opcodes, -1 otherwise */
    uint8_t sizes;      /* SZ* */
    uint8_t min_model;  /* enum cpu_model_id */
    uint8_t modes;      /* MODE_* */
    int8_t stack;       /* operands pushed (TR_PUSH) or popped (TR_POP) */
    uint16_t traits;    /* TR_* */
    uint16_t fr, fw, fu;/* flags read, written (defined after), left undefined */
    uint16_t weight;    /* relative frequency */
    uint8_t mbytes;     /* x87 rows: memory operand bytes (K_X87_M) */
    uint8_t modrm;      /* x87 rows: the ModRM byte, or its base for K_X87_R */
};

extern const struct tmpl tmpl_table[];
extern const unsigned tmpl_count;

#endif
