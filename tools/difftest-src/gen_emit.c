/* The difftest generator's emitters, one per template kind (see templates.h): operands,
 * the setup that keeps each instruction from faulting (SDM vol. 2, the "Exceptions" of each
 * page) and the flags it leaves defined or undefined ("Flags Affected"). */
#include <string.h>

#include "gen_internal.h"

/* ---- flag effects that depend on operands --------------------------------------------- */

/* Flags read by condition code cc (Jcc/SETcc/CMOVcc; SDM vol. 1, appendix B). */
static uint16_t cc_flags(unsigned cc)
{
    static const uint16_t f[8] = {FO, FC, FZ, FC | FZ, FS, FP, FS | FO, FZ | FS | FO};
    return f[(cc >> 1) & 7];
}

/* Rotates and shifts (SDM vol. 2B, RCL/RCR/ROL/ROR and SAL/SAR/SHL/SHR): with a masked
 * count m of 0 nothing changes; OF is defined only for m = 1; shifts leave AF undefined
 * and SHL/SHR leave CF undefined when m >= the operand width. With an unknown count a
 * flag is defined afterwards only if it is defined for every count, 0 included. */
static void shift_flags(struct gen *g, unsigned op, unsigned width, unsigned m, bool known)
{
    bool rot = op < 4;
    bool shl_shr = op == 4 || op == 5 || op == 6;
    if (!known) {
        g->fw = 0;
        g->fu = (uint16_t)(FO | (rot ? 0 : FA) | (shl_shr && width < 32 ? FC : 0));
    } else if (m == 0) {
        g->fw = g->fu = 0;
    } else if (rot) {
        g->fw = (uint16_t)(FC | (m == 1 ? FO : 0));
        g->fu = m == 1 ? 0 : FO;
    } else {
        bool cf_undef = shl_shr && m >= width;
        g->fw = (uint16_t)(FS | FZ | FP | (cf_undef ? 0 : FC) | (m == 1 ? FO : 0));
        g->fu = (uint16_t)(FA | (cf_undef ? FC : 0) | (m == 1 ? 0 : FO));
    }
}

/* SHLD/SHRD (SDM vol. 2B): as shifts, and a count above the operand width makes the
 * result undefined too, so 16-bit forms only get counts up to 16. */
static void shd_flags(struct gen *g, unsigned m, bool known)
{
    if (!known) {
        g->fw = 0;
        g->fu = FO | FA;
    } else if (m == 0) {
        g->fw = g->fu = 0;
    } else {
        g->fw = (uint16_t)(FC | FS | FZ | FP | (m == 1 ? FO : 0));
        g->fu = (uint16_t)(FA | (m == 1 ? 0 : FO));
    }
}

/* A shift or rotate count: within the width mostly, sometimes up to 31 or beyond, to see
 * the masking to 5 bits. */
static unsigned shift_count(struct gen *g, unsigned width)
{
    unsigned r = rng_below(&g->rng, 20);
    if (r < 12)
        return rng_below(&g->rng, width + 1);
    if (r < 17)
        return rng_below(&g->rng, 32);
    return rng_below(&g->rng, 256);
}

/* ---- the emitters, one per kind ------------------------------------------------------- */

