/* If glass86 itself crashes while it runs a sequence (a wild pointer in the core, an
 * assertion), say which sequence before the process dies, so that it can be re-run alone. */
#ifndef DIFFTEST_CRASH_H
#define DIFFTEST_CRASH_H

#include <stdint.h>

/* Install the handlers; `repro` (options that regenerate the sequences) must outlive the
 * run. Call once, before the worker threads start. Earlier handlers (a sanitizer's) still
 * run after ours. */
void crash_init(const char *repro);

/* The sequence the calling thread is about to run in glass86 (-1: none). */
void crash_set_current(int64_t index);

#endif
