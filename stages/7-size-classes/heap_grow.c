/*
 * heap_grow.c - more pages for the heap, while it runs.
 *
 * Chapter 2 mapped the heap's 25 pages once, at boot.  Here the same
 * mapping happens on demand, page by page after the heap's end, when an
 * allocation finds no room:
 *
 *   HEAP_START          heap end                          HEAP_MAX_SIZE
 *   | mapped: the heap  | new pages, mapped now |  not mapped  |
 *
 * It runs with the heap's lock held (inside an alloc), and takes the
 * frame allocator's lock inside it: always in that order.
 */
#include "heap_grow.h"

#include <stdint.h>

#include "heap.h"
#include "memory.h"

/* Maps `pages` pages from `at`, each to a fresh frame, as heap_init does;
 * returns how many it mapped before frames (or the budget) ran out. */
static size_t map_pages(struct heap_growth *g, uint64_t at, size_t pages)
{
	uint64_t flags = PTE_PRESENT | PTE_WRITABLE | paging_nx_flag();
	uint64_t irq;
	struct frame_allocator *frames = memory_lock(&irq);
	size_t done = 0;
	for (; done < pages && g->frame_budget > 0; done++) {
		uint64_t frame;
		if (!frame_alloc(frames, &frame))
			break;
		if (g->frame_budget != SIZE_MAX)
			g->frame_budget--;
		if (paging_map_to(at + done * PAGE_SIZE, frame, flags, frames) !=
		    MAP_OK)
			break; /* the frame is lost: a leak, not corruption */
	}
	memory_unlock(irq);
	return done;
}

bool heap_grow(void *growth, size_t bytes)
{
	struct heap_growth *g = growth;
	size_t room = HEAP_MAX_SIZE - g->size;
	if (bytes > room)
		return false;
	/* fewer, bigger steps: the next requests find the room mapped */
	if (bytes < HEAP_GROW_MIN)
		bytes = room < HEAP_GROW_MIN ? room : HEAP_GROW_MIN;
	size_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	size_t mapped = map_pages(g, HEAP_START + g->size, pages);
	if (mapped == 0)
		return false;
	freelist_extend(g->heap, mapped * PAGE_SIZE);
	g->size += mapped * PAGE_SIZE;
	g->grown++;
	return mapped == pages;
}
