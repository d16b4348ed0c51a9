/* The difftest's instruction template table (see templates.h). Encodings: Intel SDM
 * vol. 2, appendix A opcode maps; flags: each instruction's "Flags Affected" section,
 * undefined flags exactly as the SDM lists them. Models: the first Intel CPU with the
 * instruction (CMPXCHG8B came with the Pentium; glass86's next model is the P6). */
#include "templates.h"

#define R(name, kind, map, op, ext, sizes, model, stack, traits, fr, fw, fu, weight) \
    {name, kind, map, op, ext, sizes, model, MODE_FLAT32 | MODE_USER, stack, traits, fr, fw, fu, weight, 0, 0}

/* The eight classic ALU operations in all their forms: r/m,r  r,r/m  acc,imm  80/81 r/m,imm
 * 83 r/m,imm8  and 82 (an alias of 80 outside 64-bit mode). */
#define ALU(name, base, digit, tr, fr, fw, fu)                                                 \
    R(name, K_RM_R, 0, base, -1, SZALL, CPU_386, 0, TR_WBIT | (tr), fr, fw, fu, 6),            \
    R(name, K_R_RM, 0, base + 2, -1, SZALL, CPU_386, 0, TR_WBIT | ((tr) & TR_NOWRITE), fr, fw, \
      fu, 6),                                                                                   \
    R(name, K_ACC_IMM, 0, base + 4, -1, SZALL, CPU_386, 0, TR_WBIT, fr, fw, fu, 3),            \
    R(name, K_RM_IMM, 0, 0x80, digit, SZALL, CPU_386, 0, TR_WBIT | (tr), fr, fw, fu, 5),       \
    R(name, K_RM_IMM8S, 0, 0x83, digit, SZV, CPU_386, 0, tr, fr, fw, fu, 4),                   \
    R(name, K_RM_IMM, 0, 0x82, digit, SZ8, CPU_386, 0, tr, fr, fw, fu, 1)

/* Rotates and shifts by 1, CL and imm8. The flags depend on the count: gen.c. */
#define SHIFT(name, digit, tr, fr)                                                 \
    R(name, K_SHIFT1, 0, 0xD0, digit, SZALL, CPU_386, 0, TR_WBIT | (tr), fr, 0, 0, 3), \
    R(name, K_SHIFTCL, 0, 0xD2, digit, SZALL, CPU_386, 0, TR_WBIT | (tr), fr, 0, 0, 4), \
    R(name, K_SHIFTI, 0, 0xC0, digit, SZALL, CPU_386, 0, TR_WBIT | (tr), fr, 0, 0, 4)

#define FOSZAP (FO | FS | FZ | FA | FP)
#define FSZP (FS | FZ | FP)
#define FMUL_U (FS | FZ | FA | FP)
#define FBT_U (FO | FS | FA | FP)

