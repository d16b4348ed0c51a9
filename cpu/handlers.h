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

#endif
