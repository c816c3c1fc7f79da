/*
 * bench_host.c - what our allocators cost on the host, next to the C
 * library's malloc, how fast they run a random workload, how much of a
 * heap they can use, what the size classes waste, and what the debugging
 * allocator adds to the slabs under it.
 *
 * Not a test: it checks nothing, it prints rows that scripts/bench (`make
 * bench`, `make bench-table`) turns into tables, ratios and a chart.
 * scripts/bench builds it with -O2 from every .c file here and the
 * allocators' portable cores (its HOST_CORES); then, alone:
 *
 *   build/bench_host [cost] [first-fit] [random] [efficiency] [frag]
 *                                                   (default: all five)
 *
 * cost        one operation, called directly (direct_calls.h): one
 *             allocation of 16 bytes; alloc+free of one block, at every
 *             size from SWEEP_MIN to SWEEP_MAX; alloc+free of mixed small
 *             sizes.  Every contender: the bump allocator (stage 4), the
 *             free list (6), the slabs (7), malloc/free; a layer (the
 *             debugging allocator over the slabs, stage 8) only in the
 *             columns of small blocks, 16 bytes and the mixed sizes (it
 *             fills and checks every byte: at 4096 bytes it takes tens of
 *             times the slabs' time, and its sweep alone would take
 *             longer than all the rest).  Each figure is the median of
 *             ROUNDS rounds, the contenders' rounds interleaved.  The
 *             floor, a pointer increment, in the same run.
 *   first-fit alloc+free of a 32-byte block with n free 16-byte blocks in
 *             front of it (too small for it), through the allocator
 *             interface: first fit walks all n, so its cost grows with n.
 *             Not for a layer (contenders.h).
 *   random    the random-actions script (random_actions.h), RA_OPS
 *             actions, through the allocator interface.
 *   efficiency talc's "heap efficiency" workload (heap_efficiency.c);
 *             not for a layer (contenders.h).
 *   frag      the size classes' waste on the random-actions script
 *             (fragmentation.h).
 *
 * Output, one line each, fields separated by " | ":
 *   bench-host: cpu | compiler | C library | ns per tick
 *   bench-row: layer | contender | stage | over contender | its stage
 *   bench-row: base | name | ticks/op | ns/op
 *   bench-row: cost | contender | stage | operation | bytes | ticks/op | ns/op
 *   bench-row: first-fit | contender | stage | n | ticks/op | ns/op
 *   bench-row: random | contender | stage | actions | ticks/op | ns/op
 *   bench-row: efficiency | contender | stage | % | worst % | best % | runs
 *   bench-row: frag | block (0: larger) | requests | bytes asked | bytes
 *              given | live at the end | their bytes asked | bytes held
 * (stage 0: the C library's; efficiency "n/a": no fixed heap; bytes
 * "8-512": the mixed sizes.)
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
#include "contenders.h"
#include "direct_calls.h"
#include "fragmentation.h"
#include "heap_efficiency.h"
#include "panic.h"
#include "random_actions.h"
#include "timing.h"

#define ROUNDS 15
#define SWEEP_MIN 8		/* alloc+free at 8, 16, 32, ... */
#define SWEEP_MAX 4096		/* ... up to this many bytes */
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

__attribute__((noreturn)) static void die(const char *what)
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
	for (size_t i = 0; i < DIRECT_OPS; i++) {
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
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = increment_call(size);
		USE(p);
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
	return (double)median_u64(t, ROUNDS) / DIRECT_OPS;
}

/* ===================================== cost: one operation, direct */

/* One column of the cost table: a loop of direct_calls.h at one size;
 * measured for the layers too, or not. */
struct column {
	enum direct_loop loop;
	const char *op;
	size_t size;
	bool layers;
};

#define MAX_CONTENDERS 8
#define SWEEP_COLUMNS 10 /* SWEEP_MIN to SWEEP_MAX, doubling */
#define COLUMNS (SWEEP_COLUMNS + 2)

