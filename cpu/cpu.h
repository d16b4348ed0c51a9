/* The architectural state of one x86 CPU (8086 through Pentium Pro class) and the
 * entry points that run it. Register layout and reset values follow the Intel SDM
 * vol. 3A, section 9.1 (processor state after reset) and vol. 1, chapter 3. */
#ifndef GLASS86_CPU_H
#define GLASS86_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/flags.h"
#include "cpu/fpu/fpu.h"
#include "cpu/models.h"
#include "mmu/tlb.h"

struct machine;

enum gpr { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };
enum sreg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT, SEG_NONE = 7 };


/* A segment register with its hidden descriptor cache (SDM vol. 3A, 3.4.3). Offsets in
 * [lo, hi] may be accessed; `hi` < `lo` for a null or unusable segment, which forces the
 * slow path so that the exact fault can be chosen there. */
struct segment {
    _Alignas(32) uint32_t base; /* 64 bytes in all: an index into seg[] is a shift */
    uint32_t limit;   /* byte-granular limit after the G bit is applied */
    uint32_t lo, hi;  /* valid offset range, derived from limit and expand-down */
    uint16_t selector;
    uint16_t attr;    /* descriptor bits 40..55: type, S, DPL, P, AVL, L, D/B, G */
    bool writable, readable;
    /* The memory fast path's whole segment check (seg_span_ok() in mmu/mem.h): the last
     * offset that may be read (written), or -1 so that no offset passes: when the rights
     * are missing, and for expand-down segments, which always take the slow path. */
    int64_t read_span, write_span;
};

#define SEG_ATTR_D 0x4000u /* D/B: 32-bit code or stack segment */
#define SEG_ATTR_P 0x0080u

struct dtr {
    uint32_t base;
    uint16_t limit;
};

/* Exception vectors (SDM vol. 3A, table 6-1). */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
    EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13, EXC_PF = 14,
    EXC_MF = 16, EXC_AC = 17,
};

/* Why the run loop returned. */
enum cpu_stop {
    STOP_LIMIT,     /* the instruction budget was used up */
    STOP_HALTED,    /* HLT executed; nothing is pending */
    STOP_SHUTDOWN,  /* triple fault */
    STOP_REQUESTED, /* a device or the frontend asked to stop (exit port, debugger) */
};

/* Bits of cpu.events: anything that must be looked at between two instructions.
 * Setting a bit also sets break_at to 0, so the block loop leaves after the current
 * instruction; see cpu_signal(). */
enum {
    EV_SMC = 1u << 0,       /* the current block's code page was written */
    EV_STOP = 1u << 1,      /* leave cpu_run() */
    EV_IRQ = 1u << 2,       /* an interrupt line changed or IF was set */
    EV_HALT = 1u << 3,      /* HLT, or a triple fault: leave the block loop */
};

struct cpu_stats {
    uint64_t blocks_decoded;
    uint64_t block_hits;
    uint64_t smc_invalidations;
    uint64_t dcache_flushes;
    uint64_t tlb_misses;
    uint64_t unimplemented_ud; /* #UD raised for an opcode glass86 does not implement yet */
};

