/*
 * freelist.c - a free-list allocator with first fit and coalescing.
 *
 * Theory of operation
 * -------------------
 * The heap is cut into blocks, each either live (handed out) or free.  The
 * free ones are chained into a list, and the list is stored in the free
 * memory itself: the first 16 bytes of a free block are its node (its size
 * and a pointer to the next free block).  An allocator cannot keep its
 * bookkeeping in the heap it manages by calling itself, and a fixed table
 * would limit how many blocks there can be; free memory is the one place
 * that always has room for exactly the nodes it needs.
 *
 *   start                                                            end
 *   +----+---------+-----------+----+--------------+---------+-------+
 *   | A  |  free   |     B     | C  |    free      |    D    | free  |
 *   +----+---------+-----------+----+--------------+---------+-------+
 *        ^node                      ^node                    ^node
 *   head -+---------- next ---------+------- next -----------+-> NULL
 *
 * The list is kept in address order, so a block's neighbours in memory are
 * found next to it on the list.
 *
 * alloc:   first fit.  Walk the list from the lowest block; take the first
 *          block that holds the request at its alignment.  What is left in
 *          front of the aligned address and behind the block stays free,
 *          as up to two smaller free blocks (a split).  O(n) in the number
 *          of free blocks.
 * dealloc: put the block back on the list at its address, and merge it
 *          with the free block just below and the one just above when they
 *          touch it (coalescing).  So two free blocks never touch, and when
 *          everything is freed the heap is one free block again.  O(n).
 * realloc: in place when it can be: a shrink frees the tail; a growth takes
 *          the start of the free block right behind the block.
 *
 * No byte is ever lost.  Every block starts on a multiple of 16 and has a
 * size that is a multiple of 16 (FREELIST_UNIT, one node).  So the gap in
 * front of an aligned block, and the rest of a free block behind a shorter
 * request, are each either empty or at least one node long: they can
 * always go back on the list.  (The blog post's allocator lost a front gap
 * for ever; linked_list_allocator once lost back gaps smaller than a node.
 * Here there is no such gap.)  The price is internal fragmentation: a
 * 20-byte request takes 32 bytes.
 *
 * There is no header on a live block: dealloc is told the block's size by
 * its layout, as Rust's dealloc is, and rounds it up the same way alloc
 * did.
 *
 * What it cannot do:
 *   - be fast on a long list: both alloc and dealloc walk it (stage 7's
 *     size classes fix the common case);
 *   - avoid external fragmentation: many small free blocks between live
 *     ones cannot serve one large request, however many bytes they add up
 *     to (the demo shows it);
 *   - catch every misuse: a double free is caught only while the block is
 *     still free (once it is handed out again, freeing it again frees
 *     somebody else's memory); a use-after-free reads the next owner's
 *     data, or the node of a free block (stage 8 catches those).
 */
#include "freelist.h"

#include "panic.h"

#define UNIT FREELIST_UNIT

_Static_assert((UNIT & (UNIT - 1)) == 0, "the unit is a power of two");

static uintptr_t block_end(const struct free_block *b)
{
	return (uintptr_t)b + b->size;
}

size_t freelist_block_size(size_t size)
{
	if (size > SIZE_MAX - (UNIT - 1))
		return 0;
	size_t rounded = (size + UNIT - 1) & ~(UNIT - 1);
	return rounded == 0 ? UNIT : rounded;
}

/* ------------------------------------------------------------------ init */

