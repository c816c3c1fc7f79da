/*
 * Exercise 4.2, in the kernel: kmalloc_long(size, align) and
 * kfree_long(ptr, size, align) (stages/4-bump-heap/kernel_heap.c,
 * kernel_heap.h) serve long-lived blocks from the top of the kernel heap,
 * under the heap's lock; NULL if it does not fit or the layout is
 * invalid.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

KTEST(kmalloc_long_comes_from_the_top_of_the_heap)
{
	long *k = kmalloc_long(sizeof(long), _Alignof(long));
	KT_ASSERT(k != NULL);
	KT_ASSERT_EQ((uintptr_t)k, HEAP_START + HEAP_SIZE - sizeof(long));
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	kfree_long(k, sizeof(long), _Alignof(long));
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	KT_ASSERT_EQ(kernel_heap_stats().free, HEAP_SIZE);
}

/* The demo's "where a bump heap breaks down", with the kept block from the
 * top: twice as many iterations as the heap could serve before. */
KTEST(a_long_lived_block_no_longer_exhausts_the_heap)
{
	long *keep = kmalloc_long(sizeof(long), _Alignof(long));
	KT_ASSERT(keep != NULL);
	*keep = 7;
	for (long i = 0; i < 2 * HEAP_SIZE / 8; i++) {
		long *tmp = kmalloc(sizeof(long), _Alignof(long));
		KT_ASSERT_MSG(tmp != NULL, "out of memory at iteration %ld", i);
		*tmp = i;
		kfree(tmp, sizeof(long), _Alignof(long));
	}
	KT_ASSERT_EQ(*keep, 7);
	KT_ASSERT_EQ(kernel_heap_stats().used, 8);
	kfree_long(keep, sizeof(long), _Alignof(long));
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

static size_t hidden(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

KTEST(kmalloc_long_refuses_what_does_not_fit)
{
	KT_ASSERT(kmalloc_long(hidden(HEAP_SIZE + 1), 1) == NULL);
	KT_ASSERT(kmalloc_long(8, hidden(3)) == NULL);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}
