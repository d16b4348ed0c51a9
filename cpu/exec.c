/* The run loop: fetch a decoded block, run its instructions, retire them, and turn faults
 * into exceptions delivered with the state the SDM requires (vol. 3A, 6.5: a fault
 * restarts its instruction; 6.15: double fault; a triple fault shuts the CPU down). */
#include <stdint.h>

#include "cpu/dcache_lookup.h"
#include "cpu/debug.h"
#include "cpu/ops.h"

_Noreturn void cpu_raise(struct machine *m, int vector, uint32_t error_code)
{
    struct cpu *c = &m->cpu;
    c->exc_vector = vector;
    c->exc_error = error_code;
    longjmp(c->fault_jmp, 1);
}

/* Exception classes for the double-fault rule (SDM vol. 3A, table 6-5). */
static bool contributory(int v)
{
    return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP;
}

/* Called after a long jump out of a handler: roll the instruction back and deliver. */
static void deliver_raised(struct machine *m)
{
    struct cpu *c = &m->cpu;
    int vector = c->exc_vector;
    uint32_t error = c->exc_error;

    /* EIP goes back to the faulting instruction. ESP needs no undoing: every handler reads
     * and writes memory before it moves ESP, and far transfers, interrupt delivery and task
     * switches build the new stack aside and commit it after their last check (pop_E(),
     * pstack_push(), deliver_real(), task_switch()). */
    c->eip = c->insn_eip;
    c->halted = false;

    if (c->fault_depth > 0) {
        /* A fault while delivering another one. */
        int first = c->fault_first;
        if (first == EXC_DF) {
            machine_log(m, "triple fault (vector %d while delivering a double fault) at %04x:%08x",
                        vector, c->seg[SEG_CS].selector, c->insn_eip);
            c->fault_depth = 0;
            c->shutdown = true;
            c->eflags &= ~FLAG_RF; /* set for the pushes that never happened */
            cpu_signal(c, EV_HALT);
            return;
        }
        bool df = (contributory(first) && contributory(vector)) ||
                  (first == EXC_PF && (contributory(vector) || vector == EXC_PF)) ||
                  !cpu_protected(c); /* real mode: any fault during delivery */
        if (df) {
            vector = EXC_DF;
            error = 0;
        }
        /* Without a double fault the two are handled serially: the new exception is the
         * one being delivered now, and a fault while delivering it is judged against it
         * (a #UD whose gate raises #NP, whose own gate raises #NP, is a double fault). */
        c->fault_first = vector;
    } else {
        c->fault_depth = 1;
        c->fault_first = vector;
    }
    if (vector == EXC_DE && c->model->div_pushes_next_ip)
        c->eip = c->insn_next_eip; /* set by the 8086's divide handlers */
    /* Every fault but an instruction breakpoint pushes RF = 1, so that the IRET back to the
     * instruction does not stop at its breakpoint again (SDM vol. 3A, 17.3.1.1). The
     * delivery clears RF again; a task gate saves it in the old TSS. */
    if (c->exc_code_bp)
        c->exc_code_bp = false;
    else if (cpu_protected(c) && c->model->id >= CPU_386)
        c->eflags |= FLAG_RF;
    cpu_interrupt(m, vector, error, false);
    c->fault_depth = 0;
}

/* An interrupt or a trap that comes between two iterations of a REP string instruction
 * pushes RF = 1, so that the rest of it runs without stopping at an instruction breakpoint
 * on it (SDM vol. 3A, 17.3.1.1); the delivery clears RF again. */
static void rf_between_iterations(struct cpu *c)
{
    if (c->rep_yield_icount != 0 && c->rep_yield_icount == c->icount && cpu_protected(c) &&
        c->model->id >= CPU_386)
        c->eflags |= FLAG_RF;
}

/* Deliver an external event (NMI or INTR) between two instructions. */
static void deliver_external(struct machine *m, int vector)
{
    struct cpu *c = &m->cpu;
    rf_between_iterations(c);
    c->insn_eip = c->eip;
    c->fault_depth = 1;
    c->fault_first = EXC_NMI; /* benign: a fault on the way is delivered as itself */
    cpu_interrupt(m, vector, NO_ERROR_CODE, false);
    c->fault_depth = 0;
}

