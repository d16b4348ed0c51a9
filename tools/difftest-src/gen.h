/* The difftest's sequence generator: from (seed, sequence index) a random straight-line
 * snippet of templates (templates.h), the initial registers, flags and memory it starts
 * from, and the flags still undefined at the end. Every unit (one template with the setup
 * that keeps it from faulting) is recorded so that prefixes can be re-run. */
#ifndef DIFFTEST_GEN_H
#define DIFFTEST_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/models.h"
#include "protocol.h"
#include "templates.h"

#define DT_MAX_UNITS 64     /* --length at most */
#define DT_UNIT_MAX_BYTES 96 /* one unit's code at most (setup, definer, main, fix-up) */
#define TMPL_NONE 0xFFFFu

struct dt_unit {
    uint16_t offset, len; /* its bytes in dt_seq.code */
    uint16_t tmpl;        /* its template row */
    uint16_t undef;       /* arithmetic flags undefined after it */
    uint16_t fcc_undef;   /* x87 condition codes (C0-C3 in SW) undefined after it */
};

struct dt_seq {
    uint64_t index;
    struct dt_regs init;
    uint8_t scratch[DT_SCRATCH_SIZE];
    uint8_t stack[DT_STACK_SIZE];
    uint32_t code_len;
    uint32_t unit_count;
    uint16_t undef;       /* arithmetic flags undefined at the end */
    uint16_t fcc_undef;   /* x87 condition codes undefined at the end */
    uint32_t fpu_on;      /* x87 mode: the x87 starts from `fpu` and is compared */
    uint8_t fpu[DT_FPU_IMAGE];
    struct dt_unit units[DT_MAX_UNITS];
    uint8_t code[DT_MAX_UNITS * DT_UNIT_MAX_BYTES];
};
_Static_assert(DT_MAX_UNITS * DT_UNIT_MAX_BYTES <= DT_CODE_MAX, "code fits the code area");

struct gen_config {
    uint64_t seed;
    unsigned len_min, len_max;  /* units per sequence */
    enum cpu_model_id model;
    enum dt_mode mode;
    const bool *enabled;        /* tmpl_count entries, or NULL for all */
    bool undocumented;          /* also draw TR_UNDOC rows */
};

/* The rows a configuration may draw, with cumulative weights. */
struct gen_table {
    uint16_t row[256];
    uint32_t cum[256];
    unsigned count;
    uint32_t total;
};

/* Fill `t` from `cfg`; returns the number of rows that can be drawn. */
unsigned gen_prepare(const struct gen_config *cfg, struct gen_table *t);

/* Generate sequence `index`. */
void gen_sequence(const struct gen_config *cfg, const struct gen_table *t, uint64_t index,
                  struct dt_seq *s);

/* The first `units` units of `s` as a sequence of their own (for narrowing down). */
void gen_prefix(const struct dt_seq *s, unsigned units, struct dt_seq *out);

#endif
