/* The difftest's sequence generator (see gen.h): the initial state, the choice of
 * templates by weight, the flags still undefined after each unit (SDM vol. 2, "Flags
 * Affected"), and a CMP first where an instruction would read an undefined flag. */
#include "gen.h"

#include <string.h>

#include "gen_internal.h"

/* CMP between two random registers, or a register and an immediate: defines all six
 * arithmetic flags and writes nothing else. Used before an instruction that reads a flag
 * the previous ones left undefined. */
static void definer(struct gen *g)
{
    if (rng_chance(&g->rng, 1, 2)) {
        put(&g->pre, 0x39);
        put(&g->pre, modrm(3, gx_rreg(g), gx_rreg(g)));
    } else {
        put(&g->pre, 0x83);
        put(&g->pre, modrm(3, 7, gx_rreg(g)));
        put(&g->pre, (uint8_t)gx_interesting(g, 1));
    }
    g->undef = 0;
}

static uint16_t pick_tmpl(struct gen *g, const struct gen_table *t)
{
    uint32_t x = rng_below(&g->rng, t->total);
    unsigned lo = 0, hi = t->count - 1;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (t->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return t->row[lo];
}

unsigned gen_prepare(const struct gen_config *cfg, struct gen_table *t)
{
    memset(t, 0, sizeof *t);
    for (unsigned k = 0; k < tmpl_count && t->count < 256; k++) {
        const struct tmpl *r = &tmpl_table[k];
        if (r->min_model > cfg->model || !(r->modes & (1u << cfg->mode)))
            continue;
        if (cfg->enabled && !cfg->enabled[k])
            continue;
        if ((r->traits & TR_UNDOC) && !cfg->undocumented)
            continue;
        t->total += r->weight;
        t->row[t->count] = (uint16_t)k;
        t->cum[t->count] = t->total;
        t->count++;
    }
    return t->count;
}

static void init_state(struct gen *g, struct dt_seq *s)
{
    for (unsigned r = 0; r < 8; r++)
        s->init.gpr[r] = gx_interesting(g, 4);
    s->init.gpr[ESP_] = DT_STACK_HI - 64;
    if (rng_chance(&g->rng, 1, 8))
        s->init.gpr[ESP_] -= 1 + rng_below(&g->rng, 3); /* a misaligned stack works too */
    s->init.gpr[EBP_] = DT_EBP_VALUE;
    s->init.eflags = (rng_u32(&g->rng) & FALL) | DT_FLAGS_FIXED;
    if (rng_chance(&g->rng, 1, 4))
        s->init.eflags |= FLAG_DF_;
    for (unsigned k = 0; k < DT_SCRATCH_SIZE; k += 8) {
        uint64_t v = rng_next(&g->rng);
        memcpy(&s->scratch[k], &v, 8);
    }
    for (unsigned k = 0; k < DT_STACK_SIZE; k += 8) {
        uint64_t v = rng_next(&g->rng);
        memcpy(&s->stack[k], &v, 8);
    }
    /* Zeros and ones in memory, so BSF/BSR, CMPS and SCAS meet them. */
    if (rng_chance(&g->rng, 1, 4)) {
        unsigned at = rng_below(&g->rng, DT_SCRATCH_SIZE - 32);
        memset(&s->scratch[at], rng_chance(&g->rng, 1, 2) ? 0 : 0xFF, 8 + rng_below(&g->rng, 24));
    }
    g->undef = 0;
    g->df = (s->init.eflags & FLAG_DF_) != 0;
    g->esp = s->init.gpr[ESP_];
}

void gen_sequence(const struct gen_config *cfg, const struct gen_table *t, uint64_t index,
                  struct dt_seq *s)
{
    struct gen g;
    memset(&g, 0, sizeof g);
    g.cfg = cfg;
    rng_seed(&g.rng, cfg->seed, index);
    s->index = index;
    s->fpu_on = 0;
    memset(s->fpu, 0, sizeof s->fpu);
    init_state(&g, s);
    if (cfg->mode == DT_MODE_X87)
        gx_x87_init(&g, s);
    s->code_len = 0;
    s->unit_count = 0;
    unsigned units = (unsigned)rng_range(&g.rng, (int32_t)cfg->len_min, (int32_t)cfg->len_max);
    if (units > DT_MAX_UNITS)
        units = DT_MAX_UNITS;
    while (s->unit_count < units && t->count > 0) {
        uint16_t row;
        /* Some templates cannot go anywhere (a push with the stack window full): draw
         * again, from the state before the failed attempt. */
        for (;;) {
            row = pick_tmpl(&g, t);
            bool df = g.df, fault_used = g.fault_used;
            uint32_t esp = g.esp;
            g.pre.n = g.ins.n = g.post.n = 0;
            g.avoid = 0;
            g.fcc_def = g.fcc_u = 0;
            g.fcc_read = false;
            if (gx_emit_one(&g, &tmpl_table[row]))
                break;
            g.df = df;
            g.esp = esp;
            g.fault_used = fault_used;
        }
        if (g.fr & g.undef)
            definer(&g);
        g.undef = (uint16_t)((g.undef & ~(g.fw | g.fu)) | g.fu);
        if (g.fcc_read && g.fcc_undef) {
            /* FNSTSW would store condition codes the SDM leaves undefined: FXAM first
             * defines all four and changes nothing else. */
            put(&g.pre, 0xD9);
            put(&g.pre, 0xE5);
            g.fcc_undef = 0;
        }
        g.fcc_undef = (uint16_t)((g.fcc_undef & ~(g.fcc_def | g.fcc_u)) | g.fcc_u);

        struct dt_unit *u = &s->units[s->unit_count++];
        u->offset = (uint16_t)s->code_len;
        u->tmpl = row;
        u->undef = g.undef;
        u->fcc_undef = g.fcc_undef;
        const struct bytes *parts[3] = {&g.pre, &g.ins, &g.post};
        for (unsigned k = 0; k < 3; k++) {
            memcpy(&s->code[s->code_len], parts[k]->b, parts[k]->n);
            s->code_len += parts[k]->n;
        }
        u->len = (uint16_t)(s->code_len - u->offset);
        if (u->len > DT_UNIT_MAX_BYTES) {
            fprintf(stderr, "difftest: generator bug: unit of %u bytes\n", u->len);
            abort();
        }
        if (g.fault_used)
            break; /* this unit may fault: nothing after it would run */
    }
    s->undef = g.undef;
    s->fcc_undef = g.fcc_undef;
}

void gen_prefix(const struct dt_seq *s, unsigned units, struct dt_seq *out)
{
    *out = *s;
    if (units >= s->unit_count)
        return;
    out->unit_count = units;
    out->code_len = units ? s->units[units - 1].offset + s->units[units - 1].len : 0;
    out->undef = units ? s->units[units - 1].undef : 0;
    out->fcc_undef = units ? s->units[units - 1].fcc_undef : 0;
}
