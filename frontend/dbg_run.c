/* The debugger's own execution loop: one instruction at a time (one iteration of a REP
 * string instruction, as a single-step trap would see it), timers fired and HLT skipped
 * between them as machine_run() does, and after each instruction the checks breakpoints,
 * watchpoints, tracing and the ring need. machine_run() knows nothing of any of this,
 * which is how the normal loop stays free of debugger costs (STYLE.md, item 6).
 *
 * Interrupts: pending events are delivered between instructions by cpu_run(m, 0) before
 * the code breakpoints are compared, so a breakpoint on a handler's first instruction is
 * seen; the STI / MOV SS shadow is respected by letting cpu_step() consume it. */
#include <signal.h>
#include <string.h>

#include "frontend/dbg_internal.h"
#include "machine/run.h"

/* The debugger's one mutable global: a signal handler can reach nothing else. SIGINT
 * (Ctrl-C) sets it while the debugger runs the guest; the loop polls and clears it.
 * Outside dbg_run() SIGINT has its default action. */
static volatile sig_atomic_t sigint_seen;

static void on_sigint(int sig)
{
    (void)sig;
    sigint_seen = 1;
}

static void catch_sigint(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? on_sigint : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

unsigned dbg_cpu_mode(const struct cpu *c)
{
    if (!cpu_protected(c))
        return 0;
    return (c->eflags & FLAG_VM) ? 2 : 1;
}

const char *dbg_mode_name(unsigned mode)
{
    static const char *const names[] = { "real mode", "protected mode", "virtual-8086 mode" };
    return names[mode % 3];
}

/* Deliver what is pending between instructions (an interrupt moves CS:EIP to its
 * handler). Not inside an interrupt shadow: there the next instruction runs first, and
 * cpu_step() ends the shadow. Stop requests are the debugger's own business. */
static void settle(struct machine *m)
{
    struct cpu *c = &m->cpu;
    c->events &= ~EV_STOP;
    m->stop_requested = 0;
    if (c->events && !c->inhibit_irq)
        cpu_run(m, 0);
}

/* How the instruction at CS:EIP must be run, from its first bytes. */
enum exec_kind {
    EXEC_PLAIN,     /* cpu_run(m, 1): the fast inline block lookup */
    EXEC_REP,       /* a REP string instruction: cpu_run(m, 1) runs one iteration */
    EXEC_SHADOW,    /* STI, MOV SS, POP SS (or unknown bytes): cpu_step(), see exec_one() */
};

static enum exec_kind classify(const uint8_t *b, unsigned n)
{
    bool rep = false;
    for (unsigned k = 0; k < n; k++) {
        uint8_t x = b[k];
        if (x == 0xF2 || x == 0xF3) {
            rep = true;
            continue;
        }
        if (x == 0x66 || x == 0x67 || x == 0x26 || x == 0x2E || x == 0x36 || x == 0x3E ||
            x == 0x64 || x == 0x65 || x == 0xF0)
            continue;
        if (x == 0xFB || x == 0x17 || x == 0x8E)
            return EXEC_SHADOW;
        if (rep && ((x >= 0xA4 && x <= 0xA7) || (x >= 0xAA && x <= 0xAF) || (x >= 0x6C && x <= 0x6F)))
            return EXEC_REP;
        return EXEC_PLAIN;
    }
    return EXEC_SHADOW;
}

/* The instruction inside an interrupt shadow (after STI, MOV SS, POP SS) must run before
 * any interrupt: cpu_step() runs it whatever events are pending, while cpu_run() would
 * handle the re-signalled EV_IRQ first and deliver the interrupt ahead of it. */
static enum exec_kind shadowed(const struct machine *m, enum exec_kind kind)
{
    return m->cpu.inhibit_irq ? EXEC_SHADOW : kind;
}

static enum exec_kind classify_here(struct machine *m)
{
    const struct cpu *c = &m->cpu;
    uint32_t eip = cpu_code32(c) ? c->eip : c->eip & 0xFFFF;
    uint8_t b[4];
    unsigned n = dbg_fetch_code(m, c->seg[SEG_CS].base + eip, b, sizeof b);
    return classify(b, n);
}

/* Decode the instruction at CS:EIP with glass86's own decoder. */
static bool decode_here(struct machine *m, struct insn *i)
{
    const struct cpu *c = &m->cpu;
    uint32_t eip = cpu_code32(c) ? c->eip : c->eip & 0xFFFF;
    uint8_t b[15];
    unsigned n = dbg_fetch_code(m, c->seg[SEG_CS].base + eip, b, sizeof b);
    return n && decode_insn(&m->decoder, b, n, cpu_code32(c), i) == DECODE_OK;
}

static bool is_magic(struct machine *m)
{
    struct insn i;
    return decode_here(m, &i) && insn_def(&i)->map == 0 && i.opcode == 0x87 &&
           !(i.attr & A_MEM) && i.reg == EBX && i.rm == EBX;
}

static bool is_return(struct machine *m)
{
    struct insn i;
    if (!decode_here(m, &i))
        return false;
    const char *mn = insn_def(&i)->mnemonic;
    return strcmp(mn, "ret") == 0 || strcmp(mn, "retf") == 0 || strcmp(mn, "iret") == 0;
}

/* Run one instruction, or one iteration of a REP string instruction.
 *
 * cpu_run(m, 1) runs one instruction and then handles pending events, so an interrupt
 * that became due is delivered before it returns, as after any instruction. The one
 * thing it must not run is an instruction that opens an interrupt shadow (STI, MOV SS,
 * POP SS): its trailing event handling would use up the shadow, and the next call would
 * deliver the interrupt before the shadowed instruction. Those go through cpu_step(),
 * which leaves events for the next step, and so does the shadowed instruction itself
 * (see shadowed()). REP string instructions yield after one iteration when their budget
 * is one. */
static void exec_one(struct machine *m, enum exec_kind kind)
{
    struct cpu *c = &m->cpu;
    if (kind == EXEC_SHADOW) {
        cpu_step(m);
    } else if (cpu_run(m, 1) == STOP_REQUESTED) {
        /* A stop request seen by the trailing event handling swallowed the other
         * events with it (a pending EV_IRQ): have them looked at again. */
        cpu_signal(c, EV_IRQ);
    }
    m->stop_requested = 0;
}

/* The guest runs without per-instruction checks: up to `budget` instructions in
 * machine_run()'s slices. Watchpoint, I/O and interrupt hooks still stop it. */
static void run_free(struct machine *m, uint64_t budget)
{
    uint64_t slice = sched_insns_until_next(m);
    if (slice > budget)
        slice = budget;
    if (slice == 0)
        slice = 1;
    if (cpu_run(m, slice) == STOP_REQUESTED)
        cpu_signal(&m->cpu, EV_IRQ);
    m->stop_requested = 0;
}

/* Hits the hooks recorded; true when one of them stops the loop. */
static bool hooked_stop(struct debugger *d)
{
    struct machine *m = d->m;
    if (d->int_hit.pending) {
        d->int_hit.pending = false;
        struct dbg_bp *b = dbg_bp_find(d, d->int_hit.id);
        if (b && dbg_bp_cond(d, b)) {
            b->hits++;
            d->stop = DS_INT;
            d->stop_id = b->id;
            return true;
        }
    }
    if (d->io_hit.pending) {
        d->io_hit.pending = false;
        struct dbg_bp *b = dbg_bp_find(d, d->io_hit.id);
        if (b && dbg_bp_cond(d, b)) {
            b->hits++;
            d->stop = DS_IO;
            d->stop_id = b->id;
            return true;
        }
    }
    if (m->watch.hit.pending) {
        d->watch_hit = m->watch.hit;
        m->watch.hit.pending = false;
        int id = m->watch.w[d->watch_hit.slot].id;
        struct dbg_bp *b = dbg_bp_find(d, id);
        if (b && dbg_bp_cond(d, b)) {
            b->hits++;
            d->stop = DS_WATCH;
            d->stop_id = b->id;
            return true;
        }
    }
    return false;
}

static bool time_stop(struct debugger *d)
{
    uint64_t now = d->m->cpu.icount;
    for (int k = 0; k < d->bp_count; k++) {
        struct dbg_bp *b = &d->bp[k];
        if (b->kind == BP_TIME && b->enabled && b->icount <= now) {
            b->enabled = false; /* a moment passes once */
            b->hits++;
            d->stop = DS_TIME;
            d->stop_id = b->id;
            dbg_bp_changed(d);
            return true;
        }
    }
    return false;
}

static enum dbg_stop end(struct debugger *d, enum dbg_stop why)
{
    d->ended = true;
    d->end_reason = why;
    return why;
}

/* Instructions between two looks at Ctrl-C from gdb (a system call) or at a display. */
#define POLL_EVERY 4096
/* The longest stretch run without per-instruction checks, so Ctrl-C is seen quickly. */
#define FREE_CHUNK 65536

/* The loop proper; `first` skips the code breakpoint at the starting address, so that
 * `c` from a breakpoint goes on. */
static enum dbg_stop run_loop(struct debugger *d, const struct dbg_resume *rs)
{
    struct machine *m = d->m;
    struct cpu *c = &m->cpu;
    uint64_t steps = 0, polled = c->icount;
    bool first = true;
    bool rep_goes_on = false; /* a REP instruction stopped between iterations */
    /* Nothing to look at between instructions: run in stretches. */
    bool free_run = !d->ring && !d->trace && !d->magic_break && !d->mode_bps && !d->code_bps &&
                    !rs->steps && !rs->temp && !rs->finish;
    d->stop_id = 0;
    for (;;) {
        sched_run_due(m);
        if (m->reset_requested) { /* a PC's reset line (8042, port CF9h), as machine_run() */
            machine_log(m, "the guest reset the machine");
            machine_reset(m);
        }
        if (m->exit_requested)
            return end(d, DS_EXIT);
        if (c->shutdown)
            return end(d, DS_SHUTDOWN);
        settle(m);
        if ((d->int_hit.pending || d->io_hit.pending || m->watch.hit.pending) && hooked_stop(d))
            return d->stop;
        if (c->halted) {
            /* As machine_run(): only an interrupt ends HLT; skip to the next timer. */
            if ((!(c->eflags & FLAG_IF) && !m->nmi_pending) || !sched_skip_to_next(m))
                return end(d, DS_HALTED);
            if (sigint_seen) {
                sigint_seen = 0;
                return DS_INTERRUPTED;
            }
            continue;
        }
        if (sigint_seen) {
            sigint_seen = 0;
            return DS_INTERRUPTED;
        }
        if (d->poll && c->icount - polled >= POLL_EVERY) {
            polled = c->icount;
            if (d->poll(d->poll_opaque))
                return DS_INTERRUPTED;
        }
        if (rs->steps && steps >= rs->steps)
            return DS_STEPPED;
        if (d->max_insns && c->icount >= d->max_insns)
            return end(d, DS_LIMIT);
        if (c->icount >= d->next_time && time_stop(d))
            return DS_TIME;
        if (free_run) {
            uint64_t budget = FREE_CHUNK;
            if (d->next_time - c->icount < budget)
                budget = d->next_time - c->icount;
            if (d->max_insns && d->max_insns - c->icount < budget)
                budget = d->max_insns - c->icount;
            run_free(m, budget);
            continue;
        }
        /* A code breakpoint stops when an instruction begins, not again between the
         * iterations of a REP string instruction (as RF makes a debug register do). */
        if (!first && !rep_goes_on) {
            if (rs->temp && c->seg[SEG_CS].selector == rs->temp_sel &&
                (cpu_code32(c) ? c->eip : c->eip & 0xFFFF) == rs->temp_eip &&
                (c->gpr[ESP] & c->stack_mask) >= rs->temp_esp)
                return DS_NEXT;
            if (d->code_bps) {
                struct dbg_bp *b = dbg_code_bp_at(d);
                if (b) {
                    d->stop_id = b->id;
                    return DS_BREAK;
                }
            }
        }
        first = false;

        /* Before: what the checks after the instruction need. */
        enum exec_kind kind;
        struct dbg_regsnap before;
        struct dbg_ring_entry insn;
        if (d->trace) {
            dbg_trace_before(d, &before, &insn);
            kind = classify(insn.bytes, insn.nbytes);
            if (d->ring)
                dbg_ring_record(d);
        } else if (d->ring) {
            const struct dbg_ring_entry *e = dbg_ring_record(d);
            kind = classify(e->bytes, e->nbytes);
        } else {
            kind = classify_here(m);
        }
        unsigned mode = d->mode_bps ? dbg_cpu_mode(c) : 0;
        bool magic = d->magic_break && is_magic(m);
        bool leaving = rs->finish && (c->gpr[ESP] & c->stack_mask) >= rs->finish_esp &&
                       is_return(m);

        uint32_t eip_before = c->eip;
        uint16_t cs_before = c->seg[SEG_CS].selector;
        uint64_t icount_before = c->icount;
        kind = shadowed(m, kind);
        exec_one(m, kind);
        steps++;
        rep_goes_on = kind == EXEC_REP && c->eip == eip_before &&
                      c->seg[SEG_CS].selector == cs_before;
        /* string_op() counts an iteration that yields to its caller twice (its own
         * ++icount, then the block loop's); one iteration is one instruction. When the
         * core counts it once this does nothing. */
        if (rep_goes_on && c->icount - icount_before == 2)
            c->icount--;

        if (d->trace)
            dbg_trace_after(d, &before, &insn);
        if ((d->int_hit.pending || d->io_hit.pending || m->watch.hit.pending) && hooked_stop(d))
            return d->stop;
        if (d->mode_bps && dbg_cpu_mode(c) != mode) {
            for (int k = 0; k < d->bp_count; k++) {
                struct dbg_bp *b = &d->bp[k];
                if (b->kind == BP_MODE && b->enabled && dbg_bp_cond(d, b)) {
                    b->hits++;
                    d->stop_id = b->id;
                    d->old_mode = mode;
                    d->new_mode = dbg_cpu_mode(c);
                    return DS_MODE;
                }
            }
        }
        if (magic)
            return DS_MAGIC;
        if (leaving && !c->shutdown)
            return DS_FINISH;
    }
}

enum dbg_stop dbg_run(struct debugger *d, const struct dbg_resume *rs)
{
    if (d->ended) {
        d->stop = d->end_reason;
        d->end_reported = true; /* said once already: the report is short now */
        return d->stop;
    }
    if (d->catch_sigint)
        catch_sigint(true);
    sigint_seen = 0;
    dbg_snapshot(d->m, &d->shown); /* `r` marks what this run changes */
    d->shown_valid = true;
    d->stop = run_loop(d, rs);
    if (d->catch_sigint)
        catch_sigint(false);
    if (d->trace)
        fflush(d->trace);
    return d->stop;
}

/* ---- reporting a stop ---- */

static const char *vector_name(int v)
{
    static const char *const names[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                         "#DF", "", "#TS", "#NP", "#SS", "#GP", "#PF", "",
                                         "#MF", "#AC", "#MC", "#XM" };
    return v >= 0 && v < 20 ? names[v] : "";
}

void dbg_report_stop(struct debugger *d)
{
    struct machine *m = d->m;
    const struct cpu *c = &m->cpu;
    FILE *o = d->out;
    if (d->ended && d->end_reported) {
        fprintf(o, "The guest has ended (%s): nothing runs any more\n",
                d->end_reason == DS_EXIT ? "exit" : d->end_reason == DS_HALTED ? "halted"
                : d->end_reason == DS_SHUTDOWN ? "triple fault" : "instruction limit");
        return;
    }
    switch (d->stop) {
    case DS_STEPPED: case DS_NEXT: case DS_FINISH:
        break;
    case DS_BREAK:
        fprintf(o, "Breakpoint %d, icount %llu\n", d->stop_id, (unsigned long long)c->icount);
        break;
    case DS_WATCH: {
        const struct watch_hit *h = &d->watch_hit;
        fprintf(o, "Watchpoint %d: %s of %u byte%s at linear %08x", d->stop_id,
                h->kind == WATCH_WRITE ? "write" : "read", h->size, h->size == 1 ? "" : "s", h->addr);
        if (h->kind == WATCH_WRITE)
            fprintf(o, " (value %0*x)", (int)(h->size * 2), h->value);
        fprintf(o, " by the instruction at %04x:%0*x\n", h->insn_cs, cpu_code32(c) ? 8 : 4,
                h->insn_eip);
        break;
    }
    case DS_IO:
        fprintf(o, "I/O breakpoint %d: %s port %04x, %u byte%s, value %0*x\n", d->stop_id,
                d->io_hit.write ? "write to" : "read from", d->io_hit.port, d->io_hit.size,
                d->io_hit.size == 1 ? "" : "s", (int)(d->io_hit.size * 2), d->io_hit.value);
        break;
    case DS_INT:
        fprintf(o, "Interrupt breakpoint %d: vector 0x%02x%s%s (%s)", d->stop_id, d->int_hit.vector,
                vector_name(d->int_hit.vector)[0] ? " " : "", vector_name(d->int_hit.vector),
                d->int_hit.software ? "software" : "exception or external");
        if (d->int_hit.error != NO_ERROR_CODE)
            fprintf(o, ", error code %04x", d->int_hit.error);
        fputc('\n', o);
        break;
    case DS_MODE:
        fprintf(o, "Mode breakpoint %d: %s -> %s\n", d->stop_id, dbg_mode_name(d->old_mode),
                dbg_mode_name(d->new_mode));
        break;
    case DS_TIME:
        fprintf(o, "Time breakpoint %d, icount %llu\n", d->stop_id, (unsigned long long)c->icount);
        break;
    case DS_MAGIC:
        fprintf(o, "Magic breakpoint (xchg bx, bx)\n");
        break;
    case DS_INTERRUPTED:
        fprintf(o, "Interrupted, icount %llu\n", (unsigned long long)c->icount);
        break;
    case DS_LIMIT:
        fprintf(o, "The instruction limit (--max-instructions) is reached: icount %llu\n",
                (unsigned long long)c->icount);
        return;
    case DS_EXIT:
        fprintf(o, "The guest exited with status %d\n", m->exit_status);
        return;
    case DS_HALTED:
        fprintf(o, "The guest halted %s\n", (c->eflags & FLAG_IF) ? "and no device can wake it"
                                                                  : "with interrupts disabled");
        break;
    case DS_SHUTDOWN:
        fprintf(o, "Triple fault: the CPU shut down\n");
        dbg_ring_print(d, o, 0);
        return;
    }
    dbg_print_next(d);
}

/* ---- the run commands ---- */

/* From gdb's `monitor`, the guest is gdb's to run. */
static int refuse_run(struct debugger *d)
{
    return dbg_error(d, "not from gdb: use gdb's continue, stepi, finish");
}

int cmd_continue(struct debugger *d, int argc, char **argv)
{
    if (d->no_run)
        return refuse_run(d);
    struct dbg_resume r = { 0 };
    dbg_run(d, &r);
    dbg_report_stop(d);
    return 0;
}

int cmd_step(struct debugger *d, int argc, char **argv)
{
    uint64_t n = 1;
    if (d->no_run)
        return refuse_run(d);
    if (argc > 1 && !dbg_arg_u64(d, argv[1], &n))
        return -1;
    if (n == 0)
        return 0;
    struct dbg_resume r = { .steps = n };
    dbg_run(d, &r);
    dbg_report_stop(d);
    return 0;
}

/* n: over a CALL, an INT or a whole REP string instruction, else one step. */
int cmd_next(struct debugger *d, int argc, char **argv)
{
    struct machine *m = d->m;
    const struct cpu *c = &m->cpu;
    struct insn i;
    struct dbg_resume r = { .steps = 1 };
    if (d->no_run)
        return refuse_run(d);
    if (decode_here(m, &i)) {
        const struct opcode_def *def = insn_def(&i);
        const char *mn = def->mnemonic;
        bool over = strcmp(mn, "call") == 0 || strncmp(mn, "int", 3) == 0 ||
                    ((def->traits & T_STRING) && (i.attr & A_REPANY));
        if (over) {
            uint32_t eip = cpu_code32(c) ? c->eip : c->eip & 0xFFFF;
            r = (struct dbg_resume){ .temp = true, .temp_sel = c->seg[SEG_CS].selector,
                                     .temp_eip = cpu_code32(c) ? eip + i.len : (eip + i.len) & 0xFFFF,
                                     .temp_esp = c->gpr[ESP] & c->stack_mask };
        }
    }
    dbg_run(d, &r);
    dbg_report_stop(d);
    return 0;
}

/* finish: run until a RET / RETF / IRET leaves the current frame. */
int cmd_finish(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    struct dbg_resume r = { .finish = true, .finish_esp = c->gpr[ESP] & c->stack_mask };
    if (d->no_run)
        return refuse_run(d);
    dbg_run(d, &r);
    dbg_report_stop(d);
    return 0;
}
