/* The difftest generator's x87 part: the x87 state a sequence starts from (an FNSAVE image,
 * Intel SDM vol. 1, 8.1 and figure 8-9) and the emitters of the x87 rows, with special
 * operands (zeros, denormals, pseudo-denormals, unnormals, infinities, NaNs, values at the
 * edges of each format; vol. 1, 4.2 and 8.2) put in memory before the loads. */
#include <string.h>

#include "gen_internal.h"

/* ---- values in each format ------------------------------------------------------------ */

static void put_f80(uint8_t *p, uint64_t sig, uint16_t se)
{
    memcpy(p, &sig, 8);
    memcpy(p + 8, &se, 2);
}

/* An 80-bit value: mostly ordinary numbers of every magnitude, often a special one. */
static void pick_f80(struct gen *g, uint8_t *out, bool allow_odd)
{
    uint16_t sign = rng_chance(&g->rng, 1, 2) ? 0x8000 : 0;
    uint64_t r = rng_next(&g->rng);
    uint64_t sig;
    uint16_t exp;
    switch (rng_below(&g->rng, allow_odd ? 16 : 13)) {
    case 0: sig = 0; exp = 0; break;                                    /* zero */
    case 1: sig = r >> (1 + rng_below(&g->rng, 63)); exp = 0; break;    /* denormal */
    case 2: sig = 1ull << 63; exp = 0x7FFF; break;                      /* infinity */
    case 3: sig = (3ull << 62) | (r >> (2 + rng_below(&g->rng, 62))); exp = 0x7FFF; break; /* QNaN */
    case 4: sig = (1ull << 63) | ((r >> 2) | 1); exp = 0x7FFF; break;   /* SNaN */
    case 5: sig = 1ull << 63; exp = 0x3FFF; break;                      /* 1.0 */
    case 6: sig = (1ull << 63) | (r >> 1); exp = (uint16_t)(0x3FFF + rng_range(&g->rng, -3, 64)); break;
    case 7: sig = (1ull << 63) | (r >> 1); exp = (uint16_t)(rng_chance(&g->rng, 1, 2) ? 1 + rng_below(&g->rng, 8)
                                                                  : 0x7FFE - rng_below(&g->rng, 8)); break;
    case 8: /* an integer value, so rounding and FIST meet exact and half-way cases */
        sig = (1ull << 63) | ((r >> 1) & ~((1ull << 40) - 1));
        exp = (uint16_t)(0x3FFF + rng_below(&g->rng, 24));
        if (rng_chance(&g->rng, 1, 2))
            sig |= 1ull << (62 - (exp - 0x3FFF)); /* x.5 */
        break;
    case 13: sig = (1ull << 63) | (r >> 1); exp = 0; break;             /* pseudo-denormal */
    case 14: sig = r >> 1; exp = (uint16_t)(1 + rng_below(&g->rng, 0x7FFE)); break; /* unnormal */
    case 15: sig = r >> 1; exp = 0x7FFF; break;                         /* pseudo-NaN/-infinity */
    default: sig = (1ull << 63) | (r >> 1); exp = (uint16_t)(0x3FFF + rng_range(&g->rng, -40, 40)); break;
    }
    put_f80(out, sig, (uint16_t)(sign | exp));
}

/* A single or double: the same kinds of values in the smaller formats. */
static uint64_t pick_real(struct gen *g, unsigned bytes)
{
    unsigned ebits = bytes == 4 ? 8 : 11, mbits = bytes == 4 ? 23 : 52;
    uint64_t emax = (1ull << ebits) - 1, mmask = (1ull << mbits) - 1;
    uint64_t sign = rng_chance(&g->rng, 1, 2) ? 1ull << (ebits + mbits) : 0;
    uint64_t m = rng_next(&g->rng) & mmask, e;
    switch (rng_below(&g->rng, 9)) {
    case 0: e = 0; m = 0; break;
    case 1: e = 0; m = m ? m >> rng_below(&g->rng, mbits) : 1; if (!m) m = 1; break;
    case 2: e = emax; m = 0; break;
    case 3: e = emax; m |= 1ull << (mbits - 1); break;            /* QNaN */
    case 4: e = emax; m = (m & (mmask >> 1)) | 1; break;          /* SNaN */
    case 5: e = rng_chance(&g->rng, 1, 2) ? 1 : emax - 1; break;  /* the edges */
    default: e = (emax >> 1) + (uint64_t)rng_range(&g->rng, -30, 30); break;
    }
    return sign | (e << mbits) | m;
}

