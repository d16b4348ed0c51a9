/* Internals of the difftest generator shared by gen.c (the sequence driver),
 * gen_encode.c (ModRM/SIB/prefix encoding and setup instructions) and gen_emit.c (one
 * emitter per template kind). Encoding rules: Intel SDM vol. 2A, chapter 2. */
#ifndef DIFFTEST_GEN_INTERNAL_H
#define DIFFTEST_GEN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"
#include "rng.h"
#include "templates.h"

enum { EAX_, ECX_, EDX_, EBX_, ESP_, EBP_, ESI_, EDI_ };
#define FLAG_DF_ 0x400u

struct bytes {
    uint8_t b[DT_UNIT_MAX_BYTES];
    unsigned n;
};

/* The generator's state: what it knows statically about the machine at the current point
 * of the snippet, plus the unit being built (setup, then the instruction, then a fix-up). */
struct gen {
    struct rng rng;
    const struct gen_config *cfg;
    uint16_t undef;     /* arithmetic flags undefined now */
    bool df;            /* DF now (always known) */
    uint32_t esp;       /* ESP now (always known) */
    /* The unit being built. */
    struct bytes pre, ins, post;
    unsigned opc_pos;   /* index of the opcode byte in ins (BSF fix-up) */
    uint8_t avoid;      /* registers set up for this unit: not free for addressing */
    uint16_t fr, fw, fu;/* flags the instruction reads, defines, leaves undefined */
    uint16_t fcc_undef; /* x87 condition codes undefined now */
    uint16_t fcc_def, fcc_u; /* the unit's x87 row: C bits it defines, leaves undefined */
    bool fcc_read;      /* ... and whether it stores SW (FNSTSW) */
    bool fault_used;    /* user mode: an operand was put in the fault area; the sequence
                           ends after this unit, since nothing runs after a fault */
};

/* Append to one part of the unit; a unit never outgrows DT_UNIT_MAX_BYTES. */
static inline void put(struct bytes *b, uint8_t v)
{
    if (b->n >= sizeof b->b) {
        fprintf(stderr, "difftest: generator bug: unit longer than %u bytes\n",
                DT_UNIT_MAX_BYTES);
        abort();
    }
    b->b[b->n++] = v;
}

static inline void put_le(struct bytes *b, uint32_t v, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        put(b, (uint8_t)(v >> (8 * k)));
}

/* Small encoding and arithmetic helpers. */
static inline uint8_t modrm(unsigned mod, unsigned reg, unsigned rm)
{
    return (uint8_t)((mod << 6) | ((reg & 7) << 3) | (rm & 7));
}

static inline uint32_t width_mask(unsigned size) { return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1; }

static inline int32_t sext(uint32_t v, unsigned size)
{
    unsigned sh = 32 - 8 * size;
    return (int32_t)(v << sh) >> sh;
}

/* The full register an operand register number names at this size. */
static inline unsigned full_reg(unsigned r, unsigned size) { return size == 1 ? (r & 3) : r; }

static inline bool fits8(int32_t d) { return d >= -128 && d <= 127; }

/* Whether the stack window has room for a push, or data for a pop, of `bytes`. */
static inline bool can_push(const struct gen *g, unsigned bytes) { return g->esp - bytes >= DT_STACK_LO; }

static inline bool can_pop(const struct gen *g, unsigned bytes) { return g->esp + bytes <= DT_STACK_HI; }

/* Writable 16/32-bit registers: ESP is the stack, EBP the buffer base. */
extern const uint8_t gx_wregs[6];
/* Segment overrides that are flat on both sides: ES, SS, DS. */
extern const uint8_t gx_seg_prefixes[3];

#define MEM_NO_ESP 1u /* gx_mem_operand: do not address relative to ESP */

/* gen_encode.c */
uint32_t gx_interesting(struct gen *g, unsigned size);
unsigned gx_wreg(struct gen *g, unsigned size);
unsigned gx_rreg(struct gen *g);
unsigned gx_wreg_free(struct gen *g, unsigned avoid);
void gx_set_reg(struct gen *g, unsigned r, uint32_t v, unsigned size);
void gx_store_mem(struct gen *g, uint32_t addr, uint32_t v, unsigned size);
void gx_load_mem32(struct gen *g, unsigned r, uint32_t addr);
uint32_t gx_pick_addr(struct gen *g, unsigned size);
void gx_mem_operand(struct gen *g, unsigned regf, uint32_t addr, unsigned flags);
void gx_random_modrm_mem(struct gen *g, unsigned regf, bool ad16);
void gx_prefixes(struct gen *g, unsigned size, bool mem, bool lock);
void gx_opcode(struct gen *g, const struct tmpl *t, unsigned size);
unsigned gx_pick_size(struct gen *g, const struct tmpl *t);
bool gx_want_mem(struct gen *g, const struct tmpl *t);
void gx_rm_operand(struct gen *g, unsigned regf, bool mem, unsigned size, bool ro,
                   unsigned memflags);
void gx_put_imm(struct gen *g, unsigned size);

/* gen_x87.c: the initial x87 state of a sequence, and the x87 rows' emitter. */
void gx_x87_init(struct gen *g, struct dt_seq *s);
bool gx_emit_x87(struct gen *g, const struct tmpl *t);

/* gen_emit.c: emit template t as the current unit; false if it cannot go here (no room
 * on the stack), with nothing of the unit kept. */
bool gx_emit_one(struct gen *g, const struct tmpl *t);

#endif
