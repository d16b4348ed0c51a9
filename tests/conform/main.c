/* glass86-conform: runs the hardware-captured SingleStepTests suites (8086 and 80286, MOO
 * or JSON; shared/conformance/README.md) on glass86's CPU core, one machine per worker
 * thread, and prints one line per opcode file in input order, then the totals. */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "filerun.h"
#include "loadfile.h"
#include "opkey.h"
#include "suite.h"

struct pool {
    struct job *jobs;
    size_t njobs;
    const struct options *o;
    atomic_size_t next;
    pthread_mutex_t lock;
    pthread_cond_t done;
};

struct thread_arg {
    struct pool *pool;
    struct worker *w;
};

static void *worker_main(void *p)
{
    struct thread_arg *a = p;
    struct pool *pool = a->pool;
    for (;;) {
        size_t i = atomic_fetch_add(&pool->next, 1);
        if (i >= pool->njobs)
            break;
        run_file(a->w, pool->o, &pool->jobs[i]);
        pthread_mutex_lock(&pool->lock);
        pool->jobs[i].done = true;
        pthread_cond_broadcast(&pool->done);
        pthread_mutex_unlock(&pool->lock);
    }
    return NULL;
}

/* --cpu, or the model named by the folders: "80286" before "8086", as neither contains
 * the other but a path may hold both. */
