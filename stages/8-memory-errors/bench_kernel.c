/*
 * bench_kernel.c - `make bench`: what the debugging allocator costs,
 * measured in the guest with rdtsc (a bench kernel's kernel_main; not part
 * of make test).
 *
 * The rows of stage 7's bench kernel that this stage changes, in each of
 * the debugging allocator's modes:
 *
 *   debug_alloc+debug_dealloc   the debugging allocator's own functions,
 *                               called directly over slabs on a heap of
 *                               the benchmark's (as stage 7's slab rows:
 *                               no lock, no interface, no call site)
 *   kmalloc+kfree (poison+redzones+quarantine)
 *                               the kernel's heap as it boots: the full
 *                               path (lock, interface, who called, the
 *                               guarded blocks' lookup, then
 *                               debug_alloc over the slabs)
 *   kmalloc+kfree (guard pages) the same with kernel_heap_guard_every(1):
 *                               every block on a page of its own before
 *                               an unmapped one, its page unmapped on free
 *
 * Each row ends with the row of stage 7's bench kernel it replaces;
 * scripts/bench, which boots both in the same run, prints the factor
 * between them (each as a ratio to its own boot's baseline): the mode's
 * overhead over plain stage 7.
 *
 * Each row is the median over BENCH_ROUNDS rounds of its operations (alloc +
 * free pairs of 16-byte blocks), in TSC ticks per operation; the rows'
 * rounds are interleaved (round r of every row, then round r + 1), so
 * that a slow spell of the host falls on all of them alike.  Under QEMU's
 * TCG emulation the absolute numbers say little; the ratios to the
 * baseline measured in the same run, and to stage 7's, do.
 */
#include <stdint.h>

#include "alloc.h"
#include "bench.h"
#include "console.h"
#include "cpu.h"
#include "debug_alloc.h"
#include "freelist.h"
#include "guard.h"
#include "kernel.h"
#include "kernel_heap.h"
#include "mem.h"
#include "panic.h"
#include "qemu.h"
#include "slab.h"

#define OPS 4000       /* pairs per round, and pointer increments */
#define GUARD_OPS 1000 /* ...guarded: each maps and unmaps a page */
#define BLOCK 16
#define REGION (128u << 10) /* the direct row's slabs, and their alignment */

/* Every guarded block takes two pages of addresses, never reused: the
 * rounds and the warm-up must not run out of them, or the blocks quietly
 * stop being guarded (guard_alloc returns NULL, and kmalloc takes the
 * normal path). */
_Static_assert((BENCH_ROUNDS + 1) * GUARD_OPS * 2 * 4096ull < GUARD_SPAN,
	       "the guarded rounds fit GUARD_SPAN");

/* The direct row's own heap, and its shadow map (zeroed every round). */
static unsigned char region[REGION] __attribute__((aligned(4096)));
static uint8_t shadow[REGION / DBG_GRANULE];

enum bench { BASELINE, DEBUG_ALLOC_FREE, KMALLOC_FREE, GUARDED_FREE, BENCHES };

static const struct {
	const char *name;
	int ops;	     /* per round */
	const char *stage_7; /* the row of stage 7's it replaces */
} rows[BENCHES] = {
	[BASELINE] = {"pointer increment, called (base)", OPS, NULL},
	[DEBUG_ALLOC_FREE] = {"debug_alloc+debug_dealloc", OPS,
			      "slab_alloc+slab_dealloc"},
	[KMALLOC_FREE] = {"kmalloc+kfree (poison+redzones+quarantine)", OPS,
			  "kmalloc+kfree"},
	[GUARDED_FREE] = {"kmalloc+kfree (guard pages)", GUARD_OPS,
			  "kmalloc+kfree"},
};

/* The direct row's heap: slabs over a free list on the region, with no
 * grow callback (the kernel heap must stay the kernel's), and the
 * debugging allocator over them. */
static struct freelist_heap fallback;
static struct slab_heap slabs;
static struct debug_heap debug;

static void *inner_alloc(void *h, struct layout layout)
{
	return slab_alloc(h, layout);
}

static void inner_dealloc(void *h, void *ptr, struct layout layout)
{
	slab_dealloc(h, ptr, layout);
}

/* A new, empty heap of the benchmark's: every round starts alike. */
static void reset(void)
{
	bench_baseline_at((uintptr_t)region);
	if (freelist_init(&fallback, (uintptr_t)region, sizeof region) !=
	    FREELIST_OK)
		panic("bench: freelist_init refused the region");
	slab_heap_init(&slabs, &fallback, NULL, NULL);
	memset(shadow, 0, sizeof shadow);
	debug_heap_init(&debug,
			(struct dbg_inner){inner_alloc, inner_dealloc, &slabs},
			(uintptr_t)region, shadow, sizeof shadow);
}

/* One operation (or pair) of benchmark b. */
static void step(enum bench b)
{
	struct layout l = {BLOCK, 8};
	switch (b) {
	case BASELINE:
		bench_sink = bench_pointer_increment(BLOCK);
		break;
	case DEBUG_ALLOC_FREE:
		bench_sink = debug_alloc(&debug, l, 0);
		debug_dealloc(&debug, bench_sink, l, 0);
		break;
	case KMALLOC_FREE:
	case GUARDED_FREE:
		bench_sink = kmalloc(BLOCK, 8);
		kfree(bench_sink, BLOCK, 8);
		break;
	case BENCHES:
		break;
	}
}

/* One round of benchmark b: its ticks. */
static uint64_t round_of(enum bench b)
{
	reset();
	kernel_heap_guard_every(b == GUARDED_FREE ? 1 : 0);
	uint64_t start = rdtsc();
	for (int i = 0; i < rows[b].ops; i++)
		step(b);
	uint64_t t = rdtsc() - start;
	kernel_heap_guard_every(0);
	if (bench_sink == NULL)
		panic("bench: %s: no block", rows[b].name);
	/* guard_alloc hands out addresses from GUARD_START up; anything
	 * else came from the normal path, and the row would lie */
	if (b == GUARDED_FREE && (uintptr_t)bench_sink < GUARD_START)
		panic("bench: a block was not guarded");
	return t;
}

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	static uint64_t t[BENCHES][BENCH_ROUNDS];
	for (int b = 0; b < BENCHES; b++) /* the warm-up */
		round_of((enum bench)b);
	for (int r = 0; r < BENCH_ROUNDS; r++)
		for (int b = 0; b < BENCHES; b++)
			t[b][r] = round_of((enum bench)b);
	kprintf("bench: guest (QEMU), %d rounds x %d ops (guarded: %d), "
		"median ticks per op x100\n",
		BENCH_ROUNDS, OPS, GUARD_OPS);
	uint64_t base = bench_median(t[BASELINE], BENCH_ROUNDS) * 100 / OPS;
	for (int b = 0; b < BENCHES; b++) {
		uint64_t m =
			bench_median(t[b], BENCH_ROUNDS) * 100 / rows[b].ops;
		kprintf("bench-row: guest | %s | %lu | %lu", rows[b].name, m,
			m * 100 / base);
		if (rows[b].stage_7 != NULL)
			kprintf(" | 7 | %s", rows[b].stage_7);
		kprintf("\n");
	}
	qemu_exit(QEMU_EXIT_SUCCESS);
}