static bool emit_div(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t), w = 8 * size;
    bool idiv = t->ext == 7, mem = gx_want_mem(g, t);
    uint64_t span = (uint64_t)1 << w;
    int64_t smax = (int64_t)(span >> 1) - 1; /* largest positive quotient */
    uint32_t d, h = 0;
    bool sign_extend = false;
    if (!idiv) {
        do
            d = gx_interesting(g, size);
        while (d == 0);
        h = (uint32_t)(rng_next(&g->rng) % d); /* high half below the divisor */
    } else if (rng_chance(&g->rng, 2, 5)) {
        /* CBW/CWD/CDQ: |dividend| <= 2^(w-1), so any |d| >= 2 keeps the quotient in range. */
        sign_extend = true;
        int64_t m;
        do
            m = sext(gx_interesting(g, size), size);
        while (m >= -1 && m <= 1);
        d = (uint32_t)m & width_mask(size);
    } else {
        /* An explicit high half h: the dividend lies in [h*2^w, h*2^w + 2^w - 1] whatever the
         * low half is, so |d| >= max|dividend| / smax keeps |quotient| <= smax. */
        int64_t hs;
        if (rng_chance(&g->rng, 1, 2))
            hs = rng_chance(&g->rng, 1, 2) ? 0 : -1;
        else
            hs = rng_range(&g->rng, -(int32_t)(span >> 3 > 1024 ? 1024 : span >> 3),
                           (int32_t)(span >> 3 > 1024 ? 1024 : span >> 3));
        int64_t lo = hs * (int64_t)span, hi = lo + (int64_t)span - 1;
        int64_t maxabs = llabs(lo) > llabs(hi) ? llabs(lo) : llabs(hi);
        int64_t dmin = (maxabs + smax - 1) / smax;
        if (dmin < 1)
            dmin = 1;
        if (dmin > smax)
            return false;
        int64_t mag = dmin + (int64_t)(rng_next(&g->rng) % (uint64_t)(smax - dmin + 1));
        if (rng_chance(&g->rng, 1, 3))
            mag = dmin;
        int64_t ds = rng_chance(&g->rng, 1, 2) ? -mag : mag;
        d = (uint32_t)ds & width_mask(size);
        h = (uint32_t)hs & width_mask(size);
    }

    /* The divisor first, then the high half (or the sign extension) in AH/DX/EDX. */
    unsigned dreg = 0;
    uint32_t addr = 0;
    if (mem) {
        addr = gx_pick_addr(g, size);
        gx_store_mem(g, addr, d, size);
    } else {
        /* Not AH (8-bit: the high half) nor EDX (the high half), not ESP/EBP. */
        static const uint8_t r8[7] = {0, 1, 2, 3, 5, 6, 7};
        static const uint8_t r32[5] = {EAX_, ECX_, EBX_, ESI_, EDI_};
        dreg = size == 1 ? r8[rng_below(&g->rng, 7)] : r32[rng_below(&g->rng, 5)];
        gx_set_reg(g, dreg, d, size);
    }
    if (sign_extend) {
        if (size != 4)
            put(&g->pre, 0x66);
        put(&g->pre, size == 1 ? 0x98 : 0x99);
    } else if (size == 1) {
        gx_set_reg(g, 4, h, 1); /* AH */
    } else {
        gx_set_reg(g, EDX_, h, size);
    }
    g->avoid |= (1u << EAX_) | (1u << EDX_);
    gx_prefixes(g, size, mem, false);
    gx_opcode(g, t, size);
    if (mem)
        gx_mem_operand(g, t->ext, addr, 0);
    else
        put(&g->ins, modrm(3, t->ext, dreg));
    return true;
}

static bool emit_shift(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t), w = 8 * size;
    bool mem = gx_want_mem(g, t), known = true;
    unsigned count = 1;
    uint8_t op = t->op;
    if (t->kind == K_SHIFTI) {
        count = shift_count(g, w);
    } else if (t->kind == K_SHIFTCL) {
        if (rng_chance(&g->rng, 3, 4)) {
            count = shift_count(g, w);
            gx_set_reg(g, ECX_, count, 1);
        } else {
            known = false;
        }
    }
    shift_flags(g, (unsigned)t->ext, w, count & 31, known);
    gx_prefixes(g, size, mem, false);
    if (t->map)
        put(&g->ins, 0x0F);
    put(&g->ins, (uint8_t)(size == 1 ? op : op | 1));
    gx_rm_operand(g, (unsigned)t->ext, mem, size, false, 0);
    if (t->kind == K_SHIFTI)
        put(&g->ins, (uint8_t)count);
    return true;
}

