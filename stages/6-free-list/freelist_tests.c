/*
 * freelist_tests.c - stage 6's in-kernel tests of the free-list heap: what
 * the bump heap could not do (reuse, the long-lived box, the churn to the
 * end), first fit, split, merge, realloc in place, aligned gaps kept,
 * fragmentation, and the frees it refuses.
 *
 * heap_tests.c (stage 4) runs first, on the same heap: the contract every
 * kernel heap keeps.  Every test here leaves the heap empty, and checks
 * the free list's invariants on the way (kernel_heap_check).
 */
#include <stdint.h>

#include "alloc.h"
#include "box.h"
#include "churn.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

BOX_DEFINE(box_u64, uint64_t);

static uintptr_t runtime(uintptr_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/* The heap is one free block covering all of it. */
static bool heap_is_one_block(void)
{
	kernel_heap_check();
	struct heap_stats s = kernel_heap_stats();
	return s.live == 0 && s.free_blocks == 1 && s.largest_free == HEAP_SIZE;
}

/* The tutorial's fourth heap test, which the bump heap fails: one box
 * kept alive while HEAP_SIZE others come and go. */
KTEST(many_boxes_long_lived)
{
	AUTO_BOX(box_u64) long_lived = box_u64_new(1);
	for (uint64_t i = 0; i < HEAP_SIZE; i++) {
		AUTO_BOX(box_u64) x = box_u64_new(i);
		KT_ASSERT_EQ(*x.ptr, i);
	}
	KT_ASSERT_EQ(*long_lived.ptr, 1);
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	KT_ASSERT_EQ(kernel_heap_stats().used, 16);
}

/* Chapter 5's workload, which stopped the bump heap at process 3180. */
KTEST(churn_runs_to_the_end_and_the_heap_returns_to_one_block)
{
	struct churn_result r = churn_run(20000, 16);
	KT_ASSERT_EQ(r.created, 20000);
	KT_ASSERT_EQ(r.alive, 16);
	KT_ASSERT(heap_is_one_block());
}

KTEST(a_freed_block_is_reused_first_fit)
{
	void *a = kmalloc_or_panic(40, 8);
	void *b = kmalloc_or_panic(40, 8);
	uintptr_t was = runtime((uintptr_t)a);
	kfree(a, 40, 8);
	void *c = kmalloc_or_panic(24, 8); /* fits in a's hole: taken */
	KT_ASSERT_EQ((uintptr_t)c, was);
	KT_ASSERT_EQ(kernel_heap_stats().free_blocks, 2); /* a's rest, end */
	kfree(c, 24, 8);
	kfree(b, 40, 8);
	KT_ASSERT(heap_is_one_block());
}

KTEST(free_merges_with_the_block_below_above_and_both)
{
	char *a = kmalloc_or_panic(32, 8), *b = kmalloc_or_panic(32, 8);
	char *c = kmalloc_or_panic(32, 8), *d = kmalloc_or_panic(32, 8);
	kfree(a, 32, 8); /* [a] free, b c d live, then the rest */
	KT_ASSERT_EQ(kernel_heap_stats().free_blocks, 2);
	kfree(b, 32, 8); /* merges with a, below */
	KT_ASSERT_EQ(kernel_heap_stats().free_blocks, 2);
	KT_ASSERT_EQ(kernel_heap_stats().free, HEAP_SIZE - 64); /* c, d */
	kfree(d, 32, 8); /* merges with the rest, above */
	KT_ASSERT_EQ(kernel_heap_stats().free_blocks, 2);
	KT_ASSERT_EQ(kernel_heap_stats().largest_free, HEAP_SIZE - 3 * 32);
	kfree(c, 32, 8); /* merges with both: one block */
	KT_ASSERT(heap_is_one_block());
}

KTEST(realloc_shrinks_and_grows_in_place)
{
	char *a = kmalloc_or_panic(256, 8);
	char *b = kmalloc_or_panic(16, 8);
	a[0] = 'x';
	char *a2 = krealloc(a, 256, 8, 64); /* the tail is freed */
	KT_ASSERT(a2 == a);
	KT_ASSERT_EQ(kernel_heap_stats().free, HEAP_SIZE - 64 - 16);
	char *a3 = krealloc(a2, 64, 8, 192); /* grows into that tail */
	KT_ASSERT(a3 == a);
	KT_ASSERT_EQ(a3[0], 'x');
	char *a4 = krealloc(a3, 192, 8, 512); /* b is in the way: moves */
	KT_ASSERT(a4 != NULL && a4 != a);
	KT_ASSERT_EQ(a4[0], 'x');
	kfree(a4, 512, 8);
	kfree(b, 16, 8);
	KT_ASSERT(heap_is_one_block());
}

/* blog_os issue #796: its allocator lost the gap in front of an aligned
 * block.  Here the gap is a free block, used by the next small request. */
KTEST(the_gap_in_front_of_an_aligned_block_stays_free)
{
	void *a = kmalloc_or_panic(16, 8);		/* [0, 16) */
	void *b = kmalloc_or_panic(64, 256);		/* [256, 320) */
	KT_ASSERT_EQ(runtime((uintptr_t)b), HEAP_START + 256);
	KT_ASSERT_EQ(kernel_heap_stats().used, 16 + 64); /* no padding */
	void *c = kmalloc_or_panic(240, 8); /* exactly the gap */
	KT_ASSERT_EQ(runtime((uintptr_t)c), HEAP_START + 16);
	kfree(a, 16, 8);
	kfree(b, 64, 256);
	kfree(c, 240, 8);
	KT_ASSERT(heap_is_one_block());
}

static void *blocks[HEAP_SIZE / 64];

/* External fragmentation: half the heap is free, in 64-byte holes, and a
 * 128-byte request fails. */
KTEST(fragmented_heap_fails_a_request_smaller_than_what_is_free)
{
	size_t n = 0;
	while (n < HEAP_SIZE / 64 && (blocks[n] = kmalloc(64, 8)) != NULL)
		n++;
	KT_ASSERT_EQ(n, HEAP_SIZE / 64);
	for (size_t i = 0; i < n; i += 2)
		kfree(blocks[i], 64, 8);
	struct heap_stats s = kernel_heap_stats();
	KT_ASSERT_EQ(s.free, HEAP_SIZE / 2);
	KT_ASSERT_EQ(s.largest_free, 64);
	KT_ASSERT(kmalloc(128, 8) == NULL);
	for (size_t i = 1; i < n; i += 2)
		kfree(blocks[i], 64, 8);
	KT_ASSERT(heap_is_one_block());
}

KTEST_SHOULD_PANIC(double_free_is_caught_while_the_block_is_free,
		   "freelist_dealloc: 0x0000444444440000 is free already "
		   "(double free?)")
{
	void *keep = kmalloc_or_panic(8, 8);
	void *p = kmalloc_or_panic(8, 8);
	uintptr_t addr = runtime((uintptr_t)keep);
	(void)p;
	kfree(keep, 8, 8);
	kfree((void *)addr, 8, 8);
}

KTEST_SHOULD_PANIC(free_of_a_pointer_outside_the_heap_is_refused,
		   "freelist_dealloc: 0x0000000000001000 +16 is not in the heap")
{
	void *p = kmalloc_or_panic(8, 8);
	(void)p;
	kfree((void *)runtime(0x1000), 8, 8);
}
