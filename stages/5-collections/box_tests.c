/*
 * box_tests.c - Box and AUTO_BOX (box.h): a box is freed on every way out
 * of its scope, take() moves the block out, a second drop frees nothing,
 * and what C does not prevent (a box assigned over a live one leaks).
 *
 * Part of the contract every later heap keeps: stages 6 to 8 run this file
 * on their allocators too.  Every test leaves the heap as it found it
 * (heap_tests.c's KTEST_RESET empties it after a failure).
 */
#include <stdint.h>

#include "alloc.h"
#include "box.h"
#include "kernel_heap.h"
#include "ktest.h"

BOX_DEFINE(box_int, int);

static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

static int leave_by_break(void)
{
	int seen = 0;
	for (int i = 0; i < 10; i++) {
		AUTO_BOX(box_int) b = box_int_new(i);
		seen += *b.ptr;
		if (i == 3)
			break;
	}
	return seen;
}

static int leave_by_goto(void)
{
	int r = 0;
	{
		AUTO_BOX(box_int) b = box_int_new(5);
		r = *b.ptr;
		if (r == 5)
			goto out;
		r = -1;
	}
out:
	return r;
}

static int leave_by_return(void)
{
	AUTO_BOX(box_int) b = box_int_new(9);
	return *b.ptr;
}

KTEST(scope_release_on_every_exit_path)
{
	size_t before = kernel_heap_stats().live;
	{
		AUTO_BOX(box_int) a = box_int_new(1);
		AUTO_BOX(box_int) b = box_int_new(2);
		KT_ASSERT_EQ(kernel_heap_stats().live, before + 2);
		KT_ASSERT_EQ(*a.ptr + *b.ptr, 3);
	}
	KT_ASSERT_EQ(kernel_heap_stats().live, before);
	KT_ASSERT_EQ(leave_by_break(), 0 + 1 + 2 + 3);
	KT_ASSERT_EQ(kernel_heap_stats().live, before);
	KT_ASSERT_EQ(leave_by_goto(), 5);
	KT_ASSERT_EQ(kernel_heap_stats().live, before);
	KT_ASSERT_EQ(leave_by_return(), 9);
	KT_ASSERT_EQ(kernel_heap_stats().live, before);
}

KTEST(take_moves_ownership_out_of_the_scope)
{
	int *moved;
	{
		AUTO_BOX(box_int) b = box_int_new(77);
		/* b is left empty: its cleanup frees nothing */
		moved = box_int_take(&b);
	}
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	KT_ASSERT_EQ(*moved, 77);
	kfree(moved, sizeof *moved, _Alignof(int));
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* Dropping a box empties it, so a second drop frees nothing, even while
 * another block is live, where a second kfree would go unnoticed. */
KTEST(dropping_a_box_twice_frees_it_once)
{
	AUTO_BOX(box_int) keep = box_int_new(1);
	struct box_int once = box_int_new(5);
	box_int_drop(&once);
	KT_ASSERT(once.ptr == NULL);
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	box_int_drop(&once);
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	KT_ASSERT_EQ(*keep.ptr, 1);
}

/* Assigning a new box over a live one loses the only pointer to the old
 * block: the scope's cleanup frees the new one, and the old one leaks. */
KTEST(reassigned_box_leaks_the_old_value)
{
	int *old;
	{
		AUTO_BOX(box_int) a = box_int_new(41);
		old = (int *)runtime((uintptr_t)a.ptr);
		a = box_int_new(42);
		KT_ASSERT_EQ(*a.ptr, 42);
	}
	KT_ASSERT_EQ(kernel_heap_stats().live, 1); /* the 41 */
	KT_ASSERT_EQ(*old, 41);
	kfree(old, sizeof(int), _Alignof(int));
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}
