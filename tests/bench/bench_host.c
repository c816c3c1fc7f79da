/*
 * bench_host.c - what one allocation costs: the bump allocator against a
 * bare pointer increment and the host C library's malloc.
 *
 * Not a test: it checks nothing, it prints a table.  Build and run:
 *
 *   cc -O2 -Icommon -Istages/4-bump-heap -Istages/3-null-allocator \
 *      -o build/bench_host tests/bench/bench_host.c \
 *      stages/4-bump-heap/bump_alloc.c stages/3-null-allocator/alloc.c
 *   build/bench_host
 *
 * Each row runs ROUNDS rounds of OPS operations and reports the median
 * round, in time-stamp-counter ticks per operation (the TSC ticks at a
 * constant rate, close to the nominal clock, whatever the core's current
 * frequency) and in nanoseconds.  The median ignores rounds disturbed by
 * an interrupt or a page fault.
 *
 * Rows:
 *   pointer increment    `next += size`, the floor: what bumping costs
 *                        with no alignment, no bounds check, no call
 *   bump_alloc           + align up, the overflow-safe end check, the
 *                        count, and an out-of-line function call
 *   bump_alloc+dealloc   one pair; every dealloc resets the heap
 *   malloc               glibc malloc, the blocks freed outside the timing
 *   malloc+free          one pair (glibc serves it from its per-thread cache)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "bump_alloc.h"
#include "panic.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TICK_UNIT "cycles"
static uint64_t ticks(void)
{
	return __rdtsc();
}
#else
#define TICK_UNIT "ns"
static uint64_t ticks(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

#define ROUNDS 15
#define OPS 1000000
#define BLOCK 16 /* bytes per allocation, aligned to 8 */
#define HEAP_BYTES ((size_t)OPS * BLOCK)

/* The code under test panics only on a bug; the benchmark has none. */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	fprintf(stderr, "bench_host: panic at %s:%d: %s\n", file, line, fmt);
	abort();
}

/* alloc.c needs a global allocator; nothing here calls kmalloc. */
static void *none_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	(void)layout;
	return NULL;
}

static void none_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	(void)ptr;
	(void)layout;
}

static struct allocator bench_none = {
	.name = "none",
	.alloc = none_alloc,
	.dealloc = none_dealloc,
};
GLOBAL_ALLOCATOR(bench_none);

/* Make the compiler believe a value is used / may have changed, so it
 * cannot drop or fold the work being measured. */
#define USE(x) __asm__ volatile("" : : "r"(x))
#define CLOBBER(x) __asm__ volatile("" : "+r"(x))

static char *heap_mem;
static void *ptrs[OPS];

/* One round of each operation; returns the ticks it took. */

static uint64_t run_increment(void)
{
	uintptr_t next = (uintptr_t)heap_mem;
	size_t size = BLOCK;
	CLOBBER(size);
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		next += size;
		CLOBBER(next);
	}
	uint64_t t1 = ticks();
	USE(next);
	return t1 - t0;
}

/* The same increment behind a function call, as bump_alloc is: the fair
 * baseline for the 2x target (both pay for a call, neither is inlined). */
static uintptr_t called_next;
static __attribute__((noinline)) void *increment_call(size_t size)
{
	void *p = (void *)called_next;
	called_next += size;
	return p;
}

static uint64_t run_increment_call(void)
{
	called_next = (uintptr_t)heap_mem;
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = increment_call(BLOCK);
		USE(p);
	}
	uint64_t t1 = ticks();
	return t1 - t0;
}

static uint64_t run_bump_alloc(void)
{
	struct bump_heap h;
	struct layout layout = {BLOCK, 8};
	bump_init(&h, (uintptr_t)heap_mem, HEAP_BYTES);
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = bump_alloc(&h, layout);
		USE(p);
	}
	uint64_t t1 = ticks();
	if (bump_live(&h) != OPS || bump_free(&h) != 0)
		panic("bench: bump heap not filled exactly");
	return t1 - t0;
}

