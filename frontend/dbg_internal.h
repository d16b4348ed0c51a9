/* What the debugger's files share: struct debugger, the breakpoint list, the run loop's
 * interface and the helpers each theme file exports (dbg_run.c, dbg_break.c, dbg_view.c,
 * dbg_tables.c, dbg_mem.c, dbg_expr.c, dbg_disasm.c, dbg_symbols.c, dbg_trace.c). */
#ifndef GLASS86_DBG_INTERNAL_H
#define GLASS86_DBG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <capstone/capstone.h>

#include "frontend/debugger.h"
#include "machine/machine.h"

/* ---- Breakpoints of every kind, numbered together as Bochs numbers them ---- */
enum bp_kind {
    BP_LIN,     /* lb: linear address of an instruction */
    BP_PHYS,    /* pb: physical address of an instruction */
    BP_VIRT,    /* vb: CS selector and EIP */
    BP_IO,      /* ioread / iowrite: a port range */
    BP_INT,     /* intbp: an interrupt or exception vector */
    BP_MODE,    /* modebp: real / protected / V86 switches */
    BP_TIME,    /* sb / sba: an instruction count */
    BP_WATCH,   /* watch / watchp: a data range, through mmu/watch.c */
};

#define DBG_MAX_BP 64
#define DBG_COND_MAX 160

struct dbg_bp {
    int id;
    enum bp_kind kind;
    bool enabled;
    bool gdb;                   /* set by the GDB stub (Z packets), hidden from its user */
    uint32_t addr;              /* address, first port, vector, EIP */
    uint32_t len;               /* ports or bytes covered (IO, WATCH) */
    uint16_t sel;               /* BP_VIRT: CS selector */
    uint8_t rw;                 /* IO and WATCH: WATCH_READ | WATCH_WRITE */
    bool phys;                  /* WATCH: a physical range */
    uint64_t icount;            /* BP_TIME: stop when icount reaches this */
    uint64_t hits;
    char cond[DBG_COND_MAX];    /* "" = always */
};

/* Why the run loop returned. */
enum dbg_stop {
    DS_STEPPED,       /* the requested number of instructions ran */
    DS_BREAK,         /* a code breakpoint (lb, pb, vb) */
    DS_WATCH,
    DS_IO,
    DS_INT,
    DS_MODE,
    DS_TIME,
    DS_MAGIC,         /* xchg bx, bx with magic-break on */
    DS_NEXT,          /* `n` reached the instruction after the CALL / INT / REP */
    DS_FINISH,        /* `finish` saw the return */
    DS_INTERRUPTED,   /* Ctrl-C, or the poll callback (GDB's 0x03) */
    DS_LIMIT,         /* --max-instructions */
    DS_EXIT,          /* the guest wrote its exit port */
    DS_HALTED,        /* HLT that nothing can end */
    DS_SHUTDOWN,      /* triple fault */
};

/* A run request: s, n, c, finish. */
struct dbg_resume {
    uint64_t steps;             /* stop after this many instructions; 0: no bound */
    bool temp;                  /* `n`: stop at temp_sel:temp_eip with ESP >= temp_esp */
    uint16_t temp_sel;
    uint32_t temp_eip, temp_esp;
    bool finish;                /* stop after a return that leaves the frame at finish_esp */
    uint32_t finish_esp;
};

/* Registers the trace and `r` compare to show what changed. */
struct dbg_regsnap {
    uint32_t gpr[8], eip, eflags, cr[5];
    uint16_t sel[6];
};

struct dbg_ring_entry {
    uint64_t icount;
    uint32_t eip, lin;
    uint16_t cs;
    uint8_t code32, nbytes;
    uint8_t bytes[15];
};

struct dbg_symbol {
    uint32_t addr, size;        /* size 0: unknown (a map file) */
    char *name;
};

