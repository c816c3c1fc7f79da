/*
 * heap_tests.c - the contract of a kernel heap: what every global
 * allocator of this course must do, whatever its design.
 *
 * The tutorial's heap tests and the edge cases of layouts and sizes
 * (chapter 5's box_tests.c adds the boxes).  Stage 4 runs them on the
 * bump heap (and adds bump_heap_tests.c, what is particular to it); later
 * stages run the same file on their allocators.
 *
 * Every test leaves the heap as it found it (no live allocation), so each
 * starts on an empty heap, and `used` is back to 0 after it.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

/* A test that fails (or panics) jumps over its frees (and, in chapter 5's
 * box_tests.c, its AUTO_BOX cleanups) and leaves blocks live: the runner
 * then calls this, so the next test starts on an empty heap and one
 * failure stays one failure. */
KTEST_RESET(kernel_heap_init);

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

/* The tutorial's Box::new(41) is kmalloc_or_panic and a store here (Box
 * itself is chapter 5's). */
KTEST(simple_allocation)
{
	int *a = kmalloc_or_panic(sizeof(int), _Alignof(int));
	int *b = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*a = 41;
	*b = 13;
	KT_ASSERT_EQ(*a, 41);
	KT_ASSERT_EQ(*b, 13);
	KT_ASSERT((uintptr_t)a >= HEAP_START &&
		  (uintptr_t)a < HEAP_START + HEAP_SIZE);
	kfree(b, sizeof(int), _Alignof(int));
	kfree(a, sizeof(int), _Alignof(int));
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

/* More blocks than fit at once, each freed before the next. */
KTEST(many_boxes)
{
	for (uint64_t i = 0; i < HEAP_SIZE; i++) {
		uint64_t *x = kmalloc_or_panic(sizeof *x, _Alignof(uint64_t));
		*x = i;
		KT_ASSERT_EQ(*x, i);
		kfree(x, sizeof *x, _Alignof(uint64_t));
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
