/* glass86-difftest: differential testing of glass86 against the host CPU. Random
 * straight-line sequences of integer or x87 instructions (gen.c, gen_x87.c) run natively
 * in a 32-bit child process (native32.c) and in glass86 (emu.c: flat CPL 0, CPL 3 with
 * paging, or flat with the x87 state loaded); registers, defined flags, memory, page faults
 * and the x87 state must agree. Sequence i is a function of (seed, i) only, so results do
 * not depend on --threads. Usage: --help. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"
#include "emu.h"
#include "gen.h"
#include "native_client.h"
#include "options.h"
#include "report.h"
#include "templates.h"

/* Sequences per round trip to the native executor. */
#define BATCH 128u

/* Everything the workers share; the counters are atomics, output goes through `out`. */
struct shared {
    const struct options *opt;
    struct gen_config gcfg;
    struct gen_table table;
    struct report_ctx rctx;
    atomic_uint_fast64_t next;       /* next sequence offset (from opt->start) to hand out */
    atomic_uint_fast64_t done;
    atomic_uint_fast64_t mismatches;
    atomic_uint_fast64_t page_faults;  /* sequences both sides ended with the same #PF */
    atomic_uint_fast64_t transc_seqs;  /* x87: sequences with a transcendental in them */
    atomic_uint_fast64_t transc_diffs; /* ... whose first difference is a transcendental's */
    atomic_uint_fast64_t transc_max_ulps; /* ... the largest distance between the results */
    atomic_uint_fast64_t unimplemented;
    atomic_uint_fast64_t native_problems;
    atomic_bool stop;
    atomic_bool failed;              /* infrastructure error: exit 2 */
    pthread_mutex_t out;
};

struct worker {
    struct shared *sh;
    pthread_t thread;
    struct native nat;
    struct emu emu;
    struct dt_seq *seqs;
    struct dt_result *host, *host2;
    struct emu_result *got;
    uint64_t *hist;                  /* sequences per template row (--verbose) */
    char err[256];
};

static void fail(struct worker *w, const char *what)
{
    pthread_mutex_lock(&w->sh->out);
    fprintf(stderr, "difftest: %s\n", what);
    pthread_mutex_unlock(&w->sh->out);
    atomic_store(&w->sh->failed, true);
    atomic_store(&w->sh->stop, true);
}

/* Run the first k units of s on both sides for k = 1, 2, ... and return the index of the
 * first unit after which they disagree, or -1. */
static int narrow(struct worker *w, const struct dt_seq *s, bool *infra_error, uint64_t *ulps)
{
    struct dt_seq *p = malloc(sizeof *p);
    struct dt_result *h = malloc(sizeof *h);
    struct emu_result *e = malloc(sizeof *e);
    int found = -1;
    *infra_error = false;
    if (!p || !h || !e) {
        *infra_error = true;
        goto out;
    }
    for (unsigned k = 1; k <= s->unit_count; k++) {
        gen_prefix(s, k, p);
        const struct dt_seq *one = p;
        if (native_send(&w->nat, &one, 1, w->err, sizeof w->err) != 0 ||
            native_recv(&w->nat, h, 1, w->err, sizeof w->err) != 0) {
            *infra_error = true;
            break;
        }
        crash_set_current((int64_t)s->index);
        emu_run(&w->emu, p, e);
        if (!cmp_match(p, h, e)) {
            found = (int)k - 1;
            if (ulps)
                *ulps = fpu_ulp_distance(h->fpu, e->fpu);
            break;
        }
    }
out:
    free(p);
    free(h);
    free(e);
    return found;
}

static bool is_transc(const struct dt_seq *s, unsigned u)
{
    const struct tmpl *t = &tmpl_table[s->units[u].tmpl];
    return t->kind >= K_X87_M && (t->traits & TR_TRANSC);
}

/* x87: true if the first unit after which the two sides differ is a transcendental one,
 * whose last bit real chips do not all agree on: counted apart instead of reported. */
static bool transc_difference(struct worker *w, const struct dt_seq *s)
{
    bool any = false;
    for (unsigned u = 0; u < s->unit_count; u++)
        any |= is_transc(s, u);
    if (!any)
        return false;
    bool infra = false;
    uint64_t ulps = UINT64_MAX;
    int first = narrow(w, s, &infra, &ulps);
    if (infra) {
        fail(w, w->err);
        return false;
    }
    if (first < 0 || !is_transc(s, (unsigned)first))
        return false;
    atomic_fetch_add(&w->sh->transc_diffs, 1);
    uint64_t seen = atomic_load(&w->sh->transc_max_ulps);
    while (ulps > seen && !atomic_compare_exchange_weak(&w->sh->transc_max_ulps, &seen, ulps))
        ;
    if (w->sh->opt->verbose) {
        pthread_mutex_lock(&w->sh->out);
        printf("difftest: sequence %" PRIu64 ": unit #%d (%s) differs in its result by %" PRIu64
               " ulp: transcendental, counted apart\n", s->index, first,
               tmpl_table[s->units[first].tmpl].name, ulps);
        pthread_mutex_unlock(&w->sh->out);
    }
    return true;
}