enum freelist_error freelist_init(struct freelist_heap *h, uintptr_t start,
				  size_t size)
{
	/* 0 is what a failed alloc returns, so no block may live there. */
	if (start == 0)
		return FREELIST_AT_ZERO;
	if (size > UINTPTR_MAX - start)
		return FREELIST_WRAPS;
	/* Shrink to whole units: round start up, end down.  Only then is a
	 * node written, and only if one fits (linked_list_allocator wrote
	 * its first node before checking: CVE-2022-36086). */
	if (start > UINTPTR_MAX - (UNIT - 1))
		return FREELIST_TOO_SMALL;
	uintptr_t lo = (start + UNIT - 1) & ~(uintptr_t)(UNIT - 1);
	uintptr_t hi = (start + size) & ~(uintptr_t)(UNIT - 1);
	if (hi <= lo)
		return FREELIST_TOO_SMALL;
	struct free_block *all = (struct free_block *)lo;
	all->size = hi - lo;
	all->next = NULL;
	*h = (struct freelist_heap){
		.start = lo,
		.end = hi,
		.head = all,
		.free_bytes = hi - lo,
	};
	return FREELIST_OK;
}

const char *freelist_error_str(enum freelist_error err)
{
	switch (err) {
	case FREELIST_OK:
		return "ok";
	case FREELIST_AT_ZERO:
		return "the heap starts at address 0";
	case FREELIST_WRAPS:
		return "the heap runs past the end of the address space";
	case FREELIST_TOO_SMALL:
		return "the heap cannot hold one 16-byte node once aligned";
	}
	return "unknown error";
}

/* ----------------------------------------------------------------- alloc */

/* Where a block of `size` bytes aligned to `align` can start inside free
 * block b, or 0 if it does not fit there. */
static uintptr_t fit(const struct free_block *b, size_t size, size_t align)
{
	uintptr_t lo = (uintptr_t)b, end = block_end(b);
	uintptr_t mask = align - 1;
	if (lo > UINTPTR_MAX - mask)
		return 0;
	uintptr_t at = (lo + mask) & ~mask;
	if (at >= end || end - at < size)
		return 0;
	return at;
}

/*
 * Takes [at, at + size) out of free block b; *link is the pointer that
 * points to b (the head, or the previous block's next).  What is left in
 * front and behind stays on the list, in address order:
 *
 *   before:  *link --> [ b ............................... ] --> next
 *   after:   *link --> [ front ] [ live block ] [ back ] -------> next
 *                      (if any)                 (if any)
 *                         \________ next _________^
 */
static void carve(struct free_block **link, struct free_block *b,
		  uintptr_t at, size_t size)
{
	uintptr_t end = block_end(b);
	struct free_block *after = b->next;
	if (end - at > size) {
		struct free_block *back = (struct free_block *)(at + size);
		back->size = end - (at + size);
		back->next = after;
		after = back;
	}
	if (at > (uintptr_t)b) {
		b->size = at - (uintptr_t)b; /* the front gap stays free */
		b->next = after;
	} else {
		*link = after;
	}
}

void *freelist_alloc(struct freelist_heap *h, struct layout layout)
{
	size_t size = freelist_block_size(layout.size);
	size_t align = layout.align;
	if (size == 0 || align == 0 || (align & (align - 1)) != 0)
		return NULL;
	for (struct free_block **link = &h->head; *link != NULL;
	     link = &(*link)->next) {
		uintptr_t at = fit(*link, size, align);
		if (at == 0)
			continue;
		carve(link, *link, at, size);
		h->free_bytes -= size;
		h->used += size;
		h->live++;
		return (void *)at;
	}
	return NULL;
}

/* --------------------------------------------------------------- dealloc */

/* Panics with who's name unless [lo, lo + size) is a plausible block: on a
 * unit boundary, inside the heap, and no bigger than what is in use.
 * (The messages fit a screen line: the block, then what is wrong.) */
static void check_block(const struct freelist_heap *h, const char *who,
			uintptr_t lo, size_t size)
{
	if (lo < h->start || lo >= h->end || size == 0 || size > h->end - lo)
		panic("%s: %p +%zu is not in the heap", who, (void *)lo, size);
	if (lo % UNIT != 0)
		panic("%s: %p is not the start of a block", who, (void *)lo);
	if (h->live == 0)
		panic("%s: %p freed with nothing live", who, (void *)lo);
	if (size > h->used)
		panic("%s: %p +%zu: more than is in use", who, (void *)lo,
		      size);
}

