/*
 * paging_tests.c - stage 2's tests of the paging primitives and the frame
 * allocator, on the real page tables and the real memory map.
 */
#include "kernel.h"
#include "ktest.h"
#include "memory.h"
#include "paging.h"
#include "sections.h"

KTEST(translate_identity_mapped_kernel_and_vga)
{
	struct translation t;
	KT_ASSERT(paging_translate(0xb8000, &t));
	KT_ASSERT_EQ(t.phys, 0xb8000);
	KT_ASSERT_EQ(t.page_size, PAGE_SIZE);
	uint64_t fn = (uint64_t)(uintptr_t)kernel_main;
	KT_ASSERT(paging_translate(fn, &t));
	KT_ASSERT_EQ(t.phys, fn);
	int local;
	KT_ASSERT(paging_translate((uint64_t)(uintptr_t)&local, &t));
	KT_ASSERT_EQ(t.phys, (uint64_t)(uintptr_t)&local);
	/* above 2 MiB the boot map uses 2 MiB pages */
	KT_ASSERT(paging_translate(0x200000 + 0x1234, &t));
	KT_ASSERT_EQ(t.page_size, PAGE_SIZE_2M);
	KT_ASSERT_EQ(t.phys, 0x201234);
}

KTEST(translate_unmapped_and_non_canonical)
{
	struct translation t;
	KT_ASSERT(!paging_translate(0, &t)); /* null page */
	KT_ASSERT(!paging_translate((uint64_t)(uintptr_t)stack_guard, &t));
	KT_ASSERT(!paging_translate(0xdeadbeef000ull, &t));
	KT_ASSERT(!paging_translate(0x0000800000000000ull, &t));
}

KTEST(direct_map_reaches_physical_memory)
{
	struct translation t;
	KT_ASSERT(paging_translate(PHYS_OFFSET + 0x123456, &t));
	KT_ASSERT_EQ(t.phys, 0x123456);
	KT_ASSERT(t.page_size == PAGE_SIZE_2M || t.page_size == PAGE_SIZE_1G);
	KT_ASSERT_EQ(!!(t.flags & PTE_NO_EXECUTE), paging_nx_supported());
	/* the same byte through both mappings: a static of this test's
	 * own (the kernel runs where it was loaded: virtual = physical) */
	static volatile uint8_t probe;
	volatile uint8_t *ident = &probe;
	volatile uint8_t *direct = phys_to_virt((uintptr_t)&probe);
	*ident = 0x5a;
	KT_ASSERT_EQ(*direct, 0x5a);
	/* the top of physical memory is reachable */
	uint64_t last = memory_phys_end() - PAGE_SIZE;
	KT_ASSERT(paging_translate(PHYS_OFFSET + last, &t));
	KT_ASSERT_EQ(t.phys, last);
}

#define SCRATCH 0x555500000000ull

KTEST(map_write_unmap_round_trip)
{
	uint64_t irq, frame, back;
	struct frame_allocator *fa = memory_lock(&irq);
	KT_ASSERT(frame_alloc(fa, &frame));
	enum map_error err = paging_map_to(SCRATCH, frame,
					   PTE_WRITABLE | paging_nx_flag(), fa);
	memory_unlock(irq);
	KT_ASSERT_EQ(err, MAP_OK);
	*(volatile uint64_t *)(uintptr_t)SCRATCH = 0x1122334455667788ull;
	KT_ASSERT_EQ(*(volatile uint64_t *)phys_to_virt(frame),
		     0x1122334455667788ull);
	KT_ASSERT_EQ(paging_unmap(SCRATCH, &back), MAP_OK);
	KT_ASSERT_EQ(back, frame);
	struct translation t;
	KT_ASSERT(!paging_translate(SCRATCH, &t));
	KT_ASSERT_EQ(paging_unmap(SCRATCH, &back), MAP_NOT_MAPPED);
}

