/*
 * fixed_heap_tests.c - the contract of a heap of fixed size: its pages
 * are mapped at boot, all of it can be allocated at once, and not one
 * byte more.  (Stages 4 to 6; the heap of chapter 7 grows, and has its
 * own tests of its limit.)
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "ktest.h"

static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/* init.c mapped the heap's pages, all of them and no more, before any
 * test ran. */
KTEST(heap_is_mapped_at_boot)
{
	struct translation t;
	KT_ASSERT(paging_translate(HEAP_START, &t));
	KT_ASSERT(paging_translate(HEAP_START + HEAP_SIZE - 1, &t));
	KT_ASSERT(!paging_translate(HEAP_START + HEAP_SIZE, &t));
}

KTEST(edge_exact_last_byte_and_one_byte_too_big)
{
	KT_ASSERT(kmalloc(runtime(HEAP_SIZE + 1), 1) == NULL);
	uint8_t *all = kmalloc(runtime(HEAP_SIZE), 1);
	KT_ASSERT(all != NULL);
	KT_ASSERT_EQ((uintptr_t)all, HEAP_START);
	all[HEAP_SIZE - 1] = 0xab; /* the last byte is mapped and ours */
	KT_ASSERT_EQ(all[HEAP_SIZE - 1], 0xab);
	KT_ASSERT(kmalloc(1, 1) == NULL);
	/* GCC knows `all` == HEAP_START from the assertion above and takes
	 * it for a non-heap constant: hide the value from it. */
	kfree((void *)runtime((uintptr_t)all), HEAP_SIZE, 1);
}
