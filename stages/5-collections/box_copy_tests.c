/*
 * box_copy_tests.c - boxes on chapter 4's bump heap, with its exact
 * numbers: Box::try_new on a full heap, and a box copied by value, freed
 * twice, which the bump heap catches at the second free with nothing live.
 * Stage 6 leaves this file out (a heap that grows is never full, and each
 * allocator reports a double free in words of its own; stage 8 runs
 * box_copy_double_free.c as a run-time bug).
 */
#include <stdint.h>

#include "box.h"
#include "heap.h"
#include "ktest.h"

BOX_DEFINE(box_int, int);

static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/* Box::try_new: false, and the box empty, when the heap is full; the
 * value boxed once there is room again. */
KTEST(try_new_reports_a_full_heap)
{
	void *all = kmalloc(HEAP_SIZE, 1);
	KT_ASSERT(all != NULL);
	struct box_int b;
	KT_ASSERT(!box_int_try_new(41, &b));
	KT_ASSERT(b.ptr == NULL);
	kfree(all, HEAP_SIZE, 1);
	KT_ASSERT(box_int_try_new(41, &b));
	KT_ASSERT_EQ(*b.ptr, 41);
	box_int_drop(&b);
}

/* A box copied by value: C copies the struct, and both copies own the
 * block.  GCC rejects the plain `AUTO_BOX(box_int) b = a;` at compile time
 * (tests/compile-fail/box_copy_double_free.c; clang compiles it): here the
 * copy is made in a noinline function GCC 12 happens not to see through
 * (noinline promises nothing: exercise 5.8).  At the end of the scope b's
 * cleanup frees the block, then a's frees it again, with nothing live: the
 * bump heap panics. */
static __attribute__((noinline)) struct box_int
box_int_copy(const struct box_int *b)
{
	return *b;
}

KTEST_SHOULD_PANIC(copied_box_is_freed_twice,
		   "freed with no block live (double free?)")
{
	AUTO_BOX(box_int) a = box_int_new(41);
	AUTO_BOX(box_int) b = box_int_copy(&a);
	/* two owners (compared through runtime(), or GCC would know) */
	KT_ASSERT(runtime((uintptr_t)a.ptr) == (uintptr_t)b.ptr);
}