static const struct cpu_model_info *choose_model(const struct options *o)
{
    if (o->cpu) {
        const struct cpu_model_info *m = cpu_model_by_name(o->cpu);
        if (!m)
            fprintf(stderr, "glass86-conform: unknown CPU model '%s' (8086, 286, 386, 486, p6)\n",
                    o->cpu);
        return m;
    }
    const char *guess = NULL;
    for (size_t i = 0; i < o->ninputs; i++) {
        char canon[PATH_MAX];
        const char *p = realpath(o->inputs[i], canon) ? canon : o->inputs[i];
        const char *g = strstr(p, "80286") ? "286" : strstr(p, "8086") ? "8086" : NULL;
        if (!g || (guess && strcmp(g, guess) != 0)) {
            fprintf(stderr, "glass86-conform: cannot tell the CPU from '%s'; give --cpu\n",
                    o->inputs[i]);
            return NULL;
        }
        guess = g;
    }
    return cpu_model_by_name(guess);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct inputs {
    struct job *jobs;
    size_t njobs, cap;
    char **paths;               /* owned path strings */
    size_t npaths;
    struct suite **suites;
    size_t nsuites;
};

static int add_job(struct inputs *in, const struct options *o, char *path, const char *dir)
{
    char label[64];
    test_file_label(path, label, sizeof label);
    if (!cli_filter_match(o, label)) {
        free(path);
        return 0;
    }
    char **np = realloc(in->paths, (in->npaths + 1) * sizeof *np);
    if (!np) {
        free(path);
        return -1;
    }
    in->paths = np;
    in->paths[in->npaths++] = path;
    char err[600];
    struct suite *s = suite_for_dir(&in->suites, &in->nsuites, dir, o->metadata, err, sizeof err);
    if (!s) {
        fprintf(stderr, "glass86-conform: %s\n", err);
        return -1;
    }
    if (in->njobs == in->cap) {
        size_t ncap = in->cap ? in->cap * 2 : 64;
        struct job *nj = realloc(in->jobs, ncap * sizeof *nj);
        if (!nj)
            return -1;
        in->jobs = nj;
        in->cap = ncap;
    }
    struct job *j = &in->jobs[in->njobs++];
    memset(j, 0, sizeof *j);
    j->path = path;
    snprintf(j->label, sizeof j->label, "%s", label);
    j->suite = s;
    return 0;
}

static int add_dir(struct inputs *in, const struct options *o, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_test_file_name(de->d_name))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn || !(nn[n] = strdup(de->d_name))) {
            names = nn ? nn : names;
            rc = -1;
            break;
        }
        names = nn;
        n++;
    }
    closedir(d);
    if (rc == 0)
        qsort(names, n, sizeof *names, cmp_names); /* readdir order is not stable */
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) {
            size_t len = strlen(dir) + strlen(names[i]) + 2;
            char *path = malloc(len);
            if (!path) {
                rc = -1;
            } else {
                snprintf(path, len, "%s/%s", dir, names[i]);
                rc = add_job(in, o, path, dir);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int collect_inputs(struct inputs *in, const struct options *o)
{
    for (size_t i = 0; i < o->ninputs; i++) {
        const char *p = o->inputs[i];
        struct stat st;
        if (stat(p, &st) != 0) {
            perror(p);
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            if (add_dir(in, o, p))
                return -1;
            continue;
        }
        char *path = strdup(p), *dir = strdup(p);
        if (!path || !dir) {
            free(path);
            free(dir);
            return -1;
        }
        char *slash = strrchr(dir, '/');
        if (slash)
            slash[slash == dir ? 1 : 0] = '\0';
        int rc = add_job(in, o, path, slash ? dir : ".");
        free(dir);
        if (rc)
            return -1;
    }
    return 0;
}

static void free_inputs(struct inputs *in)
{
    for (size_t i = 0; i < in->njobs; i++)
        sbuf_free(&in->jobs[i].report.text);
    free(in->jobs);
    for (size_t i = 0; i < in->npaths; i++)
        free(in->paths[i]);
    free(in->paths);
    for (size_t i = 0; i < in->nsuites; i++)
        suite_free(in->suites[i]);
    free(in->suites);
}

static void print_unimplemented(const uint64_t *forms, unsigned long tests)
{
    printf("unimplemented: %lu tests (opcodes:", tests);
    for (unsigned bit = 0; bit < FORM_BITS; bit++) {
        if (!(forms[bit / 64] >> (bit % 64) & 1))
            continue;
        struct opkey k = {(int)(bit / 9 / 256), (int)(bit / 9 % 256), (int)(bit % 9) - 1};
        char name[16];
        opkey_format(&k, name, sizeof name);
        printf(" %s", name);
    }
    printf(")\n");
}

int main(int argc, char **argv)
{
    struct options o;
    int rc = cli_parse(argc, argv, &o);
    if (rc)
        return rc > 0 ? EXIT_PASS : EXIT_USAGE;
    const struct cpu_model_info *model = choose_model(&o);
    struct inputs in = {0};
    int exit_code = EXIT_USAGE;
    struct worker *workers = NULL;
    pthread_t *threads = NULL;
    struct thread_arg *args = NULL;
    unsigned nthreads = 0, started = 0;
    FILE *devnull = NULL;

    if (!model)
        goto out;
    for (size_t i = 0; i < o.ninputs; i++) {
        /* Catch a mistyped folder before anything else runs. */
        struct stat st;
        if (stat(o.inputs[i], &st) != 0) {
            perror(o.inputs[i]);
            goto out;
        }
    }
    if (collect_inputs(&in, &o))
        goto out;
    if (in.njobs == 0) {
        fprintf(stderr, "glass86-conform: no test files%s\n", o.nfilters ? " match --filter" : "");
        goto out;
    }
    for (size_t i = 0; i < in.nsuites; i++)
        if (!in.suites[i]->md)
            fprintf(stderr, "glass86-conform: warning: no metadata.json for %s: undefined flags "
                    "are not masked, no form is skipped\n", in.suites[i]->dir);

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = o.threads ? o.threads : (unsigned)(ncpu > 0 ? ncpu : 1);
    if (nthreads > in.njobs)
        nthreads = (unsigned)in.njobs;
    workers = calloc(nthreads, sizeof *workers);
    threads = calloc(nthreads, sizeof *threads);
    args = calloc(nthreads, sizeof *args);
    /* The machines' "unknown port" notes would interleave between threads at random. */
    devnull = fopen("/dev/null", "w");
    if (!workers || !threads || !args)
        goto out;
    /* 1 MiB for the 8086; 16 MiB for the rest, enough for the 286's 0x10FFEF. */
    uint32_t ram = model->id == CPU_8086 ? 1u << 20 : 16u << 20;
    for (unsigned t = 0; t < nthreads; t++) {
        char err[256];
        struct machine_config cfg = {.model = model->id, .ram_bytes = ram, .log = devnull};
        workers[t].model = model;
        workers[t].ctx.m = machine_create(&cfg, err, sizeof err);
        if (!workers[t].ctx.m) {
            fprintf(stderr, "glass86-conform: cannot create a machine: %s\n", err);
            goto out;
        }
        if (disasm_open(&workers[t].dis)) {
            fprintf(stderr, "glass86-conform: Capstone does not open for x86\n");
            goto out;
        }
    }

    struct pool pool = {.jobs = in.jobs, .njobs = in.njobs, .o = &o};
    atomic_init(&pool.next, 0);
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.done, NULL);
    for (; started < nthreads; started++) {
        args[started] = (struct thread_arg){&pool, &workers[started]};
        if (pthread_create(&threads[started], NULL, worker_main, &args[started]) != 0)
            break;
    }
    if (started == 0) {
        fprintf(stderr, "glass86-conform: cannot start a thread\n");
        goto out;
    }

    unsigned long passed = 0, failed = 0, skipped = 0, unimpl = 0, errors = 0;
    uint64_t forms[(FORM_BITS + 63) / 64] = {0};
    for (size_t i = 0; i < in.njobs; i++) {
        pthread_mutex_lock(&pool.lock);
        while (!in.jobs[i].done)
            pthread_cond_wait(&pool.done, &pool.lock);
        pthread_mutex_unlock(&pool.lock);
        struct file_report *r = &in.jobs[i].report;
        fputs(sbuf_str(&r->text), stdout);
        fflush(stdout);
        sbuf_free(&r->text);
        passed += r->passed;
        failed += r->failed;
        skipped += r->skipped;
        unimpl += r->unimplemented;
        errors += r->error;
        for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
            forms[k] |= r->unimpl_forms[k];
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    started = 0;
    pthread_cond_destroy(&pool.done);
    pthread_mutex_destroy(&pool.lock);

    if (unimpl)
        print_unimplemented(forms, unimpl);
    if (errors)
        printf("error: %lu of %zu files could not be read\n", errors, in.njobs);
    printf("%lu passed, %lu failed", passed, failed);
    if (skipped)
        printf(", %lu skipped", skipped);
    printf("\n");
    exit_code = (errors == 0 && (long)failed <= o.max_failures) ? EXIT_PASS : EXIT_FAILURES;

out:
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    for (unsigned t = 0; workers && t < nthreads; t++) {
        disasm_close(&workers[t].dis);
        machine_destroy(workers[t].ctx.m);
        run_ctx_free(&workers[t].ctx);
    }
    free(workers);
    free(threads);
    free(args);
    if (devnull)
        fclose(devnull);
    free_inputs(&in);
    cli_free(&o);
    fflush(stdout);
    return exit_code;
}
