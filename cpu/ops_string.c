/* String instructions MOVS CMPS STOS LODS SCAS INS OUTS with REP/REPE/REPNE (Intel SDM
 * vol. 2, the page of each, and "REP/REPE/REPZ/REPNE/REPNZ"). Each iteration commits its
 * registers, so a fault in the middle leaves a state the instruction restarts from; a long
 * REP yields to the run loop when its instruction budget or an event says so. */
#include "cpu/ops.h"

enum string_kind { S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS, S_INS, S_OUTS };

ALWAYS_INLINE void advance(struct cpu *c, int reg, uint32_t amask, int32_t step)
{
    c->gpr[reg] = (c->gpr[reg] & ~amask) | ((c->gpr[reg] + (uint32_t)step) & amask);
}

/* The 286 reports a limit fault on a word at offset 0xFFFF only after its microcode has
 * moved the pointer on, so the faulting instruction leaves that register advanced. Under
 * REP its loop has also counted ahead: CX is one lower after a faulting read, two lower
 * after a faulting write (posted, so the next iteration's count has begun), and unchanged
 * by CMPS. All of it captured from a real 286 by SingleStepTests; other models fault with
 * the registers untouched. */
enum { READ_FAULT = 1, WRITE_FAULT = 2, CMPS_FAULT = 0 };
ALWAYS_INLINE void fault_after_advance_286(struct machine *m, const struct insn *i, unsigned n,
                                          bool faults, int reg, uint32_t amask, int32_t step,
                                          int count_steps)
{
    struct cpu *c = &m->cpu;
    if (n != 2 || !faults || c->model->id != CPU_286)
        return;
    advance(c, reg, amask, step);
    if (i->attr & A_REPANY)
        advance(c, ECX, amask, -count_steps);
    cpu_raise(m, EXC_GP, 0);
}

ALWAYS_INLINE void string_once(struct machine *m, const struct insn *i, unsigned w, int kind)
{
    struct cpu *c = &m->cpu;
    unsigned n = w / 8;
    uint32_t amask = (i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF;
    int32_t step = (c->eflags & FLAG_DF) ? -(int32_t)n : (int32_t)n;
    uint32_t si = c->gpr[ESI] & amask, di = c->gpr[EDI] & amask;
    uint32_t a, b;
    switch (kind) {
    case S_MOVS:
        fault_after_advance_286(m, i, n, si == 0xFFFF, ESI, amask, step, READ_FAULT);
        a = mem_read(m, i->seg, si, n);
        advance(c, ESI, amask, step);
        fault_after_advance_286(m, i, n, di == 0xFFFF, EDI, amask, step, WRITE_FAULT);
        mem_write(m, SEG_ES, di, a, n);
        advance(c, EDI, amask, step);
        break;
    case S_CMPS:
        /* The 286 reads ES:DI first. */
        fault_after_advance_286(m, i, n, di == 0xFFFF, EDI, amask, step, CMPS_FAULT);
        if (c->model->id == CPU_286 && n == 2 && si == 0xFFFF) {
            advance(c, EDI, amask, step);
            fault_after_advance_286(m, i, n, true, ESI, amask, step, READ_FAULT);
        }
        a = mem_read(m, i->seg, si, n);
        b = mem_read(m, SEG_ES, di, n);
        lf_sub(&c->lf, a, b, (a - b) & width_mask(w), w);
        advance(c, ESI, amask, step);
        advance(c, EDI, amask, step);
        break;
    case S_STOS:
        fault_after_advance_286(m, i, n, di == 0xFFFF, EDI, amask, step, WRITE_FAULT);
        mem_write(m, SEG_ES, di, reg_get(c, EAX, w), n);
        advance(c, EDI, amask, step);
        break;
    case S_LODS:
        fault_after_advance_286(m, i, n, si == 0xFFFF, ESI, amask, step, READ_FAULT);
        reg_set(c, EAX, w, mem_read(m, i->seg, si, n));
        advance(c, ESI, amask, step);
        break;
    case S_SCAS:
        fault_after_advance_286(m, i, n, di == 0xFFFF, EDI, amask, step, READ_FAULT);
        a = reg_get(c, EAX, w);
        b = mem_read(m, SEG_ES, di, n);
        lf_sub(&c->lf, a, b, (a - b) & width_mask(w), w);
        advance(c, EDI, amask, step);
        break;
    case S_INS:
        fault_after_advance_286(m, i, n, di == 0xFFFF, EDI, amask, step, WRITE_FAULT);
        mem_check_write(m, SEG_ES, di, n); /* fault before the port sees a read */
        mem_write(m, SEG_ES, di, port_in(m, cpu_reg16(c, EDX), n), n);
        advance(c, EDI, amask, step);
        break;
    default: /* S_OUTS */
        fault_after_advance_286(m, i, n, si == 0xFFFF, ESI, amask, step, READ_FAULT);
        port_out(m, cpu_reg16(c, EDX), mem_read(m, i->seg, si, n), n);
        advance(c, ESI, amask, step);
        break;
    }
}

ALWAYS_INLINE void string_op(struct machine *m, const struct insn *i, unsigned w, int kind)
{
    struct cpu *c = &m->cpu;
    if (!(i->attr & A_REPANY)) {
        string_once(m, i, w, kind);
        return;
    }
    bool a32 = (i->attr & A_AD32) != 0;
    for (;;) {
        uint32_t count = a32 ? c->gpr[ECX] : cpu_reg16(c, ECX);
        if (count == 0)
            return;
        string_once(m, i, w, kind);
        count--;
        if (a32)
            c->gpr[ECX] = count;
        else
            cpu_set_reg16(c, ECX, (uint16_t)count);
        if (kind == S_CMPS || kind == S_SCAS) {
            bool zf = lf_zf(&c->lf);
            if ((i->attr & A_REP) ? !zf : zf)
                return;
        }
        if (count == 0)
            return;
        /* Yield to the run loop when the budget is spent or an interrupt may be due; a
         * write to code (EV_SMC) is no reason: a REP never re-fetches its own bytes. With
         * TF set, or after a data breakpoint hit, the iteration is followed by a #DB trap. */
        if ((c->eflags & FLAG_TF) || c->dbg_hits || ++c->icount >= c->run_limit ||
            (c->events & (EV_IRQ | EV_STOP))) {
            c->eip = c->insn_eip; /* not finished: run again from the same instruction */
            return;
        }
    }
}

#define STRING_HANDLERS(name, KIND) \
    HANDLER(name##b) { string_op(m, i, 8, KIND); } \
    INST_NV(name, string_op, KIND)
STRING_HANDLERS(movs, S_MOVS)
STRING_HANDLERS(cmps, S_CMPS)
STRING_HANDLERS(stos, S_STOS)
STRING_HANDLERS(lods, S_LODS)
STRING_HANDLERS(scas, S_SCAS)
STRING_HANDLERS(ins, S_INS)
STRING_HANDLERS(outs, S_OUTS)
