/*
 * Exercise 7.1: finer size classes (stages/7-size-classes/slab.c,
 * slab.h).  SLAB_CLASSES is 16: the powers of two from 8 to 2048 and,
 * from 16 on, the size halfway between two of them (3 * 2^k); class i's
 * block size is slab_class_block(i).  A block sits on a multiple of its
 * size, so it is aligned to the largest power of two that divides it;
 * slab_class_of gives the smallest class whose blocks hold the size at
 * the alignment.  test_ex7_1.c fills the slabs of every class on the
 * host.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"
#include "slab.h"

static const size_t blocks[16] = {8,   16,  24,	 32,   48,   64,   96,	 128,
				  192, 256, 384, 512, 768, 1024, 1536, 2048};

KTEST(the_sixteen_classes)
{
	KT_ASSERT_EQ(SLAB_CLASSES, 16);
	for (int c = 0; c < 16; c++)
		KT_ASSERT_MSG(slab_class_block(c) == blocks[c],
			      "class %d: %zu bytes, not %zu", c,
			      slab_class_block(c), blocks[c]);
}

/* Does a block of `block` bytes hold `size` bytes aligned to `align`? */
static bool holds(size_t block, size_t size, size_t align)
{
	return block >= size && block % align == 0;
}

/* Every size from 0 to 2049 at every alignment from 1 to 4096. */
KTEST(each_layout_takes_the_smallest_class_that_holds_it)
{
	for (size_t align = 1; align <= 4096; align *= 2) {
		for (size_t size = 0; size <= 2049; size++) {
			int c = slab_class_of((struct layout){size, align});
			if (size > 2048 || align > 2048) {
				KT_ASSERT_MSG(c == -1, "%zu/%zu: class %d",
					      size, align, c);
				continue;
			}
			KT_ASSERT_MSG(c >= 0 && c < 16, "%zu/%zu: class %d",
				      size, align, c);
			KT_ASSERT_MSG(holds(blocks[c], size, align),
				      "%zu/%zu in the %zu-byte class", size,
				      align, blocks[c]);
			for (int d = 0; d < c; d++)
				KT_ASSERT_MSG(!holds(blocks[d], size, align),
					      "%zu/%zu in the %zu-byte class, "
					      "not %zu",
					      size, align, blocks[c], blocks[d]);
		}
	}
}

/* A few blocks of the new classes from the kernel heap: each in the
 * class that holds it, aligned, and all its own.  (Few: a test here must
 * not make the heap grow; test_ex7_1.c fills every class on the host.) */
KTEST(kmalloc_serves_the_new_classes)
{
	static const size_t sizes[][2] = {{24, 8}, {40, 16}, {90, 32},
					  {40, 32}, {17, 1}, {33, 16}};
	static const size_t block[] = {24, 48, 96, 64, 24, 48};
	uint8_t *p[6];
	for (int i = 0; i < 6; i++) {
		size_t size = sizes[i][0], align = sizes[i][1];
		KT_ASSERT_EQ(slab_class_block(
				     slab_class_of((struct layout){size, align})),
			     block[i]);
		p[i] = kmalloc_or_panic(size, align);
		KT_ASSERT_MSG((uintptr_t)p[i] % align == 0, "%p not %zu-aligned",
			      (void *)p[i], align);
		for (size_t k = 0; k < size; k++)
			p[i][k] = (uint8_t)i;
	}
	for (int i = 0; i < 6; i++) {
		for (size_t k = 0; k < sizes[i][0]; k++)
			KT_ASSERT_EQ(p[i][k], i);
		kfree(p[i], sizes[i][0], sizes[i][1]);
	}
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	kernel_heap_check();
}