static bool emit_bt_r(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t), bits = 8 * size;
    bool mem = gx_want_mem(g, t), ro = t->traits & TR_NOWRITE;
    bool lock = !ro;
    if (!mem) {
        gx_prefixes(g, size, false, false);
        gx_opcode(g, t, size);
        put(&g->ins, modrm(3, gx_rreg(g), ro ? gx_rreg(g) : gx_wreg(g, size)));
        return true;
    }
    /* A signed bit offset reaching k operands away from the effective address; the
     * access is at EA + size * floor(offset / bits) (SDM vol. 2A, BT). */
    int32_t k = rng_range(&g->rng, -6, 6);
    uint32_t b = rng_below(&g->rng, bits);
    int32_t off = k * (int32_t)bits + (int32_t)b;
    uint32_t target = gx_pick_addr(g, size);
    uint32_t ea = target - (uint32_t)(k * (int32_t)size);
    unsigned r = gx_wreg_free(g, g->avoid);
    uint32_t v = (uint32_t)off;
    if (size == 2) /* only the low word counts: put garbage above it */
        v = (rng_u32(&g->rng) & 0xFFFF0000u) | ((uint32_t)off & 0xFFFFu);
    gx_set_reg(g, r, v, 4);
    gx_prefixes(g, size, true, lock);
    gx_opcode(g, t, size);
    gx_mem_operand(g, r, ea, 0);
    return true;
}

static bool emit_bsf(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t);
    bool mem = gx_want_mem(g, t);
    /* A zero source leaves the destination undefined (SDM vol. 2A, BSF/BSR). Either the
     * source is made nonzero first, or (P6) CMOVZ dest, src follows, which makes the
     * destination 0 in exactly the undefined case. */
    bool fixup = g->cfg->model >= CPU_P6 && rng_chance(&g->rng, 1, 2);
    unsigned dest = gx_wregs[rng_below(&g->rng, 6)];
    unsigned src = 0;
    uint32_t addr = 0;
    uint32_t nz = rng_chance(&g->rng, 1, 2) ? 1u << rng_below(&g->rng, 8 * size)
                                            : (rng_u32(&g->rng) | (1u << rng_below(&g->rng, 8 * size)));
    nz &= width_mask(size);
    if (mem) {
        addr = gx_pick_addr(g, size);
        if (!fixup)
            gx_store_mem(g, addr, nz, size);
    } else {
        do
            src = fixup ? gx_rreg(g) : gx_wregs[rng_below(&g->rng, 6)];
        while (src == dest);
        if (!fixup)
            gx_set_reg(g, src, nz, size);
    }
    g->avoid |= (uint8_t)(1u << dest);
    gx_prefixes(g, size, mem, false);
    gx_opcode(g, t, size);
    if (mem)
        gx_mem_operand(g, dest, addr, 0);
    else
        put(&g->ins, modrm(3, dest, src));
    if (fixup) {
        memcpy(g->post.b, g->ins.b, g->ins.n);
        g->post.n = g->ins.n;
        g->post.b[g->opc_pos] = 0x44; /* CMOVZ, same operands */
    }
    return true;
}

static bool emit_shd(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t), w = 8 * size;
    bool mem = gx_want_mem(g, t), known = true;
    unsigned count = 0;
    if (w == 16)
        count = rng_below(&g->rng, 17) + 32 * rng_below(&g->rng, 8);
    else
        count = rng_below(&g->rng, 256);
    if (t->kind == K_SHD_CL) {
        if (w == 16 || rng_chance(&g->rng, 3, 4))
            gx_set_reg(g, ECX_, count, 1);
        else
            known = false;
    }
    shd_flags(g, count & 31, known);
    gx_prefixes(g, size, mem, false);
    gx_opcode(g, t, size);
    gx_rm_operand(g, gx_rreg(g), mem, size, false, 0);
    if (t->kind == K_SHD_I)
        put(&g->ins, (uint8_t)count);
    return true;
}