KTEST(map_to_refuses_mapped_misaligned_and_huge)
{
	uint64_t irq;
	struct frame_allocator *fa = memory_lock(&irq);
	/* the VGA page is mapped by the boot tables */
	enum map_error a = paging_map_to(0xb8000, 0x200000, PTE_WRITABLE, fa);
	enum map_error b = paging_map_to(SCRATCH + 1, 0x200000, 0, fa);
	enum map_error c = paging_map_to(SCRATCH, 0x200001, 0, fa);
	/* inside a 2 MiB page of the boot identity map */
	enum map_error d = paging_map_to(0x400000, 0x200000, 0, fa);
	memory_unlock(irq);
	KT_ASSERT_EQ(a, MAP_ALREADY_MAPPED);
	KT_ASSERT_EQ(b, MAP_BAD_ADDRESS);
	KT_ASSERT_EQ(c, MAP_BAD_ADDRESS);
	KT_ASSERT_EQ(d, MAP_HUGE_PAGE);
	struct translation t;
	KT_ASSERT(paging_translate(0xb8000, &t));
	KT_ASSERT_EQ(t.phys, 0xb8000); /* unchanged */
}

KTEST(map_to_reports_frame_allocation_failure)
{
	/* An allocator with no memory at all; a fresh PML4 slot needs three
	 * new tables, so the first one already fails. */
	struct frame_allocator empty;
	frame_allocator_init(&empty);
	enum map_error err = paging_map_to(0x666600000000ull, 0x300000,
					   PTE_WRITABLE, &empty);
	KT_ASSERT_EQ(err, MAP_FRAME_ALLOCATION_FAILED);
	struct translation t;
	KT_ASSERT(!paging_translate(0x666600000000ull, &t));
}

static bool overlaps(uint64_t frame, uint64_t start, uint64_t end)
{
	return frame < end && frame + PAGE_SIZE > start;
}

/* Every frame the allocator can still hand out, checked against the raw
 * memory map: usable, not the kernel, not the boot information, never
 * twice (they come in strictly ascending order). */
KTEST(every_frame_is_usable_unique_and_free)
{
	const struct boot_info *boot = ktest_boot_info();
	struct frame_allocator copy = memory_snapshot();
	uint64_t expected = frame_allocator_free_frames(&copy);
	uint64_t frame, prev = 0, n = 0;
	uint64_t kstart = (uint64_t)(uintptr_t)_kernel_start;
	uint64_t kend = (uint64_t)(uintptr_t)_kernel_end;
	uint64_t istart = boot->mb2_phys, iend = istart + boot->mb2.total_size;
	while (frame_alloc(&copy, &frame)) {
		KT_ASSERT_MSG(frame % PAGE_SIZE == 0, "unaligned 0x%lx", frame);
		KT_ASSERT_MSG(n == 0 || frame > prev, "0x%lx not after 0x%lx",
			      frame, prev);
		KT_ASSERT_MSG(!overlaps(frame, kstart, kend),
			      "0x%lx is in the kernel", frame);
		KT_ASSERT_MSG(!overlaps(frame, istart, iend),
			      "0x%lx holds the boot information", frame);
		KT_ASSERT_MSG(frame >= 0x100000, "0x%lx below 1 MiB", frame);
		bool in_usable = false;
		struct mb2_mmap_entry e;
		for (size_t i = 0; mb2_mmap_get(&boot->mb2, i, &e); i++) {
			if (e.type == MB2_MEM_AVAILABLE && frame >= e.base &&
			    frame + PAGE_SIZE <= e.base + e.length)
				in_usable = true;
			else if (e.type != MB2_MEM_AVAILABLE &&
				 overlaps(frame, e.base, e.base + e.length))
				KT_ASSERT_MSG(false, "0x%lx overlaps %s memory",
					      frame, mb2_mem_type_name(e.type));
		}
		KT_ASSERT_MSG(in_usable, "0x%lx not in a usable region", frame);
		prev = frame;
		n++;
	}
	KT_ASSERT_EQ(n, expected);
	KT_ASSERT(n > 0);
}