/* Handle cpu.events between instructions; returns true when cpu_run() must return.
 * Interrupts wait one instruction after STI and MOV/POP SS (SDM vol. 3A, 6.8.3). */
static bool handle_events(struct machine *m)
{
    struct cpu *c = &m->cpu;
    uint32_t ev = c->events;
    c->events = 0;
    if (ev & EV_STOP)
        return true;
    if (c->inhibit_irq) {
        /* This boundary is in the shadow: the next instruction runs first, alone, and
         * interrupts are looked at after it (cpu_run's shadow_step). */
        c->inhibit_irq = 0;
        c->shadow_step = true;
        return false;
    }
    if (m->nmi_pending && !c->nmi_blocked) {
        m->nmi_pending = false;
        c->nmi_blocked = true; /* until the next IRET */
        deliver_external(m, EXC_NMI);
        return false;
    }
    if ((c->eflags & FLAG_IF) && m->intc.intr_pending && m->intc.intr_pending(m->intc.opaque))
        deliver_external(m, m->intc.acknowledge(m->intc.opaque));
    return false;
}

/* Run one instruction of a block. EIP is advanced before the handler runs, so handlers
 * see the address of the next instruction, as relative branches and CALL need. */
static inline void execute(struct machine *m, const struct insn *i)
{
    struct cpu *c = &m->cpu;
    c->insn_eip = c->eip;
    c->eip += i->len;
    i->fn(m, i);
}

/* One instruction of a block, as execute() runs it but with EIP kept by the caller (in a
 * register: inside a block the instructions follow one another, since only the last one
 * may branch), then its retirement. Returns false when the block loop must stop: the
 * countdown break_left reached 0, which is exactly when icount reached break_at (see
 * cpu_set_break_at(); a handler that lowers break_at or retires REP iterations moves
 * break_left too). A handler that changes EIP in the middle of a block also stops the
 * loop this way: a REP instruction that yields (at run_limit, or for an event, which set
 * break_at to 0) — or it raises an exception, a long jump out of the loop. */
static inline __attribute__((always_inline)) bool step(struct machine *m, const struct insn *i,
                                                       uint32_t *eip)
{
    struct cpu *c = &m->cpu;
    c->insn_eip = *eip;
    *eip += i->len;
    c->eip = *eip;
    i->fn(m, i);
    c->icount++;
    return --c->break_left != 0;
}

/* The hot loop: blocks and their instructions until something needs cpu_run()'s
 * attention (an event, the budget). It is a function of its own, and not inlined,
 * because cpu_run() calls setjmp(), which makes the compiler keep everything in memory. */
