/* Reader for the JSON form of the SingleStepTests x86 suites: an array of
 * {idx, name, bytes, initial{regs, ram, queue}, final{regs, ram, queue}, exception, hash}
 * (upstream 8086 README, "Test Formats", and the 80286 repository's moo2json.py). */
#ifndef GLASS86_CONFORM_JSONTESTS_H
#define GLASS86_CONFORM_JSONTESTS_H

#include <stddef.h>

#include "testcase.h"

/* Parse a whole JSON test file. Returns 0 and fills `out` (zeroed by the caller), or -1
 * with a one-line reason starting with the byte offset in err. */
int jsontests_parse(const char *text, size_t len, struct tc_file *out, char *err, size_t errlen);

#endif
