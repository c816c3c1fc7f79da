/*
 * frame.h - the physical frame allocator: hands out 4 KiB frames of
 * physical memory, in ascending address order, each at most once.
 *
 * It is fed usable ranges (from the boot loader's memory map) and reserved
 * ranges (the kernel image, the boot information, anything else that must
 * not be reused), then hands out frames with frame_alloc().  It never takes
 * a frame back: it is the bump allocator of physical memory, and exists to
 * give the page-table code its first frames.  See frame.c for the picture.
 *
 * Two phases, in this order:
 *   setup       frame_allocator_init / _init_from_mb2, then any number of
 *               frame_allocator_add_usable and frame_allocator_reserve;
 *   allocation  frame_alloc.  Adding or reserving after the first
 *               frame_alloc is a bug (it could reserve a frame already
 *               handed out) and panics.
 *
 * The struct holds only fixed-size arrays and numbers, no pointers: a copy
 * (struct frame_allocator b = a;) is a second, independent allocator that
 * hands out the same sequence of frames, without disturbing the original.
 */
#ifndef FRAME_H
#define FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "multiboot2.h"

#define FRAME_SIZE 4096
#define FRAME_MAX_USABLE 64
#define FRAME_MAX_RESERVED 16

/*
 * The highest address a range may end at: 2^64 - FRAME_SIZE.  The last frame
 * of the 64-bit address space, [2^64 - 4096, 2^64), has an end that a
 * uint64_t cannot hold, so it is never handed out (no x86_64 machine has
 * physical memory there: physical addresses have at most 52 bits).
 */
#define FRAME_ADDR_TOP ((uint64_t)0 - FRAME_SIZE)

/* A range of physical addresses [start, end). */
struct frame_range {
	uint64_t start;
	uint64_t end;
};

struct frame_allocator {
	/*
	 * Memory frames may come from.  Always normalized: every range is
	 * non-empty, FRAME_SIZE-aligned at both ends, starts at or above
	 * FRAME_SIZE (physical frame 0 is never handed out) and ends at or
	 * below FRAME_ADDR_TOP; ranges are sorted by address and neither
	 * overlap nor touch (touching ranges are merged into one).
	 */
	struct frame_range usable[FRAME_MAX_USABLE];
	size_t n_usable;
	/*
	 * Memory no frame may overlap.  Normalized the same way, except that
	 * ranges are rounded outwards (a partly reserved frame is reserved)
	 * and may include frame 0.  Not subtracted from usable[]: frame_alloc
	 * steps over them.
	 */
	struct frame_range reserved[FRAME_MAX_RESERVED];
	size_t n_reserved;
	/*
	 * The cursor: FRAME_SIZE-aligned; no frame below it will be handed
	 * out (each was handed out, reserved, or not usable); the next frame
	 * handed out is the lowest free one at or above it.
	 */
	uint64_t next;
	/* frame_alloc() has been called: the ranges are frozen. */
	bool allocating;
};

/* Makes *fa an allocator with no memory. */
void frame_allocator_init(struct frame_allocator *fa);

/*
 * Adds [start, end) as usable memory: the start is rounded up and the end
 * down to FRAME_SIZE, frame 0 is cut off, and what remains is merged with
 * the ranges already known (they may arrive unsorted and overlapping).
 * An empty range (end <= start, or no whole frame inside) is ignored.
 * Returns false, changing nothing, if the range needs a new table slot and
 * all FRAME_MAX_USABLE are taken.  Panics after the first frame_alloc.
 */
bool frame_allocator_add_usable(struct frame_allocator *fa, uint64_t start,
				uint64_t end);

/*
 * Reserves [start, end): no frame overlapping it is ever handed out, even if
 * some usable range (added before or after) covers it.  The range is rounded
 * outwards to FRAME_SIZE and merged.  An empty range is ignored.  Returns
 * false, changing nothing, if all FRAME_MAX_RESERVED slots are taken.
 * Panics after the first frame_alloc.
 */
bool frame_allocator_reserve(struct frame_allocator *fa, uint64_t start,
			     uint64_t end);

/*
 * Initializes *fa from a parsed memory map: every MB2_MEM_AVAILABLE region
 * is usable, and every other region is reserved, so a region marked
 * non-available anywhere in the map wins over an available one overlapping
 * it.  Non-available regions that overlap no usable memory are left out of
 * the reserved table (they could never matter).  A region whose
 * base + length wraps past 2^64 is clamped to end at the top.
 *
 * Returns MB2_OK, MB2_ERR_NO_MMAP if info has no memory map, or
 * MB2_ERR_TOO_MANY_REGIONS if the tables overflow.  On an error *fa is
 * a valid allocator holding part of the map, or nothing.
 */
enum mb2_error frame_allocator_init_from_mb2(struct frame_allocator *fa,
					     const struct mb2_info *info);

/*
 * Hands out the lowest free frame: sets *frame to its physical address
 * (FRAME_SIZE-aligned, never 0) and returns true.  The frame lies entirely
 * inside a usable range and outside every reserved range, is above every
 * frame handed out before, and is never handed out again.  Returns false,
 * leaving *frame untouched, when no frame is left; never panics for that.
 */
bool frame_alloc(struct frame_allocator *fa, uint64_t *frame);

/* How many frames frame_alloc() can still hand out. */
uint64_t frame_allocator_free_frames(const struct frame_allocator *fa);

/*
 * Bytes in the usable ranges after normalization (rounding, merging, frame 0
 * cut off).  Reserved ranges are not subtracted and frames handed out are
 * still counted: this is how much RAM there is, not how much is left.
 */
uint64_t frame_allocator_usable_bytes(const struct frame_allocator *fa);

/* Walks the whole allocator and panics with "frame_allocator_check: ..."
 * naming the first broken invariant (see struct frame_allocator). */
void frame_allocator_check(const struct frame_allocator *fa);

#endif