static uint64_t run_bump_pair(void)
{
	struct bump_heap h;
	struct layout layout = {BLOCK, 8};
	bump_init(&h, (uintptr_t)heap_mem, HEAP_BYTES);
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = bump_alloc(&h, layout);
		USE(p);
		bump_dealloc(&h, p, layout);
	}
	uint64_t t1 = ticks();
	bump_check(&h);
	return t1 - t0;
}

static uint64_t run_malloc(void)
{
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		ptrs[i] = malloc(BLOCK);
		USE(ptrs[i]);
	}
	uint64_t t1 = ticks();
	for (int i = 0; i < OPS; i++)
		free(ptrs[i]);
	return t1 - t0;
}

static uint64_t run_malloc_free(void)
{
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = malloc(BLOCK);
		USE(p);
		free(p);
	}
	uint64_t t1 = ticks();
	return t1 - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Median ticks per operation over ROUNDS rounds, after one warm-up. */
static double measure(uint64_t (*run)(void))
{
	uint64_t t[ROUNDS];
	run();
	for (int r = 0; r < ROUNDS; r++)
		t[r] = run();
	qsort(t, ROUNDS, sizeof t[0], cmp_u64);
	return (double)t[ROUNDS / 2] / OPS;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void cpu_name(char *buf, size_t size)
{
	snprintf(buf, size, "unknown CPU");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return;
	char line[256];
	while (fgets(line, sizeof line, f) != NULL) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(buf, size, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

int main(void)
{
	static const struct {
		const char *name;
		uint64_t (*run)(void);
	} rows[] = {
		{"pointer increment", run_increment},
		{"pointer increment, called", run_increment_call},
		{"bump_alloc", run_bump_alloc},
		{"bump_alloc+bump_dealloc", run_bump_pair},
		{"malloc", run_malloc},
		{"malloc+free", run_malloc_free},
	};
	enum {
		N_ROWS = sizeof rows / sizeof rows[0],
		BASE = 0,
		CALLED = 1,
		BUMP = 2,
		MALLOC = 4
	};
	double per_op[N_ROWS];
	char cpu[128];

	/* bump_alloc never touches the heap, but the memory is real anyway */
	heap_mem = malloc(HEAP_BYTES);
	if (heap_mem == NULL) {
		fprintf(stderr, "bench_host: no memory for the heap\n");
		return 1;
	}
	cpu_name(cpu, sizeof cpu);
#ifdef __clang__
	const char *compiler = __VERSION__; /* "Debian Clang 14.0.6" */
#else
	const char *compiler = "gcc " __VERSION__; /* "12.2.0" */
#endif
	printf("bench_host: %s; %s%s\n", cpu, compiler,
#ifdef __OPTIMIZE__
	       ""
#else
	       " (NOT optimized)"
#endif
	);
	printf("%d rounds x %d ops of %d bytes, median round; "
	       "%s are TSC ticks\n\n",
	       ROUNDS, OPS, BLOCK, TICK_UNIT);

	uint64_t c0 = ticks();
	double n0 = now_ns();
	for (int i = 0; i < N_ROWS; i++)
		per_op[i] = measure(rows[i].run);
	double ns_per_tick = (now_ns() - n0) / (double)(ticks() - c0);

	printf("%-26s %10s %8s %10s %10s\n", "operation", TICK_UNIT "/op",
	       "ns/op", "vs ptr++", "vs malloc");
	for (int i = 0; i < N_ROWS; i++)
		printf("%-26s %10.2f %8.2f %9.1fx %9.2fx\n", rows[i].name,
		       per_op[i], per_op[i] * ns_per_tick,
		       per_op[i] / per_op[BASE], per_op[i] / per_op[MALLOC]);
	double ratio = per_op[BUMP] / per_op[CALLED];
	printf("\ntarget: bump_alloc within 2x of a pointer increment behind "
	       "the same call: %.2fx, %s\n",
	       ratio, ratio <= 2.0 ? "met" : "NOT met");
	free(heap_mem);
	return 0;
}
