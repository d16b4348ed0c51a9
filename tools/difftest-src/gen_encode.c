/* The difftest generator's encoding helpers (see gen_internal.h): values, registers,
 * setup instructions, memory operands in every 32-bit ModRM/SIB form, prefixes. Intel SDM
 * vol. 2A, 2.1 (prefixes) and 2.1.5 (ModRM and SIB tables). */
#include <string.h>

#include "gen_internal.h"

/* ---- values --------------------------------------------------------------------------- */

/* A value that is often at an edge: 0, 1, -1, the sign boundary, powers of two. */
uint32_t gx_interesting(struct gen *g, unsigned size)
{
    unsigned bits = 8 * size;
    uint32_t v;
    switch (rng_below(&g->rng, 8)) {
    case 0: v = rng_below(&g->rng, 17); break;
    case 1: v = (uint32_t)-(int32_t)rng_below(&g->rng, 17); break;
    case 2: {
        uint32_t sign = 1u << (bits - 1);
        switch (rng_below(&g->rng, 5)) {
        case 0: v = sign; break;
        case 1: v = sign - 1; break;
        case 2: v = sign + 1; break;
        case 3: v = 0xFFFFFFFFu; break;
        default: v = 0; break;
        }
        break;
    }
    case 3: {
        unsigned k = rng_below(&g->rng, bits);
        v = rng_chance(&g->rng, 1, 2) ? 1u << k : (1u << k) - 1;
        break;
    }
    default: v = rng_u32(&g->rng); break;
    }
    return v & width_mask(size);
}

/* ---- registers ------------------------------------------------------------------------ */

const uint8_t gx_wregs[6] = {EAX_, ECX_, EDX_, EBX_, ESI_, EDI_};

/* A register operand that is written: any of the eight byte registers, or a writable
 * 16/32-bit one. */
unsigned gx_wreg(struct gen *g, unsigned size)
{
    return size == 1 ? rng_below(&g->rng, 8) : gx_wregs[rng_below(&g->rng, 6)];
}
/* A register operand that is only read: any. */
unsigned gx_rreg(struct gen *g) { return rng_below(&g->rng, 8); }

/* A writable register outside `avoid` (a mask of full registers); 8 if none. */
unsigned gx_wreg_free(struct gen *g, unsigned avoid)
{
    unsigned cand[6], n = 0;
    for (unsigned k = 0; k < 6; k++)
        if (!(avoid & (1u << gx_wregs[k])))
            cand[n++] = gx_wregs[k];
    return n ? cand[rng_below(&g->rng, n)] : 8;
}

/* ---- setup instructions (into pre); each marks the register it sets as taken ---------- */

void gx_set_reg(struct gen *g, unsigned r, uint32_t v, unsigned size)
{
    if (size == 2)
        put(&g->pre, 0x66);
    if (size == 1) {
        put(&g->pre, (uint8_t)(0xB0 + r));
    } else {
        put(&g->pre, (uint8_t)(0xB8 + r));
    }
    put_le(&g->pre, v, size);
    g->avoid |= (uint8_t)(1u << full_reg(r, size));
}

/* MOV size [abs32], imm. Absolute addressing: independent of every register. */
void gx_store_mem(struct gen *g, uint32_t addr, uint32_t v, unsigned size)
{
    if (size == 2)
        put(&g->pre, 0x66);
    put(&g->pre, size == 1 ? 0xC6 : 0xC7);
    put(&g->pre, modrm(0, 0, 5));
    put_le(&g->pre, addr, 4);
    put_le(&g->pre, v, size);
}

/* MOV r32, [abs32]. */
void gx_load_mem32(struct gen *g, unsigned r, uint32_t addr)
{
    put(&g->pre, 0x8B);
    put(&g->pre, modrm(0, r, 5));
    put_le(&g->pre, addr, 4);
    g->avoid |= (uint8_t)(1u << r);
}

/* ---- memory operands ------------------------------------------------------------------ */

/* An address of `size` accessible bytes: in the scratch buffer mostly, else in the stack
 * window. */
uint32_t gx_pick_addr(struct gen *g, unsigned size)
{
    /* User mode: now and then (once per sequence) an address in the fault area: in the
     * read-only page (reads work, writes fault), in the page nothing maps, or across the
     * boundary between the two. */
    if (g->cfg->mode == DT_MODE_USER && !g->fault_used && rng_chance(&g->rng, 1, 10)) {
        g->fault_used = true;
        switch (rng_below(&g->rng, 3)) {
        case 0: return DT_RO_PAGE + rng_below(&g->rng, 4096 - size + 1);
        case 1: return DT_NOMAP_PAGE + rng_below(&g->rng, 4096 - size + 1);
        default: return DT_NOMAP_PAGE - size + 1 + rng_below(&g->rng, size - 1 + (size == 1));
        }
    }
    if (rng_chance(&g->rng, 4, 5))
        return DT_SCRATCH_BASE + rng_below(&g->rng, DT_SCRATCH_SIZE - size + 1);
    return DT_STACK_LO + rng_below(&g->rng, DT_STACK_SIZE - size + 1);
}