static __attribute__((noinline)) void run_blocks(struct machine *m)
{
    struct cpu *c = &m->cpu;
    /* cpu_run() set break_at to run_limit. Only cpu_signal() lowers it below (to 0, with
     * an event to look at), and timer_arm(), which lowers run_limit with it: once icount
     * reaches break_at there is always a reason to return, and until then none. */
    if (c->icount >= c->break_at)
        return;
    struct dblock *b = &m->dcache.entry;
    for (;;) {
        /* EIP in 16-bit code wraps at 64 KiB: the mask is applied here, and cpu.eip gets
         * the masked value with the first instruction. dcache_find() masks cpu.eip too. */
        uint32_t eip = c->eip & c->code_eip_mask;
        b = dcache_next(m, b, eip);
        /* The block's instructions are end[-count] .. end[-1], run unrolled: a block of n
         * enters the switch at case n and falls through to the last, so no loop counter is
         * kept and each step finds its instruction at a constant offset. */
        const struct insn *end = b->end;
        _Static_assert(DCACHE_MAX_BLOCK == 32, "one case per block length");
        switch (b->count) {
        case 32: if (!step(m, &end[-32], &eip)) return; __attribute__((fallthrough));
        case 31: if (!step(m, &end[-31], &eip)) return; __attribute__((fallthrough));
        case 30: if (!step(m, &end[-30], &eip)) return; __attribute__((fallthrough));
        case 29: if (!step(m, &end[-29], &eip)) return; __attribute__((fallthrough));
        case 28: if (!step(m, &end[-28], &eip)) return; __attribute__((fallthrough));
        case 27: if (!step(m, &end[-27], &eip)) return; __attribute__((fallthrough));
        case 26: if (!step(m, &end[-26], &eip)) return; __attribute__((fallthrough));
        case 25: if (!step(m, &end[-25], &eip)) return; __attribute__((fallthrough));
        case 24: if (!step(m, &end[-24], &eip)) return; __attribute__((fallthrough));
        case 23: if (!step(m, &end[-23], &eip)) return; __attribute__((fallthrough));
        case 22: if (!step(m, &end[-22], &eip)) return; __attribute__((fallthrough));
        case 21: if (!step(m, &end[-21], &eip)) return; __attribute__((fallthrough));
        case 20: if (!step(m, &end[-20], &eip)) return; __attribute__((fallthrough));
        case 19: if (!step(m, &end[-19], &eip)) return; __attribute__((fallthrough));
        case 18: if (!step(m, &end[-18], &eip)) return; __attribute__((fallthrough));
        case 17: if (!step(m, &end[-17], &eip)) return; __attribute__((fallthrough));
        case 16: if (!step(m, &end[-16], &eip)) return; __attribute__((fallthrough));
        case 15: if (!step(m, &end[-15], &eip)) return; __attribute__((fallthrough));
        case 14: if (!step(m, &end[-14], &eip)) return; __attribute__((fallthrough));
        case 13: if (!step(m, &end[-13], &eip)) return; __attribute__((fallthrough));
        case 12: if (!step(m, &end[-12], &eip)) return; __attribute__((fallthrough));
        case 11: if (!step(m, &end[-11], &eip)) return; __attribute__((fallthrough));
        case 10: if (!step(m, &end[-10], &eip)) return; __attribute__((fallthrough));
        case 9: if (!step(m, &end[-9], &eip)) return; __attribute__((fallthrough));
        case 8: if (!step(m, &end[-8], &eip)) return; __attribute__((fallthrough));
        case 7: if (!step(m, &end[-7], &eip)) return; __attribute__((fallthrough));
        case 6: if (!step(m, &end[-6], &eip)) return; __attribute__((fallthrough));
        case 5: if (!step(m, &end[-5], &eip)) return; __attribute__((fallthrough));
        case 4: if (!step(m, &end[-4], &eip)) return; __attribute__((fallthrough));
        case 3: if (!step(m, &end[-3], &eip)) return; __attribute__((fallthrough));
        case 2: if (!step(m, &end[-2], &eip)) return; __attribute__((fallthrough));
        case 1: if (!step(m, &end[-1], &eip)) return; break;
        default: __builtin_unreachable(); /* a block holds 1 to DCACHE_MAX_BLOCK */
        }
    }
}

/* With EFLAGS.TF set or a breakpoint armed in DR7, instructions run one at a time. An
 * instruction breakpoint at the next instruction is a #DB fault before it (unless RF is
 * set, which then clears); an instruction that began with TF set, or hit a data
 * breakpoint, is followed by a #DB trap (SDM vol. 3A, 17.3.1). */
static void execute_single_stepped(struct machine *m)
{
    struct cpu *c = &m->cpu;
    unsigned n;
    if (c->dbg_task_trap) {
        /* The T bit of the TSS just switched to: a #DB trap before the new task's first
         * instruction (SDM vol. 3A, 17.3.1.5). */
        c->dbg_task_trap = false;
        c->insn_eip = c->eip;
        c->dr[6] |= DR6_BT;
        c->fault_depth = 1;
        c->fault_first = EXC_DB;
        cpu_interrupt(m, EXC_DB, NO_ERROR_CODE, false);
        c->fault_depth = 0;
        return;
    }
    bool tf = (c->eflags & FLAG_TF) != 0;
    if (c->eflags & FLAG_RF) {
        c->eflags &= ~FLAG_RF;
    } else if (c->dbg_exec) {
        uint32_t eip = cpu_code32(c) ? c->eip : c->eip & 0xFFFF;
        uint32_t hits = dbg_exec_hits(m, c->seg[SEG_CS].base + eip);
        if (hits) {
            c->insn_eip = eip;
            c->dr[6] |= hits;
            c->exc_code_bp = true;
            cpu_raise(m, EXC_DB, NO_ERROR_CODE);
        }
    }
    c->dbg_hits = 0;
    const struct insn *i = dcache_get_block(m, &n);
    c->inhibit_irq = 0; /* a shadow covers only the boundary right after its instruction */
    execute(m, i);
    c->icount++;
    if (c->inhibit_irq == 2 && !c->halted && !c->shutdown) {
        /* MOV SS / POP SS: the trap waits until after the next instruction (SDM vol. 3A,
         * 6.8.3), which runs at once, with no interrupt between the two. */
        i = dcache_get_block(m, &n);
        c->inhibit_irq = 0;
        execute(m, i);
        c->icount++;
    }
    if (c->halted || c->shutdown || (!tf && !c->dbg_hits))
        return;
    c->insn_eip = c->eip;
    c->dr[6] |= c->dbg_hits | (tf ? DR6_BS : 0);
    c->dbg_hits = 0;
    rf_between_iterations(c);
    c->fault_depth = 1;
    c->fault_first = EXC_DB;
    cpu_interrupt(m, EXC_DB, NO_ERROR_CODE, false);
    c->fault_depth = 0;
}