/* The cost table's columns: one allocation of 16 bytes; alloc+free at
 * every size of the sweep; alloc+free of mixed small sizes. */
static size_t cost_columns(struct column *cols)
{
	size_t n = 0;
	cols[n++] = (struct column){DIRECT_ALLOC, "alloc", 16, true};
	for (size_t size = SWEEP_MIN; size <= SWEEP_MAX; size *= 2)
		cols[n++] = (struct column){DIRECT_PAIR, "alloc+free", size,
					    size == 16};
	cols[n++] = (struct column){DIRECT_MIX, "alloc+free", 0, true};
	return n;
}

_Static_assert(SWEEP_MAX == SWEEP_MIN << (SWEEP_COLUMNS - 1),
	       "SWEEP_COLUMNS sizes from SWEEP_MIN to SWEEP_MAX");

static uint64_t cost_ticks[COLUMNS][MAX_CONTENDERS][ROUNDS];

static const struct contender *contender_named(const char *name)
{
	for (size_t i = 0; i < contender_count; i++)
		if (strcmp(contenders[i].name, name) == 0)
			return &contenders[i];
	die("a contender of direct_calls.c is not in contenders.c");
}

static int stage_of(const char *name)
{
	return contender_named(name)->stage;
}

/* Is contender c of direct_calls measured in column col? */
static bool measured(size_t c, struct column col)
{
	return col.layers ||
	       contender_named(direct_calls[c].contender)->over == NULL;
}

/* One round of contender c's loop for column col: its ticks (0 if it is
 * not measured there). */
static uint64_t run_loop(size_t c, struct column col)
{
	if (!measured(c, col))
		return 0;
	return direct_calls[c].loop[col.loop](col.size);
}

/*
 * Ticks per operation of every contender in every column, into
 * out[column][contender]: the median of ROUNDS rounds, after a warm-up.
 * The rounds are interleaved (round r of every column and contender,
 * then round r + 1), so that whatever slows the machine down for a while
 * falls on all of them alike: the ratios between them, and the shape of
 * the sweep, hold even when the absolute times do not.
 */
static void measure_columns(const struct column *cols, size_t ncols,
			    double out[][MAX_CONTENDERS])
{
	size_t n = direct_calls_count;
	if (n > MAX_CONTENDERS)
		die("more contenders than measure_columns has room for");
	for (size_t k = 0; k < ncols; k++)
		for (size_t c = 0; c < n; c++)
			run_loop(c, cols[k]); /* the warm-up */
	for (int r = 0; r < ROUNDS; r++)
		for (size_t k = 0; k < ncols; k++)
			for (size_t c = 0; c < n; c++)
				cost_ticks[k][c][r] = run_loop(c, cols[k]);
	for (size_t k = 0; k < ncols; k++)
		for (size_t c = 0; c < n; c++) {
			uint64_t m = median_u64(cost_ticks[k][c], ROUNDS);
			out[k][c] = (double)m / DIRECT_OPS;
		}
}

static void print_column(struct column col, const double *t)
{
	char bytes[32];
	if (col.loop == DIRECT_MIX)
		snprintf(bytes, sizeof bytes, "%d-%d", MIX_MIN, MIX_MAX);
	else
		snprintf(bytes, sizeof bytes, "%zu", col.size);
	for (size_t c = 0; c < direct_calls_count; c++) {
		if (!measured(c, col))
			continue;
		printf("bench-row: cost | %s | %d | %s | %s | %.3f | %.3f\n",
		       direct_calls[c].contender,
		       stage_of(direct_calls[c].contender), col.op, bytes, t[c],
		       t[c] * tick_ns);
	}
}

