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

/* The page-fault error code bits compared: P, W/R, U/S, RSVD (SDM vol. 3A, 4.7). The host
 * may add I/D (NX is on under a 64-bit kernel) and PK; glass86's models have neither. */
#define DT_PF_ERR_MASK 0xFu

/* True if the host took a page fault in the fault area of the user mode. */
bool host_fault_expected(const struct dt_result *host);

/* The flags not compared: undefined at the end, or where the host faulted. */
uint16_t cmp_undef(const struct dt_seq *s, const struct dt_result *host);

/* True if both sides ran to the end, or took the same page fault, and agree on registers,
 * defined flags and memory. */
bool cmp_match(const struct dt_seq *s, const struct dt_result *host, const struct emu_result *emu);

/* The largest distance in units of the last place between the registers of two FNSAVE
 * images that differ only in their significands (UINT64_MAX if any differs in more: sign,
 * exponent, tag, CW, SW), 0 if they agree. */
uint64_t fpu_ulp_distance(const uint8_t *a, const uint8_t *b);

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
