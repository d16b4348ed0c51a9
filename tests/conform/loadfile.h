/* Loading one test file: gzip or plain, MOO or JSON, into a tc_file. */
#ifndef GLASS86_CONFORM_LOADFILE_H
#define GLASS86_CONFORM_LOADFILE_H

#include <stddef.h>
#include <stdint.h>

#include "testcase.h"

/* Decompressed files larger than this are refused (a gzip bomb must not eat the host). */
#define LOADFILE_MAX_BYTES (1024u * 1024u * 1024u)

/* Read a whole file through zlib (which also passes uncompressed files through). Returns
 * 0 with a malloc'ed buffer, or -1 with a reason (naming the offset for truncated data). */
int load_whole_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen);

/* Load and parse a test file. The format is chosen by name (*.json, *.json.gz) or else by
 * content ("MOO " magic). Returns 0, or -1 with a one-line reason in err. */
int load_test_file(const char *path, struct tc_file *out, char *err, size_t errlen);

/* True for names the runner treats as test files: *.MOO, *.MOO.gz, *.json, *.json.gz. */
int is_test_file_name(const char *name);

/* The label of a test file: its base name without directories and extensions ("F6.6"). */
void test_file_label(const char *path, char *out, size_t outlen);

#endif
