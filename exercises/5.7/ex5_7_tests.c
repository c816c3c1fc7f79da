/*
 * Exercise 5.7: BOX_ARRAY_DEFINE(name, T) in stages/5-collections/box.h,
 * Rust's Box<[T]>: a pointer and a length, the elements zeroed.
 *
 *   struct name { T *ptr; size_t len; };
 *   struct name name_new(size_t n);      n zeroed elements; panics with
 *                                        the layout if the heap is full
 *   T *name_at(const struct name *b, size_t i)
 *                                        panics with "index out of
 *                                        bounds: the len is L but the
 *                                        index is I" unless i < len
 *   void name_drop(struct name *b)       frees; the box is empty after
 *                                        (ptr NULL, len 0)
 *
 * and AUTO_BOX(name) frees it at the end of its scope.
 */
#include <stdint.h>

#include "box.h"
#include "kernel_heap.h"
#include "ktest.h"

#ifndef BOX_ARRAY_DEFINE
#error "exercise 5.7: define BOX_ARRAY_DEFINE(name, T) in box.h"
#endif

BOX_ARRAY_DEFINE(ex_u32s, uint32_t);

KTEST(box_array_holds_n_zeroed_elements)
{
	size_t live = kernel_heap_stats().live;
	{
		AUTO_BOX(ex_u32s) b = ex_u32s_new(5);
		KT_ASSERT_EQ(b.len, 5);
		KT_ASSERT_EQ(kernel_heap_stats().live, live + 1);
		for (size_t i = 0; i < b.len; i++) {
			KT_ASSERT_EQ(*ex_u32s_at(&b, i), 0);
			*ex_u32s_at(&b, i) = (uint32_t)(i * i);
		}
		KT_ASSERT_EQ(*ex_u32s_at(&b, 4), 16);
		KT_ASSERT_EQ(b.ptr[3], 9);
	}
	KT_ASSERT_EQ(kernel_heap_stats().live, live); /* freed at scope end */
}

KTEST(box_array_drop_empties_the_box)
{
	struct ex_u32s b = ex_u32s_new(3);
	ex_u32s_drop(&b);
	KT_ASSERT(b.ptr == NULL);
	KT_ASSERT_EQ(b.len, 0);
	ex_u32s_drop(&b); /* harmless on an empty box */
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

KTEST(box_array_of_zero_elements)
{
	AUTO_BOX(ex_u32s) b = ex_u32s_new(0);
	KT_ASSERT_EQ(b.len, 0);
}

/* No heap block here: a panic skips the cleanups, and the heap tests
 * that follow expect an empty heap. */
KTEST_SHOULD_PANIC(box_array_index_out_of_bounds_panics,
		   "index out of bounds: the len is 3 but the index is 3")
{
	uint32_t three[3] = {1, 2, 3};
	struct ex_u32s b = {three, 3};
	KT_ASSERT_EQ(*ex_u32s_at(&b, 2), 3);
	ex_u32s_at(&b, 3);
}
