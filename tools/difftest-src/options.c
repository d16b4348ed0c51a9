/* The difftest's command line (see options.h and usage() below). */
#define _GNU_SOURCE
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass86-difftest [options]   (normally run as tools/difftest)\n"
            "Runs random sequences of integer (or x87) instructions on the host CPU and in\n"
            "glass86 and compares registers, defined flags, memory, page faults (--mode user)\n"
            "and the x87 state (--mode x87).\n"
            "  --count N           sequences to run (default 10000)\n"
            "  --seed S            random seed (default 1)\n"
            "  --start I           index of the first sequence (default 0), to re-run one\n"
            "  --length L | A-B    units (instructions with their setup) per sequence\n"
            "                      (default 1-16, at most %u)\n"
            "  --cpu 386|486|p6    glass86 CPU model and the instructions drawn (default p6)\n"
            "  --mode MODE         flat32 (CPL 0, no paging; the default), user (CPL 3 with\n"
            "                      paging and page faults) or x87 (x87 instructions)\n"
            "  --threads N         worker threads, each with its own native child\n"
            "                      (default: all cores)\n"
            "  --max-mismatches K  stop after K mismatches (default 10)\n"
            "  --only A,B,...      draw only these mnemonics (see --list)\n"
            "  --skip A,B,...      never draw these mnemonics\n"
            "  --list              list the instruction templates and exit\n"
            "  --undocumented      also draw undocumented aliases (SAL /6, TEST F6 /1)\n"
            "  --native PATH       the 32-bit executor (default: difftest-native32 next to\n"
            "                      this program)\n"
            "  --native-only       self-check: run every batch natively twice, expect the\n"
            "                      same results and no fault (glass86 is not run)\n"
            "  --progress          report progress on stderr every 10 s\n"
            "  --verbose           print every sequence, and template counts at the end\n"
            "  --trace             with --verbose: also trace glass86 instruction by\n"
            "                      instruction\n"
            "Exit status: 0 all agree, 1 mismatches, 2 usage or infrastructure error.\n",
            DT_MAX_UNITS);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool parse_length(const char *s, unsigned *lo, unsigned *hi)
{
    unsigned a, b;
    char tail;
    if (sscanf(s, "%u-%u%c", &a, &b, &tail) == 2) {
    } else if (sscanf(s, "%u%c", &a, &tail) == 1) {
        b = a;
    } else {
        return false;
    }
    if (a < 1 || b < a || b > DT_MAX_UNITS)
        return false;
    *lo = a;
    *hi = b;
    return true;
}

