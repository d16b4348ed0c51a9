/* Turning test results into text: a difference in plain words, an instruction as bytes and
 * Capstone disassembly, a test's initial and expected state for --verbose. */
#ifndef GLASS86_CONFORM_REPORT_H
#define GLASS86_CONFORM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/capstone.h>

#include "expect.h"
#include "runner.h"
#include "sbuf.h"
#include "testcase.h"

/* Capstone handles of one thread (a handle must not be shared between threads). */
struct disasm {
    csh h16, h32;
    bool ok16, ok32;
};

int disasm_open(struct disasm *d);
void disasm_close(struct disasm *d);

/* "flags expected 0xF046 got 0xF002 (masked 0xF7D5)" */
void report_diff(struct sbuf *b, const struct diff *d);
/* "f6 b4 3b 3d  div byte ptr [si + 0x3d3b]": the bytes of the first instruction and its
 * disassembly; the test's own name when Capstone cannot decode it. */
void report_insn(struct sbuf *b, struct disasm *d, bool code32, const struct tc_file *f,
                 const struct tc_test *t);
/* Every difference and the test's initial state, indented, for --verbose. */
void report_details(struct sbuf *b, const struct tc_file *f, const struct tc_test *t,
                    const struct expectation *e, const struct test_result *r);
/* The test's name ("" if none), and the same written with non-printable bytes as '?'. */
const char *test_name(const struct tc_file *f, const struct tc_test *t);
void report_name(struct sbuf *b, const struct tc_file *f, const struct tc_test *t);

#endif
