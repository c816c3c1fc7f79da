/*
 * slab_demo.c - lesson 7: size classes in slabs, and a heap that grows.
 * Where small blocks go, what rounding costs, a burst that grows the heap
 * and gives it back, and the heap running out of frames.
 */
#include "kernel.h"

#include "alloc.h"
#include "churn.h"
#include "console.h"
#include "heap.h"
#include "kernel_heap.h"
#include "slab.h"

static void title(const char *s)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- %s --\n", s);
}

/* --------------------------------------------------------- the classes */

static void where_blocks_go(void)
{
	title("size classes: a small request takes the next power of two");
	static const size_t sizes[] = {8, 24, 100, 2000, 3000};
	void *p[5];
	for (int i = 0; i < 5; i++) {
		p[i] = kmalloc_or_panic(sizes[i], 8);
		int c = slab_class_of((struct layout){sizes[i], 8});
		if (c >= 0)
			kprintf("  kmalloc(%4zu): a %4u-byte block at heap+%#lx\n",
				sizes[i], SLAB_MIN_BLOCK << c,
				(unsigned long)((uintptr_t)p[i] - HEAP_START));
		else
			kprintf("  kmalloc(%4zu): the free list, at heap+%#lx\n",
				sizes[i], (unsigned long)((uintptr_t)p[i] - HEAP_START));
	}
	kernel_heap_show_classes();
	for (int i = 0; i < 5; i++)
		kfree(p[i], sizes[i], 8);
}

/* Internal fragmentation: what rounding to a class costs on a mix of
 * sizes (a fixed pseudo-random sequence, so the numbers repeat). */
static void rounding(void)
{
	uint64_t x = 12345, asked = 0, given = 0;
	for (int i = 0; i < 1000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		size_t size = 1 + (size_t)(x >> 33) % SLAB_MAX_BLOCK;
		asked += size;
		given += (size_t)SLAB_MIN_BLOCK
			 << slab_class_of((struct layout){size, 1});
	}
	kprintf("  1000 sizes from 1 to 2048: %lu bytes asked, %lu given: "
		"%lu%% used\n",
		asked, given, asked * 100 / given);
}

/* ---------------------------------------------------------- the burst */

/* 100000 blocks of 16 bytes, chained through themselves. */
static void burst(void)
{
	title("a burst of 100000 small blocks, then all freed");
	void **last = NULL;
	for (int i = 0; i < 100000; i++) {
		void **b = kmalloc_or_panic(16, 8);
		*b = last;
		last = b;
	}
	struct heap_stats s = kernel_heap_stats();
	kprintf("  the heap grew %zu times, to %zu bytes (%zu frames)\n",
		s.grown, s.size, s.size / 4096);
	kernel_heap_show("all live:");
	kernel_heap_show_classes();
	while (last != NULL) {
		void **prev = *last;
		kfree(last, 16, 8);
		last = prev;
	}
	kernel_heap_show("all freed:");
	kernel_heap_show_classes();
	s = kernel_heap_stats();
	kprintf("  the free list's largest block: %zu of %zu bytes\n",
		s.largest_free, s.size);
}

static void processes(void)
{
	title("chapter 5's processes, on slabs");
	struct churn_result r = churn_run(100000, 16);
	kprintf("  %lu processes created, %lu alive at the end: "
		"%zu bytes used\n",
		r.created, r.alive, r.heap.used);
}

/* ----------------------------------------------- out of frames, cleanly */

static void out_of_frames(void)
{
	title("memory runs out: only 64 more frames for the heap");
	kernel_heap_limit_frames(64);
	void **last = NULL;
	size_t n = 0;
	void **b;
	while ((b = kmalloc(65536, 8)) != NULL) {
		*b = last;
		last = b;
		n++;
	}
	struct heap_stats s = kernel_heap_stats();
	kprintf("  %zu blocks of 64 KiB, then NULL: the heap is %zu bytes\n",
		n, s.size);
	while (last != NULL) {
		void **prev = *last;
		kfree(last, 65536, 8);
		last = prev;
	}
	kernel_heap_limit_frames(SIZE_MAX);
	kernel_heap_show("all freed:");
}

/* The demo kernel's entry (the test kernel's is in ktest.c). */
void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	kernel_heap_show("start:");
	where_blocks_go();
	rounding();
	burst();
	processes();
	out_of_frames();
	kernel_heap_check();
	kprintf("heap check passed: %zu live\n", kernel_heap_stats().live);
}
