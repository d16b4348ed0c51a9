/* The difftest's random numbers: SplitMix64 (Steele, Lea, Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014). Each sequence gets its own stream from
 * (seed, sequence index), so a sequence is the same whatever the thread count or order. */
#ifndef DIFFTEST_RNG_H
#define DIFFTEST_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t state;
};

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed, uint64_t index)
{
    r->state = seed * 0xD1B54A32D192ED03ull;
    rng_next(r);
    r->state ^= index * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    rng_next(r);
}

static inline uint32_t rng_u32(struct rng *r) { return (uint32_t)(rng_next(r) >> 32); }

/* Uniform in [0, n); n > 0. The tiny modulo bias does not matter here. */
static inline uint32_t rng_below(struct rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }

/* Uniform in [lo, hi]. */
static inline int32_t rng_range(struct rng *r, int32_t lo, int32_t hi)
{
    return (int32_t)((uint32_t)lo + rng_below(r, (uint32_t)hi - (uint32_t)lo + 1u));
}

/* True with probability num/den. */
static inline bool rng_chance(struct rng *r, uint32_t num, uint32_t den) { return rng_below(r, den) < num; }

#endif
