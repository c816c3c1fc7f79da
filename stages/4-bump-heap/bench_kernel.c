/*
 * bench_kernel.c - `make bench`: the allocator's cost measured in the
 * guest with rdtsc (a bench kernel's kernel_main; not part of make test).
 *
 * Each row is the median over ROUNDS rounds of OPS operations, in TSC
 * ticks per operation.  Under QEMU's TCG emulation the absolute numbers
 * say little; the ratios to the baseline measured in the same run do.
 */
#include <stdint.h>

#include "alloc.h"
#include "bump_alloc.h"
#include "console.h"
#include "cpu.h"
#include "heap.h"
#include "kernel.h"
#include "qemu.h"

#define ROUNDS 9
#define OPS 4000 /* 16-byte blocks: 64000 bytes, fits the 100 KiB heap */

/* The baseline: a bare pointer increment, behind a call like the others. */
static uintptr_t baseline_next;
static __attribute__((noinline)) void *pointer_increment(size_t size)
{
	void *p = (void *)baseline_next;
	baseline_next += size;
	return p;
}

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) /* insertion sort */
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void *volatile sink;

enum bench { BASELINE, BUMP_ALLOC, BUMP_ALLOC_FREE, KMALLOC, KMALLOC_FREE };
static const char *const names[] = {
	"pointer increment, called (base)",
	"bump_alloc",
	"bump_alloc+bump_dealloc",
	"kmalloc (lock + interface)",
	"kmalloc+kfree",
};

static uint64_t run(enum bench b)
{
	static struct bump_heap h; /* a private heap on the mapped pages */
	struct layout l = {16, 8};
	uint64_t t[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		baseline_next = HEAP_START;
		bump_init(&h, HEAP_START, HEAP_SIZE);
		uint64_t start = rdtsc();
		for (int i = 0; i < OPS; i++) {
			switch (b) {
			case BASELINE:
				sink = pointer_increment(16);
				break;
			case BUMP_ALLOC:
				sink = bump_alloc(&h, l);
				break;
			case BUMP_ALLOC_FREE:
				sink = bump_alloc(&h, l);
				bump_dealloc(&h, sink, l);
				break;
			case KMALLOC:
				sink = kmalloc(16, 8);
				break;
			case KMALLOC_FREE:
				sink = kmalloc(16, 8);
				kfree(sink, 16, 8);
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
	return median(t, ROUNDS);
}

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	uint64_t base = run(BASELINE);
	kprintf("bench: guest (QEMU), %d rounds x %d ops, median ticks per op "
		"x100\n",
		ROUNDS, OPS);
	for (int b = BASELINE; b <= KMALLOC_FREE; b++) {
		uint64_t m = b == BASELINE ? base : run((enum bench)b);
		kprintf("bench-row: guest | %s | %lu | %lu\n", names[b],
			m * 100 / OPS, m * 100 / base);
	}
	qemu_exit(QEMU_EXIT_SUCCESS);
}