static void report_one(struct worker *w, const struct dt_seq *s, const struct dt_result *h,
                       const struct emu_result *e)
{
    struct shared *sh = w->sh;
    uint64_t n = atomic_fetch_add(&sh->mismatches, 1) + 1;
    if (n > sh->opt->max_mismatches) {
        atomic_store(&sh->stop, true);
        return;
    }
    bool infra = false;
    int first = h->status == DT_OK || host_fault_expected(h) ? narrow(w, s, &infra, NULL) : -1;
    pthread_mutex_lock(&sh->out);
    report_mismatch(stdout, &sh->rctx, s, h, e, first);
    fflush(stdout);
    pthread_mutex_unlock(&sh->out);
    if (infra)
        fail(w, w->err);
    if (n >= sh->opt->max_mismatches)
        atomic_store(&sh->stop, true);
}

static void verbose_one(struct worker *w, const struct dt_seq *s, const struct dt_result *h,
                        const struct emu_result *e)
{
    pthread_mutex_lock(&w->sh->out);
    printf("difftest: sequence %" PRIu64 "\n", s->index);
    report_sequence(stdout, s);
    if (h->status == DT_OK) {
        printf("  host result:\n");
        printf("    EAX=%08x ECX=%08x EDX=%08x EBX=%08x\n", h->regs.gpr[0], h->regs.gpr[1],
               h->regs.gpr[2], h->regs.gpr[3]);
        printf("    ESP=%08x EBP=%08x ESI=%08x EDI=%08x EFLAGS=%08x\n", h->regs.gpr[4],
               h->regs.gpr[5], h->regs.gpr[6], h->regs.gpr[7], h->regs.eflags);
    }
    if (e && e->status == EMU_OK)
        printf("  glass86 %s\n", cmp_match(s, h, e) ? "agrees" : "DISAGREES");
    if (e && w->sh->opt->trace) {
        crash_set_current((int64_t)s->index);
        emu_trace(&w->emu, s, stdout);
    }
    printf("\n");
    pthread_mutex_unlock(&w->sh->out);
}

/* Native-only self-check: the same batch twice must give identical results, none of them
 * a fault or a stray write. */
