/*
 * Exercise 2.1: heap_map_range (stages/2-page-mapping/heap.c, heap.h):
 *
 *   enum map_error heap_map_range(uint64_t start, size_t size);
 *
 * maps every page of [start, start + size) (size rounded up to whole
 * pages) to a fresh frame, present, writable and no-execute where the CPU
 * has NX; refuses a start that is not page-aligned, or a range that is not
 * canonical from its first byte to its last, with MAP_BAD_ADDRESS, before
 * it takes any frame or maps anything.  heap_init() is
 * heap_map_range(HEAP_START, HEAP_SIZE).
 *
 * The addresses here are in PML4 slot 102 (0x3300_0000_0000 and up),
 * which nothing else uses; the heap itself is left alone (stage 2's own
 * tests map it later, and first check that it is not mapped).
 */
#include "heap.h"
#include "ktest.h"
#include "memory.h"
#include "paging.h"

static uint64_t free_frames(void)
{
	struct frame_allocator copy = memory_snapshot();
	return frame_allocator_free_frames(&copy);
}

KTEST(map_range_refuses_a_misaligned_start_and_takes_no_frame)
{
	uint64_t before = free_frames();
	KT_ASSERT_EQ(heap_map_range(0x444444444800ull, 4096), MAP_BAD_ADDRESS);
	KT_ASSERT_EQ(free_frames(), before);
	struct translation t;
	KT_ASSERT(!paging_translate(0x444444444000ull, &t));
}

KTEST(map_range_refuses_a_non_canonical_start_and_takes_no_frame)
{
	uint64_t before = free_frames();
	KT_ASSERT_EQ(heap_map_range(0x800000000000ull, 4096), MAP_BAD_ADDRESS);
	KT_ASSERT_EQ(free_frames(), before);
}

KTEST(map_range_refuses_a_range_that_leaves_the_lower_half)
{
	/* the first page is canonical, the second is not */
	uint64_t before = free_frames();
	KT_ASSERT_EQ(heap_map_range(0x7ffffffff000ull, 2 * 4096),
		     MAP_BAD_ADDRESS);
	KT_ASSERT_EQ(free_frames(), before);
	struct translation t;
	KT_ASSERT(!paging_translate(0x7ffffffff000ull, &t));
}

KTEST(map_range_maps_every_page_writable_and_no_more)
{
	uint64_t start = 0x330000000000ull;
	uint64_t before = free_frames();
	/* three pages and one byte: four pages */
	KT_ASSERT_EQ(heap_map_range(start, 3 * 4096 + 1), MAP_OK);
	/* four frames for the pages, three for the new tables */
	KT_ASSERT_EQ(before - free_frames(), 4 + 3);
	for (uint64_t p = start; p < start + 4 * 4096; p += 4096) {
		struct translation t;
		KT_ASSERT_MSG(paging_translate(p, &t), "0x%lx is not mapped", p);
		KT_ASSERT(t.flags & PTE_WRITABLE);
		KT_ASSERT_EQ(!!(t.flags & PTE_NO_EXECUTE), paging_nx_supported());
		*(volatile uint64_t *)(uintptr_t)p = p;
		KT_ASSERT_EQ(*(volatile uint64_t *)(uintptr_t)p, p);
	}
	struct translation t;
	KT_ASSERT(!paging_translate(start + 4 * 4096, &t));
	/* mapping it again is refused, page by page */
	KT_ASSERT_EQ(heap_map_range(start, 4096), MAP_ALREADY_MAPPED);
}
