/* Reader for SingleStepTests MOO files: little-endian chunks {char type[4], u32 length,
 * payload}, MOO 1.x as described in shared/conformance/8086/README.md and
 * shared/conformance/80286/README.md. */
#ifndef GLASS86_CONFORM_MOO_H
#define GLASS86_CONFORM_MOO_H

#include <stddef.h>
#include <stdint.h>

#include "testcase.h"

/* Parse a whole decompressed MOO file. On success returns 0 and fills `out` (which must
 * be zeroed). On a malformed file returns -1, frees what was read, and writes a one-line
 * reason starting with the byte offset ("offset 1234 (0x4d2): ...") to err. */
int moo_parse(const uint8_t *buf, size_t len, struct tc_file *out, char *err, size_t errlen);

#endif