static void check_native(struct worker *w, unsigned n)
{
    struct shared *sh = w->sh;
    for (unsigned k = 0; k < n; k++) {
        const char *what = NULL;
        if (w->host[k].status == DT_FAULT && !host_fault_expected(&w->host[k]))
            what = "the snippet faulted";
        else if (w->host[k].status == DT_STRAY)
            what = "the snippet wrote outside its windows";
        else if (memcmp(&w->host[k], &w->host2[k], sizeof w->host[k]) != 0)
            what = "two runs gave different results";
        if (!what)
            continue;
        uint64_t c = atomic_fetch_add(&sh->native_problems, 1) + 1;
        if (c <= sh->opt->max_mismatches) {
            pthread_mutex_lock(&sh->out);
            report_native_problem(stdout, &sh->rctx, &w->seqs[k], &w->host[k], what);
            pthread_mutex_unlock(&sh->out);
        }
        if (c >= sh->opt->max_mismatches)
            atomic_store(&sh->stop, true);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    const struct options *opt = sh->opt;
    const struct dt_seq *ptrs[BATCH];

    for (;;) {
        if (atomic_load(&sh->stop))
            break;
        uint64_t first = atomic_fetch_add(&sh->next, BATCH);
        if (first >= opt->count)
            break;
        unsigned n = (unsigned)(opt->count - first < BATCH ? opt->count - first : BATCH);
        for (unsigned k = 0; k < n; k++) {
            gen_sequence(&sh->gcfg, &sh->table, opt->start + first + k, &w->seqs[k]);
            ptrs[k] = &w->seqs[k];
            if (w->hist)
                for (unsigned u = 0; u < w->seqs[k].unit_count; u++)
                    w->hist[w->seqs[k].units[u].tmpl]++;
        }
        if (native_send(&w->nat, ptrs, n, w->err, sizeof w->err) != 0) {
            fail(w, w->err);
            break;
        }
        /* glass86 runs while the child works on the same batch. */
        if (!opt->native_only)
            for (unsigned k = 0; k < n; k++) {
                crash_set_current((int64_t)w->seqs[k].index);
                emu_run(&w->emu, &w->seqs[k], &w->got[k]);
            }
        if (native_recv(&w->nat, w->host, n, w->err, sizeof w->err) != 0) {
            fail(w, w->err);
            break;
        }
        if (opt->native_only) {
            if (native_send(&w->nat, ptrs, n, w->err, sizeof w->err) != 0 ||
                native_recv(&w->nat, w->host2, n, w->err, sizeof w->err) != 0) {
                fail(w, w->err);
                break;
            }
            check_native(w, n);
        } else {
            for (unsigned k = 0; k < n; k++) {
                if (w->got[k].unimplemented)
                    atomic_fetch_add(&sh->unimplemented, w->got[k].unimplemented);
                if (opt->verbose)
                    verbose_one(w, &w->seqs[k], &w->host[k], &w->got[k]);
                if (opt->mode == DT_MODE_X87)
                    for (unsigned u = 0; u < w->seqs[k].unit_count; u++)
                        if (is_transc(&w->seqs[k], u)) {
                            atomic_fetch_add(&sh->transc_seqs, 1);
                            break;
                        }
                if (!cmp_match(&w->seqs[k], &w->host[k], &w->got[k]) &&
                    !(opt->mode == DT_MODE_X87 && transc_difference(w, &w->seqs[k])))
                    report_one(w, &w->seqs[k], &w->host[k], &w->got[k]);
                else if (host_fault_expected(&w->host[k]))
                    atomic_fetch_add(&sh->page_faults, 1);
                if (atomic_load(&sh->failed))
                    break;
            }
        }
        if (opt->native_only && opt->verbose)
            for (unsigned k = 0; k < n; k++)
                verbose_one(w, &w->seqs[k], &w->host[k], NULL);
        atomic_fetch_add(&sh->done, n);
    }
    return NULL;
}

/* ---- main ----------------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int worker_setup(struct worker *w, struct shared *sh)
{
    const struct options *o = sh->opt;
    memset(w, 0, sizeof *w);
    w->sh = sh;
    w->seqs = malloc(BATCH * sizeof *w->seqs);
    w->host = malloc(BATCH * sizeof *w->host);
    w->host2 = malloc(BATCH * sizeof *w->host2);
    w->got = malloc(BATCH * sizeof *w->got);
    if (o->verbose)
        w->hist = calloc(tmpl_count, sizeof *w->hist);
    if (!w->seqs || !w->host || !w->host2 || !w->got || (o->verbose && !w->hist)) {
        fprintf(stderr, "difftest: out of memory\n");
        return -1;
    }
    if (native_start(&w->nat, o->native_path, w->err, sizeof w->err) != 0) {
        fprintf(stderr, "difftest: %s\n", w->err);
        return -1;
    }
    if (!o->native_only && emu_init(&w->emu, o->model, o->mode, w->err, sizeof w->err) != 0) {
        fprintf(stderr, "difftest: cannot create the glass86 machine: %s\n", w->err);
        return -1;
    }
    return 0;
}

static void worker_teardown(struct worker *w)
{
    native_stop(&w->nat);
    emu_free(&w->emu);
    free(w->seqs);
    free(w->host);
    free(w->host2);
    free(w->got);
    free(w->hist);
}

int main(int argc, char **argv)
{
    struct options opt;
    memset(&opt, 0, sizeof opt);
    int rc = options_parse(argc, argv, &opt);
    if (rc >= 0) {
        free(opt.enabled);
        return rc;
    }
    /* A dead child must show up as an error on the pipe, not kill us. */
    signal(SIGPIPE, SIG_IGN);
    crash_init(opt.repro);

    struct shared *sh = calloc(1, sizeof *sh);
    if (!sh)
        return 2;
    sh->opt = &opt;
    sh->gcfg.seed = opt.seed;
    sh->gcfg.len_min = opt.len_min;
    sh->gcfg.len_max = opt.len_max;
    sh->gcfg.model = opt.model;
    sh->gcfg.mode = opt.mode;
    sh->gcfg.enabled = opt.enabled;
    sh->gcfg.undocumented = opt.undocumented;
    sh->rctx.seed = opt.seed;
    sh->rctx.cpu_name = opt.cpu_name;
    sh->rctx.repro = opt.repro;
    pthread_mutex_init(&sh->out, NULL);
    if (gen_prepare(&sh->gcfg, &sh->table) == 0) {
        fprintf(stderr, "difftest: no instruction template left to draw for cpu %s\n", opt.cpu_name);
        return 2;
    }
    if (opt.threads > opt.count / BATCH + 1)
        opt.threads = (unsigned)(opt.count / BATCH + 1);

    printf("difftest: %" PRIu64 " sequences from %" PRIu64 ", seed %" PRIu64
           ", length %u-%u, cpu %s, mode %s, %u thread(s)%s\n",
           opt.count, opt.start, opt.seed, opt.len_min, opt.len_max, opt.cpu_name,
           dt_mode_name(opt.mode), opt.threads,
           opt.native_only ? ", native only" : "");
    fflush(stdout);

    struct worker *ws = calloc(opt.threads, sizeof *ws);
    if (!ws)
        return 2;
    double t0 = now_seconds();
    unsigned started = 0;
    bool setup_failed = false;
    for (; started < opt.threads; started++) {
        if (worker_setup(&ws[started], sh) != 0) {
            setup_failed = true;
            worker_teardown(&ws[started]);
            break;
        }
        if (pthread_create(&ws[started].thread, NULL, worker_main, &ws[started]) != 0) {
            fprintf(stderr, "difftest: cannot start a thread\n");
            setup_failed = true;
            worker_teardown(&ws[started]);
            break;
        }
    }
    if (setup_failed)
        atomic_store(&sh->stop, true);

    /* Progress while the workers run. */
    double last = t0;
    while (started > 0 && (opt.progress || opt.count >= 100000)) {
        uint64_t d = atomic_load(&sh->done);
        if (d >= opt.count || atomic_load(&sh->stop))
            break;
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        double t = now_seconds();
        if (t - last >= 10.0) {
            last = t;
            fprintf(stderr, "difftest: %" PRIu64 "/%" PRIu64 " sequences, %" PRIu64
                    " mismatches, %.0f s\n", d, opt.count, (uint64_t)atomic_load(&sh->mismatches),
                    t - t0);
        }
    }
    for (unsigned k = 0; k < started; k++)
        pthread_join(ws[k].thread, NULL);
    double elapsed = now_seconds() - t0;

    uint64_t *hist = opt.verbose ? calloc(tmpl_count, sizeof *hist) : NULL;
    for (unsigned k = 0; k < started; k++) {
        if (hist && ws[k].hist)
            for (unsigned t = 0; t < tmpl_count; t++)
                hist[t] += ws[k].hist[t];
        worker_teardown(&ws[k]);
    }
    if (hist) {
        printf("difftest: units drawn per template:\n");
        for (unsigned t = 0; t < tmpl_count; t++)
            if (hist[t])
                printf("  %-10s %02X%s %" PRIu64 "\n", tmpl_table[t].name, tmpl_table[t].op,
                       tmpl_table[t].map ? " (0F)" : "", hist[t]);
        free(hist);
    }

    uint64_t done = atomic_load(&sh->done);
    uint64_t mism = atomic_load(&sh->mismatches);
    uint64_t unimpl = atomic_load(&sh->unimplemented);
    uint64_t nprob = atomic_load(&sh->native_problems);
    if (unimpl)
        printf("difftest: glass86 met something it does not implement yet %" PRIu64
               " times (cpu.stats.unimplemented_ud; counted as mismatches)\n", unimpl);
    if (!atomic_load(&sh->failed) && done < opt.count && atomic_load(&sh->stop))
        printf("difftest: stopped early: --max-mismatches %" PRIu64 " reached\n",
               opt.max_mismatches);
    if (done > 0)
        printf("difftest: %.2f s, %.0f sequences/s, %.1f s per 100k sequences\n", elapsed,
               (double)done / elapsed, elapsed * 100000.0 / (double)done);
    if (opt.native_only)
        printf("difftest: %" PRIu64 " sequences, %" PRIu64 " native problems (seed %" PRIu64 ")\n",
               done, nprob, opt.seed);
    else {
        if (opt.mode == DT_MODE_X87) {
            uint64_t ts = atomic_load(&sh->transc_seqs), td = atomic_load(&sh->transc_diffs);
            uint64_t mu = atomic_load(&sh->transc_max_ulps);
            printf("difftest: transcendentals (F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS): "
                   "%" PRIu64 " of %" PRIu64 " sequences with one differ first there (%.2f%%; "
                   "not counted as mismatches)", td, ts, ts ? 100.0 * (double)td / (double)ts : 0.0);
            if (td && mu == UINT64_MAX)
                printf(", some in more than the significand\n");
            else if (td)
                printf(", by %" PRIu64 " ulp at most\n", mu);
            else
                printf("\n");
        }
        if (opt.mode == DT_MODE_USER)
            printf("difftest: %" PRIu64 " sequences ended in the same page fault on both sides\n",
                   (uint64_t)atomic_load(&sh->page_faults));
        printf("difftest: %" PRIu64 " sequences, %" PRIu64 " mismatches (seed %" PRIu64 ")\n", done,
               mism, opt.seed);
    }
    bool failed = atomic_load(&sh->failed) || setup_failed;
    if (!failed && !atomic_load(&sh->stop) && done != opt.count) {
        fprintf(stderr, "difftest: only %" PRIu64 " of %" PRIu64 " sequences ran\n", done, opt.count);
        failed = true;
    }
    free(ws);
    pthread_mutex_destroy(&sh->out);
    free(sh);
    free(opt.enabled);
    if (failed)
        return 2;
    return (mism || nprob) ? 1 : 0;
}
