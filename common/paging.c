/* paging.c - see paging.h. */
#include "paging.h"

#include "cpu.h"
#include "mem.h"
#include "panic.h"
#include "sections.h"

static bool nx_supported;
static bool direct_map_ready;

/*
 * Before the direct map exists, page tables are reached through the boot
 * identity map of the first 4 GiB (boot.S); the frame allocator hands out
 * the lowest frames first, so the few tables paging_init needs are there.
 */
void *phys_to_virt(uint64_t phys)
{
	if (direct_map_ready)
		return (void *)(uintptr_t)(phys + PHYS_OFFSET);
	ASSERT(phys < 4 * PAGE_SIZE_1G, "phys_to_virt: no direct map yet");
	return (void *)(uintptr_t)phys;
}

const char *map_error_str(enum map_error err)
{
	switch (err) {
	case MAP_OK:
		return "ok";
	case MAP_FRAME_ALLOCATION_FAILED:
		return "frame allocation failed";
	case MAP_ALREADY_MAPPED:
		return "page already mapped";
	case MAP_HUGE_PAGE:
		return "a huge page is in the way";
	case MAP_NOT_MAPPED:
		return "page not mapped";
	case MAP_BAD_ADDRESS:
		return "address not page aligned or not canonical";
	}
	return "unknown map error";
}

bool paging_nx_supported(void)
{
	return nx_supported;
}

uint64_t paging_nx_flag(void)
{
	return nx_supported ? PTE_NO_EXECUTE : 0;
}