/* ModRM mod and displacement for a base register at offset d: mod 0 without displacement
 * (never for EBP, whose mod 0 means disp32), mod 1 with disp8, mod 2 with disp32. */
static void base_disp(struct gen *g, unsigned base, int32_t d, unsigned *mod)
{
    unsigned r = rng_below(&g->rng, 4);
    if (d == 0 && base != EBP_ && r == 0)
        *mod = 0;
    else if (fits8(d) && r < 3)
        *mod = 1;
    else
        *mod = 2;
}
static void put_disp(struct gen *g, unsigned mod, int32_t d)
{
    if (mod == 1)
        put(&g->ins, (uint8_t)d);
    else if (mod == 2)
        put_le(&g->ins, (uint32_t)d, 4);
}

/* A value for an index register and the scale, keeping base + index*scale + disp = addr
 * computable: small indexes mostly, sometimes one that makes the address wrap around. */
static uint32_t index_value(struct gen *g)
{
    if (rng_chance(&g->rng, 1, 8))
        return rng_u32(&g->rng);
    return (uint32_t)rng_range(&g->rng, -64, 64);
}

/* Encode [addr] into ins: ModRM with ModRM.reg = regf, then SIB and displacement, loading
 * base and index registers in pre when the form needs them. Every encoding the 32-bit
 * ModRM/SIB tables have is reachable, ESP as a base included. */
void gx_mem_operand(struct gen *g, unsigned regf, uint32_t addr, unsigned flags)
{
    for (;;) {
        unsigned form = rng_below(&g->rng, 10);
        int32_t d;
        unsigned mod;
        switch (form) {
        case 0: /* [EBP + disp] */
            d = (int32_t)(addr - DT_EBP_VALUE);
            base_disp(g, EBP_, d, &mod);
            put(&g->ins, modrm(mod, regf, EBP_));
            put_disp(g, mod, d);
            return;
        case 1: /* [disp32] */
            put(&g->ins, modrm(0, regf, 5));
            put_le(&g->ins, addr, 4);
            return;
        case 2: /* SIB, base EBP, no index (scale bits ignored) */
            d = (int32_t)(addr - DT_EBP_VALUE);
            base_disp(g, EBP_, d, &mod);
            put(&g->ins, modrm(mod, regf, 4));
            put(&g->ins, (uint8_t)((rng_below(&g->rng, 4) << 6) | (4 << 3) | EBP_));
            put_disp(g, mod, d);
            return;
        case 3: /* SIB, no base, no index: disp32 */
            put(&g->ins, modrm(0, regf, 4));
            put(&g->ins, (uint8_t)((rng_below(&g->rng, 4) << 6) | (4 << 3) | 5));
            put_le(&g->ins, addr, 4);
            return;
        case 4: /* [ESP + disp] */
            if (flags & MEM_NO_ESP)
                continue;
            d = (int32_t)(addr - g->esp);
            base_disp(g, ESP_, d, &mod);
            put(&g->ins, modrm(mod, regf, 4));
            put(&g->ins, (uint8_t)((rng_below(&g->rng, 4) << 6) | (4 << 3) | ESP_));
            put_disp(g, mod, d);
            return;
        case 5: { /* [reg + disp], a register loaded for it */
            unsigned b = gx_wreg_free(g, g->avoid);
            if (b == 8)
                continue;
            d = rng_chance(&g->rng, 1, 2) ? 0 : (int32_t)rng_range(&g->rng, -200, 200);
            if (rng_chance(&g->rng, 1, 16))
                d = (int32_t)rng_u32(&g->rng);
            base_disp(g, b, d, &mod);
            if (mod == 0)
                d = 0;
            gx_set_reg(g, b, addr - (uint32_t)d, 4);
            put(&g->ins, modrm(mod, regf, b));
            put_disp(g, mod, d);
            return;
        }
        default: { /* SIB with an index register loaded for it; base EBP, ESP, a loaded
                    * register or none */
            unsigned i = gx_wreg_free(g, g->avoid);
            if (i == 8)
                continue;
            unsigned scale = rng_below(&g->rng, 4);
            uint32_t iv = index_value(g);
            gx_set_reg(g, i, iv, 4);
            uint32_t rest = addr - (iv << scale); /* base + disp must make this */
            unsigned kind = rng_below(&g->rng, 4);
            if (kind == 1 && (flags & MEM_NO_ESP))
                kind = 0;
            unsigned base;
            uint32_t bv;
            if (kind == 0) {
                base = EBP_;
                bv = DT_EBP_VALUE;
            } else if (kind == 1) {
                base = ESP_;
                bv = g->esp;
            } else if (kind == 2) {
                /* Base and index may be the same register: then it holds iv. */
                base = rng_chance(&g->rng, 1, 4) ? i : gx_wreg_free(g, g->avoid);
                if (base == 8)
                    base = i;
                if (base == i) {
                    bv = iv;
                } else {
                    bv = rng_chance(&g->rng, 1, 2) ? rest : rest - (uint32_t)rng_range(&g->rng, -100, 100);
                    gx_set_reg(g, base, bv, 4);
                }
            } else {
                /* No base: mod 0 with SIB.base = 101 means disp32 only. */
                put(&g->ins, modrm(0, regf, 4));
                put(&g->ins, (uint8_t)((scale << 6) | (i << 3) | 5));
                put_le(&g->ins, rest, 4);
                return;
            }
            d = (int32_t)(rest - bv);
            base_disp(g, base, d, &mod);
            if (mod == 0 && d != 0)
                mod = 2;
            put(&g->ins, modrm(mod, regf, 4));
            put(&g->ins, (uint8_t)((scale << 6) | (i << 3) | base));
            put_disp(g, mod, d);
            return;
        }
        }
    }
}

