/* The command line of glass86-conform. */
#ifndef GLASS86_CONFORM_CLI_H
#define GLASS86_CONFORM_CLI_H

#include <stdbool.h>
#include <stddef.h>

struct options {
    const char *cpu;            /* --cpu, or NULL to guess from the folder names */
    char **filters;             /* --filter prefixes (comma-separated lists split) */
    size_t nfilters;
    bool verbose, list_failures, run_undefined;
    unsigned threads;           /* 0 = one per online CPU */
    long max_failures;          /* exit 0 while failures <= this */
    const char *metadata;       /* --metadata FILE */
    char **inputs;
    size_t ninputs;
};

/* Exit codes. */
enum { EXIT_PASS = 0, EXIT_FAILURES = 1, EXIT_USAGE = 2 };

/* Parse argv. Returns 0, 1 after printing --help, or -1 after printing an error. */
int cli_parse(int argc, char **argv, struct options *o);
void cli_free(struct options *o);
/* Does a file label pass the --filter prefixes (case-insensitive)? */
bool cli_filter_match(const struct options *o, const char *label);

#endif
