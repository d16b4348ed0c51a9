/* A folder of test files and what goes with it: metadata.json (next to the files, or in
 * the sibling "v1" folder as in shared/conformance/8086), revocation_list.txt (next to the
 * files or one level up as in shared/conformance/80286), and the rules of the captured CPU. */
#ifndef GLASS86_CONFORM_SUITE_H
#define GLASS86_CONFORM_SUITE_H

#include <stdbool.h>

#include "cpu/models.h"
#include "expect.h"
#include "metadata.h"
#include "revocation.h"

struct suite {
    char *dir;                  /* canonical path */
    struct metadata *md;        /* NULL when no metadata.json was found */
    char *md_path;
    struct revocation_list rl;
    char *rl_path;
};

/* Find or load the suite of folder `dir` in `list` (grown as needed). `metadata_override`
 * replaces the metadata.json search. Returns NULL with a reason in err on failure. */
struct suite *suite_for_dir(struct suite ***list, size_t *count, const char *dir,
                            const char *metadata_override, char *err, size_t errlen);
void suite_free(struct suite *s);

/* The run rules of a file: from its MOO CPU id ("8086", "C286"), else the metadata's
 * "cpu", else the emulated model. */
struct suite_rules suite_rules_for(const char *moo_cpu, const char *md_cpu,
                                   enum cpu_model_id model);

#endif
