/*
 * Exercise 2.4: paging_direct_map_tables (common/paging.c, paging.h):
 *
 *   uint64_t paging_direct_map_tables(uint64_t phys_end, bool gib_pages);
 *
 * how many page tables (PDPTs and PDs) paging_init() takes to map
 * [0, phys_end) at PHYS_OFFSET, with 1 GiB pages (gib_pages) or with
 * 2 MiB pages.
 */
#include "cpu.h"
#include "ktest.h"
#include "memory.h"
#include "paging.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

KTEST(direct_map_tables_with_2_MiB_pages)
{
	KT_ASSERT_EQ(paging_direct_map_tables(128 * MiB, false), 2);
	KT_ASSERT_EQ(paging_direct_map_tables(4 * GiB, false), 5);
	KT_ASSERT_EQ(paging_direct_map_tables(4 * GiB + 4096, false), 6);
	KT_ASSERT_EQ(paging_direct_map_tables(513 * GiB, false), 2 + 513);
}

KTEST(direct_map_tables_with_1_GiB_pages)
{
	KT_ASSERT_EQ(paging_direct_map_tables(128 * MiB, true), 1);
	KT_ASSERT_EQ(paging_direct_map_tables(4 * GiB, true), 1);
	KT_ASSERT_EQ(paging_direct_map_tables(512 * GiB, true), 1);
	KT_ASSERT_EQ(paging_direct_map_tables(513 * GiB, true), 2);
}

/* Counts the tables of the real direct map, below PML4 entry 256. */
KTEST(direct_map_tables_are_the_tables_paging_init_made)
{
	const uint64_t *pml4 = phys_to_virt(read_cr3() & PTE_ADDR_MASK);
	uint64_t tables = 0;
	bool gib = false;
	for (unsigned i = 256; i < 512 && (pml4[i] & PTE_PRESENT); i++) {
		const uint64_t *pdpt = phys_to_virt(pml4[i] & PTE_ADDR_MASK);
		tables++;
		for (unsigned j = 0; j < 512; j++) {
			if (!(pdpt[j] & PTE_PRESENT))
				continue;
			if (pdpt[j] & PTE_HUGE)
				gib = true;
			else
				tables++;
		}
	}
	KT_ASSERT_EQ(tables,
		     paging_direct_map_tables(memory_phys_end(), gib));
}
