/*
 * bench.h - what every stage's bench kernel (`make bench`, bench_kernel.c)
 * shares: the baseline, the median, and the table scripts/bench reads.
 *
 * A bench kernel times rows of allocator operations with rdtsc.  Under
 * QEMU's TCG emulation the absolute numbers say little, so every table
 * has a baseline row measured in the same boot, a bare pointer increment
 * behind a call, and each row says its ratio to it:
 *
 *   bench: guest (QEMU), 9 rounds x 4000 ops, median ticks per op x100
 *   bench-row: guest | <row's name> | <ticks per op x100> | <x100 base>
 *
 * Each row is the median of BENCH_ROUNDS rounds, so that a slow spell of
 * the host spoils one round, not the row.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_ROUNDS 9

/* Where results go, so that the compiler keeps the calls that make them. */
extern void *volatile bench_sink;

/* The baseline's operation: the next `size` bytes from `at`, as a bump
 * allocator without its checks would hand them out; bench_baseline_at
 * starts it again at `at` (before each round). */
void bench_baseline_at(uintptr_t at);
void *bench_pointer_increment(size_t size);

/* The median of v[0..n) (sorts v). */
uint64_t bench_median(uint64_t *v, int n);

/* The table of rows names[0..n), names[0] the baseline: run(b) returns
 * row b's median ticks for a round of `ops` operations.  Prints the
 * table and leaves QEMU. */
__attribute__((noreturn)) void bench_table(const char *const *names, int n,
					   uint64_t (*run)(int b), int ops);

#endif
