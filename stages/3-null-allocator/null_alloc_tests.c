/*
 * null_alloc_tests.c - with the null allocator, every allocation fails the
 * way the interface promises.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "ktest.h"
#include "mem.h"

static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

KTEST(global_allocator_is_the_null_allocator)
{
	KT_ASSERT(strcmp(global_allocator->name, "null") == 0);
}

KTEST(fallible_calls_return_null)
{
	KT_ASSERT(kmalloc(1, 1) == NULL);
	KT_ASSERT(kmalloc(4096, 4096) == NULL);
	KT_ASSERT(kcalloc(10, 10, 8) == NULL);
	KT_ASSERT(krealloc(NULL, 0, 8, 64) == NULL);
	KT_ASSERT(allocator_alloc_zeroed(global_allocator, LAYOUT_OF(long)) ==
		  NULL);
}

KTEST_SHOULD_PANIC(box_of_41_is_an_allocation_error,
		   "allocation error: size 4, align 4")
{
	int *answer = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*answer = 41;
}

KTEST_SHOULD_PANIC(infallible_calloc_reports_the_array_layout,
		   "allocation error: size 400, align 8")
{
	kcalloc_or_panic(50, 8, 8);
}

KTEST_SHOULD_PANIC(infallible_call_with_invalid_layout_is_refused,
		   "alignment is not a power of two")
{
	kmalloc_or_panic(8, runtime(6));
}

KTEST_SHOULD_PANIC(dealloc_is_never_expected, "dealloc should never be called")
{
	/* (through runtime(): GCC would reject the constant pointer) */
	kfree((void *)runtime(HEAP_START), 4, 4);
}
