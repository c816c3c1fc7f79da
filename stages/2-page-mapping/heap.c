/*
 * heap.c - map the heap's pages to frames.
 *
 * Before a heap can exist its virtual pages must be backed by physical
 * frames: for each page, take a free frame and enter page -> frame in the
 * page tables (creating missing tables on the way).
 *
 *   virtual                           physical
 *   HEAP_START          +------+      +------+  some free frame
 *                       | page | ---> |frame |
 *   HEAP_START + 4 KiB  +------+      +------+
 *                       | page | -+   |      |
 *                       +------+  |   +------+
 *                         ...     +-> |frame |  (any frame: they need not
 *                                     +------+   be contiguous)
 */
#include "heap.h"

#include "memory.h"
#include "panic.h"

enum map_error heap_init(void)
{
	uint64_t flags = PTE_PRESENT | PTE_WRITABLE | paging_nx_flag();
	enum map_error err = MAP_OK;
	uint64_t irq;
	struct frame_allocator *frames = memory_lock(&irq);

	for (uint64_t page = HEAP_START; page < HEAP_START + HEAP_SIZE;
	     page += PAGE_SIZE) {
		uint64_t frame;
		if (!frame_alloc(frames, &frame)) {
			err = MAP_FRAME_ALLOCATION_FAILED;
			break;
		}
		err = paging_map_to(page, frame, flags, frames);
		if (err != MAP_OK)
			break; /* the frame is lost: a leak, not corruption */
	}
	memory_unlock(irq);
	return err;
}

void heap_init_or_panic(void)
{
	enum map_error err = heap_init();
	if (err != MAP_OK)
		panic("heap_init: mapping the heap failed: %s",
		      map_error_str(err));
}
