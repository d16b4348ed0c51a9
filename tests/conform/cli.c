/* Command-line parsing for glass86-conform (getopt_long). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void usage(FILE *out)
{
    fputs("usage: glass86-conform [options] DIR_OR_FILE...\n"
          "Runs the SingleStepTests CPU suites (MOO or JSON, gzip or plain) on glass86.\n"
          "\n"
          "  --cpu 8086|286|386|486|p6  CPU model (default: from a folder name containing\n"
          "                             8086 or 80286)\n"
          "  --filter OPCODE[,OPCODE]   only files whose name starts with OPCODE (F6, F6.6)\n"
          "  --verbose                  every failing test: all differences, initial state\n"
          "  --list-failures            one line per failing test\n"
          "  --threads N                worker threads (default: one per CPU)\n"
          "  --run-undefined            also run forms metadata.json marks undefined\n"
          "  --max-failures K           exit 0 while at most K tests fail (default 0)\n"
          "  --metadata FILE            metadata.json to use instead of searching for it\n"
          "\n"
          "Exit status: 0 all passed (or failures <= K), 1 more failures or unreadable\n"
          "files, 2 usage error.\n",
          out);
}

static int add_filter(struct options *o, const char *arg)
{
    char *copy = strdup(arg);
    if (!copy)
        return -1;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char **n = realloc(o->filters, (o->nfilters + 1) * sizeof *n);
        if (!n) {
            free(copy);
            return -1;
        }
        o->filters = n;
        if (!(o->filters[o->nfilters] = strdup(tok))) {
            free(copy);
            return -1;
        }
        o->nfilters++;
    }
    free(copy);
    return 0;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int cli_parse(int argc, char **argv, struct options *o)
{
    enum { O_CPU = 256, O_FILTER, O_VERBOSE, O_LIST, O_THREADS, O_UNDEF, O_MAXF, O_META, O_HELP };
    static const struct option longopts[] = {
        {"cpu", required_argument, NULL, O_CPU},
        {"filter", required_argument, NULL, O_FILTER},
        {"verbose", no_argument, NULL, O_VERBOSE},
        {"list-failures", no_argument, NULL, O_LIST},
        {"threads", required_argument, NULL, O_THREADS},
        {"run-undefined", no_argument, NULL, O_UNDEF},
        {"max-failures", required_argument, NULL, O_MAXF},
        {"metadata", required_argument, NULL, O_META},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    optind = 1;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "vj:h", longopts, NULL)) != -1) {
        switch (c) {
        case O_CPU: o->cpu = optarg; break;
        case O_FILTER:
            if (add_filter(o, optarg)) {
                fprintf(stderr, "glass86-conform: out of memory\n");
                return -1;
            }
            break;
        case 'v':
        case O_VERBOSE: o->verbose = true; break;
        case O_LIST: o->list_failures = true; break;
        case 'j':
        case O_THREADS:
            if (!parse_long(optarg, 1, 1024, &v)) {
                fprintf(stderr, "glass86-conform: --threads wants a number 1..1024, not '%s'\n", optarg);
                return -1;
            }
            o->threads = (unsigned)v;
            break;
        case O_UNDEF: o->run_undefined = true; break;
        case O_MAXF:
            if (!parse_long(optarg, 0, 1L << 40, &o->max_failures)) {
                fprintf(stderr, "glass86-conform: --max-failures wants a count, not '%s'\n", optarg);
                return -1;
            }
            break;
        case O_META: o->metadata = optarg; break;
        case 'h':
        case O_HELP: usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "glass86-conform: no test folder or file given\n");
        usage(stderr);
        return -1;
    }
    o->inputs = argv + optind;
    o->ninputs = (size_t)(argc - optind);
    return 0;
}

void cli_free(struct options *o)
{
    for (size_t i = 0; i < o->nfilters; i++)
        free(o->filters[i]);
    free(o->filters);
    o->filters = NULL;
    o->nfilters = 0;
}

bool cli_filter_match(const struct options *o, const char *label)
{
    if (!o->nfilters)
        return true;
    for (size_t i = 0; i < o->nfilters; i++)
        if (strncasecmp(label, o->filters[i], strlen(o->filters[i])) == 0)
            return true;
    return false;
}
