/* What one test expects after its instruction: the initial registers overlaid by the final
 * ones, every listed RAM byte with the value it must hold, and the masks for undefined
 * flags, applied to FLAGS and to a FLAGS word pushed by an exception. The rules are the
 * suites' (shared/conformance/8086/README.md and 80286/README.md, "Undefined flags"). */
#ifndef GLASS86_CONFORM_EXPECT_H
#define GLASS86_CONFORM_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "testcase.h"

/* How a suite's tests are meant to be run and read. */
struct suite_rules {
    bool until_hlt;          /* 80286: the instruction is followed by HLT; run until it ran */
    bool clear_init_flags_hi; /* 80286: bits 12-15 of the initial FLAGS are LOADALL noise */
    bool find_div_exception; /* 8086: no EXCP chunk, recognise #DE by its vector instead */
    uint32_t addr_mask;      /* physical address bus of the captured chip */
    bool has_0f_map;         /* 0F starts a two-byte opcode (on the 8086 it is POP CS) */
    bool prefixes_386;       /* 64-67 are prefixes (on the 8086 they alias Jcc) */
    bool code32;             /* the tests run 32-bit code (for disassembly) */
};

struct expect_byte {
    uint32_t addr;
    uint8_t value;
    uint8_t mask;            /* bits compared; < 0xFF only in a pushed FLAGS word */
    bool from_final;         /* listed in the final state (else unchanged from INIT) */
    uint32_t seq;            /* input order, so the final value wins over the initial */
};

struct expectation {
    uint16_t init[TC_NREGS];   /* initial registers as they are loaded */
    uint16_t final[TC_NREGS];  /* registers expected afterwards */
    uint16_t flags_mask;
    struct expect_byte *ram;   /* sorted by address, one entry per address */
    size_t ram_count, ram_cap;
    bool exception;            /* an exception pushed FLAGS at flags_addr[0..1] */
    uint32_t flags_addr[2];
};

/* Build the expectation of test `t`. `flags_mask` is the metadata mask of its form;
 * `div_form` says the form is one of the 8086's divide-error opcodes (D4, F6.6, F6.7,
 * F7.6, F7.7). Reuses e's buffer; returns -1 only when out of memory. */
int expect_build(struct expectation *e, const struct tc_file *f, const struct tc_test *t,
                 const struct suite_rules *rules, uint16_t flags_mask, bool div_form);
/* The entry for a physical address, or NULL. */
const struct expect_byte *expect_find(const struct expectation *e, uint32_t addr);
void expect_free(struct expectation *e);

#endif