struct cpu {
    uint32_t gpr[9];           /* [8] is always 0: "no register" in address arithmetic */
    uint32_t eip;
    uint32_t eflags;           /* every bit except the six arithmetic flags, kept lazily in lf */
    struct lazy_flags lf;
    struct segment seg[SEG_COUNT];
    struct segment ldtr, tr;
    struct dtr gdtr, idtr;
    uint32_t cr[5];
    uint32_t dr[8];
    uint64_t msr_tsc_offset;
    uint32_t msr_sysenter_cs, msr_sysenter_esp, msr_sysenter_eip;
    uint32_t msr_apic_base; /* IA32_APIC_BASE: base and BSP; the APIC stays disabled */
    uint32_t stack_mask;       /* 0xFFFF or 0xFFFFFFFF, from SS.B */
    uint32_t code_eip_mask;    /* 0xFFFF or 0xFFFFFFFF, from CS.D: the block lookup's EIP */
    uint32_t code_limit;       /* the last CS offset a decoded block may cover: the CS limit,
                                  in 16-bit code at most 0xFFFF */
    uint32_t code_base;        /* CS.base as the block links last saw it (these three are
                                  kept by cpu_set_seg_cache() and cpu_load_seg_real(); see
                                  cpu/dcache_lookup.h) */
    uint8_t cpl;
    uint8_t user;              /* TLB class: 0 supervisor, 1 user (CPL 3), 2 user with
                                  alignment checks (CR0.AM, EFLAGS.AC: all accesses slow) */
    struct tlb_entry *tlb_cur; /* tlb.e[user] of the machine, for tlb_entry_of() */
    bool halted;
    uint8_t inhibit_irq;       /* interrupts are held off for one instruction after STI (1)
                                  and MOV SS / POP SS (2, which also hold off debug traps) */
    bool nmi_blocked;          /* from NMI delivery to the next IRET */
    bool shadow_step;          /* run one instruction before looking at interrupts again */
    uint8_t dbg_exec;          /* DR0-DR3 armed as instruction breakpoints (cpu/debug.c) */
    uint8_t dbg_data_write;    /* ... as data breakpoints on writes */
    uint8_t dbg_data_read;     /* ... as data breakpoints on reads */
    uint8_t dbg_hits;          /* data breakpoints hit by the current instruction */
    uint8_t dbg_io;            /* ... as I/O breakpoints (R/W = 10 with CR4.DE) */
    bool dbg_task_trap;        /* a task switch to a TSS with the T bit: #DB before the
                                  new task's first instruction */
    struct fpu fpu;            /* the x87 (386 with 387, 486DX, P6): cpu/fpu/ */

    /* Execution bookkeeping. */
    uint64_t icount;           /* instructions retired; REP iterations count one each */
    uint64_t break_at;         /* the block loop leaves when icount reaches this */
    uint64_t break_left;       /* the block loop's countdown to break_at: it leaves when it
                                  takes this to 0, after the instruction that does (see
                                  cpu_set_break_at()) */
    uint64_t run_limit;        /* icount at which cpu_run() returns STOP_LIMIT */
    uint32_t events;           /* EV_* bits */
    uint32_t insn_eip;         /* EIP of the instruction being executed: faults restart here */
    uint32_t insn_next_eip;    /* EIP after it (the 8086's #DE returns there) */
    uint8_t fault_depth;       /* 0 normally, 1 while delivering an exception */
    uint8_t fault_first;       /* the exception being delivered when fault_depth > 0 */
    bool shutdown;             /* triple fault: the CPU stopped until reset */
    int exc_vector;            /* raised by cpu_raise(), delivered by the run loop */
    uint32_t exc_error;
    bool exc_code_bp;          /* the raised #DB is an instruction breakpoint: no RF */
    uint64_t rep_yield_icount; /* icount right after a REP instruction stopped between two
                                  iterations: an event delivered then pushes RF = 1 */
    jmp_buf fault_jmp;         /* cpu_raise() long-jumps here */

    /* Kept by cpu_reset(), which clears everything above. */
    const struct cpu_model_info *model;
    struct cpu_stats stats;
    /* The links between decoded blocks (cpu/dcache_lookup.h); both only ever grow. */
    uint64_t block_stamp;      /* moves on when a block a link may name is gone or changed */
    uint64_t link_epoch;       /* moves on with block_stamp and with every change to the TLB,
                                  the TLB class or CS.base: under an unchanged value a link
                                  holds without a TLB lookup */
};

/* Operand sizes and segment reads used by handlers and the frontends. */
/* The byte and word registers are the low bytes of the dwords in gpr[] (AH: byte 1 of
 * EAX), read and written in place: the host is little-endian (machine.c checks), and a
 * narrow store leaves the rest of the dword alone in one instruction. A byte register's
 * place is looked up rather than computed from its number. */
static inline unsigned cpu_reg8_offset(unsigned r)
{
    static const uint8_t offset[8] = { 0, 4, 8, 12, 1, 5, 9, 13 }; /* AL CL DL BL AH CH DH BH */
    return offset[r & 7];
}
static inline uint8_t cpu_reg8(const struct cpu *c, unsigned r)
{
    return ((const uint8_t *)c->gpr)[cpu_reg8_offset(r)];
}
static inline void cpu_set_reg8(struct cpu *c, unsigned r, uint8_t v)
{
    ((uint8_t *)c->gpr)[cpu_reg8_offset(r)] = v;
}
static inline uint16_t cpu_reg16(const struct cpu *c, unsigned r) { return (uint16_t)c->gpr[r]; }
static inline void cpu_set_reg16(struct cpu *c, unsigned r, uint16_t v)
{
    memcpy(&c->gpr[r], &v, sizeof v);
}