/* The floor, then every column. */
static void print_cost(void)
{
	struct column cols[COLUMNS];
	static double t[COLUMNS][MAX_CONTENDERS];
	double base = measure(run_increment, 16);
	double called = measure(run_increment_call, 16);
	printf("bench-row: base | pointer increment | %.3f | %.3f\n", base,
	       base * tick_ns);
	printf("bench-row: base | pointer increment, called | %.3f | %.3f\n",
	       called, called * tick_ns);
	fflush(stdout);
	size_t n = cost_columns(cols);
	measure_columns(cols, n, t);
	for (size_t k = 0; k < n; k++)
		print_column(cols[k], t[k]);
	fflush(stdout);
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
	for (size_t i = 0; i < contender_count; i++) {
		if (contenders[i].over != NULL)
			continue; /* a layer (contenders.h) */
		for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
			double t = first_fit_cost(&contenders[i], ns[j]);
			printf("bench-row: first-fit | %s | %d | %zu | %.3f | "
			       "%.3f\n",
			       contenders[i].name, contenders[i].stage, ns[j],
			       t, t * tick_ns);
			fflush(stdout);
		}
	}
}

/* ======================================================= random actions */

#define RA_OPS 1000000
#define RA_ROUNDS 5
#define RA_SEED 7

/* Ticks per action of every contender on one script, the median of
 * RA_ROUNDS rounds after a warm-up, the rounds interleaved (as
 * measure_column's). */
static void print_random(const struct ra_script *s)
{
	static uint64_t t[MAX_CONTENDERS][RA_ROUNDS];
	if (contender_count > MAX_CONTENDERS)
		die("more contenders than print_random has room for");
	for (size_t c = 0; c < contender_count; c++)
		ra_run(s, &contenders[c], heap_mem, HEAP_BYTES);
	for (int r = 0; r < RA_ROUNDS; r++)
		for (size_t c = 0; c < contender_count; c++)
			t[c][r] =
				ra_run(s, &contenders[c], heap_mem, HEAP_BYTES);
	for (size_t c = 0; c < contender_count; c++) {
		double op = (double)median_u64(t[c], RA_ROUNDS) / s->len;
		printf("bench-row: random | %s | %d | %zu | %.3f | %.3f\n",
		       contenders[c].name, contenders[c].stage, s->len, op,
		       op * tick_ns);
	}
	fflush(stdout);
}

/* ======================================== the size classes' fragmentation */

static void print_fragmentation(const struct ra_script *s)
{
	struct frag_row rows[FRAG_ROWS];
	fragmentation(s, heap_mem, HEAP_BYTES, rows);
	for (int i = 0; i < FRAG_ROWS; i++)
		printf("bench-row: frag | %zu | %lu | %lu | %lu | %zu | %zu | "
		       "%zu\n",
		       rows[i].block, (unsigned long)rows[i].requests,
		       (unsigned long)rows[i].asked,
		       (unsigned long)rows[i].given, rows[i].live,
		       rows[i].live_asked, rows[i].held);
	fflush(stdout);
}

/* ====================================================== heap efficiency */

#define HE_RUNS 300 /* as talc's */

static void print_efficiency(void)
{
	for (size_t i = 0; i < contender_count; i++) {
		const struct contender *c = &contenders[i];
		if (c->over != NULL)
			continue; /* a layer (contenders.h) */
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
	for (size_t i = 0; i < contender_count; i++)
		if (contenders[i].over != NULL)
			printf("bench-row: layer | %s | %d | %s | %d\n",
			       contenders[i].name, contenders[i].stage,
			       contenders[i].over,
			       stage_of(contenders[i].over));
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
	direct_calls_init(heap_mem, HEAP_BYTES);
	struct ra_script script = ra_make(RA_SEED, RA_OPS);
	print_host();
	printf("bench: %d rounds x %d ops, median round; %s are TSC ticks\n",
	       ROUNDS, DIRECT_OPS, TICK_UNIT);
	fflush(stdout);
	if (wanted(argc, argv, "cost"))
		print_cost();
	if (wanted(argc, argv, "first-fit"))
		print_first_fit();
	if (wanted(argc, argv, "random"))
		print_random(&script);
	if (wanted(argc, argv, "efficiency"))
		print_efficiency();
	if (wanted(argc, argv, "frag"))
		print_fragmentation(&script);
	ra_destroy(&script);
	munmap(heap_mem, HEAP_BYTES);
	return 0;
}