/* The run loop takes the one-at-a-time path above (RF: for the one instruction it
 * covers, after which it clears). */
static bool stepping(const struct cpu *c)
{
    return (c->eflags & (FLAG_TF | FLAG_RF)) || c->dbg_exec || c->dbg_data_write || c->dbg_io ||
           c->dbg_task_trap;
}

/* 16-bit code keeps IP within 64 KiB. Blocks never run past offset 0xFFFF, so the wrap
 * only needs doing where EIP is looked at from outside. */
static void normalize_eip(struct cpu *c)
{
    if (!cpu_code32(c))
        c->eip &= 0xFFFF;
}

static enum cpu_stop stop_reason(struct cpu *c)
{
    normalize_eip(c);
    if (c->shutdown)
        return STOP_SHUTDOWN;
    if (c->halted)
        return STOP_HALTED;
    return STOP_REQUESTED;
}

enum cpu_stop cpu_run(struct machine *m, uint64_t max_insns)
{
    struct cpu *c = &m->cpu;
    c->run_limit = max_insns > UINT64_MAX - c->icount ? UINT64_MAX : c->icount + max_insns;

    if (setjmp(c->fault_jmp)) {
        c->icount++; /* the faulting instruction counts as executed */
        deliver_raised(m);
    }
    for (;;) {
        cpu_set_break_at(c, c->run_limit);
        if (c->events && handle_events(m))
            return stop_reason(c);
        if (c->shutdown || c->halted || c->icount >= c->run_limit) {
            normalize_eip(c);
            return c->shutdown ? STOP_SHUTDOWN : c->halted ? STOP_HALTED : STOP_LIMIT;
        }
        if (stepping(c) || c->shadow_step) {
            bool shadow = c->shadow_step;
            c->shadow_step = false;
            execute_single_stepped(m);
            if (shadow)
                cpu_signal(c, EV_IRQ); /* the shadow is over: interrupts may come now */
            continue;
        }
        run_blocks(m);
    }
}

enum cpu_stop cpu_step(struct machine *m)
{
    struct cpu *c = &m->cpu;
    c->run_limit = UINT64_MAX; /* a REP instruction runs to its end */
    if (setjmp(c->fault_jmp)) {
        c->icount++;
        deliver_raised(m);
        if (c->events & EV_STOP)
            c->events &= ~EV_STOP;
        normalize_eip(c);
        return c->shutdown ? STOP_SHUTDOWN : STOP_LIMIT;
    }
    if (c->events && handle_events(m))
        return stop_reason(c);
    if (c->shutdown)
        return STOP_SHUTDOWN;
    if (c->halted)
        return STOP_HALTED;
    cpu_set_break_at(c, UINT64_MAX);
    if (stepping(c)) {
        execute_single_stepped(m);
    } else {
        unsigned n;
        const struct insn *i = dcache_get_block(m, &n);
        execute(m, i);
        c->icount++;
    }
    normalize_eip(c);
    if (c->halted)
        return STOP_HALTED;
    if (c->events & EV_STOP) {
        c->events &= ~EV_STOP;
        return STOP_REQUESTED;
    }
    return STOP_LIMIT;
}
