/*
 * slab_tests.c - stage 7's in-kernel tests: blocks served by their size
 * class and aligned to it, class boundaries, empty slabs given back, the
 * heap growing on demand up to its limit, and failing cleanly when frames
 * run out; the frees the slabs refuse.
 *
 * heap_tests.c (stage 4) and the collections' tests run first, on the
 * same heap.  Every test here leaves no block live.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"
#include "slab.h"

static uintptr_t runtime(uintptr_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/* Called by the runner after a failed test: no frame limit left over. */
static void no_frame_limit(void)
{
	kernel_heap_limit_frames(SIZE_MAX);
}
KTEST_RESET(no_frame_limit);

KTEST(each_size_takes_the_next_power_of_two_and_its_alignment)
{
	for (size_t size = 1; size <= SLAB_MAX_BLOCK; size = size * 3 / 2 + 1) {
		int c = slab_class_of((struct layout){size, 1});
		size_t block = (size_t)SLAB_MIN_BLOCK << c;
		KT_ASSERT_MSG(block >= size && (block == SLAB_MIN_BLOCK ||
						block / 2 < size),
			      "size %zu in the %zu-byte class", size, block);
		void *p = kmalloc_or_panic(size, 1);
		KT_ASSERT_MSG((uintptr_t)p % block == 0, "%p not %zu-aligned",
			      p, block);
		kfree(p, size, 1);
	}
	kernel_heap_check();
}

KTEST(class_boundaries_two_to_the_k_minus_one_k_and_plus_one)
{
	for (size_t k = 3; k <= 11; k++) {
		size_t two_k = (size_t)1 << k;
		KT_ASSERT_EQ(slab_class_of((struct layout){two_k - 1, 1}),
			     k == 3 ? 0 : (int)k - 3);
		KT_ASSERT_EQ(slab_class_of((struct layout){two_k, 1}),
			     (int)k - 3);
		KT_ASSERT_EQ(slab_class_of((struct layout){two_k + 1, 1}),
			     k == 11 ? -1 : (int)k - 2);
	}
	KT_ASSERT_EQ(slab_class_of((struct layout){0, 1}), 0);
}

KTEST(alignments_up_to_4096)
{
	for (size_t align = 1; align <= 4096; align *= 2) {
		void *a = kmalloc_or_panic(1, align);
		void *b = kmalloc_or_panic(100, align);
		KT_ASSERT_MSG((uintptr_t)a % align == 0 &&
				      (uintptr_t)b % align == 0,
			      "align %zu: %p %p", align, a, b);
		kfree(a, 1, align);
		kfree(b, 100, align);
	}
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	kernel_heap_check();
}

KTEST(realloc_stays_in_place_within_a_class)
{
	char *p = kmalloc_or_panic(20, 8); /* the 32-byte class */
	p[0] = 'x';
	KT_ASSERT(krealloc(p, 20, 8, 32) == p);
	char *q = krealloc(p, 32, 8, 33); /* the 64-byte class: moves */
	KT_ASSERT(q != NULL && q != p && q[0] == 'x');
	kfree(q, 33, 8);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* 100000 blocks of 16 bytes, chained through themselves, then freed: the
 * heap grows for them, and the slabs go back to the free list, which is
 * one block again but for the one empty slab per class kept. */
KTEST(a_burst_of_small_blocks_freed_gives_its_slabs_back)
{
	void **last = NULL;
	for (int i = 0; i < 100000; i++) {
		void **b = kmalloc(16, 8);
		KT_ASSERT_MSG(b != NULL, "block %d", i);
		*b = last;
		last = b;
	}
	struct heap_stats full = kernel_heap_stats();
	KT_ASSERT(full.size >= 100000 * 16);
	while (last != NULL) {
		void **prev = *last;
		kfree(last, 16, 8);
		last = prev;
	}
	kernel_heap_check();
	struct heap_stats s = kernel_heap_stats();
	KT_ASSERT_EQ(s.live, 0);
	KT_ASSERT_MSG(s.largest_free >= s.size - SLAB_CLASSES * 16384,
		      "largest free block %zu of %zu", s.largest_free, s.size);
}

KTEST(when_frames_run_out_the_allocation_fails_cleanly)
{
	struct heap_stats before = kernel_heap_stats();
	kernel_heap_limit_frames(0);
	size_t big = before.size + 4096; /* cannot fit without growing */
	KT_ASSERT(kmalloc(runtime(big), 8) == NULL);
	KT_ASSERT_EQ(kernel_heap_stats().size, before.size);
	kernel_heap_limit_frames(2);
	KT_ASSERT(kmalloc(runtime(big), 8) == NULL); /* 2 frames: not enough */
	KT_ASSERT_EQ(kernel_heap_stats().size, before.size + 2 * 4096);
	kernel_heap_limit_frames(SIZE_MAX);
	void *p = kmalloc_or_panic(big, 8);
	kfree(p, big, 8);
	kernel_heap_check();
}

/* Blocks of 1 MiB until NULL: the heap stops at its maximum, or earlier
 * if the machine has no frames left (the -m 16M variant), never with a
 * panic; then everything is freed and allocation works again. */
KTEST(the_heap_grows_to_its_limit_and_then_says_no)
{
	void **last = NULL;
	size_t n = 0;
	void **b;
	while ((b = kmalloc(1 << 20, 8)) != NULL) {
		*b = last;
		last = b;
		n++;
	}
	struct heap_stats s = kernel_heap_stats();
	KT_ASSERT(s.size <= HEAP_MAX_SIZE);
	KT_ASSERT(n >= 1 && n < HEAP_MAX_SIZE / (1 << 20));
	while (last != NULL) {
		void **prev = *last;
		kfree(last, 1 << 20, 8);
		last = prev;
	}
	KT_ASSERT(kmalloc(runtime(HEAP_MAX_SIZE), 1) == NULL);
	void *again = kmalloc_or_panic(1 << 20, 8);
	kfree(again, 1 << 20, 8);
	kernel_heap_check();
}

KTEST_SHOULD_PANIC(double_free_in_an_empty_slab_is_caught,
		   "is free already (double free?)")
{
	void *p = kmalloc_or_panic(512, 8);
	uintptr_t addr = runtime((uintptr_t)p);
	kfree(p, 512, 8);
	kfree((void *)addr, 512, 8);
}

KTEST_SHOULD_PANIC(a_free_with_the_wrong_size_is_caught,
		   "is not a block of a 128-byte slab")
{
	void *p = kmalloc_or_panic(24, 8); /* a 32-byte block */
	kfree(p, 100, 8);		   /* freed as a 128-byte one */
}
