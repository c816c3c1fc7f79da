/*
 * Exercise 6.2, in the kernel: krealloc (stage 6's heap_realloc, in
 * stages/6-free-list/kernel_heap.c) calls freelist_realloc, so a block
 * that cannot grow in place moves down into the free block below it
 * instead of to wherever first fit finds room.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

static uintptr_t runtime(uintptr_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/*   [ a ][ b ][ c ][ rest ]   a freed; b grows to 64 bytes: into a's
 *   place (first fit would put it behind c) */
KTEST(krealloc_grows_a_block_down_into_the_free_block_below)
{
	char *a = kmalloc_or_panic(32, 8);
	char *b = kmalloc_or_panic(32, 8);
	char *c = kmalloc_or_panic(16, 8);
	uintptr_t was_a = runtime((uintptr_t)a);
	for (int i = 0; i < 32; i++)
		b[i] = (char)('a' + i % 26);
	kfree(a, 32, 8);
	char *b2 = krealloc(b, 32, 8, 64);
	KT_ASSERT_EQ((uintptr_t)b2, was_a);
	for (int i = 0; i < 32; i++)
		KT_ASSERT_EQ(b2[i], (char)('a' + i % 26));
	struct heap_stats s = kernel_heap_stats();
	KT_ASSERT_EQ(s.used, 64 + 16);
	KT_ASSERT_EQ(s.free_blocks, 1); /* only the rest behind c */
	kfree(b2, 64, 8);
	kfree(c, 16, 8);
	kernel_heap_check();
	KT_ASSERT_EQ(kernel_heap_stats().free_blocks, 1);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* Where neither way has room, krealloc still moves the block (alloc,
 * copy, free), as before. */
KTEST(krealloc_without_room_around_still_moves_the_block)
{
	char *a = kmalloc_or_panic(32, 8);
	char *b = kmalloc_or_panic(32, 8);
	char *c = kmalloc_or_panic(16, 8);
	b[0] = 'x';
	char *b2 = krealloc(b, 32, 8, 64); /* a and c live */
	KT_ASSERT(b2 != NULL && (uintptr_t)b2 > (uintptr_t)c);
	KT_ASSERT_EQ(b2[0], 'x');
	kfree(a, 32, 8);
	kfree(b2, 64, 8);
	kfree(c, 16, 8);
	kernel_heap_check();
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	KT_ASSERT_EQ(kernel_heap_stats().free_blocks, 1);
}
