/* Finding RAM bytes a test wrote although no list mentions them. The runner clears only
 * the listed bytes after each test, so such a stray write would leak into later tests;
 * the suites also say unlisted bytes must stay unchanged, so each one is a failure. */
#ifndef GLASS86_CONFORM_RAMGUARD_H
#define GLASS86_CONFORM_RAMGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "expect.h"
#include "machine/machine.h"

struct ramguard_hit {
    uint32_t addr;
    uint8_t value;
};

/* Scan the RAM pages the test can have written (those the TLB mapped during the run, and
 * those of the listed bytes) for non-zero bytes not in `e`. Every such byte is zeroed;
 * the first `max` are stored in hits. Returns how many were stored, -1 if out of memory.
 * `pages`/`cap` is a scratch buffer kept by the caller. */
long ramguard_scan(struct machine *m, const struct expectation *e, uint32_t **pages,
                   size_t *cap, struct ramguard_hit *hits, size_t max);

#endif