static uint64_t pick_int(struct gen *g, unsigned bytes)
{
    unsigned bits = 8 * bytes;
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    switch (rng_below(&g->rng, 6)) {
    case 0: return rng_below(&g->rng, 5);
    case 1: return (uint64_t)-(int64_t)rng_below(&g->rng, 5) & mask;
    case 2: return (1ull << (bits - 1)) - (rng_chance(&g->rng, 1, 2) ? 0 : 1);
    default: return rng_next(&g->rng) >> rng_below(&g->rng, bits) & mask;
    }
}

/* ---- the initial x87 state ------------------------------------------------------------ */

static unsigned tag_of(const uint8_t *v)
{
    uint64_t sig;
    uint16_t se;
    memcpy(&sig, v, 8);
    memcpy(&se, v + 8, 2);
    unsigned exp = se & 0x7FFF;
    if (exp == 0 && sig == 0)
        return 1;
    if (exp == 0 || exp == 0x7FFF || !(sig >> 63))
        return 2;
    return 0;
}

void gx_x87_init(struct gen *g, struct dt_seq *s)
{
    uint8_t *img = s->fpu;
    memset(img, 0, DT_FPU_IMAGE);
    static const uint16_t pcs[3] = {0, 2, 3};
    uint16_t cw = (uint16_t)(0x037F & ~0x300u) | (uint16_t)(pcs[rng_below(&g->rng, 3)] << 8) |
                  (uint16_t)(rng_below(&g->rng, 4) << 10);
    if (rng_chance(&g->rng, 1, 3))
        cw = 0x037F; /* the FNINIT state, the common one */
    unsigned top = rng_below(&g->rng, 8);
    uint16_t sw = (uint16_t)((rng_u32(&g->rng) & 0x4700u) | (top << 11));
    if (rng_chance(&g->rng, 1, 4))
        sw |= (uint16_t)(rng_u32(&g->rng) & 0x3Fu); /* sticky flags, all masked */
    unsigned nonempty = rng_below(&g->rng, 9);
    uint16_t tw = 0;
    for (unsigned st = 0; st < 8; st++) {
        uint8_t *v = img + 28 + 10 * st;
        pick_f80(g, v, rng_chance(&g->rng, 1, 16));
        unsigned phys = (top + st) & 7;
        unsigned tag = st < nonempty ? tag_of(v) : 3;
        tw |= (uint16_t)(tag << (2 * phys));
    }
    memcpy(img, &cw, 2);
    memcpy(img + 4, &sw, 2);
    memcpy(img + 8, &tw, 2);
    s->fpu_on = 1;
}

/* ---- emitters ------------------------------------------------------------------------- */

/* Put a value for a load of `bytes` at addr (MOV setup). */
static void store_special(struct gen *g, const struct tmpl *t, uint32_t addr)
{
    uint8_t v[10];
    unsigned n = t->mbytes;
    if (t->traits & TR_X87_INT) {
        uint64_t x = pick_int(g, n);
        memcpy(v, &x, 8);
    } else if (n == 10) {
        pick_f80(g, v, rng_chance(&g->rng, 1, 8));
    } else {
        uint64_t x = pick_real(g, n);
        memcpy(v, &x, 8);
    }
    for (unsigned k = 0; k < n;) {
        unsigned piece = n - k >= 4 ? 4 : 2;
        uint32_t x = 0;
        memcpy(&x, v + k, piece);
        gx_store_mem(g, addr + k, x, piece);
        k += piece;
    }
}

