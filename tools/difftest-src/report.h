/* Comparing the host's and glass86's final states, and printing sequences and mismatches
 * (disassembled with Capstone). Expected = the host CPU, got = glass86. */
#ifndef DIFFTEST_REPORT_H
#define DIFFTEST_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu.h"
#include "gen.h"
#include "protocol.h"

/* What a report needs to know about the run. */
struct report_ctx {
    uint64_t seed;
    const char *cpu_name;
    const char *repro;      /* options that regenerate the same sequences */
};

/* True if both sides ran to the end and agree on registers, defined flags and memory. */
bool cmp_match(const struct dt_result *host, const struct emu_result *emu, uint16_t undef);

/* The sequence, unit by unit, and its initial state. */
void report_sequence(FILE *f, const struct dt_seq *s);

/* A full mismatch report. `first_unit` is the unit at which prefixes start to differ, or
 * -1 if narrowing found none. */
void report_mismatch(FILE *f, const struct report_ctx *ctx, const struct dt_seq *s,
                     const struct dt_result *host, const struct emu_result *emu, int first_unit);

/* One line for a native fault in native-only mode, and the sequence. */
void report_native_problem(FILE *f, const struct report_ctx *ctx, const struct dt_seq *s,
                           const struct dt_result *host, const char *what);

#endif
