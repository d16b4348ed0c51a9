/* The crash note (see crash.h). Signal handlers get no context pointer, so the note's
 * state is process-wide: the reproduce options and the previous handlers, written once
 * before any thread starts and only read afterwards, and the current sequence, which is
 * per thread. The handler formats with write(2) only, as it must. */
#define _GNU_SOURCE
#include "crash.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NSIG_HANDLED (sizeof crash_signals / sizeof crash_signals[0])

static const char *crash_repro;
static struct sigaction crash_previous[NSIG_HANDLED];
static _Thread_local int64_t crash_current = -1;

void crash_set_current(int64_t index) { crash_current = index; }

static void put_str(char *buf, size_t *at, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (*at + n > cap)
        n = cap - *at;
    memcpy(buf + *at, s, n);
    *at += n;
}

static void put_u64(char *buf, size_t *at, size_t cap, uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n > 0 && *at < cap)
        buf[(*at)++] = digits[--n];
}

static void on_crash(int sig)
{
    unsigned k = 0;
    while (k < NSIG_HANDLED && crash_signals[k] != sig)
        k++;
    if (crash_current >= 0) {
        char buf[768];
        size_t at = 0;
        put_str(buf, &at, sizeof buf, "\ndifftest: glass86 CRASHED (signal ");
        put_u64(buf, &at, sizeof buf, (uint64_t)sig);
        put_str(buf, &at, sizeof buf, ") while running sequence ");
        put_u64(buf, &at, sizeof buf, (uint64_t)crash_current);
        put_str(buf, &at, sizeof buf, "\n  reproduce: tools/difftest ");
        put_str(buf, &at, sizeof buf, crash_repro ? crash_repro : "");
        put_str(buf, &at, sizeof buf, " --start ");
        put_u64(buf, &at, sizeof buf, (uint64_t)crash_current);
        put_str(buf, &at, sizeof buf, " --count 1 --threads 1 --trace\n");
        ssize_t w = write(2, buf, at);
        (void)w;
        crash_current = -1;
    }
    /* Hand over to whoever was there before (the default action, or a sanitizer). A
     * fault happens again on return; a raised signal is raised again. */
    if (k < NSIG_HANDLED)
        sigaction(sig, &crash_previous[k], NULL);
    if (sig == SIGABRT)
        raise(sig);
}

void crash_init(const char *repro)
{
    crash_repro = repro;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    for (unsigned k = 0; k < NSIG_HANDLED; k++)
        sigaction(crash_signals[k], &sa, &crash_previous[k]);
}