static bool emit_string(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t);
    uint8_t rep = 0;
    if ((t->traits & TR_REP) && rng_chance(&g->rng, 3, 5))
        rep = 0xF3;
    if ((t->traits & TR_REPCC) && rng_chance(&g->rng, 3, 5))
        rep = rng_chance(&g->rng, 1, 2) ? 0xF3 : 0xF2;
    unsigned n = rep ? rng_below(&g->rng, 17) : 1;
    if (rng_chance(&g->rng, 1, 3)) {
        g->df = rng_chance(&g->rng, 1, 2);
        put(&g->pre, g->df ? 0xFD : 0xFC);
    }
    /* ESI/EDI walk n elements up (DF=0) or down (DF=1) from their start; keep every
     * element inside one window. */
    unsigned span = (n ? n : 1) * size;
    for (int which = 0; which < 2; which++) {
        if (!(t->traits & (which ? TR_DST : TR_SRC)))
            continue;
        bool scratch = rng_chance(&g->rng, 3, 4);
        uint32_t lo = scratch ? DT_SCRATCH_BASE : DT_STACK_LO;
        uint32_t room = (scratch ? DT_SCRATCH_SIZE : DT_STACK_SIZE) - span;
        if (g->cfg->mode == DT_MODE_USER && !g->fault_used && rng_chance(&g->rng, 1, 8)) {
            /* Across the end of the read-only page: a REP instruction faults part way,
             * with ESI, EDI and ECX where that iteration left them. */
            g->fault_used = true;
            lo = DT_NOMAP_PAGE - 64;
            room = 128 - span;
        }
        uint32_t start = lo + rng_below(&g->rng, room + 1);
        if (g->df)
            start += span - size;
        gx_set_reg(g, which ? EDI_ : ESI_, start, 4);
    }
    if (rep)
        gx_set_reg(g, ECX_, n, 4);
    if ((t->fw & FALL) && n == 0) {
        g->fw = 0; /* REP with ECX = 0 changes nothing */
    }
    uint8_t p[3];
    unsigned np = 0;
    if (size == 2)
        p[np++] = 0x66;
    if (rep)
        p[np++] = rep;
    if ((t->traits & TR_SRC) && rng_chance(&g->rng, 1, 6))
        p[np++] = gx_seg_prefixes[rng_below(&g->rng, 3)];
    for (unsigned k = np; k > 1; k--) {
        unsigned j = rng_below(&g->rng, k);
        uint8_t tmp = p[k - 1];
        p[k - 1] = p[j];
        p[j] = tmp;
    }
    for (unsigned k = 0; k < np; k++)
        put(&g->ins, p[k]);
    gx_opcode(g, t, size);
    return true;
}

/* CMPXCHG r/m, reg: half of the time eAX is first loaded with the r/m value, so that the
 * exchange happens. */
static bool emit_cmpxchg(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t);
    bool mem = gx_want_mem(g, t), equal = rng_chance(&g->rng, 1, 2);
    unsigned reg = gx_rreg(g), rm = 0;
    uint32_t addr = 0;
    if (mem)
        addr = gx_pick_addr(g, size);
    else
        rm = gx_wreg(g, size);
    if (equal) {
        if (size == 2)
            put(&g->pre, 0x66);
        if (mem) { /* MOV AL/eAX, moffs32 */
            put(&g->pre, size == 1 ? 0xA0 : 0xA1);
            put_le(&g->pre, addr, 4);
        } else { /* MOV AL/eAX, rm */
            put(&g->pre, size == 1 ? 0x8A : 0x8B);
            put(&g->pre, modrm(3, 0, rm));
        }
        g->avoid |= 1u << EAX_;
    }
    gx_prefixes(g, size, mem, true);
    gx_opcode(g, t, size);
    if (mem)
        gx_mem_operand(g, reg, addr, 0);
    else
        put(&g->ins, modrm(3, reg, rm));
    return true;
}

/* PUSHA, then a few of the saved registers replaced on the stack, then POPA, which must
 * load each register from its own slot and skip the ESP one. The EBP slot stays: EBP is
 * the buffer base. */
