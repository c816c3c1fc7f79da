/*
 * timing.h - the clock of the host benchmarks: time-stamp-counter ticks,
 * what one tick is in nanoseconds, and the median of repeated rounds.
 *
 * Why ticks: the TSC ticks at a constant rate, close to the nominal clock,
 * whatever the core's current frequency, and reading it costs a few
 * cycles, so a round of a million operations is timed with two reads.
 * Why medians: a round disturbed by an interrupt or a page fault is an
 * outlier, and the median ignores it where a mean would not.
 */
#ifndef TIMING_H
#define TIMING_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#define TICK_UNIT "cycles"
#else
#define TICK_UNIT "ns" /* no TSC: ticks() reads the monotonic clock */
#endif

/* The current tick count. */
uint64_t ticks(void);

/* Nanoseconds per tick, measured against the monotonic clock over about
 * 50 ms (1.0 where ticks are nanoseconds). */
double ns_per_tick(void);

/* The median of v[0..n), n >= 1; sorts v. */
uint64_t median_u64(uint64_t *v, size_t n);

/* The CPU's model name ("unknown CPU" if the system does not say). */
void cpu_name(char *buf, size_t size);

/* Make the compiler believe a value is used / may have changed, so it
 * cannot drop or fold the work being measured. */
#define USE(x) __asm__ volatile("" : : "r"(x))
#define CLOBBER(x) __asm__ volatile("" : "+r"(x))

#endif