struct debugger {
    struct machine *m;
    FILE *out, *in;
    bool interactive;           /* input is a terminal: prompt, repeat on empty line */
    bool catch_sigint;          /* a --debug session: Ctrl-C stops the guest, not glass86 */
    uint64_t max_insns;
    bool (*poll)(void *opaque);
    void *poll_opaque;
    const char *script;         /* --debug-script not yet run by debugger_enter() */

    struct dbg_bp bp[DBG_MAX_BP];
    int bp_count, next_id;
    /* Summaries of the list, recomputed by dbg_bp_changed(), so the loop tests little. */
    int code_bps;               /* enabled lb / pb / vb */
    bool mode_bps;
    uint64_t next_time;         /* earliest enabled time breakpoint, UINT64_MAX: none */

    /* Hits recorded by the hooks while an instruction runs, examined after it. */
    struct { bool pending; int id; uint16_t port; unsigned size; uint32_t value; bool write; } io_hit;
    struct { bool pending; int id; int vector; uint32_t error; bool software; } int_hit;

    /* The last stop: what the loop found. */
    enum dbg_stop stop;
    int stop_id;                /* breakpoint number, when a breakpoint stopped it */
    unsigned old_mode, new_mode;
    struct watch_hit watch_hit;
    bool ended;                 /* exit, final halt or shutdown: the guest cannot go on */
    bool end_reported;          /* ... and a run command has said so once */
    enum dbg_stop end_reason;
    int verdict_quit;           /* set by `quit` (1) or `detach` (2) */

    bool magic_break;
    FILE *trace;                /* `trace on [FILE]`; NULL: off */
    bool trace_owned;           /* trace is a file we opened (not the console) */
    char *trace_name;
    struct dbg_ring_entry *ring;
    unsigned ring_size, ring_next;
    uint64_t ring_count;

    struct dbg_symbol *syms;
    size_t sym_count;

    csh cs16, cs32;
    struct dbg_regsnap shown;   /* registers as the last `r` showed them */
    bool shown_valid;
    int source_depth;
    bool no_run;                /* commands come from gdb's `monitor`: no run commands */
    char err[200];              /* the reason of the last failed parse */
};

/* ---- dbg_run.c: the debugger's execution loop ---- */
enum dbg_stop dbg_run(struct debugger *d, const struct dbg_resume *r);
/* Print why the loop stopped and the next instruction. */
void dbg_report_stop(struct debugger *d);
int cmd_continue(struct debugger *d, int argc, char **argv);
int cmd_step(struct debugger *d, int argc, char **argv);
int cmd_next(struct debugger *d, int argc, char **argv);
int cmd_finish(struct debugger *d, int argc, char **argv);
/* 0: real mode, 1: protected mode, 2: virtual-8086 mode; and its name. */
unsigned dbg_cpu_mode(const struct cpu *c);
const char *dbg_mode_name(unsigned mode);

/* ---- dbg_break.c: breakpoints and their commands ---- */
/* Add one; returns the new entry or NULL (message printed). */
struct dbg_bp *dbg_bp_add(struct debugger *d, enum bp_kind kind);
struct dbg_bp *dbg_bp_find(struct debugger *d, int id);
void dbg_bp_delete(struct debugger *d, int id);
/* Recompute the summaries and install or remove the I/O and interrupt hooks. */
void dbg_bp_changed(struct debugger *d);
/* The enabled code breakpoint at CS:EIP whose condition holds, or NULL. */
struct dbg_bp *dbg_code_bp_at(struct debugger *d);
/* Condition of breakpoint `b`: true when empty or non-zero. A broken condition stops. */
bool dbg_bp_cond(struct debugger *d, struct dbg_bp *b);
int cmd_lb(struct debugger *d, int argc, char **argv);
int cmd_pb(struct debugger *d, int argc, char **argv);
int cmd_vb(struct debugger *d, int argc, char **argv);
int cmd_ioread(struct debugger *d, int argc, char **argv);
int cmd_iowrite(struct debugger *d, int argc, char **argv);
int cmd_intbp(struct debugger *d, int argc, char **argv);
int cmd_modebp(struct debugger *d, int argc, char **argv);
int cmd_sb(struct debugger *d, int argc, char **argv);
int cmd_sba(struct debugger *d, int argc, char **argv);
int cmd_watch(struct debugger *d, int argc, char **argv);
int cmd_watchp(struct debugger *d, int argc, char **argv);
int cmd_blist(struct debugger *d, int argc, char **argv);
int cmd_bpe(struct debugger *d, int argc, char **argv);
int cmd_bpd(struct debugger *d, int argc, char **argv);
int cmd_del(struct debugger *d, int argc, char **argv);
int cmd_magic(struct debugger *d, int argc, char **argv);

