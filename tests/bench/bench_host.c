/*
 * bench_host.c - what our allocators cost on the host, next to the C
 * library's malloc, and how much of a heap they can use.
 *
 * Not a test: it checks nothing, it prints rows that scripts/bench (`make
 * bench`, `make bench-table`) turns into tables, ratios included.
 * scripts/bench builds it with -O2 from every .c file here and the
 * allocators' portable cores (its HOST_CORES); then, alone:
 *
 *   build/bench_host [cost] [first-fit] [efficiency]   (default: all three)
 *
 * cost        one operation on small blocks, called directly: the bump
 *             allocator (stage 4), the free list (stage 6), malloc/free.
 *             Each is the median round of ROUNDS rounds of OPS operations.
 *             The floor, a pointer increment, is measured in the same run.
 *   first-fit alloc+free of a 32-byte block with n free 16-byte blocks in
 *             front of it (too small for it), through the allocator
 *             interface: first fit walks all n, so its cost grows with n.
 *   efficiency talc's "heap efficiency" workload (heap_efficiency.c).
 *
 * Output, one line each, fields separated by " | ":
 *   bench-host: cpu | compiler | C library | ns per tick
 *   bench-row: base | name | ticks/op | ns/op
 *   bench-row: cost | contender | stage | operation | bytes | ticks/op | ns/op
 *   bench-row: first-fit | contender | stage | n | ticks/op | ns/op
 *   bench-row: efficiency | contender | stage | % | worst % | best % | runs
 * (stage 0: the C library's; efficiency "n/a": no fixed heap.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

#include "alloc.h"
#include "bump_alloc.h"
#include "contenders.h"
#include "freelist.h"
#include "heap_efficiency.h"
#include "panic.h"
#include "timing.h"

#define ROUNDS 15
#define OPS 1000000
#define HEAP_BYTES HE_HEAP_SIZE /* one region serves every measurement */

static char *heap_mem;
static double tick_ns;

/* The code under test panics only on a bug; the benchmark has none. */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bench_host: panic at %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

static void die(const char *what)
{
	fprintf(stderr, "bench_host: %s\n", what);
	exit(1);
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

/* ======================================================== the floor */

static uint64_t run_increment(size_t size)
{
	uintptr_t next = (uintptr_t)heap_mem;
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

/* The same increment behind a function call, as every allocator is. */
static uintptr_t called_next;
static __attribute__((noinline)) void *increment_call(size_t size)
{
	void *p = (void *)called_next;
	called_next += size;
	return p;
}

static uint64_t run_increment_call(size_t size)
{
	called_next = (uintptr_t)heap_mem;
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = increment_call(size);
		USE(p);
	}
	return ticks() - t0;
}

/* ====================================== cost: one operation, direct */

static uint64_t run_bump_alloc(size_t size)
{
	struct bump_heap h;
	struct layout layout = {size, 8};
	bump_init(&h, (uintptr_t)heap_mem, (size_t)OPS * size);
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = bump_alloc(&h, layout);
		USE(p);
	}
	uint64_t t1 = ticks();
	if (bump_live(&h) != OPS)
		die("the bump heap did not take every block");
	return t1 - t0;
}

static uint64_t run_bump_pair(size_t size)
{
	struct bump_heap h;
	struct layout layout = {size, 8};
	bump_init(&h, (uintptr_t)heap_mem, HEAP_BYTES);
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = bump_alloc(&h, layout);
		USE(p);
		bump_dealloc(&h, p, layout);
	}
	return ticks() - t0;
}

/* Fills a heap of exactly OPS blocks: each alloc splits the one free
 * block, so it also writes the node of the rest. */
static uint64_t run_freelist_alloc(size_t size)
{
	struct freelist_heap h;
	struct layout layout = {size, 8};
	if (freelist_init(&h, (uintptr_t)heap_mem, (size_t)OPS * size) !=
	    FREELIST_OK)
		die("freelist_init refused the heap");
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = freelist_alloc(&h, layout);
		USE(p);
	}
	uint64_t t1 = ticks();
	if (h.live != OPS || h.free_bytes != 0)
		die("the free list did not take every block");
	return t1 - t0;
}

