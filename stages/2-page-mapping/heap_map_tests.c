/*
 * heap_map_tests.c - the heap before and after heap_init (stage 2 only:
 * from stage 3 on, the heap is mapped at boot).  Tests run in source
 * order, so the page fault is checked before the heap is mapped.
 */
#include "heap.h"
#include "ktest.h"
#include "paging.h"

KTEST_SHOULD_PANIC(heap_write_before_mapping_is_a_page_fault,
		   "PAGE FAULT at 0x0000444444440000 (not present, write)")
{
	struct translation t;
	KT_ASSERT(!paging_translate(HEAP_START, &t));
	*(volatile uint64_t *)(uintptr_t)HEAP_START = 42;
}

KTEST(heap_init_maps_every_page_to_a_distinct_frame)
{
	KT_ASSERT_EQ(heap_init(), MAP_OK);
	uint64_t frames[HEAP_SIZE / PAGE_SIZE];
	size_t n = 0;
	for (uint64_t page = HEAP_START; page < HEAP_START + HEAP_SIZE;
	     page += PAGE_SIZE) {
		struct translation t;
		KT_ASSERT_MSG(paging_translate(page, &t), "page 0x%lx unmapped",
			      page);
		KT_ASSERT_EQ(t.page_size, PAGE_SIZE);
		KT_ASSERT(t.flags & PTE_PRESENT);
		KT_ASSERT(t.flags & PTE_WRITABLE);
		KT_ASSERT_EQ(!!(t.flags & PTE_NO_EXECUTE),
			     paging_nx_supported());
		KT_ASSERT_EQ(t.phys % PAGE_SIZE, 0);
		for (size_t i = 0; i < n; i++)
			KT_ASSERT_MSG(frames[i] != t.phys,
				      "frame 0x%lx mapped twice", t.phys);
		frames[n++] = t.phys;
	}
	KT_ASSERT_EQ(n, 25);
	struct translation t;
	KT_ASSERT(!paging_translate(HEAP_START + HEAP_SIZE, &t));
}

KTEST(heap_whole_range_is_writable)
{
	volatile uint32_t *heap = (volatile uint32_t *)(uintptr_t)HEAP_START;
	for (size_t i = 0; i < HEAP_SIZE / 4; i++)
		heap[i] = (uint32_t)(i * 2654435761u);
	for (size_t i = 0; i < HEAP_SIZE / 4; i++)
		KT_ASSERT_EQ(heap[i], (uint32_t)(i * 2654435761u));
}

KTEST(heap_init_twice_is_refused)
{
	KT_ASSERT_EQ(heap_init(), MAP_ALREADY_MAPPED);
}
