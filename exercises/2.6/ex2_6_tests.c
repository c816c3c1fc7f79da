/*
 * Exercise 2.6: frames that come back (stages/2-page-mapping/memory.c,
 * memory.h):
 *
 *   bool memory_alloc_frame(uint64_t *frame);  a freed frame if there is
 *                                              one (the last freed first),
 *                                              else a new one; false if none
 *   void memory_free_frame(uint64_t frame);    gives a frame back
 *   uint64_t memory_freed_frames(void);        how many wait for reuse
 *
 * The freed frames form a list threaded through the frames themselves (as
 * xv6's kalloc does): the first 8 bytes of a freed frame hold the physical
 * address of the next freed frame, 0 for none.  Freeing an address that
 * is not page-aligned panics with "memory_free_frame: ".
 */
#include "ktest.h"
#include "memory.h"
#include "paging.h"

KTEST(a_freed_frame_is_handed_out_again)
{
	uint64_t a, b, c;
	KT_ASSERT(memory_alloc_frame(&a));
	KT_ASSERT(memory_alloc_frame(&b));
	KT_ASSERT(a != b);
	uint64_t waiting = memory_freed_frames();
	memory_free_frame(a);
	memory_free_frame(b);
	KT_ASSERT_EQ(memory_freed_frames(), waiting + 2);
	KT_ASSERT(memory_alloc_frame(&c));
	KT_ASSERT_EQ(c, b); /* the last freed comes back first */
	KT_ASSERT(memory_alloc_frame(&c));
	KT_ASSERT_EQ(c, a);
	KT_ASSERT_EQ(memory_freed_frames(), waiting);
}

KTEST(the_list_is_threaded_through_the_freed_frames)
{
	uint64_t a, b;
	KT_ASSERT(memory_alloc_frame(&a));
	KT_ASSERT(memory_alloc_frame(&b));
	memory_free_frame(a);
	memory_free_frame(b);
	/* b is the head; its first word links to a */
	KT_ASSERT_EQ(*(volatile uint64_t *)phys_to_virt(b), a);
	uint64_t x;
	KT_ASSERT(memory_alloc_frame(&x) && x == b);
	KT_ASSERT(memory_alloc_frame(&x) && x == a);
}

KTEST(a_new_frame_when_none_was_freed)
{
	while (memory_freed_frames() > 0) {
		uint64_t f;
		KT_ASSERT(memory_alloc_frame(&f));
	}
	struct frame_allocator copy = memory_snapshot();
	uint64_t next;
	KT_ASSERT(frame_alloc(&copy, &next)); /* what frame_alloc gives next */
	uint64_t f;
	KT_ASSERT(memory_alloc_frame(&f));
	KT_ASSERT_EQ(f, next);
	memory_free_frame(f);
}

KTEST_SHOULD_PANIC(freeing_a_misaligned_address_panics, "memory_free_frame: ")
{
	memory_free_frame(0x123456);
}