static uint64_t run_freelist_pair(size_t size)
{
	struct freelist_heap h;
	struct layout layout = {size, 8};
	if (freelist_init(&h, (uintptr_t)heap_mem, HEAP_BYTES) != FREELIST_OK)
		die("freelist_init refused the heap");
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = freelist_alloc(&h, layout);
		USE(p);
		freelist_dealloc(&h, p, layout);
	}
	uint64_t t1 = ticks();
	freelist_assert(&h);
	return t1 - t0;
}

static void *ptrs[OPS];

/* malloc's blocks are freed outside the timing. */
static uint64_t run_malloc_alloc(size_t size)
{
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		ptrs[i] = malloc(size);
		USE(ptrs[i]);
	}
	uint64_t t1 = ticks();
	for (int i = 0; i < OPS; i++)
		free(ptrs[i]);
	return t1 - t0;
}

static uint64_t run_malloc_pair(size_t size)
{
	uint64_t t0 = ticks();
	for (int i = 0; i < OPS; i++) {
		void *p = malloc(size);
		USE(p);
		free(p);
	}
	return ticks() - t0;
}

/* Median ticks per operation over ROUNDS rounds, after one warm-up. */
static double measure(uint64_t (*run)(size_t), size_t size)
{
	uint64_t t[ROUNDS];
	run(size);
	for (int r = 0; r < ROUNDS; r++)
		t[r] = run(size);
	return (double)median_u64(t, ROUNDS) / OPS;
}

static int stage_of(const char *name)
{
	for (size_t i = 0; i < contender_count; i++)
		if (strcmp(contenders[i].name, name) == 0)
			return contenders[i].stage;
	return -1;
}

static void print_cost(void)
{
	static const struct {
		const char *contender, *op;
		size_t bytes;
		uint64_t (*run)(size_t);
	} rows[] = {
		{"bump", "alloc", 16, run_bump_alloc},
		{"bump", "alloc+free", 16, run_bump_pair},
		{"bump", "alloc+free", 256, run_bump_pair},
		{"free list", "alloc", 16, run_freelist_alloc},
		{"free list", "alloc+free", 16, run_freelist_pair},
		{"free list", "alloc+free", 256, run_freelist_pair},
		{"C malloc", "alloc", 16, run_malloc_alloc},
		{"C malloc", "alloc+free", 16, run_malloc_pair},
		{"C malloc", "alloc+free", 256, run_malloc_pair},
	};
	double base = measure(run_increment, 16);
	double called = measure(run_increment_call, 16);
	printf("bench-row: base | pointer increment | %.3f | %.3f\n", base,
	       base * tick_ns);
	printf("bench-row: base | pointer increment, called | %.3f | %.3f\n",
	       called, called * tick_ns);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double t = measure(rows[i].run, rows[i].bytes);
		printf("bench-row: cost | %s | %d | %s | %zu | %.3f | %.3f\n",
		       rows[i].contender, stage_of(rows[i].contender),
		       rows[i].op, rows[i].bytes, t, t * tick_ns);
		fflush(stdout);
	}
}

/* ================================ first fit: n small free blocks first */

#define FF_HOLE 16     /* the free blocks in front: too small for... */
#define FF_REQUEST 32  /* ...the block allocated and freed */
#define FF_WORK 200000 /* pairs per round times (n + 1) */
#define FF_ROUNDS 9

static void *ff_alloc(struct allocator *a, size_t size)
{
	void *p = allocator_alloc(a, (struct layout){size, 8});
	if (p == NULL)
		die("first fit: the heap is full");
	return p;
}

static uint64_t ff_round(struct allocator *a, size_t pairs)
{
	uint64_t t0 = ticks();
	for (size_t i = 0; i < pairs; i++) {
		void *p = ff_alloc(a, FF_REQUEST);
		allocator_dealloc(a, p, (struct layout){FF_REQUEST, 8});
	}
	return ticks() - t0;
}

