/* Runs one SingleStepTests test (shared/conformance/8086/README.md, "How to run one test";
 * 80286/README.md for the HLT-terminated form) on a reused machine: reset, load the
 * initial state, execute, compare, and put RAM back to all zeroes so the next test starts
 * from the same memory. */
#include "runner.h"

#include <stdlib.h>
#include <string.h>

#include "ramguard.h"

static const int gpr_of[TC_NREGS] = {
    [TC_AX] = EAX, [TC_BX] = EBX, [TC_CX] = ECX, [TC_DX] = EDX,
    [TC_SP] = ESP, [TC_BP] = EBP, [TC_SI] = ESI, [TC_DI] = EDI,
};
static const int seg_of[TC_NREGS] = {
    [TC_CS] = SEG_CS, [TC_SS] = SEG_SS, [TC_DS] = SEG_DS, [TC_ES] = SEG_ES,
};

static bool is_seg(int r) { return r == TC_CS || r == TC_SS || r == TC_DS || r == TC_ES; }

static void add_diff(struct test_result *res, struct diff d)
{
    if (res->ndiffs < RUN_MAX_DIFFS)
        res->d[res->ndiffs++] = d;
    res->total_diffs++;
}

static void load_state(struct machine *m, const struct tc_file *f, const struct tc_test *t,
                       const struct expectation *e)
{
    struct cpu *c = &m->cpu;
    for (int r = 0; r < TC_NREGS; r++) {
        if (is_seg(r))
            cpu_load_seg_real(m, seg_of[r], e->init[r]);
        else if (r != TC_IP && r != TC_FLAGS)
            c->gpr[gpr_of[r]] = e->init[r];
    }
    c->eip = e->init[TC_IP];
    cpu_set_eflags(c, e->init[TC_FLAGS]);
    const struct tc_ram *ram = tc_state_ram(f, &t->init);
    for (uint32_t i = 0; i < t->init.ram_count; i++)
        phys_write8(m, ram[i].addr, ram[i].value);
}

static uint32_t actual_reg(const struct cpu *c, int r)
{
    if (is_seg(r))
        return c->seg[seg_of[r]].selector;
    if (r == TC_IP)
        return c->eip;
    if (r == TC_FLAGS)
        return cpu_get_eflags(c);
    return c->gpr[gpr_of[r]];
}

static void compare(struct machine *m, const struct expectation *e, struct test_result *res)
{
    const struct cpu *c = &m->cpu;
    for (int r = 0; r < TC_NREGS; r++) {
        /* All 32 bits are compared: a 16-bit instruction must leave the upper halves of
         * EIP and the registers zero (an IP that fails to wrap at 64 KiB shows here). */
        uint32_t got = actual_reg(c, r);
        uint32_t mask = r == TC_FLAGS ? (0xFFFF0000u | e->flags_mask) : 0xFFFFFFFFu;
        if ((got ^ e->final[r]) & mask)
            add_diff(res, (struct diff){DIFF_REG, (uint8_t)r, 0, e->final[r], got, mask});
    }
    if (!cpu_protected(c)) {
        for (int r = 0; r < TC_NREGS; r++) {
            if (!is_seg(r))
                continue;
            const struct segment *s = &c->seg[seg_of[r]];
            uint32_t want = (uint32_t)s->selector << 4;
            if (s->base != want)
                add_diff(res, (struct diff){DIFF_SEGBASE, (uint8_t)r, 0, want, s->base,
                                            0xFFFFFFFFu});
        }
    }
    for (size_t i = 0; i < e->ram_count; i++) {
        const struct expect_byte *b = &e->ram[i];
        uint8_t got = phys_read8(m, b->addr);
        if ((got ^ b->value) & b->mask)
            add_diff(res, (struct diff){DIFF_RAM, 0, b->addr, b->value, got, b->mask});
    }
}

int run_test(struct run_ctx *ctx, const struct tc_file *f, const struct tc_test *t,
             const struct suite_rules *rules, const struct expectation *e,
             struct test_result *res)
{
    struct machine *m = ctx->m;
    memset(res, 0, offsetof(struct test_result, d));
    machine_reset(m);
    load_state(m, f, t, e);

    enum cpu_stop stop;
    do {
        /* The counter says that an unimplemented opcode ran, not which: remember where
         * each instruction starts, to read it back when the counter moves. */
        uint64_t unimpl = m->cpu.stats.unimplemented_ud;
        uint32_t cs_base = m->cpu.seg[SEG_CS].base, ip = m->cpu.eip;
        stop = cpu_step(m); /* one instruction, all REP iterations and a fault included */
        res->steps++;
        if (m->cpu.stats.unimplemented_ud != unimpl && !res->unimplemented) {
            res->unimplemented = true;
            for (uint32_t k = 0; k < sizeof res->unimpl_bytes; k++)
                res->unimpl_bytes[k] = phys_read8(m, (cs_base + ((ip + k) & 0xFFFF)) & rules->addr_mask);
        }
    } while (rules->until_hlt && !m->cpu.halted && stop != STOP_SHUTDOWN &&
             res->steps < RUN_MAX_STEPS);
    if (stop == STOP_SHUTDOWN)
        add_diff(res, (struct diff){.kind = DIFF_SHUTDOWN});
    else if (rules->until_hlt && !m->cpu.halted)
        add_diff(res, (struct diff){.kind = DIFF_NO_HLT, .got = res->steps});

    compare(m, e, res);

    /* Bytes written outside the lists would survive into the next test: find them (and
     * report them, the data says they must be unchanged) before clearing. */
    struct ramguard_hit hits[RUN_MAX_DIFFS];
    long n = ramguard_scan(m, e, &ctx->pages, &ctx->pages_cap, hits, RUN_MAX_DIFFS);
    if (n < 0)
        return -1;
    for (long i = 0; i < n; i++)
        add_diff(res, (struct diff){DIFF_STRAY, 0, hits[i].addr, 0, hits[i].value, 0xFF});
    for (size_t i = 0; i < e->ram_count; i++)
        phys_write8(m, e->ram[i].addr, 0);
    res->passed = res->total_diffs == 0;
    return 0;
}

void run_ctx_free(struct run_ctx *ctx)
{
    expect_free(&ctx->exp);
    free(ctx->pages);
    ctx->pages = NULL;
    ctx->pages_cap = 0;
}