/* Apply a comma-separated list of mnemonics to the enabled table. */
static bool apply_names(bool *enabled, const char *list, bool value, bool only)
{
    if (only)
        for (unsigned k = 0; k < tmpl_count; k++)
            enabled[k] = false;
    char *copy = strdup(list), *save = NULL;
    if (!copy)
        return false;
    bool ok = true;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool any = false;
        for (unsigned k = 0; k < tmpl_count; k++) {
            if (strcmp(tmpl_table[k].name, tok) == 0) {
                enabled[k] = value;
                any = true;
            }
        }
        if (!any) {
            fprintf(stderr, "difftest: no instruction template named '%s' (see --list)\n", tok);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

static void list_templates(void)
{
    static const char *const model_names[] = {"8086", "286", "386", "486", "p6"};
    printf("%-10s %-8s %-6s %-5s %s\n", "mnemonic", "opcode", "sizes", "cpu", "weight");
    for (unsigned k = 0; k < tmpl_count; k++) {
        const struct tmpl *t = &tmpl_table[k];
        char op[16], sz[8] = "";
        if (t->ext >= 0)
            snprintf(op, sizeof op, "%s%02X /%d", t->map ? "0F " : "", t->op, t->ext);
        else
            snprintf(op, sizeof op, "%s%02X", t->map ? "0F " : "", t->op);
        if (t->sizes & SZ8)
            strcat(sz, "8 ");
        if (t->sizes & SZ16)
            strcat(sz, "16 ");
        if (t->sizes & SZ32)
            strcat(sz, "32");
        printf("%-10s %-8s %-6s %-5s %u%s\n", t->name, op, sz, model_names[t->min_model], t->weight,
               (t->traits & TR_UNDOC) ? "  (undocumented: --undocumented)" : "");
    }
}

/* The directory of this executable + "/difftest-native32". */
static void default_native_path(char *out, size_t n)
{
    char self[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k <= 0) {
        snprintf(out, n, "difftest-native32");
        return;
    }
    self[k] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        slash[1] = 0;
    else
        self[0] = 0;
    static const char name[] = "difftest-native32";
    size_t dir = strlen(self);
    if (dir + sizeof name > n) {
        snprintf(out, n, "%s", name);
        return;
    }
    memcpy(out, self, dir);
    memcpy(out + dir, name, sizeof name);
}

int options_parse(int argc, char **argv, struct options *o)
{
    enum { O_COUNT = 256, O_SEED, O_START, O_LENGTH, O_CPU, O_MODE, O_THREADS, O_MAXMIS, O_ONLY,
           O_SKIP, O_LIST, O_NATIVE, O_NATIVE_ONLY, O_PROGRESS, O_VERBOSE, O_TRACE, O_UNDOC, O_HELP };
    static const struct option longopts[] = {
        {"count", required_argument, NULL, O_COUNT},
        {"seed", required_argument, NULL, O_SEED},
        {"start", required_argument, NULL, O_START},
        {"length", required_argument, NULL, O_LENGTH},
        {"cpu", required_argument, NULL, O_CPU},
        {"mode", required_argument, NULL, O_MODE},
        {"threads", required_argument, NULL, O_THREADS},
        {"max-mismatches", required_argument, NULL, O_MAXMIS},
        {"only", required_argument, NULL, O_ONLY},
        {"skip", required_argument, NULL, O_SKIP},
        {"list", no_argument, NULL, O_LIST},
        {"native", required_argument, NULL, O_NATIVE},
        {"native-only", no_argument, NULL, O_NATIVE_ONLY},
        {"progress", no_argument, NULL, O_PROGRESS},
        {"verbose", no_argument, NULL, O_VERBOSE},
        {"trace", no_argument, NULL, O_TRACE},
        {"undocumented", no_argument, NULL, O_UNDOC},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    o->count = 10000;
    o->seed = 1;
    o->start = 0;
    o->len_min = 1;
    o->len_max = 16;
    o->model = CPU_P6;
    o->cpu_name = "p6";
    o->mode = DT_MODE_FLAT32;
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = nproc > 0 ? (unsigned)nproc : 1;
    o->max_mismatches = 10;
    default_native_path(o->native_path, sizeof o->native_path);
    o->enabled = malloc(tmpl_count * sizeof *o->enabled);
    if (!o->enabled)
        return 2;
    for (unsigned k = 0; k < tmpl_count; k++)
        o->enabled[k] = true;
    bool only_seen = false;
    char length_arg[32] = "1-16";
    /* --only and --skip change which templates are drawn, hence the sequences: the
     * reproduce line repeats them. */
    char filters[256] = "";

    int c;
    uint64_t v;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_COUNT:
            if (!parse_u64(optarg, &o->count))
                goto bad;
            break;
        case O_SEED:
            if (!parse_u64(optarg, &o->seed))
                goto bad;
            break;
        case O_START:
            if (!parse_u64(optarg, &o->start))
                goto bad;
            break;
        case O_LENGTH:
            if (!parse_length(optarg, &o->len_min, &o->len_max))
                goto bad;
            snprintf(length_arg, sizeof length_arg, "%u-%u", o->len_min, o->len_max);
            break;
        case O_CPU:
            if (strcmp(optarg, "386") == 0) {
                o->model = CPU_386;
                o->cpu_name = "386";
            } else if (strcmp(optarg, "486") == 0) {
                o->model = CPU_486;
                o->cpu_name = "486";
            } else if (strcmp(optarg, "p6") == 0) {
                o->model = CPU_P6;
                o->cpu_name = "p6";
            } else {
                goto bad;
            }
            break;
        case O_MODE:
            if (strcmp(optarg, "flat32") == 0)
                o->mode = DT_MODE_FLAT32;
            else if (strcmp(optarg, "user") == 0)
                o->mode = DT_MODE_USER;
            else if (strcmp(optarg, "x87") == 0)
                o->mode = DT_MODE_X87;
            else
                goto bad;
            break;
        case O_THREADS:
            if (!parse_u64(optarg, &v) || v < 1 || v > 256)
                goto bad;
            o->threads = (unsigned)v;
            break;
        case O_MAXMIS:
            if (!parse_u64(optarg, &o->max_mismatches) || o->max_mismatches < 1)
                goto bad;
            break;
        case O_ONLY:
        case O_SKIP:
            if (!apply_names(o->enabled, optarg, c == O_ONLY, c == O_ONLY && !only_seen))
                return 2;
            only_seen |= c == O_ONLY;
            if (strlen(filters) + strlen(optarg) + 10 < sizeof filters) {
                strcat(filters, c == O_ONLY ? " --only " : " --skip ");
                strcat(filters, optarg);
            }
            break;
        case O_LIST:
            list_templates();
            return 0;
        case O_NATIVE:
            snprintf(o->native_path, sizeof o->native_path, "%s", optarg);
            break;
        case O_NATIVE_ONLY:
            o->native_only = true;
            break;
        case O_PROGRESS:
            o->progress = true;
            break;
        case O_VERBOSE:
            o->verbose = true;
            break;
        case O_TRACE:
            o->trace = o->verbose = true;
            break;
        case O_UNDOC:
            o->undocumented = true;
            break;
        case O_HELP:
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc)
        goto bad_arg;
    /* The options that decide what the sequences are. */
    snprintf(o->repro, sizeof o->repro, "--seed %" PRIu64 " --mode %s --length %s --cpu %s%s%s",
             o->seed, dt_mode_name(o->mode), length_arg, o->cpu_name, filters,
             o->undocumented ? " --undocumented" : "");
    return -1;
bad:
    fprintf(stderr, "difftest: bad value '%s' for --%s\n", optarg, longopts[c - O_COUNT].name);
    return 2;
bad_arg:
    fprintf(stderr, "difftest: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
}

