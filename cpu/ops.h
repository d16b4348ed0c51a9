/* Shared vocabulary of the instruction handlers: operand access by width and form, the
 * effective address (SDM vol. 2A, 2.1.5), the stack, and the macros that instantiate one
 * width- and form-generic body as the separate handlers the opcode table names.
 *
 * A body is a static always-inline function taking (m, i, width, mem) where width and mem
 * are constants at every call site, so each generated handler is straight-line code. */
#ifndef GLASS86_OPS_H
#define GLASS86_OPS_H

#include "cpu/handlers.h"
#include "machine/machine.h"
#include "mmu/mem.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define HANDLER(name) void op_##name(HANDLER_ARGS)

/* Instantiate a body for the shapes of cpu/decode.h. Extra arguments are passed on. */
#define INST_EB(stem, body, ...) \
    HANDLER(stem##_r) { body(m, i, 8, false, ##__VA_ARGS__); } \
    HANDLER(stem##_m) { body(m, i, 8, true, ##__VA_ARGS__); }
#define INST_EV(stem, body, ...) \
    HANDLER(stem##_r16) { body(m, i, 16, false, ##__VA_ARGS__); } \
    HANDLER(stem##_m16) { body(m, i, 16, true, ##__VA_ARGS__); } \
    HANDLER(stem##_r32) { body(m, i, 32, false, ##__VA_ARGS__); } \
    HANDLER(stem##_m32) { body(m, i, 32, true, ##__VA_ARGS__); }
#define INST_MV(stem, body, ...) \
    HANDLER(stem##_m16) { body(m, i, 16, ##__VA_ARGS__); } \
    HANDLER(stem##_m32) { body(m, i, 32, ##__VA_ARGS__); }
#define INST_NV(stem, body, ...) \
    HANDLER(stem##_16) { body(m, i, 16, ##__VA_ARGS__); } \
    HANDLER(stem##_32) { body(m, i, 32, ##__VA_ARGS__); }

/* The same with, for the memory forms, variants for an operand without an index register
 * ("base forms": [disp], [reg+disp]), which the decoder picks by the address size
 * (decoder_base_form() in cpu/opcode_table.c, the stems listed in cpu/handlers.h). The
 * body gets the EA form after `mem` and computes the address with ea_of(). */
#define INST_EB_EA(stem, body, ...) \
    INST_EB(stem, body, EA_ANY, ##__VA_ARGS__) \
    HANDLER(stem##_m_b16) { body(m, i, 8, true, EA_BASE16, ##__VA_ARGS__); } \
    HANDLER(stem##_m_b32) { body(m, i, 8, true, EA_BASE32, ##__VA_ARGS__); }
#define INST_EV_EA(stem, body, ...) \
    INST_EV(stem, body, EA_ANY, ##__VA_ARGS__) \
    HANDLER(stem##_m16_b16) { body(m, i, 16, true, EA_BASE16, ##__VA_ARGS__); } \
    HANDLER(stem##_m16_b32) { body(m, i, 16, true, EA_BASE32, ##__VA_ARGS__); } \
    HANDLER(stem##_m32_b16) { body(m, i, 32, true, EA_BASE16, ##__VA_ARGS__); } \
    HANDLER(stem##_m32_b32) { body(m, i, 32, true, EA_BASE32, ##__VA_ARGS__); }
#define INST_MV_EA(stem, body, ...) \
    INST_MV(stem, body, EA_ANY, ##__VA_ARGS__) \
    HANDLER(stem##_m16_b16) { body(m, i, 16, EA_BASE16, ##__VA_ARGS__); } \
    HANDLER(stem##_m16_b32) { body(m, i, 16, EA_BASE32, ##__VA_ARGS__); } \
    HANDLER(stem##_m32_b16) { body(m, i, 32, EA_BASE16, ##__VA_ARGS__); } \
    HANDLER(stem##_m32_b32) { body(m, i, 32, EA_BASE32, ##__VA_ARGS__); }

static inline uint32_t width_mask(unsigned w) { return w == 32 ? 0xFFFFFFFFu : (1u << w) - 1; }
static inline uint32_t sign_bit(unsigned w) { return 1u << (w - 1); }

ALWAYS_INLINE uint32_t reg_get(const struct cpu *c, unsigned r, unsigned w)
{
    if (w == 8)
        return cpu_reg8(c, r);
    if (w == 16)
        return c->gpr[r] & 0xFFFF;
    return c->gpr[r];
}
ALWAYS_INLINE void reg_set(struct cpu *c, unsigned r, unsigned w, uint32_t v)
{
    if (w == 8)
        cpu_set_reg8(c, r, (uint8_t)v);
    else if (w == 16)
        cpu_set_reg16(c, r, (uint16_t)v);
    else
        c->gpr[r] = v;
}

/* The effective address of a memory operand. gpr[8] is zero, standing in for "none". */
ALWAYS_INLINE uint32_t insn_ea(const struct machine *m, const struct insn *i)
{
    const uint32_t *g = m->cpu.gpr;
    uint32_t a = i->disp + g[i->base] + (g[i->index] << i->scale);
    return (i->attr & A_AD32) ? a : (a & 0xFFFF);
}

/* The effective address as a handler made for one form computes it: any form
 * (insn_ea()), or a base form, where the decoder saw no index register (it is REG_NONE)
 * and the address size is known: the index and the test of the address size drop out. */
enum ea_form { EA_ANY, EA_BASE16, EA_BASE32 };
ALWAYS_INLINE uint32_t ea_of(const struct machine *m, const struct insn *i, int form)
{
    const uint32_t *g = m->cpu.gpr;
    if (form == EA_BASE32)
        return i->disp + g[i->base];
    if (form == EA_BASE16)
        return (i->disp + g[i->base]) & 0xFFFF;
    return insn_ea(m, i);
}

/* Read/write the r/m operand: register rm, or memory at (seg, ea). */
ALWAYS_INLINE uint32_t rm_read(struct machine *m, const struct insn *i, unsigned w, bool mem, uint32_t ea)
{
    return mem ? mem_read(m, i->seg, ea, w / 8) : reg_get(&m->cpu, i->rm, w);
}
ALWAYS_INLINE void rm_write(struct machine *m, const struct insn *i, unsigned w, bool mem, uint32_t ea, uint32_t v)
{
    if (mem)
        mem_write(m, i->seg, ea, v, w / 8);
    else
        reg_set(&m->cpu, i->rm, w, v);
}

/* A read-modify-write of the r/m operand: `rmw_host` gives the host address of a memory
 * operand the fast path may both read and write (else NULL), and the pair below reads and
 * writes through it or, without one, as rm_read() and rm_write() do. */
ALWAYS_INLINE uint8_t *rmw_host(struct machine *m, const struct insn *i, unsigned w, bool mem, uint32_t ea)
{
    return mem ? mem_rmw_host(m, i->seg, ea, w / 8) : NULL;
}
/* Without a host address the operand is checked as a write before it is read, as the CPU
 * reads it with write intent: a page fault then says "write" and names the first page of
 * a split operand that cannot be written, and the write that follows cannot fault, so the
 * flags the instruction sets before it stay as they were when it faults. */
ALWAYS_INLINE uint32_t rmw_read(struct machine *m, const struct insn *i, unsigned w, bool mem, uint32_t ea,
                                const uint8_t *host)
{
    if (host)
        return load_le(host, w / 8);
    if (mem)
        mem_check_write(m, i->seg, ea, w / 8);
    return rm_read(m, i, w, mem, ea);
}
ALWAYS_INLINE void rmw_write(struct machine *m, const struct insn *i, unsigned w, bool mem, uint32_t ea,
                             uint8_t *host, uint32_t v)
{
    if (host)
        store_le(host, v, w / 8);
    else
        rm_write(m, i, w, mem, ea, v);
}

/* The stack (SS:ESP or SS:SP by SS.B). Memory is written before ESP moves, so a fault
 * leaves ESP as it was. */
ALWAYS_INLINE uint32_t stack_top_after_push(const struct cpu *c, unsigned bytes)
{
    return (c->gpr[ESP] - bytes) & c->stack_mask;
}
ALWAYS_INLINE void set_sp(struct cpu *c, uint32_t sp)
{
    c->gpr[ESP] = (c->gpr[ESP] & ~c->stack_mask) | (sp & c->stack_mask);
}
/* The new ESP is worked out before the memory access: the compiler must assume that a
 * store to guest memory may change the CPU state, and would load ESP again after it. */
ALWAYS_INLINE void push(struct machine *m, uint32_t v, unsigned bytes)
{
    struct cpu *c = &m->cpu;
    uint32_t old = c->gpr[ESP], mask = c->stack_mask;
    uint32_t sp = (old - bytes) & mask;
    uint32_t esp = (old & ~mask) | sp;
    mem_write(m, SEG_SS, sp, v, bytes);
    c->gpr[ESP] = esp;
}
ALWAYS_INLINE uint32_t pop(struct machine *m, unsigned bytes)
{
    struct cpu *c = &m->cpu;
    uint32_t old = c->gpr[ESP], mask = c->stack_mask;
    uint32_t sp = old & mask;
    uint32_t esp = (old & ~mask) | ((sp + bytes) & mask);
    uint32_t v = mem_read(m, SEG_SS, sp, bytes);
    c->gpr[ESP] = esp;
    return v;
}
/* Read the stack at an offset from the top without moving it (multi-part pops). */
ALWAYS_INLINE uint32_t stack_peek(struct machine *m, uint32_t offset, unsigned bytes)
{
    struct cpu *c = &m->cpu;
    return mem_read(m, SEG_SS, (c->gpr[ESP] + offset) & c->stack_mask, bytes);
}

/* Branch to a new EIP within CS, truncated to the operand size. The CS limit is checked
 * when the target is fetched (a fetch beyond the limit faults with the branch's EIP). */
ALWAYS_INLINE void branch_to(struct cpu *c, uint32_t target, unsigned w)
{
    c->eip = target & width_mask(w);
}

/* Instantiate a body once per condition of Jcc, SETcc and CMOVcc (the low nibble of their
 * opcodes), so that the condition is a constant in each handler and lf_cond() reduces to
 * the flags it tests: INST(stem_o, body, 0x0) ... INST(stem_nle, body, 0xF). */
#define INST_EACH_CC(INST, stem, body) \
    INST(stem##_o, body, 0x0) INST(stem##_no, body, 0x1) INST(stem##_b, body, 0x2) \
    INST(stem##_nb, body, 0x3) INST(stem##_z, body, 0x4) INST(stem##_nz, body, 0x5) \
    INST(stem##_be, body, 0x6) INST(stem##_a, body, 0x7) INST(stem##_s, body, 0x8) \
    INST(stem##_ns, body, 0x9) INST(stem##_p, body, 0xA) INST(stem##_np, body, 0xB) \
    INST(stem##_l, body, 0xC) INST(stem##_nl, body, 0xD) INST(stem##_le, body, 0xE) \
    INST(stem##_nle, body, 0xF)

static inline bool model_is(const struct machine *m, enum cpu_model_id id) { return m->cpu.model->id == id; }
static inline bool model_at_least(const struct machine *m, enum cpu_model_id id) { return m->cpu.model->id >= id; }
static inline bool in_v86(const struct cpu *c) { return (c->eflags & FLAG_VM) != 0; }
static inline bool in_real_mode(const struct cpu *c) { return !cpu_protected(c); }

/* Control transfers and segment loads that depend on the mode (cpu/transfer.c). */
void load_sreg(struct machine *m, int sreg, uint16_t selector);
void far_jump(struct machine *m, uint16_t selector, uint32_t offset, unsigned w);
void far_call(struct machine *m, uint16_t selector, uint32_t offset, unsigned w);
void far_return(struct machine *m, unsigned w, uint16_t pop_extra);
void interrupt_return(struct machine *m, unsigned w);
/* Deliver interrupt `vector` now; EIP is the return address (software INT, traps). */
void cpu_interrupt(struct machine *m, int vector, uint32_t error_code, bool software);
/* INT n (opcode CD), which V86 mode treats apart from INT3 and INTO: IOPL-sensitive and,
 * with CR4.VME, redirected to the V86 task's own vector table (cpu/interrupt.c). */
void cpu_int_n(struct machine *m, unsigned vector);

/* The EFLAGS bits POPF and IRET may change at the current privilege (cpu/transfer.c). */
uint32_t cpu_popf_mask(const struct cpu *c, unsigned w);

/* I/O with the permission checks of protected mode (IOPL, the TSS bitmap). */
uint32_t port_in(struct machine *m, uint16_t port, unsigned bytes);
void port_out(struct machine *m, uint16_t port, uint32_t value, unsigned bytes);

/* Privilege checks shared by system instructions. */
static inline void require_cpl0(struct machine *m)
{
    if (cpu_protected(&m->cpu) && (m->cpu.cpl != 0 || in_v86(&m->cpu)))
        cpu_raise(m, EXC_GP, 0);
}

#endif
