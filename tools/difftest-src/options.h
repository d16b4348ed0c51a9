/* The difftest's command line: --count, --seed, --cpu ... (see --help), parsed into
 * struct options, with the template filters and the options that reproduce a sequence. */
#ifndef DIFFTEST_OPTIONS_H
#define DIFFTEST_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/models.h"
#include "templates.h"

struct options {
    uint64_t count, seed, start;
    unsigned len_min, len_max;
    enum cpu_model_id model;
    const char *cpu_name;
    enum dt_mode mode;
    unsigned threads;
    bool verbose, native_only, progress, trace, undocumented;
    uint64_t max_mismatches;
    char native_path[PATH_MAX];
    bool *enabled; /* per template row */
    char repro[512];
};

/* Returns -1 to go on, or the exit status to leave with (0 after --help/--list, 2 on a
 * usage error, already reported). o->enabled is allocated in both cases. */
int options_parse(int argc, char **argv, struct options *o);

#endif
