/* What the unit tests share: a quiet machine in real mode with code placed in RAM, a
 * seeded random number generator, and the cmocka includes in the order cmocka needs. */
#ifndef GLASS86_UNIT_FIXTURE_H
#define GLASS86_UNIT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "machine/machine.h"

/* A machine of `model` with `ram_bytes` of RAM, warnings dropped. Fails the test if it
 * cannot be created. */
struct machine *fx_machine(enum cpu_model_id model, uint32_t ram_bytes);

/* Real mode, CS:IP = cs:ip, DS = ES = SS = 0, SP = 0xFFF0, the other registers 0, the
 * arithmetic flags clear, IF clear (nothing can interrupt a test). */
void fx_real_mode(struct machine *m, uint16_t cs, uint16_t ip);

/* Copy bytes into guest physical memory the way a loader does (phys_write_bytes). */
void fx_load(struct machine *m, uint32_t phys, const void *bytes, size_t n);

/* Continue at cs:ip after a HLT and run until the next one; fails the test unless the run
 * ends in HLT within `max_insns` instructions. */
void fx_run_from(struct machine *m, uint16_t cs, uint16_t ip, uint64_t max_insns);

/* Run only the tests whose names match the pattern in GLASS86_UNIT_FILTER, if set
 * (cmocka's wildcards: `*` and `?`). Call before cmocka_run_group_tests. */
void fx_filter_from_env(void);

/* splitmix64: small, seeded, the same sequence on every host. */
static inline uint64_t fx_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Skip a test that shows a known bug in the core, saying which: the test stays written
 * and runs, and turns into a pass (the skip is not reached) once the bug is fixed. */
#define SKIP_KNOWN_BUG(what)                                          \
    do {                                                              \
        print_message("KNOWN BUG, test skipped: %s\n", what);        \
        skip();                                                       \
    } while (0)

/* A byte-array argument pair: BYTES(0x90, 0xF4) expands to `array, 2`. */
#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

#endif