static uint16_t pick_cw(struct gen *g)
{
    static const uint16_t pcs[3] = {0, 2, 3};
    uint16_t cw = (uint16_t)(0x007Fu | (pcs[rng_below(&g->rng, 3)] << 8) | (rng_below(&g->rng, 4) << 10));
    if (rng_chance(&g->rng, 1, 4))
        cw |= 0x1000; /* the 8087's infinity control: kept, ignored */
    if (rng_chance(&g->rng, 1, 8))
        cw &= (uint16_t)~0x40u; /* reserved bit 6 */
    return cw;
}

/* The condition codes an x87 row defines and leaves undefined (SDM vol. 2, each page's
 * "FPU Flags Affected"). Most define C1 (stack fault direction, or rounded up) and leave
 * C0, C2 and C3 undefined. */
#define C0 0x0100u
#define C1 0x0200u
#define C2 0x0400u
#define C3 0x4000u
#define CALL4 (C0 | C1 | C2 | C3)

static bool named(const struct tmpl *t, const char *const *names)
{
    for (; *names; names++)
        if (strcmp(t->name, *names) == 0)
            return true;
    return false;
}

static void cc_effect(struct gen *g, const struct tmpl *t)
{
    static const char *const all_defined[] = {"fcom", "fcomp", "fcompp", "fucom", "fucomp",
        "fucompp", "ficom", "ficomp", "ftst", "fxam", "fprem", "fprem1", "fninit", NULL};
    static const char *const all_undefined[] = {"ffree", "fnstsw", "fnstcw", "fldcw", "fnop",
        "fnclex", NULL};
    /* The SDM's FCOMI page says C1 is cleared; Intel hosts leave it as it was, and so does
     * glass86: C0-C3 all keep what they had (undefined stays undefined). */
    static const char *const none[] = {"fcomi", "fucomi", "fcomip", "fucomip", NULL};
    static const char *const c1_c2[] = {"fsin", "fcos", "fsincos", "fptan", NULL};
    /* FCMOVcc clears C1 only on a stack underflow (Intel hosts keep it otherwise). */
    static const char *const c1_kept[] = {"fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb",
        "fcmovne", "fcmovnbe", "fcmovnu", NULL};
    g->fcc_read = strcmp(t->name, "fnstsw") == 0;
    if (named(t, all_defined)) {
        g->fcc_def = CALL4;
        g->fcc_u = 0;
    } else if (named(t, all_undefined)) {
        g->fcc_def = 0;
        g->fcc_u = CALL4;
    } else if (named(t, none)) {
        g->fcc_def = 0;
        g->fcc_u = 0;
    } else if (named(t, c1_kept)) {
        g->fcc_def = 0;
        g->fcc_u = C0 | C2 | C3;
    } else if (named(t, c1_c2)) {
        g->fcc_def = C1 | C2;
        g->fcc_u = C0 | C3;
    } else {
        g->fcc_def = C1;
        g->fcc_u = C0 | C2 | C3;
    }
}

bool gx_emit_x87(struct gen *g, const struct tmpl *t)
{
    cc_effect(g, t);
    switch ((enum tmpl_kind)t->kind) {
    case K_X87_M: {
        uint32_t addr = gx_pick_addr(g, t->mbytes);
        if ((t->traits & TR_X87_LOAD) && rng_chance(&g->rng, 1, 2))
            store_special(g, t, addr);
        if (rng_chance(&g->rng, 1, 16))
            put(&g->ins, gx_seg_prefixes[rng_below(&g->rng, 3)]);
        put(&g->ins, t->op);
        gx_mem_operand(g, (unsigned)t->ext, addr, 0);
        return true;
    }
    case K_X87_R:
        put(&g->ins, t->op);
        put(&g->ins, (uint8_t)(t->modrm + rng_below(&g->rng, 8)));
        return true;
    case K_X87_FIXED:
        put(&g->ins, t->op);
        put(&g->ins, t->modrm);
        return true;
    case K_X87_LDCW: {
        uint32_t addr = gx_pick_addr(g, 2);
        gx_store_mem(g, addr, pick_cw(g), 2);
        put(&g->ins, t->op);
        gx_mem_operand(g, (unsigned)t->ext, addr, 0);
        return true;
    }
    default:
        return false;
    }
}
