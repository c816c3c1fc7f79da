/*
 * Exercise 2.2: paging_tables_needed (common/paging.c, paging.h):
 *
 *   uint64_t paging_tables_needed(uint64_t start, uint64_t pages);
 *
 * how many new page tables (PDPTs, PDs, PTs) mapping `pages` 4 KiB pages
 * from the page-aligned `start` creates, in an address space where no
 * table below the PML4 exists yet for that range.
 */
#include "heap.h"
#include "ktest.h"
#include "memory.h"
#include "paging.h"

KTEST(tables_for_the_heap)
{
	KT_ASSERT_EQ(paging_tables_needed(HEAP_START, HEAP_SIZE / 4096), 3);
	/* 0x4444_4440_0000: only the PT index differs (0, not 64) */
	KT_ASSERT_EQ(paging_tables_needed(0x444444400000ull, 25), 3);
	KT_ASSERT_EQ(paging_tables_needed(HEAP_START, 1), 3);
	KT_ASSERT_EQ(paging_tables_needed(HEAP_START, 0), 0);
}

KTEST(tables_when_the_pages_cross_a_page_table)
{
	/* PT index 500: pages 500..511 in one PT, 0..12 in the next */
	KT_ASSERT_EQ(paging_tables_needed(0x3300001f4000ull, 25), 4);
	/* 512 pages = exactly one PT when aligned to 2 MiB, two when not */
	KT_ASSERT_EQ(paging_tables_needed(0x330000000000ull, 512), 3);
	KT_ASSERT_EQ(paging_tables_needed(0x330000001000ull, 512), 4);
}

KTEST(tables_when_the_pages_cross_1_GiB_and_512_GiB)
{
	/* four pages below a 1 GiB boundary: two PDs, two PTs */
	KT_ASSERT_EQ(paging_tables_needed(0x33003fffc000ull, 25), 5);
	/* four pages below a 512 GiB boundary (a new PML4 slot) */
	KT_ASSERT_EQ(paging_tables_needed(0x337fffffc000ull, 25), 6);
	/* 1 GiB = 262144 pages: 1 PDPT + 1 PD + 512 PTs */
	KT_ASSERT_EQ(paging_tables_needed(0x330000000000ull, 262144), 514);
}

static uint64_t free_frames(void)
{
	struct frame_allocator copy = memory_snapshot();
	return frame_allocator_free_frames(&copy);
}

/* The count agrees with what the hardware walk really needs: map 25
 * pages across a 1 GiB boundary in an unused PML4 slot, and count the
 * frames that took. */
KTEST(tables_needed_is_what_mapping_takes)
{
	uint64_t start = 0x22223fffc000ull, pages = 25;
	uint64_t before = free_frames();
	uint64_t irq;
	struct frame_allocator *fa = memory_lock(&irq);
	enum map_error err = MAP_OK;
	for (uint64_t i = 0; i < pages && err == MAP_OK; i++) {
		uint64_t frame;
		if (!frame_alloc(fa, &frame))
			err = MAP_FRAME_ALLOCATION_FAILED;
		else
			err = paging_map_to(start + i * 4096, frame,
					    PTE_WRITABLE | paging_nx_flag(), fa);
	}
	memory_unlock(irq);
	KT_ASSERT_EQ(err, MAP_OK);
	KT_ASSERT_EQ(before - free_frames(),
		     pages + paging_tables_needed(start, pages));
}
