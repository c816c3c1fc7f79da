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
 * Each row is the median over ROUNDS rounds of OPS operations, in TSC
 * ticks per operation.  Under QEMU's TCG emulation the absolute numbers
 * say little; the ratios to the baseline measured in the same run do.
 */
#include <stdint.h>

#include "alloc.h"
#include "console.h"
#include "cpu.h"
#include "freelist.h"
#include "kernel.h"
#include "panic.h"
#include "qemu.h"

#define ROUNDS 9
#define OPS 4000 /* 16-byte blocks: 64000 bytes, fits the 100 KiB heap */
#define BLOCK 16

/* The benchmark's own heap: exactly OPS blocks. */
static unsigned char region[OPS * BLOCK] __attribute__((aligned(16)));
static void *blocks[OPS]; /* what the kmalloc row allocated */

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

enum bench { BASELINE, FL_ALLOC, FL_ALLOC_FREE, KMALLOC, KMALLOC_FREE };
static const char *const names[] = {
	"pointer increment, called (base)",
	"freelist_alloc",
	"freelist_alloc+freelist_dealloc",
	"kmalloc (lock + interface)",
	"kmalloc+kfree",
};

/* One operation (or pair) of benchmark b on heap h, the i-th of a round. */
static void step(enum bench b, struct freelist_heap *h, int i)
{
	struct layout l = {BLOCK, 8};
	switch (b) {
	case BASELINE:
		sink = pointer_increment(BLOCK);
		break;
	case FL_ALLOC:
		sink = freelist_alloc(h, l);
		break;
	case FL_ALLOC_FREE:
		sink = freelist_alloc(h, l);
		freelist_dealloc(h, sink, l);
		break;
	case KMALLOC:
		sink = blocks[i] = kmalloc(BLOCK, 8);
		break;
	case KMALLOC_FREE:
		sink = kmalloc(BLOCK, 8);
		kfree(sink, BLOCK, 8);
		break;
	}
}

static uint64_t run(enum bench b)
{
	static struct freelist_heap h;
	uint64_t t[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		baseline_next = (uintptr_t)region;
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