/* ---- dbg_expr.c: expressions over registers, memory, numbers and symbols ---- */
int dbg_eval(struct debugger *d, const char *text, uint64_t *out);
/* An address: "SEG:OFF" (a segment register or a selector, then an offset) or one
 * expression, which is taken as linear. */
struct dbg_addr {
    uint32_t lin;
    bool has_seg;
    uint16_t sel;
    uint32_t off;
};
int dbg_eval_addr(struct debugger *d, const char *text, struct dbg_addr *a);
/* Join argv[from..argc) with spaces into buf (expressions may contain spaces). */
const char *dbg_join(int argc, char **argv, int from, char *buf, size_t len);
int cmd_calc(struct debugger *d, int argc, char **argv);

/* ---- dbg_view.c: registers ---- */
/* A register by name (eax, ax, al, eip, eflags, cs, cr0, dr7, cf, icount, ...). */
bool dbg_reg_get(struct debugger *d, const char *name, uint64_t *v);
/* Set one; 0, or -1 with the reason in d->err. */
int dbg_reg_set(struct debugger *d, const char *name, uint64_t v);
void dbg_snapshot(const struct machine *m, struct dbg_regsnap *s);
void dbg_print_eflags(FILE *out, uint32_t eflags);
int cmd_regs(struct debugger *d, int argc, char **argv);
int cmd_setreg(struct debugger *d, int argc, char **argv);
int cmd_creg(struct debugger *d, int argc, char **argv);
int cmd_dreg(struct debugger *d, int argc, char **argv);
int cmd_fpu(struct debugger *d, int argc, char **argv);
int cmd_info_cpu(struct debugger *d, int argc, char **argv);
int cmd_info_device(struct debugger *d, int argc, char **argv);
/* `info device NAME` (NAME quoted or not, or one of Bochs's names such as cmos, serial):
 * 0, or -1 when no device has that name. */
int dbg_info_device_named(struct debugger *d, const char *name);

/* ---- dbg_tables.c: descriptors, tables, page walks ---- */
int cmd_sreg(struct debugger *d, int argc, char **argv);
int cmd_info_gdt(struct debugger *d, int argc, char **argv);
int cmd_info_idt(struct debugger *d, int argc, char **argv);
int cmd_info_ldt(struct debugger *d, int argc, char **argv);
int cmd_info_tss(struct debugger *d, int argc, char **argv);
int cmd_page(struct debugger *d, int argc, char **argv);
int cmd_info_tab(struct debugger *d, int argc, char **argv);
/* Base of the segment a selector names now (real/V86: selector * 16; protected: read
 * from the GDT or LDT). False when the descriptor cannot be read. */
bool dbg_selector_base(struct machine *m, uint16_t sel, uint32_t *base);

/* ---- dbg_mem.c: guest memory without side effects ---- */
/* Linear to physical through the current paging; false when not mapped. */
bool dbg_lin_to_phys(struct machine *m, uint32_t lin, uint32_t *phys);
/* Read physical bytes of RAM and ROM; MMIO and holes read as 0xFF (a device read can have
 * side effects). False if any byte was not RAM or ROM. */
bool dbg_read_phys(struct machine *m, uint32_t phys, void *buf, size_t n);
/* Read linear bytes; false if a page is not mapped (those bytes read as 0). */
bool dbg_read_lin(struct machine *m, uint32_t lin, void *buf, size_t n);
/* The instruction bytes at a linear address, fast when the TLB maps it. Returns how many
 * bytes could be read (up to n). */
