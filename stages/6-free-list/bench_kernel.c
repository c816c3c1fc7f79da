/*
 * bench_kernel.c - `make bench`: the free list's cost measured in the
 * guest with rdtsc (a bench kernel's kernel_main; not part of make test).
 *
 * The same rows as stage 4's bench kernel, so the two can be read side by
 * side: the allocator's own functions, called directly on a heap of the
 * benchmark's (a static array: bump_alloc.c is not linked here, and the
 * kernel heap must stay the kernel's), then the full path through
 * kmalloc, the allocator interface and the heap lock.
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

#define OPS 4000 /* 16-byte blocks: 64000 bytes, fits the 100 KiB heap */
#define BLOCK 16

/* The benchmark's own heap: exactly OPS blocks. */
static unsigned char region[OPS * BLOCK] __attribute__((aligned(16)));
static void *blocks[OPS]; /* what the kmalloc row allocated */

enum bench { BASELINE, FL_ALLOC, FL_ALLOC_FREE, KMALLOC, KMALLOC_FREE };
static const char *const names[] = {
	"pointer increment, called (base)",
	"freelist_alloc",
	"freelist_alloc+freelist_dealloc",
	"kmalloc (lock + interface)",
	"kmalloc+kfree",
};

/* One operation (or pair) of benchmark b on heap h, the i-th of a round. */
static void step(int b, struct freelist_heap *h, int i)
{
	struct layout l = {BLOCK, 8};
	switch (b) {
	case BASELINE:
		bench_sink = bench_pointer_increment(BLOCK);
		break;
	case FL_ALLOC:
		bench_sink = freelist_alloc(h, l);
		break;
	case FL_ALLOC_FREE:
		bench_sink = freelist_alloc(h, l);
		freelist_dealloc(h, bench_sink, l);
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

static uint64_t run(int b)
{
	static struct freelist_heap h;
	uint64_t t[BENCH_ROUNDS];
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		bench_baseline_at((uintptr_t)region);
		if (freelist_init(&h, (uintptr_t)region, sizeof region) !=
		    FREELIST_OK)
			panic("bench: freelist_init refused the region");
		uint64_t start = rdtsc();
		for (int i = 0; i < OPS; i++)
			step(b, &h, i);
		t[r] = rdtsc() - start;
		if (b == KMALLOC) /* give the global heap back */
			for (int i = 0; i < OPS; i++)
				kfree(blocks[i], BLOCK, 8);
	}
	return bench_median(t, BENCH_ROUNDS);
}

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	bench_table(names, KMALLOC_FREE + 1, run, OPS);
}