/* Index into the table at `level` (4 = PML4 ... 1 = PT) for `virt`. */
static unsigned table_index(uint64_t virt, int level)
{
	return (unsigned)(virt >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t *table_at(uint64_t phys)
{
	return phys_to_virt(phys & PTE_ADDR_MASK);
}

static bool is_canonical(uint64_t virt)
{
	uint64_t top = virt >> 47;
	return top == 0 || top == 0x1ffff;
}

bool paging_translate(uint64_t virt, struct translation *out)
{
	if (!is_canonical(virt))
		return false;
	uint64_t *table = table_at(read_cr3());
	for (int level = 4; level >= 1; level--) {
		uint64_t entry = table[table_index(virt, level)];
		if (!(entry & PTE_PRESENT))
			return false;
		/* a huge page ends the walk at level 3 (1 GiB) or 2 (2 MiB) */
		if (level == 1 ||
		    ((level == 2 || level == 3) && (entry & PTE_HUGE))) {
			uint64_t size = level == 3   ? PAGE_SIZE_1G
					: level == 2 ? PAGE_SIZE_2M
						     : PAGE_SIZE;
			/* for huge pages, bit 12 is PAT, not address */
			uint64_t base = entry & PTE_ADDR_MASK & ~(size - 1);
			out->phys = base + (virt & (size - 1));
			out->page_size = size;
			out->flags = entry & ~PTE_ADDR_MASK;
			return true;
		}
		table = table_at(entry);
	}
	return false;
}

/*
 * Returns the next-level table for entry *e, allocating and zeroing it if
 * the entry is empty.  A new intermediate entry is present, writable and
 * executable (NX clear), and supervisor-only (U clear).  The CPU combines
 * the permissions of every level and the most restrictive wins, so W and
 * NX are decided by the leaf entry, but no mapping below this entry is
 * reachable from user mode, whatever its leaf says: a user page would
 * need U set at every level.
 */
static enum map_error next_table(uint64_t *e, struct frame_allocator *fa,
				 uint64_t **out)
{
	if (*e & PTE_PRESENT) {
		if (*e & PTE_HUGE)
			return MAP_HUGE_PAGE;
		*out = table_at(*e);
		return MAP_OK;
	}
	uint64_t frame;
	if (!frame_alloc(fa, &frame))
		return MAP_FRAME_ALLOCATION_FAILED;
	uint64_t *table = table_at(frame);
	memset(table, 0, PAGE_SIZE);
	*e = frame | PTE_PRESENT | PTE_WRITABLE;
	*out = table;
	return MAP_OK;
}

enum map_error paging_map_to(uint64_t page, uint64_t frame, uint64_t flags,
			     struct frame_allocator *fa)
{
	if ((page & (PAGE_SIZE - 1)) != 0 || (frame & (PAGE_SIZE - 1)) != 0 ||
	    !is_canonical(page))
		return MAP_BAD_ADDRESS;
	ASSERT(nx_supported || !(flags & PTE_NO_EXECUTE),
	       "paging_map_to: NX requested but the CPU has no NX");

	uint64_t *table = table_at(read_cr3());
	for (int level = 4; level > 1; level--) {
		enum map_error err = next_table(
			&table[table_index(page, level)], fa, &table);
		if (err != MAP_OK)
			return err;
	}
	uint64_t *pte = &table[table_index(page, 1)];
	if (*pte & PTE_PRESENT)
		return MAP_ALREADY_MAPPED;
	*pte = frame | (flags & ~PTE_ADDR_MASK) | PTE_PRESENT;
	/* Not required: x86 caches no translation for a not-present entry
	 * (SDM Vol. 3A, 4.10.4.3: a change of P from 0 to 1 needs no
	 * invalidation).  It keeps the rule simple: every change to an
	 * entry is followed by a flush. */
	invlpg(page);
	return MAP_OK;
}

enum map_error paging_unmap(uint64_t page, uint64_t *frame)
{
	if ((page & (PAGE_SIZE - 1)) != 0 || !is_canonical(page))
		return MAP_BAD_ADDRESS;
	uint64_t *table = table_at(read_cr3());
	for (int level = 4; level > 1; level--) {
		uint64_t e = table[table_index(page, level)];
		if (!(e & PTE_PRESENT))
			return MAP_NOT_MAPPED;
		if (e & PTE_HUGE)
			return MAP_HUGE_PAGE;
		table = table_at(e);
	}
	uint64_t *pte = &table[table_index(page, 1)];
	if (!(*pte & PTE_PRESENT))
		return MAP_NOT_MAPPED;
	*frame = *pte & PTE_ADDR_MASK;
	*pte = 0;
	/* The TLB still holds the old translation until told otherwise. */
	invlpg(page);
	return MAP_OK;
}

/* --------------------------------------------------------- direct map */

static bool cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;
	cpuid(0x80000001, &a, &b, &c, &d);
	return (d & (1u << 26)) != 0;
}

/* A zeroed page table for the direct map; returns its physical address. */
static uint64_t new_table(struct frame_allocator *fa)
{
	uint64_t frame;
	if (!frame_alloc(fa, &frame))
		panic("paging_init: out of frames for the direct map");
	memset(table_at(frame), 0, PAGE_SIZE);
	return frame;
}

void paging_init(struct frame_allocator *fa, uint64_t phys_end)
{
	uint32_t a, b, c, d;
	cpuid(0x80000001, &a, &b, &c, &d);
	nx_supported = (d & (1u << 20)) != 0; /* boot.S set EFER.NXE if so */

	/* Map [0, phys_end) at PHYS_OFFSET, with 1 GiB pages if the CPU has
	 * them, else 2 MiB pages; data, never code: NX where supported. */
	uint64_t *pml4 = table_at(read_cr3());
	bool gig = cpu_has_1g_pages();
	uint64_t flags =
		PTE_PRESENT | PTE_WRITABLE | PTE_HUGE | paging_nx_flag();
	uint64_t n_gib = (phys_end + PAGE_SIZE_1G - 1) / PAGE_SIZE_1G;
	ASSERT(n_gib <= 512 * 64, "paging_init: too much physical memory");
	for (uint64_t g = 0; g < n_gib; g++) {
		uint64_t virt = PHYS_OFFSET + g * PAGE_SIZE_1G;
		uint64_t *pml4e = &pml4[table_index(virt, 4)];
		if (!(*pml4e & PTE_PRESENT))
			*pml4e = new_table(fa) | PTE_PRESENT | PTE_WRITABLE;
		uint64_t *pdpt = table_at(*pml4e);
		uint64_t *pdpte = &pdpt[table_index(virt, 3)];
		if (gig) {
			*pdpte = g * PAGE_SIZE_1G | flags;
			continue;
		}
		uint64_t pd_phys = new_table(fa);
		uint64_t *pd = table_at(pd_phys);
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = (g * PAGE_SIZE_1G + i * PAGE_SIZE_2M) | flags;
		*pdpte = pd_phys | PTE_PRESENT | PTE_WRITABLE;
	}
	/* New PML4 entries are picked up by the next walk: no stale
	 * "present" translations to flush, as nothing was mapped here. */
	direct_map_ready = true;
}