/*
 * Puts [lo, lo + size) on the list at its address and merges it with the
 * free blocks that touch it:
 *
 *   before:  [ prev ][ freed ][ next ]     prev and next free
 *   after:   [ prev ......................]  one block
 *
 * Panics if the range overlaps a free block: it was already free (or
 * the size is wrong).
 */
static void give_back(struct freelist_heap *h, const char *who, uintptr_t lo,
		      size_t size)
{
	uintptr_t hi = lo + size;
	struct free_block *prev = NULL, **link = &h->head;
	while (*link != NULL && (uintptr_t)*link < lo) {
		prev = *link;
		link = &prev->next;
	}
	struct free_block *next = *link;
	struct free_block *over = prev != NULL && block_end(prev) > lo ? prev
				  : next != NULL && (uintptr_t)next < hi ? next
									 : NULL;
	if (over == (struct free_block *)lo)
		panic("%s: %p is free already (double free?)", who, (void *)lo);
	if (over != NULL)
		panic("%s: %p +%zu overlaps a free block", who, (void *)lo,
		      size);
	struct free_block *b = (struct free_block *)lo;
	b->size = size;
	b->next = next;
	*link = b;
	if (next != NULL && hi == (uintptr_t)next) { /* merge up */
		b->size += next->size;
		b->next = next->next;
	}
	if (prev != NULL && block_end(prev) == lo) { /* merge down */
		prev->size += b->size;
		prev->next = b->next;
	}
	h->free_bytes += size;
	h->used -= size;
}

void freelist_dealloc(struct freelist_heap *h, void *ptr,
		      struct layout layout)
{
	size_t size = freelist_block_size(layout.size);
	check_block(h, "freelist_dealloc", (uintptr_t)ptr, size);
	give_back(h, "freelist_dealloc", (uintptr_t)ptr, size);
	h->live--;
}

/* --------------------------------------------------------------- growth */

/*
 * The new range joins the heap as if it were a live block being freed:
 * give_back puts it on the list and merges it with the last free block
 * when that one reaches the old end.  (Chapter 7's heap grows this way.)
 */
bool freelist_extend(struct freelist_heap *h, size_t bytes)
{
	if (bytes == 0 || bytes % UNIT != 0 || bytes > UINTPTR_MAX - h->end)
		return false;
	uintptr_t old_end = h->end;
	h->end += bytes;
	h->used += bytes; /* counted in use for a moment, then given back */
	give_back(h, "freelist_extend", old_end, bytes);
	return true;
}

/* --------------------------------------------------------------- realloc */

/* Grows the block [lo, lo + old) by `more` bytes, taken from the front of
 * the free block that starts at lo + old, if there is one that big. */
static bool grow_into_next(struct freelist_heap *h, uintptr_t lo, size_t old,
			   size_t more)
{
	uintptr_t behind = lo + old;
	struct free_block **link = &h->head;
	while (*link != NULL && (uintptr_t)*link < behind)
		link = &(*link)->next;
	struct free_block *b = *link;
	if (b == NULL || (uintptr_t)b != behind || b->size < more)
		return false;
	carve(link, b, behind, more);
	h->free_bytes -= more;
	h->used += more;
	return true;
}

void *freelist_realloc_in_place(struct freelist_heap *h, void *ptr,
				struct layout layout, size_t new_size)
{
	uintptr_t lo = (uintptr_t)ptr;
	size_t old = freelist_block_size(layout.size);
	size_t new = freelist_block_size(new_size);
	check_block(h, "freelist_realloc", lo, old);
	if (new == 0)
		return NULL;
	if (new < old)
		give_back(h, "freelist_realloc", lo + new, old - new);
	else if (new > old && !grow_into_next(h, lo, old, new - old))
		return NULL;
	return ptr;
}

/* ----------------------------------------------------------- inspection */

