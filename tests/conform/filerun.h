/* Running every test of one file on a worker and writing that file's report. */
#ifndef GLASS86_CONFORM_FILERUN_H
#define GLASS86_CONFORM_FILERUN_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "report.h"
#include "runner.h"
#include "sbuf.h"
#include "suite.h"

/* One bit per instruction form: [map][opcode][reg + 1]. */
#define FORM_BITS (2 * 256 * 9)

struct file_report {
    struct sbuf text;           /* everything to print for this file */
    unsigned long passed, failed, skipped, unimplemented;
    bool error;                 /* the file could not be read */
    uint64_t unimpl_forms[(FORM_BITS + 63) / 64];
};

/* What a worker thread owns. */
struct worker {
    struct run_ctx ctx;
    struct disasm dis;
    const struct cpu_model_info *model;
};

struct job {
    const char *path;
    char label[64];             /* "F6.6" */
    const struct suite *suite;
    struct file_report report;
    bool done;                  /* guarded by the output lock */
};

void run_file(struct worker *w, const struct options *o, struct job *job);

static inline unsigned form_index(int map, int opcode, int reg)
{
    return ((unsigned)map * 256 + (unsigned)opcode) * 9 + (unsigned)(reg + 1);
}

#endif
