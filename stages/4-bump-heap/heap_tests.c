/*
 * heap_tests.c - the contract of a kernel heap: what every global
 * allocator of this course must do, whatever its design.
 *
 * The tutorial's heap tests, the edge cases of layouts and sizes, and the
 * boxes released on every way out of a scope.  Stage 4 runs them on the
 * bump heap (and adds bump_heap_tests.c, what is particular to it); later
 * stages run the same file on their allocators.
 *
 * Every test leaves the heap as it found it (no live allocation), so each
 * starts on an empty heap, and `used` is back to 0 after it.
 */
#include <stdint.h>

#include "alloc.h"
#include "box.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

/* A test that fails (or panics) jumps over its AUTO_BOX cleanups and leaves
 * blocks live: the runner then calls this, so the next test starts on an
 * empty heap and one failure stays one failure. */
KTEST_RESET(kernel_heap_init);

BOX_DEFINE(box_int, int);
BOX_DEFINE(box_u64, uint64_t);

static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

KTEST(heap_is_empty_before_the_heap_tests)
{
	struct heap_stats s = kernel_heap_stats();
	KT_ASSERT_EQ(s.live, 0);
	KT_ASSERT_EQ(s.used, 0);
	KT_ASSERT_EQ(s.free, HEAP_SIZE);
}

KTEST(simple_allocation)
{
	AUTO_BOX(box_int) a = box_int_new(41);
	AUTO_BOX(box_int) b = box_int_new(13);
	KT_ASSERT_EQ(*a.ptr, 41);
	KT_ASSERT_EQ(*b.ptr, 13);
	KT_ASSERT((uintptr_t)a.ptr >= HEAP_START &&
		  (uintptr_t)a.ptr < HEAP_START + HEAP_SIZE);
}

KTEST(large_vec)
{
	size_t n = 1000, cap = 1, len = 0;
	uint64_t *v = kmalloc_or_panic(cap * sizeof *v, _Alignof(uint64_t));
	for (uint64_t i = 0; i < n; i++) {
		if (len == cap) {
			uint64_t *bigger =
				krealloc(v, cap * sizeof *v, _Alignof(uint64_t),
					 2 * cap * sizeof *v);
			KT_ASSERT(bigger != NULL);
			v = bigger;
			cap *= 2;
		}
		v[len++] = i;
	}
	uint64_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += v[i];
	kfree(v, cap * sizeof *v, _Alignof(uint64_t));
	KT_ASSERT_EQ(sum, (n - 1) * n / 2);
	KT_ASSERT_EQ(sum, 499500);
}

KTEST(many_boxes)
{
	for (uint64_t i = 0; i < HEAP_SIZE; i++) {
		AUTO_BOX(box_u64) x = box_u64_new(i);
		KT_ASSERT_EQ(*x.ptr, i);
	}
	KT_ASSERT_EQ(kernel_heap_stats().used, 0);
}

KTEST(edge_zero_size_and_alignments)
{
	void *z = kmalloc(0, 1);
	KT_ASSERT(z != NULL);
	kfree(z, 0, 1);
	for (size_t align = 1; align <= 4096; align *= 2) {
		void *p = kmalloc(1, align);
		KT_ASSERT_MSG(p != NULL, "align %zu", align);
		KT_ASSERT_MSG((uintptr_t)p % align == 0, "%p not %zu-aligned",
			      p, align);
		kfree(p, 1, align);
	}
	KT_ASSERT_EQ(kernel_heap_stats().used, 0);
}

KTEST(edge_size_overflow_and_huge_alignment)
{
	KT_ASSERT(kmalloc(runtime(SIZE_MAX), 1) == NULL);
	KT_ASSERT(kmalloc(runtime(SIZE_MAX - 4096), 4096) == NULL);
	KT_ASSERT(kmalloc(1, runtime((size_t)1 << 62)) == NULL);
	KT_ASSERT(kcalloc(runtime(SIZE_MAX / 2), 3, 1) == NULL);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* These would fit in the heap: only layout validation refuses them, and
 * the heap must not move. */
KTEST(invalid_layouts_are_refused_before_the_allocator)
{
	KT_ASSERT(kmalloc(8, runtime(3)) == NULL);
	KT_ASSERT(kmalloc(8, runtime(0)) == NULL);
	KT_ASSERT(kcalloc(2, 8, runtime(24)) == NULL);
	KT_ASSERT(krealloc(NULL, 0, runtime(12), 8) == NULL);
	KT_ASSERT_EQ(kernel_heap_stats().used, 0);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
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
