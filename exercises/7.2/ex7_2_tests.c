/*
 * Exercise 7.2: each size class counts the slabs it made and the slabs it
 * gave back to the free list since kernel_heap_init (`made` and
 * `released` in struct slab_class_stats, stages/7-size-classes/slab.h),
 * as kernel_heap_class_stats reports them; made - released is always the
 * slabs it has.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"
#include "slab.h"

static struct slab_class_stats stats_of(int class)
{
	struct slab_class_stats s;
	kernel_heap_class_stats(class, &s);
	return s;
}

/* 70 blocks of 1024 bytes fill exactly 10 slabs of 7; freed, 9 of the
 * slabs go back and one is kept. */
KTEST(a_class_counts_the_slabs_it_makes_and_gives_back)
{
	static void *p[70];
	int c = slab_class_of((struct layout){1024, 8});
	struct slab_class_stats s0 = stats_of(c);
	KT_ASSERT_EQ(s0.live, 0);
	KT_ASSERT(s0.slabs <= SLAB_KEEP_EMPTY);
	KT_ASSERT_EQ(s0.made - s0.released, s0.slabs);
	for (int i = 0; i < 70; i++)
		p[i] = kmalloc_or_panic(1024, 8);
	struct slab_class_stats s1 = stats_of(c);
	KT_ASSERT_EQ(s1.slabs, 10);
	KT_ASSERT_EQ(s1.made - s0.made, 10 - s0.slabs); /* a kept one is used */
	KT_ASSERT_EQ(s1.released, s0.released);
	for (int i = 0; i < 70; i++)
		kfree(p[i], 1024, 8);
	struct slab_class_stats s2 = stats_of(c);
	KT_ASSERT_EQ(s2.slabs, SLAB_KEEP_EMPTY);
	KT_ASSERT_EQ(s2.made, s1.made);
	KT_ASSERT_EQ(s2.released - s1.released, 10 - SLAB_KEEP_EMPTY);
	KT_ASSERT_EQ(s2.made - s2.released, s2.slabs);
	kernel_heap_check();
}

/* Every class, whatever the tests before did: made - released is the
 * slabs it has. */
KTEST(made_minus_given_back_is_the_slabs_of_every_class)
{
	for (int c = 0; c < SLAB_CLASSES; c++) {
		struct slab_class_stats s = stats_of(c);
		KT_ASSERT_MSG(s.made - s.released == s.slabs,
			      "class %d: %zu made, %zu given back, %zu slabs",
			      c, s.made, s.released, s.slabs);
		KT_ASSERT(s.released <= s.made);
	}
}