/* A completely random memory-form ModRM (LEA, NOP r/m: nothing is accessed), in 32-bit or,
 * with `ad16`, 16-bit addressing. */
void gx_random_modrm_mem(struct gen *g, unsigned regf, bool ad16)
{
    unsigned mod = rng_below(&g->rng, 3), rm = rng_below(&g->rng, 8);
    put(&g->ins, modrm(mod, regf, rm));
    if (ad16) {
        if (mod == 1)
            put(&g->ins, (uint8_t)rng_u32(&g->rng));
        else if (mod == 2 || (mod == 0 && rm == 6))
            put_le(&g->ins, rng_u32(&g->rng), 2);
        return;
    }
    unsigned base = rm;
    if (rm == 4) {
        uint8_t sib = (uint8_t)rng_u32(&g->rng);
        put(&g->ins, sib);
        base = sib & 7;
    }
    if (mod == 1)
        put(&g->ins, (uint8_t)rng_u32(&g->rng));
    else if (mod == 2 || (mod == 0 && base == 5))
        put_le(&g->ins, gx_interesting(g, 4), 4);
}

/* ---- instruction pieces (into ins) ---------------------------------------------------- */

const uint8_t gx_seg_prefixes[3] = {0x26, 0x36, 0x3E}; /* ES SS DS: flat on both sides */

/* Operand-size, segment and LOCK prefixes, in a random order. */
void gx_prefixes(struct gen *g, unsigned size, bool mem, bool lock)
{
    uint8_t p[5];
    unsigned n = 0;
    if (size == 2)
        p[n++] = 0x66;
    if ((size == 2 || size == 1) && rng_chance(&g->rng, 1, 32))
        p[n++] = 0x66; /* repeated, or on a byte operation: changes nothing */
    if (mem && rng_chance(&g->rng, 1, 8))
        p[n++] = gx_seg_prefixes[rng_below(&g->rng, 3)];
    if (mem && rng_chance(&g->rng, 1, 32))
        p[n++] = gx_seg_prefixes[rng_below(&g->rng, 3)]; /* two overrides: the last one wins */
    if (mem && lock && rng_chance(&g->rng, 1, 5))
        p[n++] = 0xF0;
    for (unsigned k = n; k > 1; k--) {
        unsigned j = rng_below(&g->rng, k);
        uint8_t t = p[k - 1];
        p[k - 1] = p[j];
        p[j] = t;
    }
    for (unsigned k = 0; k < n; k++)
        put(&g->ins, p[k]);
}

void gx_opcode(struct gen *g, const struct tmpl *t, unsigned size)
{
    if (t->map == 1)
        put(&g->ins, 0x0F);
    g->opc_pos = g->ins.n;
    uint8_t op = t->op;
    if ((t->traits & TR_WBIT) && size != 1)
        op |= 1;
    put(&g->ins, op);
}

unsigned gx_pick_size(struct gen *g, const struct tmpl *t)
{
    unsigned c[3], n = 0;
    if (t->sizes & SZ8)
        c[n++] = 1;
    if (t->sizes & SZ16)
        c[n++] = 2;
    if (t->sizes & SZ32)
        c[n++] = 4;
    /* 32-bit operands are the common case; keep them the most frequent. */
    if (n == 3 && rng_chance(&g->rng, 1, 4))
        return 4;
    return c[rng_below(&g->rng, n)];
}

bool gx_want_mem(struct gen *g, const struct tmpl *t)
{
    if (t->traits & TR_MEMONLY)
        return true;
    if (t->traits & TR_REGONLY)
        return false;
    return rng_chance(&g->rng, 2, 5);
}

/* An r/m operand: memory at a fresh address, or a register (written unless `ro`). */
void gx_rm_operand(struct gen *g, unsigned regf, bool mem, unsigned size, bool ro,
                       unsigned memflags)
{
    if (mem)
        gx_mem_operand(g, regf, gx_pick_addr(g, size), memflags);
    else
        put(&g->ins, modrm(3, regf, ro ? gx_rreg(g) : gx_wreg(g, size)));
}

void gx_put_imm(struct gen *g, unsigned size) { put_le(&g->ins, gx_interesting(g, size), size); }