/*
 * Ticks per alloc+free of FF_REQUEST bytes on a heap laid out as
 *
 *   [hole][keep][hole][keep] ... [hole][keep][ free ...............]
 *    \_____ n times, each hole a free FF_HOLE-byte block ___/
 *
 * where only the last free block holds the request.
 */
static double first_fit_cost(const struct contender *c, size_t n)
{
	void **b = malloc(2 * n * sizeof *b);
	if (b == NULL)
		die("out of memory");
	c->reset((uintptr_t)heap_mem, HEAP_BYTES); /* (malloc: nothing to do) */
	for (size_t i = 0; i < 2 * n; i++)
		b[i] = ff_alloc(c->allocator, FF_HOLE);
	for (size_t i = 0; i < 2 * n; i += 2) /* the holes */
		allocator_dealloc(c->allocator, b[i],
				  (struct layout){FF_HOLE, 8});
	size_t pairs = FF_WORK / (n + 1);
	uint64_t t[FF_ROUNDS];
	ff_round(c->allocator, pairs);
	for (int r = 0; r < FF_ROUNDS; r++)
		t[r] = ff_round(c->allocator, pairs);
	for (size_t i = 1; i < 2 * n; i += 2) /* the keepers */
		allocator_dealloc(c->allocator, b[i],
				  (struct layout){FF_HOLE, 8});
	free(b);
	return (double)median_u64(t, FF_ROUNDS) / pairs;
}

static void print_first_fit(void)
{
	static const size_t ns[] = {1, 10, 100, 1000};
	for (size_t i = 0; i < contender_count; i++)
		for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
			double t = first_fit_cost(&contenders[i], ns[j]);
			printf("bench-row: first-fit | %s | %d | %zu | %.3f | "
			       "%.3f\n",
			       contenders[i].name, contenders[i].stage, ns[j],
			       t, t * tick_ns);
			fflush(stdout);
		}
}

/* ====================================================== heap efficiency */

#define HE_RUNS 300 /* as talc's */

static void print_efficiency(void)
{
	for (size_t i = 0; i < contender_count; i++) {
		const struct contender *c = &contenders[i];
		struct heap_efficiency e =
			heap_efficiency(c, heap_mem, HE_RUNS);
		if (e.applicable)
			printf("bench-row: efficiency | %s | %d | %.2f | %.2f "
			       "| "
			       "%.2f | %u\n",
			       c->name, c->stage, e.percent, e.worst, e.best,
			       e.runs);
		else
			printf("bench-row: efficiency | %s | %d | n/a | n/a | "
			       "n/a | 0\n",
			       c->name, c->stage);
		fflush(stdout);
	}
}

/* ================================================================ main */

static void print_host(void)
{
	char cpu[128], libc[64] = "the C library";
	cpu_name(cpu, sizeof cpu);
#if defined(__GLIBC__)
	snprintf(libc, sizeof libc, "glibc %s", gnu_get_libc_version());
#endif
#ifdef __clang__
	const char *compiler = __VERSION__; /* "Debian Clang 14.0.6" */
#else
	const char *compiler = "gcc " __VERSION__; /* "gcc 12.2.0" */
#endif
#ifdef __OPTIMIZE__
	const char *optimized = "";
#else
	const char *optimized = " (NOT optimized)";
#endif
	printf("bench-host: %s | %s%s | %s | %.6f\n", cpu, compiler, optimized,
	       libc, tick_ns);
}

static bool wanted(int argc, char **argv, const char *section)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], section) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	heap_mem = mmap(NULL, HEAP_BYTES, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (heap_mem == MAP_FAILED)
		die("no memory for the heap");
	tick_ns = ns_per_tick();
	print_host();
	printf("bench: %d rounds x %d ops, median round; %s are TSC ticks\n",
	       ROUNDS, OPS, TICK_UNIT);
	fflush(stdout);
	if (wanted(argc, argv, "cost"))
		print_cost();
	if (wanted(argc, argv, "first-fit"))
		print_first_fit();
	if (wanted(argc, argv, "efficiency"))
		print_efficiency();
	munmap(heap_mem, HEAP_BYTES);
	return 0;
}
