/*
 * freelist_demo.c - lesson 6: a heap that reuses memory.  First fit,
 * split and merge on a map of the heap; the workloads the bump heap could
 * not serve; and the one a free list cannot serve either (fragmentation).
 */
#include "kernel.h"

#include "alloc.h"
#include "churn.h"
#include "collections_demo.h"
#include "console.h"
#include "heap.h"
#include "kernel_heap.h"

static void title(const char *s)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- %s --\n", s);
}

/* The first 1 KiB of the heap, 16 bytes (one unit) per cell. */
static void map(const char *caption)
{
	kprintf("  %s\n", caption);
	kernel_heap_map(0, 16, 1);
}

/* ------------------------------------------------ split, merge, align */

static void split_and_merge(void)
{
	title("first fit: split and merge, 16 bytes per cell");
	kprintf("  # used  . free  o node of a free block  + both\n");
	map("the heap: one free block");
	char *a = kmalloc_or_panic(64, 8);
	char *b = kmalloc_or_panic(128, 8);
	char *c = kmalloc_or_panic(32, 8);
	map("a, b, c = 64, 128, 32 bytes: split off the front");
	kfree(b, 128, 8);
	map("b freed: a hole on the list");
	char *d = kmalloc_or_panic(48, 8);
	map("d = 48 bytes: first fit takes the hole and splits it");
	kfree(a, 64, 8);
	map("a freed: a hole that touches no free block");
	kfree(d, 48, 8);
	map("d freed: merged with both neighbours");
	char *f = kmalloc_or_panic(16, 8);
	char *e = kmalloc_or_panic(32, 256);
	map("f = 16; e = 32 bytes aligned to 256: its front gap stays free");
	kfree(c, 32, 8);
	kfree(e, 32, 256);
	kfree(f, 16, 8);
	struct heap_stats s = kernel_heap_stats();
	kprintf("  all freed: %zu free block of %zu bytes\n", s.free_blocks,
		s.largest_free);
}

/* ------------------------------------------- what the bump heap could not */

static void long_lived(void)
{
	title("one box kept while 12800 come and go");
	uint64_t *kept = kmalloc_or_panic(8, 8);
	uint64_t i;
	for (i = 0; i < HEAP_SIZE / 8; i++) {
		uint64_t *x = kmalloc(8, 8);
		if (x == NULL)
			break;
		kfree(x, 8, 8);
	}
	kprintf("  %lu boxes (the bump heap ran out at 12799)\n", i);
	kernel_heap_show("one box kept:");
	kfree(kept, 8, 8);
}

static void processes(void)
{
	title("chapter 5's processes come and go, 16 alive");
	struct churn_result r = churn_run(100000, 16);
	kprintf("  %lu processes created (the bump heap stopped at 3180)\n",
		r.created);
	kprintf("  at the end: %zu bytes used in %zu blocks, %zu free blocks\n",
		r.heap.used, r.heap.live, r.heap.free_blocks);
	kernel_heap_show("table destroyed:");
}

/* --------------------------------------------------------- fragmentation */

static void *blocks[HEAP_SIZE / 64];

static void fragmentation(void)
{
	title("fragmentation: enough bytes free, no block big enough");
	size_t n = 0;
	while (n < HEAP_SIZE / 64 && (blocks[n] = kmalloc(64, 8)) != NULL)
		n++;
	for (size_t i = 0; i < n; i += 2)
		kfree(blocks[i], 64, 8);
	map("64-byte blocks fill the heap; every other one freed");
	struct heap_stats s = kernel_heap_stats();
	void *big = kmalloc(128, 8);
	kprintf("  kmalloc(128): %s, with %zu bytes free in %zu blocks\n",
		big == NULL ? "NULL" : "ok", s.free, s.free_blocks);
	kprintf("  (the largest free block: %zu bytes)\n", s.largest_free);
	if (big != NULL)
		kfree(big, 128, 8);
	for (size_t i = 1; i < n; i += 2)
		kfree(blocks[i], 64, 8);
	kernel_heap_show("all freed:");
}

/* The demo kernel's entry (the test kernel's is in ktest.c). */
void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	collections_tour(); /* chapter 5's tour, on this heap */
	split_and_merge();
	long_lived();
	processes();
	fragmentation();
	kernel_heap_check();
	struct heap_stats s = kernel_heap_stats();
	kprintf("heap check passed: %zu free block, %zu bytes, %zu live\n",
		s.free_blocks, s.free, s.live);
}
