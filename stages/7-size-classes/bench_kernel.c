/*
 * bench_kernel.c - `make bench`: the size classes' cost measured in the
 * guest with rdtsc (a bench kernel's kernel_main; not part of make test).
 *
 * The same rows as the bench kernels of stages 4 and 6, so the three can
 * be read side by side: the allocator's own functions, called directly on
 * a heap of the benchmark's (slabs over a free list on a static array,
 * with no grow callback: the kernel heap must stay the kernel's), then
 * the full path through kmalloc, the allocator interface and the heap
 * lock, on the kernel's heap.
 *
 * Each row is the median over BENCH_ROUNDS rounds of OPS operations, in
 * TSC ticks per operation (stage 4's bench.h: the baseline, the median,
 * the table).  Under QEMU's TCG emulation the absolute numbers
 * say little; the ratios to the baseline measured in the same run do.
 */
#include <stdint.h>

#include "alloc.h"
#include "bench.h"
#include "console.h"
#include "cpu.h"
#include "freelist.h"
#include "kernel.h"
#include "panic.h"
#include "slab.h"

#define OPS 4000 /* 16-byte blocks: 16 slabs of 4 KiB, in 64 KiB */
#define BLOCK 16
#define REGION (128u << 10) /* the slabs, and room for their alignment */

/* The benchmark's own heap. */
static unsigned char region[REGION] __attribute__((aligned(4096)));
static void *blocks[OPS]; /* what the kmalloc row allocated */

enum bench { BASELINE, SLAB_ALLOC, SLAB_ALLOC_FREE, KMALLOC, KMALLOC_FREE };
static const char *const names[] = {
	"pointer increment, called (base)",
	"slab_alloc",
	"slab_alloc+slab_dealloc",
	"kmalloc (lock + interface)",
	"kmalloc+kfree",
};

/* One operation (or pair) of benchmark b on heap h, the i-th of a round. */
static void step(int b, struct slab_heap *h, int i)
{
	struct layout l = {BLOCK, 8};
	switch (b) {
	case BASELINE:
		bench_sink = bench_pointer_increment(BLOCK);
		break;
	case SLAB_ALLOC:
		bench_sink = slab_alloc(h, l);
		break;
	case SLAB_ALLOC_FREE:
		bench_sink = slab_alloc(h, l);
		slab_dealloc(h, bench_sink, l);
		break;
	case KMALLOC:
		bench_sink = blocks[i] = kmalloc(BLOCK, 8);
		break;
	case KMALLOC_FREE:
		bench_sink = kmalloc(BLOCK, 8);
		kfree(bench_sink, BLOCK, 8);
		break;
	}
}

/* A new, empty heap of the benchmark's: every round starts alike. */
static void reset(struct slab_heap *h, struct freelist_heap *fallback)
{
	bench_baseline_at((uintptr_t)region);
	if (freelist_init(fallback, (uintptr_t)region, sizeof region) !=
	    FREELIST_OK)
		panic("bench: freelist_init refused the region");
	slab_heap_init(h, fallback, NULL, NULL);
}

static uint64_t run(int b)
{
	static struct freelist_heap fallback;
	static struct slab_heap h;
	uint64_t t[BENCH_ROUNDS];
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		reset(&h, &fallback);
		uint64_t start = rdtsc();
		for (int i = 0; i < OPS; i++)
			step(b, &h, i);
		t[r] = rdtsc() - start;
		if (b == KMALLOC) /* give the global heap back */
			for (int i = 0; i < OPS; i++)
				kfree(blocks[i], BLOCK, 8);
		if (b == SLAB_ALLOC && slab_used(&h) != (size_t)OPS * BLOCK)
			panic("bench: the slabs refused a block");
	}
	return bench_median(t, BENCH_ROUNDS);
}

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	bench_table(names, KMALLOC_FREE + 1, run, OPS);
}