unsigned dbg_fetch_code(struct machine *m, uint32_t lin, uint8_t *buf, unsigned n);
/* Writes go through phys_write(), so decoded code is invalidated like DMA's. */
void dbg_write_phys(struct machine *m, uint32_t phys, const void *buf, size_t n);
bool dbg_write_lin(struct machine *m, uint32_t lin, const void *buf, size_t n);
int cmd_x(struct debugger *d, int argc, char **argv);
int cmd_xp(struct debugger *d, int argc, char **argv);
int cmd_setpmem(struct debugger *d, int argc, char **argv);
int cmd_setmem(struct debugger *d, int argc, char **argv);
int cmd_writemem(struct debugger *d, int argc, char **argv);
int cmd_print_stack(struct debugger *d, int argc, char **argv);

/* ---- dbg_disasm.c: Capstone ---- */
int dbg_disasm_open(struct debugger *d);
void dbg_disasm_close(struct debugger *d);
/* Disassemble one instruction from `bytes`; returns its length (0: invalid, with "(bad)"
 * in text). */
unsigned dbg_disasm(struct debugger *d, const uint8_t *bytes, unsigned n, uint32_t eip,
                    bool code32, char *text, size_t len);
/* One line "CS:EIP  linear  <sym+off>  bytes  instruction" for the instruction at
 * sel:eip (linear address lin). Returns the instruction length. */
unsigned dbg_print_insn(struct debugger *d, FILE *out, uint16_t sel, uint32_t eip, uint32_t lin,
                        bool code32);
/* The same from bytes already fetched (the ring, the trace); returns the length, 0 when
 * the bytes are no instruction. */
unsigned dbg_print_insn_bytes(struct debugger *d, FILE *out, uint16_t sel, uint32_t eip,
                              uint32_t lin, bool code32, const uint8_t *bytes, unsigned n);
/* The instruction at CS:EIP. */
void dbg_print_next(struct debugger *d);
int cmd_u(struct debugger *d, int argc, char **argv);

/* ---- dbg_symbols.c ---- */
int cmd_ldsym(struct debugger *d, int argc, char **argv);
/* "name+0x12" for an address, or NULL when no symbol is near. */
const char *dbg_sym_name(struct debugger *d, uint32_t addr, char *buf, size_t len);
bool dbg_sym_lookup(struct debugger *d, const char *name, uint32_t *addr);
void dbg_sym_free(struct debugger *d);

/* ---- dbg_trace.c: the trace file and the ring ---- */
int dbg_ring_init(struct debugger *d, unsigned size);
void dbg_ring_free(struct debugger *d);
/* Called by the loop before each instruction, only when the ring is on; returns the
 * entry, whose bytes the loop looks at too. */
const struct dbg_ring_entry *dbg_ring_record(struct debugger *d);
void dbg_ring_print(struct debugger *d, FILE *out, unsigned n);
/* Called around each instruction while tracing. */
void dbg_trace_before(struct debugger *d, struct dbg_regsnap *before, struct dbg_ring_entry *insn);
void dbg_trace_after(struct debugger *d, const struct dbg_regsnap *before,
                     const struct dbg_ring_entry *insn);
/* Fill an entry for the instruction at CS:EIP. */
void dbg_capture_insn(struct machine *m, struct dbg_ring_entry *e);
int cmd_trace(struct debugger *d, int argc, char **argv);
int cmd_show(struct debugger *d, int argc, char **argv);

/* ---- debugger.c: the command line ---- */
/* Run one command line; returns 0, or -1 when it failed. */
int dbg_execute(struct debugger *d, const char *line);
int dbg_source(struct debugger *d, const char *path, bool echo);
/* Parse a whole number argument (an expression); false with a message printed. */
bool dbg_arg_u64(struct debugger *d, const char *text, uint64_t *v);
/* Print an error line and return -1. */
int dbg_error(struct debugger *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