static bool emit_popa(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t);
    if (!can_push(g, 8 * size))
        return false;
    if (size == 2)
        put(&g->pre, 0x66);
    put(&g->pre, 0x60);
    unsigned n = 1 + rng_below(&g->rng, 3);
    for (unsigned k = 0; k < n; k++) {
        unsigned slot; /* 0 = EDI ... 7 = EAX, as PUSHA stores them from ESP up */
        do
            slot = rng_below(&g->rng, 8);
        while (slot == 2);
        if (size == 2)
            put(&g->pre, 0x66);
        put(&g->pre, 0xC7);
        put(&g->pre, modrm(1, 0, 4));
        put(&g->pre, 0x24); /* SIB: base ESP, no index */
        put(&g->pre, (uint8_t)(slot * size));
        put_le(&g->pre, gx_interesting(g, size), size);
    }
    gx_prefixes(g, size, false, false);
    put(&g->ins, t->op);
    return true;
}

/* Stack-pointer changes the generator can follow: POP ESP, ADD/SUB/LEA ESP, ENTER+LEAVE. */
static bool emit_popesp(struct gen *g, const struct tmpl *t)
{
    unsigned size = gx_pick_size(g, t);
    if (!can_push(g, size))
        return false;
    /* POP ESP loads the popped value, not the incremented ESP; a 16-bit POP SP replaces
     * only SP (the window does not cross a 64 KiB boundary). */
    uint32_t v = DT_STACK_LO + 64 + rng_below(&g->rng, DT_STACK_SIZE - 64 - 8 + 1);
    if (size == 2)
        put(&g->pre, 0x66);
    put(&g->pre, 0x68);
    put_le(&g->pre, v, size);
    gx_prefixes(g, size, false, false);
    put(&g->ins, t->op);
    g->esp = size == 2 ? (g->esp & 0xFFFF0000u) | (v & 0xFFFFu) : v;
    return true;
}

static bool emit_espadj(struct gen *g)
{
    uint32_t target = DT_STACK_LO + 8 + rng_below(&g->rng, DT_STACK_SIZE - 8 + 1);
    int32_t delta = (int32_t)(target - g->esp);
    unsigned form = rng_below(&g->rng, 3);
    bool wide = !fits8(delta) || !fits8(-delta) || rng_chance(&g->rng, 1, 4);
    if (form == 2) { /* LEA ESP, [ESP + disp]: no flags */
        put(&g->ins, 0x8D);
        put(&g->ins, modrm(wide ? 2 : 1, ESP_, 4));
        put(&g->ins, 0x24);
        put_le(&g->ins, (uint32_t)delta, wide ? 4 : 1);
        g->fw = g->fu = 0;
    } else { /* ADD ESP, imm / SUB ESP, -imm */
        bool sub = form == 1;
        int32_t imm = sub ? -delta : delta;
        put(&g->ins, wide ? 0x81 : 0x83);
        put(&g->ins, modrm(3, sub ? 5 : 0, ESP_));
        put_le(&g->ins, (uint32_t)imm, wide ? 4 : 1);
        g->fw = FALL;
        g->fu = 0;
    }
    g->esp = target;
    return true;
}

/* ENTER n, level pushes EBP, level-1 frame pointers read from [EBP-4], [EBP-8] ... (the
 * buffer, as EBP points there) and the new frame pointer, then subtracts n; LEAVE undoes
 * it and restores EBP (SDM vol. 2A, ENTER). */
static bool emit_enter(struct gen *g)
{
    unsigned n = rng_below(&g->rng, 49);
    unsigned level = rng_below(&g->rng, 4);
    if (rng_chance(&g->rng, 1, 8))
        level += 32 * (1 + rng_below(&g->rng, 7)); /* only level mod 32 counts */
    unsigned l = level & 31;
    if (!can_push(g, 4 + 4 * l + n))
        return false;
    put(&g->ins, 0xC8);
    put_le(&g->ins, n, 2);
    put(&g->ins, (uint8_t)level);
    put(&g->post, 0xC9);
    return true;
}

