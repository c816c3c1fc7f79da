/*
 * paging.h - x86_64 four-level paging: translate, map, unmap.
 *
 * A 48-bit virtual address is split into four 9-bit table indexes and a
 * 12-bit offset; bits 63..48 must copy bit 47 ("canonical" addresses):
 *
 *   63      48 47     39 38     30 29     21 20     12 11          0
 *  +----------+---------+---------+---------+---------+-------------+
 *  | sign ext | PML4 i  | PDPT i  |  PD i   |  PT i   |   offset    |
 *  +----------+---------+---------+---------+---------+-------------+
 *
 * CR3 -> PML4[i] -> PDPT[i] -> PD[i] -> PT[i] -> 4 KiB frame + offset
 *                        \            \-> (PS=1) 2 MiB page + 21-bit offset
 *                         \-> (PS=1) 1 GiB page + 30-bit offset
 *
 * A page-table entry (every level has this shape; bit 7 differs, below):
 *
 *   63  62   52 51                          12 11  9 8 7 6 5 4 3 2 1 0
 *  +--+-------+------------------------------+-----+-+-+-+-+-+-+-+-+-+
 *  |NX| avail |  physical address of frame   |avail|G|S|D|A|C|T|U|W|P|
 *  +--+-------+  or next table (4 KiB aligned)+-----+-+-+-+-+-+-+-+-+-+
 *   P present  W writable  U user  T write-through  C cache disable
 *   A accessed D dirty  G global (D and G: in an entry that maps a page)
 *   NX no-execute (only if the CPU supports it and EFER.NXE=1)
 *   S, bit 7, depends on the level:
 *     PDPT or PD entry: PS, page size; set, the entry maps a 1 GiB or
 *                       2 MiB page itself (and then bit 12 is PAT)
 *     PT entry:         PAT, a memory-type bit: a 4 KiB page is never huge
 *     PML4 entry:       reserved, must be 0
 *
 * The page tables live in physical frames.  To read and write them the
 * kernel maps all physical memory at PHYS_OFFSET (the direct map), so the
 * table at physical address p is at virtual address p + PHYS_OFFSET.
 */
#ifndef PAGING_H
#define PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"

#define PAGE_SIZE 4096ull
#define PAGE_SIZE_2M (2ull << 20)
#define PAGE_SIZE_1G (1ull << 30)

/* The direct map: physical address p is at virtual p + PHYS_OFFSET.  The
 * first address of the higher half: PML4 entries 256 and up. */
#define PHYS_OFFSET 0xffff800000000000ull

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_USER (1ull << 2)
#define PTE_WRITE_THROUGH (1ull << 3)
#define PTE_NO_CACHE (1ull << 4)
#define PTE_ACCESSED (1ull << 5)
#define PTE_DIRTY (1ull << 6)
#define PTE_HUGE (1ull << 7) /* PS: PDPT and PD entries only (PT: PAT) */
#define PTE_GLOBAL (1ull << 8)
#define PTE_NO_EXECUTE (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Errors are values: the caller decides what a failure means. */
enum map_error {
	MAP_OK = 0,
	MAP_FRAME_ALLOCATION_FAILED, /* no frame for a missing page table */
	MAP_ALREADY_MAPPED,	     /* the page is mapped (to another frame) */
	MAP_HUGE_PAGE,		     /* a 2 MiB/1 GiB page covers the address */
	MAP_NOT_MAPPED,		     /* unmap: nothing mapped there */
	MAP_BAD_ADDRESS,	     /* not page aligned, or not canonical */
};
const char *map_error_str(enum map_error err);

struct translation {
	uint64_t phys;	    /* the physical address the virtual one maps to */
	uint64_t page_size; /* 4 KiB, 2 MiB or 1 GiB */
	uint64_t flags;	    /* the entry's flag bits (PTE_*) */
};

/* Sets up paging for C: reads NX support, and builds the direct map of
 * [0, phys_end) with page tables from `fa`.  Panics if it cannot. */
void paging_init(struct frame_allocator *fa, uint64_t phys_end);

/* True if the CPU has NX; PTE_NO_EXECUTE may be used only then. */
bool paging_nx_supported(void);
/* PTE_NO_EXECUTE if supported, else 0: for "data, not code" mappings. */
uint64_t paging_nx_flag(void);

/* Walks the tables for `virt`: true and *out filled if mapped. */
bool paging_translate(uint64_t virt, struct translation *out);

/*
 * Maps the 4 KiB page at `page` to `frame` with `flags` (PTE_PRESENT is
 * added), creating missing intermediate tables with frames from `fa`, and
 * flushes the page's TLB entry.  Mapping a page again to the same frame
 * with the same flags is refused like any other mapped page.
 */
enum map_error paging_map_to(uint64_t page, uint64_t frame, uint64_t flags,
			     struct frame_allocator *fa);

/* Unmaps the 4 KiB page at `page`, flushes its TLB entry, and returns the
 * frame it was mapped to in *frame (the caller owns it again). */
enum map_error paging_unmap(uint64_t page, uint64_t *frame);

/* The virtual address through which physical memory at `phys` is read. */
void *phys_to_virt(uint64_t phys);

#endif
