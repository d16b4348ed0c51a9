/* Running one conformance test on a machine and comparing the outcome with its
 * expectation: registers, RAM bytes, plus two checks the data implies (segment bases stay
 * selector * 16 in real mode; no byte outside the listed ones is written). */
#ifndef GLASS86_CONFORM_RUNNER_H
#define GLASS86_CONFORM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expect.h"
#include "machine/machine.h"
#include "testcase.h"

enum diff_kind {
    DIFF_REG,      /* reg: a tc_reg */
    DIFF_SEGBASE,  /* reg: TC_CS..TC_ES; the hidden base is not selector * 16 */
    DIFF_RAM,      /* addr: a listed byte */
    DIFF_STRAY,    /* addr: a byte no list mentions was written */
    DIFF_NO_HLT,   /* 80286 files: HLT was not reached within RUN_MAX_STEPS */
    DIFF_SHUTDOWN, /* the CPU shut down (triple fault) */
};

struct diff {
    uint8_t kind;
    uint8_t reg;
    uint32_t addr;
    uint32_t expected, got, mask;
};

#define RUN_MAX_DIFFS 48
#define RUN_MAX_STEPS 16

struct test_result {
    bool passed;
    bool unimplemented;        /* the run raised #UD for an opcode glass86 lacks */
    uint8_t unimpl_bytes[16];  /* the first instruction that did, as it was in memory */
    unsigned steps;            /* instructions executed */
    unsigned ndiffs;           /* stored in d[] */
    unsigned total_diffs;      /* found (may exceed RUN_MAX_DIFFS) */
    struct diff d[RUN_MAX_DIFFS];
};

/* Per-thread state: one machine reused for every test, and scratch buffers. */
struct run_ctx {
    struct machine *m;
    struct expectation exp;
    uint32_t *pages;
    size_t pages_cap;
};

/* Run test `t`; `e` must have been built by expect_build for it. The machine's RAM is
 * zero before and after. Returns -1 only when out of memory. */
int run_test(struct run_ctx *ctx, const struct tc_file *f, const struct tc_test *t,
             const struct suite_rules *rules, const struct expectation *e,
             struct test_result *res);

void run_ctx_free(struct run_ctx *ctx);

#endif