const struct tmpl tmpl_table[] = {
    ALU("add", 0x00, 0, TR_LOCK, 0, FALL, 0),
    ALU("or", 0x08, 1, TR_LOCK, 0, FLOGIC_W, FA),
    ALU("adc", 0x10, 2, TR_LOCK, FC, FALL, 0),
    ALU("sbb", 0x18, 3, TR_LOCK, FC, FALL, 0),
    ALU("and", 0x20, 4, TR_LOCK, 0, FLOGIC_W, FA),
    ALU("sub", 0x28, 5, TR_LOCK, 0, FALL, 0),
    ALU("xor", 0x30, 6, TR_LOCK, 0, FLOGIC_W, FA),
    ALU("cmp", 0x38, 7, TR_NOWRITE, 0, FALL, 0),

    R("test", K_RM_R, 0, 0x84, -1, SZALL, CPU_386, 0, TR_WBIT | TR_NOWRITE, 0, FLOGIC_W, FA, 4),
    R("test", K_ACC_IMM, 0, 0xA8, -1, SZALL, CPU_386, 0, TR_WBIT, 0, FLOGIC_W, FA, 2),
    R("test", K_RM_IMM, 0, 0xF6, 0, SZALL, CPU_386, 0, TR_WBIT | TR_NOWRITE, 0, FLOGIC_W, FA, 3),

    R("inc", K_RM, 0, 0xFE, 0, SZALL, CPU_386, 0, TR_WBIT | TR_LOCK, 0, FOSZAP, 0, 3),
    R("inc", K_OPREG, 0, 0x40, -1, SZV, CPU_386, 0, 0, 0, FOSZAP, 0, 2),
    R("dec", K_RM, 0, 0xFE, 1, SZALL, CPU_386, 0, TR_WBIT | TR_LOCK, 0, FOSZAP, 0, 3),
    R("dec", K_OPREG, 0, 0x48, -1, SZV, CPU_386, 0, 0, 0, FOSZAP, 0, 2),
    R("not", K_RM, 0, 0xF6, 2, SZALL, CPU_386, 0, TR_WBIT | TR_LOCK, 0, 0, 0, 2),
    R("neg", K_RM, 0, 0xF6, 3, SZALL, CPU_386, 0, TR_WBIT | TR_LOCK, 0, FALL, 0, 3),

    R("mul", K_RM, 0, 0xF6, 4, SZALL, CPU_386, 0, TR_WBIT | TR_NOWRITE, 0, FC | FO, FMUL_U, 4),
    R("imul", K_RM, 0, 0xF6, 5, SZALL, CPU_386, 0, TR_WBIT | TR_NOWRITE, 0, FC | FO, FMUL_U, 4),
    R("imul", K_R_RM, 1, 0xAF, -1, SZV, CPU_386, 0, 0, 0, FC | FO, FMUL_U, 4),
    R("imul", K_IMUL3, 0, 0x69, -1, SZV, CPU_386, 0, 0, 0, FC | FO, FMUL_U, 3),
    R("imul", K_IMUL3, 0, 0x6B, -1, SZV, CPU_386, 0, 0, 0, FC | FO, FMUL_U, 3),
    R("div", K_DIV, 0, 0xF6, 6, SZALL, CPU_386, 0, TR_WBIT | TR_NOWRITE, 0, 0, FALL, 5),
    R("idiv", K_DIV, 0, 0xF6, 7, SZALL, CPU_386, 0, TR_WBIT | TR_NOWRITE, 0, 0, FALL, 5),

    SHIFT("rol", 0, 0, 0),
    SHIFT("ror", 1, 0, 0),
    SHIFT("rcl", 2, 0, FC),
    SHIFT("rcr", 3, 0, FC),
    SHIFT("shl", 4, 0, 0),
    SHIFT("shr", 5, 0, 0),
    SHIFT("sar", 7, 0, 0),
    /* Undocumented: group 2 /6 shifts as SHL, group 3 /1 tests as /0 on Intel chips. */
    SHIFT("sal", 6, TR_UNDOC, 0),
    R("test", K_RM_IMM, 0, 0xF6, 1, SZALL, CPU_386, 0, TR_WBIT | TR_NOWRITE | TR_UNDOC, 0, FLOGIC_W,
      FA, 1),

    R("bt", K_BT_R, 1, 0xA3, -1, SZV, CPU_386, 0, TR_NOWRITE, 0, FC, FBT_U, 3),
    R("bts", K_BT_R, 1, 0xAB, -1, SZV, CPU_386, 0, TR_LOCK, 0, FC, FBT_U, 3),
    R("btr", K_BT_R, 1, 0xB3, -1, SZV, CPU_386, 0, TR_LOCK, 0, FC, FBT_U, 3),
    R("btc", K_BT_R, 1, 0xBB, -1, SZV, CPU_386, 0, TR_LOCK, 0, FC, FBT_U, 3),
    R("bt", K_BT_I, 1, 0xBA, 4, SZV, CPU_386, 0, TR_NOWRITE, 0, FC, FBT_U, 2),
    R("bts", K_BT_I, 1, 0xBA, 5, SZV, CPU_386, 0, TR_LOCK, 0, FC, FBT_U, 2),
    R("btr", K_BT_I, 1, 0xBA, 6, SZV, CPU_386, 0, TR_LOCK, 0, FC, FBT_U, 2),
    R("btc", K_BT_I, 1, 0xBA, 7, SZV, CPU_386, 0, TR_LOCK, 0, FC, FBT_U, 2),
    R("bsf", K_BSF, 1, 0xBC, -1, SZV, CPU_386, 0, 0, 0, FZ, FC | FO | FS | FA | FP, 4),
    R("bsr", K_BSF, 1, 0xBD, -1, SZV, CPU_386, 0, 0, 0, FZ, FC | FO | FS | FA | FP, 4),
    R("shld", K_SHD_I, 1, 0xA4, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 3),
    R("shld", K_SHD_CL, 1, 0xA5, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 3),
    R("shrd", K_SHD_I, 1, 0xAC, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 3),
    R("shrd", K_SHD_CL, 1, 0xAD, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 3),

    R("movzx", K_MOVX, 1, 0xB6, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 2),
    R("movzx", K_MOVX, 1, 0xB7, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 2),
    R("movsx", K_MOVX, 1, 0xBE, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 2),
    R("movsx", K_MOVX, 1, 0xBF, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 2),
    R("bswap", K_OPREG, 1, 0xC8, -1, SZ32, CPU_486, 0, 0, 0, 0, 0, 2),
    R("xadd", K_RM_R, 1, 0xC0, -1, SZALL, CPU_486, 0, TR_WBIT | TR_LOCK | TR_REGW, 0, FALL, 0, 4),
    R("cmpxchg", K_CMPXCHG, 1, 0xB0, -1, SZALL, CPU_486, 0, TR_WBIT | TR_LOCK, 0, FALL, 0, 4),
    R("cmpxchg8b", K_CX8, 1, 0xC7, 1, SZ32, CPU_P6, 0, TR_MEMONLY | TR_LOCK, 0, FZ, 0, 3),
    R("cmov", K_CMOV, 1, 0x40, -1, SZV, CPU_P6, 0, 0, 0, 0, 0, 5),
    R("setcc", K_SETCC, 1, 0x90, -1, SZ8, CPU_386, 0, 0, 0, 0, 0, 5),

    R("xchg", K_RM_R, 0, 0x86, -1, SZALL, CPU_386, 0, TR_WBIT | TR_REGW | TR_LOCK, 0, 0, 0, 3),
    R("xchg", K_OPREG, 0, 0x90, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 2),
    R("lea", K_LEA, 0, 0x8D, -1, SZV, CPU_386, 0, TR_MEMONLY, 0, 0, 0, 4),
    R("mov", K_RM_R, 0, 0x88, -1, SZALL, CPU_386, 0, TR_WBIT, 0, 0, 0, 3),
    R("mov", K_R_RM, 0, 0x8A, -1, SZALL, CPU_386, 0, TR_WBIT, 0, 0, 0, 3),
    R("mov", K_RM_IMM, 0, 0xC6, 0, SZALL, CPU_386, 0, TR_WBIT, 0, 0, 0, 2),
    R("mov", K_OPREG_IMM, 0, 0xB0, -1, SZ8, CPU_386, 0, 0, 0, 0, 0, 1),
    R("mov", K_OPREG_IMM, 0, 0xB8, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 1),
    R("mov", K_MOFFS, 0, 0xA0, -1, SZALL, CPU_386, 0, TR_WBIT, 0, 0, 0, 1),
    R("mov", K_MOFFS, 0, 0xA2, -1, SZALL, CPU_386, 0, TR_WBIT, 0, 0, 0, 1),
    R("nop", K_FIXED, 0, 0x90, -1, SZ8, CPU_386, 0, 0, 0, 0, 0, 1),
    R("nop", K_NOPM, 1, 0x1F, 0, SZV, CPU_P6, 0, 0, 0, 0, 0, 1),

    R("cbw", K_FIXED, 0, 0x98, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 2),
    R("cwd", K_FIXED, 0, 0x99, -1, SZV, CPU_386, 0, 0, 0, 0, 0, 2),
    R("daa", K_FIXED, 0, 0x27, -1, SZ8, CPU_386, 0, 0, FA | FC, FC | FA | FSZP, FO, 3),
    R("das", K_FIXED, 0, 0x2F, -1, SZ8, CPU_386, 0, 0, FA | FC, FC | FA | FSZP, FO, 3),
    R("aaa", K_FIXED, 0, 0x37, -1, SZ8, CPU_386, 0, 0, FA, FA | FC, FO | FSZP, 3),
    R("aas", K_FIXED, 0, 0x3F, -1, SZ8, CPU_386, 0, 0, FA, FA | FC, FO | FSZP, 3),
    R("aam", K_AAMD, 0, 0xD4, -1, SZ8, CPU_386, 0, 0, 0, FSZP, FO | FA | FC, 3),
    R("aad", K_AAMD, 0, 0xD5, -1, SZ8, CPU_386, 0, 0, 0, FSZP, FO | FA | FC, 3),
    R("salc", K_FIXED, 0, 0xD6, -1, SZ8, CPU_386, 0, 0, FC, 0, 0, 1),

    R("clc", K_FIXED, 0, 0xF8, -1, SZ8, CPU_386, 0, 0, 0, FC, 0, 1),
    R("stc", K_FIXED, 0, 0xF9, -1, SZ8, CPU_386, 0, 0, 0, FC, 0, 1),
    R("cmc", K_FIXED, 0, 0xF5, -1, SZ8, CPU_386, 0, 0, FC, FC, 0, 1),
    R("cld", K_FIXED, 0, 0xFC, -1, SZ8, CPU_386, 0, TR_CLD, 0, 0, 0, 1),
    R("std", K_FIXED, 0, 0xFD, -1, SZ8, CPU_386, 0, TR_STD, 0, 0, 0, 1),
    R("lahf", K_FIXED, 0, 0x9F, -1, SZ8, CPU_386, 0, 0, FS | FZ | FA | FP | FC, 0, 0, 2),
    R("sahf", K_FIXED, 0, 0x9E, -1, SZ8, CPU_386, 0, 0, 0, FS | FZ | FA | FP | FC, 0, 2),
    R("pushf", K_FIXED, 0, 0x9C, -1, SZV, CPU_386, 1, TR_PUSH, FALL, 0, 0, 2),
    R("popf", K_POPF, 0, 0x9D, -1, SZV, CPU_386, 0, 0, 0, FALL, 0, 2),

    R("push", K_OPREG, 0, 0x50, -1, SZV, CPU_386, 1, TR_PUSH, 0, 0, 0, 2),
    R("pop", K_OPREG, 0, 0x58, -1, SZV, CPU_386, 1, TR_POP, 0, 0, 0, 2),
    R("push", K_PUSH_IMM, 0, 0x68, -1, SZV, CPU_386, 1, TR_PUSH, 0, 0, 0, 1),
    R("push", K_PUSH_IMM, 0, 0x6A, -1, SZV, CPU_386, 1, TR_PUSH, 0, 0, 0, 1),
    R("push", K_RM, 0, 0xFF, 6, SZV, CPU_386, 1, TR_PUSH | TR_NOWRITE, 0, 0, 0, 2),
    R("pop", K_RM, 0, 0x8F, 0, SZV, CPU_386, 1, TR_POP, 0, 0, 0, 2),
    R("pop", K_POPESP, 0, 0x5C, -1, SZV, CPU_386, 1, 0, 0, 0, 0, 1),
    R("adjesp", K_ESPADJ, 0, 0x83, -1, SZ32, CPU_386, 0, 0, 0, 0, 0, 2),
    R("enter", K_ENTER, 0, 0xC8, -1, SZ32, CPU_386, 0, 0, 0, 0, 0, 1),
    R("pusha", K_FIXED, 0, 0x60, -1, SZV, CPU_386, 8, TR_PUSH, 0, 0, 0, 1),
    R("popa", K_POPA, 0, 0x61, -1, SZV, CPU_386, 8, 0, 0, 0, 0, 1),

    R("movs", K_STRING, 0, 0xA4, -1, SZALL, CPU_386, 0, TR_WBIT | TR_REP | TR_SRC | TR_DST, 0, 0,
      0, 3),
    R("cmps", K_STRING, 0, 0xA6, -1, SZALL, CPU_386, 0, TR_WBIT | TR_REPCC | TR_SRC | TR_DST, 0,
      FALL, 0, 3),
    R("stos", K_STRING, 0, 0xAA, -1, SZALL, CPU_386, 0, TR_WBIT | TR_REP | TR_DST, 0, 0, 0, 3),
    R("lods", K_STRING, 0, 0xAC, -1, SZALL, CPU_386, 0, TR_WBIT | TR_REP | TR_SRC, 0, 0, 0, 2),
    R("scas", K_STRING, 0, 0xAE, -1, SZALL, CPU_386, 0, TR_WBIT | TR_REPCC | TR_DST, 0, FALL, 0, 3),
    R("xlat", K_XLAT, 0, 0xD7, -1, SZ8, CPU_386, 0, 0, 0, 0, 0, 1),

    /* ---- x87 (mode x87): Intel SDM vol. 2, the F* pages, and vol. 1, table 8-x ---- */
#define XM(name, op, digit, bytes, model, traits, weight) \
    {name, K_X87_M, 0, op, digit, SZ32, model, MODE_X87, 0, traits, 0, 0, 0, weight, bytes, 0}
#define XR(name, op, rm, model, traits, fr, fw, weight) \
    {name, K_X87_R, 0, op, -1, SZ32, model, MODE_X87, 0, traits, fr, fw, 0, weight, 0, rm}
#define XF(name, op, rm, model, traits, weight) \
    {name, K_X87_FIXED, 0, op, -1, SZ32, model, MODE_X87, 0, traits, 0, 0, 0, weight, 0, rm}
#define XARITH(name, iname, digit)                                                  \
    XM(name, 0xD8, digit, 4, CPU_386, TR_X87_LOAD, 2),                              \
    XM(name, 0xDC, digit, 8, CPU_386, TR_X87_LOAD, 2),                              \
    XM(iname, 0xDA, digit, 4, CPU_386, TR_X87_LOAD | TR_X87_INT, 1),                \
    XM(iname, 0xDE, digit, 2, CPU_386, TR_X87_LOAD | TR_X87_INT, 1),                \
    XR(name, 0xD8, 0xC0 + 8 * (digit), CPU_386, 0, 0, 0, 3)
    XARITH("fadd", "fiadd", 0), XARITH("fmul", "fimul", 1), XARITH("fcom", "ficom", 2),
    XARITH("fcomp", "ficomp", 3), XARITH("fsub", "fisub", 4), XARITH("fsubr", "fisubr", 5),
    XARITH("fdiv", "fidiv", 6), XARITH("fdivr", "fidivr", 7),
    /* DC: op ST(i), ST(0), with SUB/SUBR and DIV/DIVR swapped in the encoding; DE: and pop. */
    XR("fadd", 0xDC, 0xC0, CPU_386, 0, 0, 0, 2), XR("fmul", 0xDC, 0xC8, CPU_386, 0, 0, 0, 2),
    XR("fsubr", 0xDC, 0xE0, CPU_386, 0, 0, 0, 2), XR("fsub", 0xDC, 0xE8, CPU_386, 0, 0, 0, 2),
    XR("fdivr", 0xDC, 0xF0, CPU_386, 0, 0, 0, 2), XR("fdiv", 0xDC, 0xF8, CPU_386, 0, 0, 0, 2),
    XR("faddp", 0xDE, 0xC0, CPU_386, 0, 0, 0, 2), XR("fmulp", 0xDE, 0xC8, CPU_386, 0, 0, 0, 2),
    XR("fsubrp", 0xDE, 0xE0, CPU_386, 0, 0, 0, 2), XR("fsubp", 0xDE, 0xE8, CPU_386, 0, 0, 0, 2),
    XR("fdivrp", 0xDE, 0xF0, CPU_386, 0, 0, 0, 2), XR("fdivp", 0xDE, 0xF8, CPU_386, 0, 0, 0, 2),
    XF("fcompp", 0xDE, 0xD9, CPU_386, 0, 1),
    XR("fucom", 0xDD, 0xE0, CPU_386, 0, 0, 0, 2), XR("fucomp", 0xDD, 0xE8, CPU_386, 0, 0, 0, 2),
    XF("fucompp", 0xDA, 0xE9, CPU_386, 0, 1),
    XR("fcomi", 0xDB, 0xF0, CPU_P6, 0, 0, FALL, 2), XR("fucomi", 0xDB, 0xE8, CPU_P6, 0, 0, FALL, 2),
    XR("fcomip", 0xDF, 0xF0, CPU_P6, 0, 0, FALL, 2), XR("fucomip", 0xDF, 0xE8, CPU_P6, 0, 0, FALL, 2),
    XR("fcmovb", 0xDA, 0xC0, CPU_P6, 0, FC, 0, 1), XR("fcmove", 0xDA, 0xC8, CPU_P6, 0, FZ, 0, 1),
    XR("fcmovbe", 0xDA, 0xD0, CPU_P6, 0, FC | FZ, 0, 1), XR("fcmovu", 0xDA, 0xD8, CPU_P6, 0, FP, 0, 1),
    XR("fcmovnb", 0xDB, 0xC0, CPU_P6, 0, FC, 0, 1), XR("fcmovne", 0xDB, 0xC8, CPU_P6, 0, FZ, 0, 1),
    XR("fcmovnbe", 0xDB, 0xD0, CPU_P6, 0, FC | FZ, 0, 1), XR("fcmovnu", 0xDB, 0xD8, CPU_P6, 0, FP, 0, 1),

    /* Loads and stores. */
    XM("fld", 0xD9, 0, 4, CPU_386, TR_X87_LOAD, 4), XM("fld", 0xDD, 0, 8, CPU_386, TR_X87_LOAD, 4),
    XM("fld", 0xDB, 5, 10, CPU_386, TR_X87_LOAD, 4),
    XM("fild", 0xDF, 0, 2, CPU_386, TR_X87_LOAD | TR_X87_INT, 2),
    XM("fild", 0xDB, 0, 4, CPU_386, TR_X87_LOAD | TR_X87_INT, 2),
    XM("fild", 0xDF, 5, 8, CPU_386, TR_X87_LOAD | TR_X87_INT, 2),
    XM("fst", 0xD9, 2, 4, CPU_386, 0, 2), XM("fst", 0xDD, 2, 8, CPU_386, 0, 2),
    XM("fstp", 0xD9, 3, 4, CPU_386, 0, 2), XM("fstp", 0xDD, 3, 8, CPU_386, 0, 2),
    XM("fstp", 0xDB, 7, 10, CPU_386, 0, 2),
    XM("fist", 0xDF, 2, 2, CPU_386, 0, 1), XM("fist", 0xDB, 2, 4, CPU_386, 0, 1),
    XM("fistp", 0xDF, 3, 2, CPU_386, 0, 1), XM("fistp", 0xDB, 3, 4, CPU_386, 0, 1),
    XM("fistp", 0xDF, 7, 8, CPU_386, 0, 1),
    XM("fbstp", 0xDF, 6, 10, CPU_386, 0, 1),
    XM("fnstsw", 0xDD, 7, 2, CPU_386, 0, 1), XM("fnstcw", 0xD9, 7, 2, CPU_386, 0, 1),
    XR("fld", 0xD9, 0xC0, CPU_386, 0, 0, 0, 3), XR("fxch", 0xD9, 0xC8, CPU_386, 0, 0, 0, 3),
    XR("fst", 0xDD, 0xD0, CPU_386, 0, 0, 0, 2), XR("fstp", 0xDD, 0xD8, CPU_386, 0, 0, 0, 2),
    XR("ffree", 0xDD, 0xC0, CPU_386, 0, 0, 0, 1),
    XF("fld1", 0xD9, 0xE8, CPU_386, 0, 1), XF("fldl2t", 0xD9, 0xE9, CPU_386, 0, 1),
    XF("fldl2e", 0xD9, 0xEA, CPU_386, 0, 1), XF("fldpi", 0xD9, 0xEB, CPU_386, 0, 1),
    XF("fldlg2", 0xD9, 0xEC, CPU_386, 0, 1), XF("fldln2", 0xD9, 0xED, CPU_386, 0, 1),
    XF("fldz", 0xD9, 0xEE, CPU_386, 0, 1),

    /* One-operand arithmetic, control. */
    XF("fchs", 0xD9, 0xE0, CPU_386, 0, 2), XF("fabs", 0xD9, 0xE1, CPU_386, 0, 2),
    XF("ftst", 0xD9, 0xE4, CPU_386, 0, 2), XF("fxam", 0xD9, 0xE5, CPU_386, 0, 2),
    XF("fxtract", 0xD9, 0xF4, CPU_386, 0, 2), XF("fprem1", 0xD9, 0xF5, CPU_386, 0, 2),
    XF("fdecstp", 0xD9, 0xF6, CPU_386, 0, 1), XF("fincstp", 0xD9, 0xF7, CPU_386, 0, 1),
    XF("fprem", 0xD9, 0xF8, CPU_386, 0, 2), XF("fsqrt", 0xD9, 0xFA, CPU_386, 0, 2),
    XF("frndint", 0xD9, 0xFC, CPU_386, 0, 2), XF("fscale", 0xD9, 0xFD, CPU_386, 0, 2),
    XF("fnop", 0xD9, 0xD0, CPU_386, 0, 1), XF("fnclex", 0xDB, 0xE2, CPU_386, 0, 1),
    XF("fninit", 0xDB, 0xE3, CPU_386, 0, 1), XF("fnstsw", 0xDF, 0xE0, CPU_386, 0, 2),
    {"fldcw", K_X87_LDCW, 0, 0xD9, 5, SZ32, CPU_386, MODE_X87, 0, 0, 0, 0, 0, 3, 2, 0},

    /* Transcendentals: compared bit for bit, but a difference is counted apart. */
    XF("f2xm1", 0xD9, 0xF0, CPU_386, TR_TRANSC, 1), XF("fyl2x", 0xD9, 0xF1, CPU_386, TR_TRANSC, 1),
    XF("fptan", 0xD9, 0xF2, CPU_386, TR_TRANSC, 1), XF("fpatan", 0xD9, 0xF3, CPU_386, TR_TRANSC, 1),
    XF("fyl2xp1", 0xD9, 0xF9, CPU_386, TR_TRANSC, 1), XF("fsincos", 0xD9, 0xFB, CPU_386, TR_TRANSC, 1),
    XF("fsin", 0xD9, 0xFE, CPU_386, TR_TRANSC, 1), XF("fcos", 0xD9, 0xFF, CPU_386, TR_TRANSC, 1),
};

const unsigned tmpl_count = sizeof tmpl_table / sizeof tmpl_table[0];

const char *dt_mode_name(enum dt_mode mode)
{
    switch (mode) {
    case DT_MODE_FLAT32: return "flat32";
    case DT_MODE_USER: return "user";
    case DT_MODE_X87: return "x87";
    case DT_MODE_COUNT: break;
    }
    return "?";
}
