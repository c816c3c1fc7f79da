/*
 * bump_alloc.c - a bump allocator.
 *
 * Theory of operation
 * -------------------
 * The heap is one contiguous range of memory and a pointer, `next`, that
 * splits it in two: everything below `next` has been handed out, everything
 * above is free.
 *
 *     heap_start                      next                      heap_end
 *     |                               |                               |
 *     v                               v                               v
 *     +-------+--+-----------+---+----+-------------------------------+
 *     |  A    |p |     B     | p | C  |            free               |
 *     +-------+--+-----------+---+----+-------------------------------+
 *     \_ handed out (live or freed) __/\______ still available _______/
 *     A, B, C = blocks, p = alignment padding
 *
 * alloc:   round `next` up to the requested alignment, check that the
 *          block fits below heap_end, return it and move `next` past it
 *          ("bump" the pointer).  A few instructions: O(1).  `last`
 *          remembers where that block starts.
 * dealloc: count the free.  The memory is NOT reusable yet: the heap keeps
 *          no record of where blocks start or end, so it cannot know which
 *          holes are free.  When the count of live blocks drops to zero,
 *          nothing is live, and `next` goes back to heap_start: the whole
 *          heap is free again at once.  O(1).
 *
 * No header before a block, no free list: the whole state is five words
 * (struct bump_heap), which is why it is fast, and why it cannot do more.
 * It is the idea behind an *arena*: objects with one lifetime are
 * allocated by bumping a pointer and released together by a reset.
 *
 * What it cannot do:
 *   - reuse a freed block while anything else is live: one long-lived
 *     allocation pins the whole heap, and a loop of alloc/free with one
 *     survivor runs out of memory however small its blocks are;
 *   - resize any block but the last one in place: bump_realloc_in_place
 *     only moves next; for any other block realloc falls back to the
 *     default (allocate, copy, free), and the old copy stays used until
 *     the reset;
 *   - give back memory to a lower layer (page frames) while it runs;
 *   - catch most misuse: a wrong layout passed to dealloc, or freeing one
 *     block twice while another is live, just skews the count, and a
 *     use-after-free reads whatever the next owner wrote (freed memory is
 *     not poisoned: at the reset that would cost O(bytes used)).
 */
#include "bump_alloc.h"

#include "panic.h"

void bump_init(struct bump_heap *h, uintptr_t start, size_t size)
{
	/* 0 is what a failed alloc returns, so no block may live there. */
	if (start == 0)
		panic("bump_init: heap at address 0");
	/* heap_end is one past the last byte, and must be representable. */
	if (size > UINTPTR_MAX - start)
		panic("bump_init: heap [%p, +%zu) wraps around", (void *)start,
		      size);
	h->heap_start = start;
	h->heap_end = start + size;
	h->next = start;
	h->last = start;
	h->allocations = 0;
}

/*
 * All the arithmetic is done on *amounts of room*, never on addresses that
 * might lie past heap_end: since next <= heap_end, `room` below cannot
 * underflow, and each comparison is between two sizes that exist.  The
 * tempting `if (next + size > heap_end)` wraps for a huge size and
 * succeeds.
 */
void *bump_alloc(struct bump_heap *h, struct layout layout)
{
	/* Bytes from next up to the next multiple of align (align is a power
	 * of two, so this is -next mod align). */
	uintptr_t pad = -h->next & (layout.align - 1);
	size_t room = h->heap_end - h->next;

	if (pad > room || layout.size > room - pad)
		return NULL; /* does not fit: out of memory, not a bug */

	uintptr_t block = h->next + pad;
	h->last = block;
	h->next = block + layout.size;
	h->allocations++;
	return (void *)block;
}

void bump_dealloc(struct bump_heap *h, void *ptr, struct layout layout)
{
	uintptr_t p = (uintptr_t)ptr;
	if (h->allocations == 0)
		panic("bump_dealloc: %p freed with no block live "
		      "(double free?)",
		      ptr);
	if (p < h->heap_start || p > h->heap_end)
		panic("bump_dealloc: %p is outside the heap %p..%p", ptr,
		      (void *)h->heap_start, (void *)h->heap_end);
	/* Every live block lies below next (a zero-size one may be at next). */
	if (p > h->next || layout.size > h->next - p)
		panic("bump_dealloc: %p (size %zu) was never allocated: it "
		      "reaches past next %p",
		      ptr, layout.size, (void *)h->next);

	h->allocations--;
	if (h->allocations == 0) {
		/* nothing live: reuse everything */
		h->next = h->heap_start;
		h->last = h->heap_start;
	}
}

/*
 * Only the block handed out last may move next.  Ending at next is not
 * enough to be that block: a zero-size block allocated after it ends
 * there too,
 *
 *     +---------- A ----------+
 *     |                       |Z (size 0, at next)
 *     +-----------------------+-------------------------
 *                             ^ next
 *
 * and shrinking A would leave Z above next, where its free is refused as
 * "never allocated".  So the block must also start at last.
 */
void *bump_realloc_in_place(struct bump_heap *h, void *ptr,
			    struct layout layout, size_t new_size)
{
	uintptr_t p = (uintptr_t)ptr;
	if (h->allocations == 0 || p != h->last || h->next - p != layout.size)
		return NULL;
	if (new_size > h->heap_end - p)
		return NULL; /* does not fit */
	h->next = p + new_size;
	return ptr;
}

size_t bump_used(const struct bump_heap *h)
{
	return h->next - h->heap_start;
}

size_t bump_free(const struct bump_heap *h)
{
	return h->heap_end - h->next;
}

size_t bump_live(const struct bump_heap *h)
{
	return h->allocations;
}

void bump_check(const struct bump_heap *h)
{
	if (h->heap_start == 0)
		panic("bump_check: heap_start is 0 (not initialized?)");
	if (h->next < h->heap_start)
		panic("bump_check: next %p below heap_start %p",
		      (void *)h->next, (void *)h->heap_start);
	if (h->next > h->heap_end)
		panic("bump_check: next %p past heap_end %p", (void *)h->next,
		      (void *)h->heap_end);
	if (h->last < h->heap_start || h->last > h->next)
		panic("bump_check: last %p is outside %p..%p (heap_start.."
		      "next)",
		      (void *)h->last, (void *)h->heap_start, (void *)h->next);
	if (h->allocations == 0 && h->next != h->heap_start)
		panic("bump_check: no live blocks but next %p is not "
		      "heap_start %p",
		      (void *)h->next, (void *)h->heap_start);
	/* then last <= next == heap_start: last is heap_start too */
}