struct freelist_stats freelist_stats(const struct freelist_heap *h)
{
	struct freelist_stats s = {
		.free_bytes = h->free_bytes,
		.used = h->used,
		.live = h->live,
	};
	for (const struct free_block *b = h->head; b != NULL; b = b->next) {
		s.free_blocks++;
		if (b->size > s.largest_free)
			s.largest_free = b->size;
	}
	return s;
}

/* What the cell [lo, hi) of the heap holds. */
static enum freelist_cell cell_state(const struct freelist_heap *h,
				     uintptr_t lo, uintptr_t hi)
{
	size_t free = 0;
	bool node = false;
	for (const struct free_block *b = h->head; b != NULL; b = b->next) {
		uintptr_t b_lo = (uintptr_t)b, b_hi = block_end(b);
		if (b_lo >= hi)
			break;
		if (b_hi <= lo)
			continue;
		node = node || b_lo >= lo;
		free += (b_hi < hi ? b_hi : hi) - (b_lo > lo ? b_lo : lo);
	}
	if (node)
		return CELL_NODE;
	if (free == 0)
		return CELL_USED;
	return free == hi - lo ? CELL_FREE : CELL_MIXED;
}

void freelist_map(const struct freelist_heap *h, size_t from,
		  size_t bytes_per_cell, enum freelist_cell *map, size_t cells)
{
	size_t size = h->end - h->start;
	for (size_t i = 0; i < cells; i++) {
		size_t off = from + i * bytes_per_cell;
		if (off >= size || bytes_per_cell == 0) {
			map[i] = CELL_FREE;
			continue;
		}
		size_t len = size - off < bytes_per_cell ? size - off
							  : bytes_per_cell;
		map[i] = cell_state(h, h->start + off, h->start + off + len);
	}
}

/* ------------------------------------------------------------- checking */

#define BROKEN(why, where)                                                     \
	do {                                                                   \
		fault->what = (why);                                           \
		fault->at = (uintptr_t)(where);                                \
		return false;                                                  \
	} while (0)

bool freelist_check(const struct freelist_heap *h,
		    struct freelist_fault *fault)
{
	*fault = (struct freelist_fault){0};
	if (h->start == 0 || h->start % UNIT != 0 || h->end % UNIT != 0 ||
	    h->end <= h->start)
		BROKEN("heap bounds not whole units", h->start);
	size_t sum = 0;
	uintptr_t prev_end = 0; /* 0: no block seen yet */
	for (const struct free_block *b = h->head; b != NULL; b = b->next) {
		uintptr_t lo = (uintptr_t)b;
		if (lo < h->start || lo >= h->end)
			BROKEN("free block outside the heap", b);
		if (lo % UNIT != 0)
			BROKEN("free block not on a unit boundary", b);
		if (b->size == 0 || b->size % UNIT != 0)
			BROKEN("free block size not a nonzero multiple of 16",
			       b);
		if (b->size > h->end - lo)
			BROKEN("free block runs past the heap end", b);
		/* strictly increasing addresses also rule out a cycle */
		if (prev_end != 0 && lo < prev_end)
			BROKEN("free blocks out of order or overlapping", b);
		if (prev_end != 0 && lo == prev_end)
			BROKEN("two free blocks touch (not merged)", b);
		prev_end = block_end(b);
		sum += b->size;
	}
	size_t heap_size = h->end - h->start;
	if (sum != h->free_bytes)
		BROKEN("free_bytes is not the sum of the free blocks", 0);
	if (h->free_bytes > heap_size || h->used != heap_size - h->free_bytes)
		BROKEN("free + used is not the heap size: bytes lost", 0);
	if (h->live == 0 && (h->head == NULL || (uintptr_t)h->head != h->start ||
			     h->head->size != heap_size))
		BROKEN("nothing live, but the heap is not one free block",
		       h->head);
	if (h->used < h->live * UNIT)
		BROKEN("fewer bytes in use than the live blocks take", 0);
	return true;
}

void freelist_assert(const struct freelist_heap *h)
{
	struct freelist_fault f;
	if (!freelist_check(h, &f))
		panic("freelist_check: %s at %p", f.what, (void *)f.at);
}
