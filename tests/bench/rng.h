/*
 * rng.h - the random numbers of the benchmarks' workloads: splitmix64, a
 * 64-bit state, one add and a few mixing steps per number.  Statistically
 * good enough for a workload, tiny, and seeded by the caller, so that a
 * workload is the same on every run.
 */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

/* The next number; advances *state. */
uint64_t rng_next(uint64_t *state);

/* Uniform in [lo, hi), lo < hi. */
uint64_t rng_range(uint64_t *state, uint64_t lo, uint64_t hi);

#endif
