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
        /* SI moves on only once the element is stored: a fault in the write (a page fault
         * on the destination) must restart the instruction from the same source element.
         * Only the 286's limit fault on DI = 0xFFFF leaves SI advanced (see above), and
         * fault_after_advance_286() never returns in that case. */
        if (c->model->id == CPU_286 && n == 2 && di == 0xFFFF)
            advance(c, ESI, amask, step);
        fault_after_advance_286(m, i, n, di == 0xFFFF, EDI, amask, step, WRITE_FAULT);
        mem_write(m, SEG_ES, di, a, n);
        advance(c, ESI, amask, step);
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

/* How many elements from offset `off` on, `step` bytes apart (negative: downwards), the
 * fast path could access one after another within one page and the segment, at most
 * `max`: 0 when not even the first. `write` asks for the write rights. */
static uint32_t string_fast_run(struct machine *m, int sreg, uint32_t off, uint32_t amask,
                                int32_t step, bool write, uint32_t max, uint8_t **host)
{
    const struct segment *s = &m->cpu.seg[sreg];
    uint32_t n = step < 0 ? (uint32_t)-step : (uint32_t)step;
    uint32_t lin = s->base + off;
    const struct tlb_entry *e = tlb_entry_of(m, lin);
    if (!tlb_tag_ok(write ? e->write_tag : e->read_tag, lin, n))
        return 0;
    /* Elements wholly within the page, and offsets that do not wrap at the address size. */
    uint32_t in_page = step > 0 ? (0x1000 - (lin & 0xFFF)) / n : (lin & 0xFFF) / n + 1;
    uint32_t in_space = step > 0 ? (amask - off) / n + 1 : off / n + 1;
    uint32_t k = max < in_page ? max : in_page;
    if (in_space < k)
        k = in_space;
    /* The whole range within the segment. */
    uint32_t lowest = step > 0 ? off : off - (k - 1) * n;
    if (k == 0 || !seg_span_ok(lowest, k * n, write ? s->write_span : s->read_span))
        return 0;
    *host = (uint8_t *)(e->addend + lin);
    return k;
}

/* REP MOVS and REP STOS over RAM the fast path may access: the iterations a page of the
 * source and of the destination allow, done at once. Each one is what string_once() and
 * the loop in string_op() would do: the same element order (so overlapping copies repeat
 * a pattern as they do on a real chip), the registers moved on, one instruction retired
 * per iteration. Only iterations the loop would follow by another are done here, never
 * the last one, and only as many as the budget allows without a yield; the checks that
 * may stop the loop after an iteration cannot change meanwhile (no device is touched, and
 * code pages, MMIO, watchpoints and data breakpoints are never on the fast path). Returns
 * the iterations done, 0 when the general loop must do the next one. */
ALWAYS_INLINE uint32_t string_bulk(struct machine *m, const struct insn *i, unsigned w, int kind,
                                   uint32_t count)
{
    struct cpu *c = &m->cpu;
    if ((c->eflags & FLAG_TF) || c->dbg_hits || (c->events & (EV_IRQ | EV_STOP)) ||
        c->icount + 1 >= c->run_limit)
        return 0;
    uint64_t budget = c->run_limit - c->icount - 1;
    uint32_t k = count - 1;
    if (budget < k)
        k = (uint32_t)budget;
    if (k == 0)
        return 0;
    unsigned n = w / 8;
    uint32_t amask = (i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF;
    int32_t step = (c->eflags & FLAG_DF) ? -(int32_t)n : (int32_t)n;
    uint8_t *dst, *src = NULL;
    k = string_fast_run(m, SEG_ES, c->gpr[EDI] & amask, amask, step, true, k, &dst);
    if (kind == S_MOVS && k)
        k = string_fast_run(m, i->seg, c->gpr[ESI] & amask, amask, step, false, k, &src);
    if (k == 0)
        return 0;
    if (kind == S_MOVS) {
        for (uint32_t j = 0; j < k; j++, src += step, dst += step)
            memcpy(dst, src, n);
        advance(c, ESI, amask, step * (int32_t)k);
    } else {
        uint32_t v = reg_get(c, EAX, w);
        for (uint32_t j = 0; j < k; j++, dst += step)
            store_le(dst, v, n);
    }
    advance(c, EDI, amask, step * (int32_t)k);
    cpu_retire(c, k);
    return k;
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
        if (kind == S_MOVS || kind == S_STOS) {
            uint32_t done = string_bulk(m, i, w, kind, count);
            if (done) {
                count -= done;
                if (a32)
                    c->gpr[ECX] = count;
                else
                    cpu_set_reg16(c, ECX, (uint16_t)count);
                continue;
            }
        }
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
        if ((c->eflags & FLAG_TF) || c->dbg_hits || c->icount + 1 >= c->run_limit ||
            (c->events & (EV_IRQ | EV_STOP))) {
            /* The run loop retires this iteration: it counts the handler call as one. */
            c->eip = c->insn_eip; /* not finished: run again from the same instruction */
            /* An interrupt or trap delivered before anything else retires is between two
             * iterations: it pushes RF = 1 (cpu/exec.c). The run loop counts this call. */
            c->rep_yield_icount = c->icount + 1;
            return;
        }
        cpu_retire(c, 1); /* the iteration just done; the next one goes on */
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