bool gx_emit_one(struct gen *g, const struct tmpl *t)
{
    g->fr = t->fr;
    g->fw = t->fw;
    g->fu = t->fu;
    bool ro = (t->traits & TR_NOWRITE) != 0;
    bool lock = (t->traits & TR_LOCK) != 0;
    unsigned size, stack_bytes;
    bool mem;

    switch ((enum tmpl_kind)t->kind) {
    case K_RM_R: {
        size = gx_pick_size(g, t);
        mem = gx_want_mem(g, t);
        unsigned reg = (t->traits & TR_REGW) ? gx_wreg(g, size) : gx_rreg(g);
        gx_prefixes(g, size, mem, lock);
        gx_opcode(g, t, size);
        gx_rm_operand(g, reg, mem, size, ro, 0);
        return true;
    }
    case K_R_RM:
        size = gx_pick_size(g, t);
        mem = gx_want_mem(g, t);
        gx_prefixes(g, size, mem, false);
        gx_opcode(g, t, size);
        if (mem)
            gx_mem_operand(g, ro ? gx_rreg(g) : gx_wreg(g, size), gx_pick_addr(g, size), 0);
        else
            put(&g->ins, modrm(3, ro ? gx_rreg(g) : gx_wreg(g, size), gx_rreg(g)));
        return true;
    case K_ACC_IMM:
        size = gx_pick_size(g, t);
        gx_prefixes(g, size, false, false);
        gx_opcode(g, t, size);
        gx_put_imm(g, size);
        return true;
    case K_RM_IMM:
    case K_RM_IMM8S:
        size = gx_pick_size(g, t);
        mem = gx_want_mem(g, t);
        gx_prefixes(g, size, mem, lock);
        gx_opcode(g, t, size);
        gx_rm_operand(g, (unsigned)t->ext, mem, size, ro, 0);
        gx_put_imm(g, t->kind == K_RM_IMM8S ? 1 : size);
        return true;
    case K_RM:
        size = gx_pick_size(g, t);
        mem = gx_want_mem(g, t);
        stack_bytes = (unsigned)t->stack * size;
        if ((t->traits & TR_PUSH) && !can_push(g, stack_bytes))
            return false;
        if ((t->traits & TR_POP) && !can_pop(g, stack_bytes))
            return false;
        gx_prefixes(g, size, mem, lock);
        gx_opcode(g, t, size);
        /* POP r/m computes an ESP-based address after incrementing ESP (SDM vol. 2B, POP);
         * PUSH r/m before decrementing it. */
        if (t->traits & TR_POP)
            g->esp += stack_bytes;
        if (mem)
            gx_mem_operand(g, (unsigned)t->ext, gx_pick_addr(g, size), 0);
        else
            put(&g->ins, modrm(3, (unsigned)t->ext, ro ? gx_rreg(g) : gx_wreg(g, size)));
        if (t->traits & TR_PUSH)
            g->esp -= stack_bytes;
        return true;
    case K_OPREG: {
        size = gx_pick_size(g, t);
        stack_bytes = (unsigned)t->stack * size;
        if ((t->traits & TR_PUSH) && !can_push(g, stack_bytes))
            return false;
        if ((t->traits & TR_POP) && !can_pop(g, stack_bytes))
            return false;
        unsigned r = (t->traits & TR_PUSH) ? gx_rreg(g) : gx_wregs[rng_below(&g->rng, 6)];
        gx_prefixes(g, size, false, false);
        if (t->map)
            put(&g->ins, 0x0F);
        put(&g->ins, (uint8_t)(t->op + r));
        if (t->traits & TR_PUSH)
            g->esp -= stack_bytes;
        if (t->traits & TR_POP)
            g->esp += stack_bytes;
        return true;
    }
    case K_OPREG_IMM: {
        size = gx_pick_size(g, t);
        unsigned r = size == 1 ? rng_below(&g->rng, 8) : gx_wregs[rng_below(&g->rng, 6)];
        gx_prefixes(g, size, false, false);
        put(&g->ins, (uint8_t)(t->op + r));
        gx_put_imm(g, size);
        return true;
    }
    case K_FIXED:
        size = gx_pick_size(g, t);
        stack_bytes = (unsigned)t->stack * size;
        if ((t->traits & TR_PUSH) && !can_push(g, stack_bytes))
            return false;
        gx_prefixes(g, size, false, false);
        put(&g->ins, t->op);
        if (t->traits & TR_PUSH)
            g->esp -= stack_bytes;
        if (t->traits & TR_CLD)
            g->df = false;
        if (t->traits & TR_STD)
            g->df = true;
        return true;
    case K_AAMD: {
        uint8_t imm = rng_chance(&g->rng, 1, 2) ? 10 : (uint8_t)rng_u32(&g->rng);
        if (t->op == 0xD4 && imm == 0) /* AAM 0 is #DE */
            imm = 10;
        put(&g->ins, t->op);
        put(&g->ins, imm);
        return true;
    }
    case K_SHIFT1:
    case K_SHIFTCL:
    case K_SHIFTI:
        return emit_shift(g, t);
    case K_DIV:
        return emit_div(g, t);
    case K_BT_R:
        return emit_bt_r(g, t);
    case K_BT_I:
        size = gx_pick_size(g, t);
        mem = gx_want_mem(g, t);
        gx_prefixes(g, size, mem, lock);
        gx_opcode(g, t, size);
        gx_rm_operand(g, (unsigned)t->ext, mem, size, ro, 0);
        put(&g->ins, (uint8_t)(rng_chance(&g->rng, 3, 4) ? rng_below(&g->rng, 8 * size)
                                                          : rng_u32(&g->rng)));
        return true;
    case K_BSF:
        return emit_bsf(g, t);
    case K_SHD_I:
    case K_SHD_CL:
        return emit_shd(g, t);
    case K_MOVX: {
        size = gx_pick_size(g, t);
        unsigned ssize = (t->op & 1) ? 2 : 1;
        mem = gx_want_mem(g, t);
        gx_prefixes(g, size, mem, false);
        gx_opcode(g, t, size);
        unsigned dest = gx_wregs[rng_below(&g->rng, 6)];
        if (mem)
            gx_mem_operand(g, dest, gx_pick_addr(g, ssize), 0);
        else
            put(&g->ins, modrm(3, dest, gx_rreg(g)));
        return true;
    }
    case K_CMOV:
    case K_SETCC: {
        unsigned cc = rng_below(&g->rng, 16);
        g->fr = cc_flags(cc);
        size = gx_pick_size(g, t);
        mem = gx_want_mem(g, t);
        gx_prefixes(g, size, mem, false);
        put(&g->ins, 0x0F);
        g->opc_pos = g->ins.n;
        put(&g->ins, (uint8_t)(t->op + cc));
        if (t->kind == K_SETCC)
            gx_rm_operand(g, 0, mem, 1, false, 0);
        else if (mem)
            gx_mem_operand(g, gx_wregs[rng_below(&g->rng, 6)], gx_pick_addr(g, size), 0);
        else
            put(&g->ins, modrm(3, gx_wregs[rng_below(&g->rng, 6)], gx_rreg(g)));
        return true;
    }
    case K_IMUL3:
        size = gx_pick_size(g, t);
        mem = gx_want_mem(g, t);
        gx_prefixes(g, size, mem, false);
        gx_opcode(g, t, size);
        if (mem)
            gx_mem_operand(g, gx_wregs[rng_below(&g->rng, 6)], gx_pick_addr(g, size), 0);
        else
            put(&g->ins, modrm(3, gx_wregs[rng_below(&g->rng, 6)], gx_rreg(g)));
        gx_put_imm(g, t->op == 0x6B ? 1 : size);
        return true;
    case K_CX8: {
        uint32_t addr = gx_pick_addr(g, 8);
        unsigned r = rng_below(&g->rng, 5);
        if (r < 2) { /* make the comparison succeed */
            gx_load_mem32(g, EAX_, addr);
            gx_load_mem32(g, EDX_, addr + 4);
        } else if (r == 2) { /* equal low halves only */
            gx_load_mem32(g, EAX_, addr);
        } else if (r == 3) { /* equal high halves only */
            gx_load_mem32(g, EDX_, addr + 4);
        }
        g->avoid |= (1u << EAX_) | (1u << EDX_);
        gx_prefixes(g, 4, true, lock);
        gx_opcode(g, t, 4);
        gx_mem_operand(g, (unsigned)t->ext, addr, 0);
        return true;
    }
    case K_PUSH_IMM:
        size = gx_pick_size(g, t);
        if (!can_push(g, size))
            return false;
        gx_prefixes(g, size, false, false);
        gx_opcode(g, t, size);
        gx_put_imm(g, t->op == 0x6A ? 1 : size);
        g->esp -= size;
        return true;
    case K_POPF: {
        size = gx_pick_size(g, t);
        if (!can_push(g, size))
            return false;
        /* Only the arithmetic flags and DF vary; IF stays 1 and IOPL, TF, NT, AC 0, as a
         * CPL 3 process has them (POPF there cannot change IF or IOPL). */
        bool df = rng_chance(&g->rng, 1, 3);
        uint32_t v = (rng_u32(&g->rng) & FALL) | (df ? FLAG_DF_ : 0) | DT_FLAGS_FIXED;
        if (size == 2)
            put(&g->pre, 0x66);
        put(&g->pre, 0x68);
        put_le(&g->pre, v, size);
        gx_prefixes(g, size, false, false);
        put(&g->ins, 0x9D);
        g->df = df;
        return true;
    }
    case K_XLAT:
        gx_set_reg(g, EBX_, DT_SCRATCH_BASE, 4); /* EBX + AL covers the 256-byte buffer */
        if (rng_chance(&g->rng, 1, 6))
            put(&g->ins, gx_seg_prefixes[rng_below(&g->rng, 3)]);
        put(&g->ins, 0xD7);
        return true;
    case K_MOFFS:
        size = gx_pick_size(g, t);
        gx_prefixes(g, size, true, false);
        gx_opcode(g, t, size);
        put_le(&g->ins, gx_pick_addr(g, size), 4);
        return true;
    case K_LEA:
    case K_NOPM: {
        size = gx_pick_size(g, t);
        bool ad16 = t->kind == K_LEA && rng_chance(&g->rng, 1, 5);
        uint8_t p[3];
        unsigned np = 0;
        if (size == 2)
            p[np++] = 0x66;
        if (ad16)
            p[np++] = 0x67;
        if (rng_chance(&g->rng, 1, 8))
            p[np++] = gx_seg_prefixes[rng_below(&g->rng, 3)];
        if (np == 2 && rng_chance(&g->rng, 1, 2)) {
            uint8_t tmp = p[0];
            p[0] = p[1];
            p[1] = tmp;
        }
        for (unsigned k = 0; k < np; k++)
            put(&g->ins, p[k]);
        gx_opcode(g, t, size);
        if (t->kind == K_LEA)
            gx_random_modrm_mem(g, gx_wregs[rng_below(&g->rng, 6)], ad16);
        else if (rng_chance(&g->rng, 1, 4))
            put(&g->ins, modrm(3, 0, gx_rreg(g)));
        else
            gx_random_modrm_mem(g, 0, false);
        return true;
    }
    case K_STRING:
        return emit_string(g, t);
    case K_POPA:
        return emit_popa(g, t);
    case K_CMPXCHG:
        return emit_cmpxchg(g, t);
    case K_POPESP:
        return emit_popesp(g, t);
    case K_ESPADJ:
        return emit_espadj(g);
    case K_ENTER:
        return emit_enter(g);
    case K_X87_M:
    case K_X87_R:
    case K_X87_FIXED:
    case K_X87_LDCW:
        return gx_emit_x87(g, t);
    }
    return false;
}
