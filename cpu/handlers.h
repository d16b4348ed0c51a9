/* Prototypes of every instruction handler, generated from cpu/opcodes.def so that the
 * table and the handler files cannot drift apart: a row whose handler is missing fails to
 * link, and a handler that no row names is a -Wmissing-prototypes warning. */
#ifndef GLASS86_HANDLERS_H
#define GLASS86_HANDLERS_H

#include "cpu/decode.h"

#define HANDLER_ARGS struct machine *m, const struct insn *i
#define DECL_SH_EB(s) void op_##s##_r(HANDLER_ARGS); void op_##s##_m(HANDLER_ARGS);
#define DECL_SH_EW(s) DECL_SH_EB(s)
#define DECL_SH_EV(s) void op_##s##_r16(HANDLER_ARGS); void op_##s##_m16(HANDLER_ARGS); \
                      void op_##s##_r32(HANDLER_ARGS); void op_##s##_m32(HANDLER_ARGS);
#define DECL_SH_MV(s) void op_##s##_m16(HANDLER_ARGS); void op_##s##_m32(HANDLER_ARGS);
#define DECL_SH_MW(s) void op_##s##_m(HANDLER_ARGS);
#define DECL_SH_RW(s) void op_##s##_r(HANDLER_ARGS);
#define DECL_SH_NV(s) void op_##s##_16(HANDLER_ARGS); void op_##s##_32(HANDLER_ARGS);
#define DECL_SH_N(s) void op_##s(HANDLER_ARGS);

#define X(map, op, reg, mn, shape, stem, imm, first, last, traits, fw, fu) DECL_##shape(stem)
#include "cpu/opcodes.def"
#undef X

/* The stems whose memory forms also come as base-form variants (INST_EB_EA, INST_EV_EA and
 * INST_MV_EA in cpu/ops.h): the hottest memory instructions. */
#define BASE_FORM_STEMS(X) \
    X(SH_EV, mov_GvEv) X(SH_EV, mov_EvGv) X(SH_EB, mov_GbEb) X(SH_EB, mov_EbGb) \
    X(SH_EV, mov_EvIv) X(SH_EB, mov_EbIb) X(SH_MV, lea_GvM) \
    X(SH_EV, movzx_GvEb) X(SH_EV, movzx_GvEw) X(SH_EV, movsx_GvEb) X(SH_EV, movsx_GvEw) \
    BASE_FORM_ALU(X, add) BASE_FORM_ALU(X, or) BASE_FORM_ALU(X, adc) BASE_FORM_ALU(X, sbb) \
    BASE_FORM_ALU(X, and) BASE_FORM_ALU(X, sub) BASE_FORM_ALU(X, xor) BASE_FORM_ALU(X, cmp) \
    X(SH_EB, test_EbGb) X(SH_EV, test_EvGv) X(SH_EB, test_EbI) X(SH_EV, test_EvI)
#define BASE_FORM_ALU(X, name) \
    X(SH_EB, name##_EbGb) X(SH_EV, name##_EvGv) X(SH_EB, name##_GbEb) X(SH_EV, name##_GvEv) \
    X(SH_EB, name##_EbIb) X(SH_EV, name##_EvIv)
#define DECL_BASE_SH_EB(s) void op_##s##_m_b16(HANDLER_ARGS); void op_##s##_m_b32(HANDLER_ARGS);
#define DECL_BASE_SH_EV(s) void op_##s##_m16_b16(HANDLER_ARGS); void op_##s##_m16_b32(HANDLER_ARGS); \
                           void op_##s##_m32_b16(HANDLER_ARGS); void op_##s##_m32_b32(HANDLER_ARGS);
#define DECL_BASE_SH_MV(s) DECL_BASE_SH_EV(s)
#define DECL_BASE(shape, s) DECL_BASE_##shape(s)
BASE_FORM_STEMS(DECL_BASE)
#undef DECL_BASE

#endif
