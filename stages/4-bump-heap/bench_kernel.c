/*
 * bench_kernel.c - `make bench`: the allocator's cost measured in the
 * guest with rdtsc (a bench kernel's kernel_main; not part of make test).
 *
 * Each row is the median over BENCH_ROUNDS rounds of OPS operations, in
 * TSC ticks per operation (bench.h: the baseline, the median, the table). Under
 * QEMU's TCG emulation the absolute numbers say little; the ratios to the
 * baseline measured in the same run do.
 */
#include <stdint.h>

#include "alloc.h"
#include "bench.h"
#include "bump_alloc.h"
#include "console.h"
#include "cpu.h"
#include "heap.h"
#include "kernel.h"

#define OPS 4000 /* 16-byte blocks: 64000 bytes, fits the 100 KiB heap */

enum bench { BASELINE, BUMP_ALLOC, BUMP_ALLOC_FREE, KMALLOC, KMALLOC_FREE };
static const char *const names[] = {
	"pointer increment, called (base)",
	"bump_alloc",
	"bump_alloc+bump_dealloc",
	"kmalloc (lock + interface)",
	"kmalloc+kfree",
};

static uint64_t run(int b)
{
	static struct bump_heap h; /* a private heap on the mapped pages */
	struct layout l = {16, 8};
	uint64_t t[BENCH_ROUNDS];
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		bench_baseline_at(HEAP_START);
		bump_init(&h, HEAP_START, HEAP_SIZE);
		uint64_t start = rdtsc();
		for (int i = 0; i < OPS; i++) {
			switch (b) {
			case BASELINE:
				bench_sink = bench_pointer_increment(16);
				break;
			case BUMP_ALLOC:
				bench_sink = bump_alloc(&h, l);
				break;
			case BUMP_ALLOC_FREE:
				bench_sink = bump_alloc(&h, l);
				bump_dealloc(&h, bench_sink, l);
				break;
			case KMALLOC:
				bench_sink = kmalloc(16, 8);
				break;
			case KMALLOC_FREE:
				bench_sink = kmalloc(16, 8);
				kfree(bench_sink, 16, 8);
				break;
			}
		}
		t[r] = rdtsc() - start;
		if (b == KMALLOC) { /* give the global heap back */
			/* the bump heap resets when the count reaches zero;
			 * free every block in any order */
			uintptr_t p = HEAP_START;
			for (int i = 0; i < OPS; i++, p += 16)
				kfree((void *)p, 16, 8);
		}
	}
	return bench_median(t, BENCH_ROUNDS);
}

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	bench_table(names, KMALLOC_FREE + 1, run, OPS);
}