/* Reset to the state of SDM vol. 3A table 9-1 for the machine's model. */
void cpu_reset(struct machine *m);

/* Run until the instruction budget `max_insns` is used up, HLT with nothing pending,
 * triple fault, or a stop request. */
enum cpu_stop cpu_run(struct machine *m, uint64_t max_insns);

/* Execute exactly one instruction to completion, all REP iterations and any exception
 * delivery included (the conformance runner's notion of one instruction). */
enum cpu_stop cpu_step(struct machine *m);

/* Raise a fault or trap from inside an instruction handler: the run loop puts EIP back to
 * the instruction (handlers change no register before their last possible fault, ESP
 * included) and delivers the exception. Never returns. */
_Noreturn void cpu_raise(struct machine *m, int vector, uint32_t error_code);
#define NO_ERROR_CODE 0xFFFFFFFFu

/* Ask the block loop to look at cpu.events after the current instruction. */
static inline void cpu_signal(struct cpu *c, uint32_t ev)
{
    c->events |= ev;
    c->break_at = 0;
    c->break_left = 1; /* the instruction running now is the last */
}

/* Set break_at (cpu_run()), or lower it to `at` if that is earlier (timer_arm(), from a
 * device an instruction talks to). break_left is what the block loop counts down instead
 * of comparing icount with break_at after every instruction: the number of instructions,
 * the current one included, until icount reaches break_at, and at least 1, since an
 * instruction that is running when break_at passes icount is the last one. */
static inline void cpu_set_break_at(struct cpu *c, uint64_t at)
{
    c->break_at = at;
    c->break_left = at > c->icount ? at - c->icount : 1;
}
static inline void cpu_lower_break_at(struct cpu *c, uint64_t at)
{
    if (at < c->break_at)
        cpu_set_break_at(c, at);
}

/* Retire `n` instructions from inside a handler (the iterations of a REP instruction
 * before the last, which the block loop retires): break_left moves with icount, but not
 * below 1, so the loop leaves after this instruction if break_at was passed. */
static inline void cpu_retire(struct cpu *c, uint64_t n)
{
    c->icount += n;
    c->break_left = c->break_left > n ? c->break_left - n : 1;
}

/* EFLAGS as the guest sees it, and loading it back (the caller applies write masks). */
uint32_t cpu_get_eflags(const struct cpu *c);
void cpu_set_eflags(struct cpu *c, uint32_t value);

/* Real mode ignores the type in a descriptor cache: every segment is readable and
 * writable within its limit. */
void cpu_real_mode_rights(struct segment *s);
/* Load a segment register the real-mode / V86 way: base = selector * 16, limits kept. */
void cpu_load_seg_real(struct machine *m, int sreg, uint16_t selector);
/* Set a descriptor cache directly (used by reset, tests and the difftest harness). */
void cpu_set_seg_cache(struct cpu *c, int sreg, uint16_t selector, uint32_t base,
                       uint32_t limit, uint16_t attr);
void cpu_update_stack_mask(struct cpu *c);
/* Fill a descriptor cache: derived fields (valid offset range, rights) included. */
void seg_cache_build(struct segment *s, uint16_t selector, uint32_t base, uint32_t limit,
                     uint16_t attr);

/* Recompute the TLB class after a change of CPL, CR0.AM or EFLAGS.AC. */
/* Tell the block links (cpu/dcache_lookup.h) that blocks they may name are gone or changed,
 * or that CS:EIP may translate differently now. */
static inline void cpu_blocks_changed(struct cpu *c)
{
    c->block_stamp++;
    c->link_epoch++;
}
static inline void cpu_translation_changed(struct cpu *c) { c->link_epoch++; }

void cpu_update_user(struct cpu *c);
static inline void cpu_set_cpl(struct cpu *c, unsigned cpl)
{
    c->cpl = (uint8_t)cpl;
    cpu_update_user(c);
}

static inline bool cpu_code32(const struct cpu *c) { return (c->seg[SEG_CS].attr & SEG_ATTR_D) != 0; }
static inline bool cpu_protected(const struct cpu *c) { return (c->cr[0] & 1u) != 0; }

#endif
