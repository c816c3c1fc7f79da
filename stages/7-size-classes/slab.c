/*
 * slab.c - fixed-size blocks in slabs, with the free list as fallback.
 *
 * Theory of operation
 * -------------------
 * Most kernel allocations are small and come in a few sizes (list nodes,
 * tree nodes, a struct proc).  So small requests are rounded up to a size
 * class, a power of two from 8 to 2048 bytes, and every class keeps its
 * own stock of blocks of exactly that size:
 *
 *   class   8: [slab]-[slab]          a slab: a page or a few, from the
 *   class  16: [slab]                 free list, aligned to its own size
 *   class  32: [slab]-[slab]-[slab]
 *   ...
 *   class 2048: [slab]
 *   larger, or aligned more than 2048: the free list itself (chapter 6)
 *
 * One slab of the 64-byte class (4 KiB):
 *
 *   +--------+------+------+------+------+-- ... --+------+
 *   | header | live | free | live | free |         | free |
 *   +--------+------+------+------+------+-- ... --+------+
 *   ^ slab    \____ 63 blocks of 64 bytes, each on a 64-byte boundary __/
 *   free --------------> o ---------> o ----- ... -----> o -> NULL
 *
 * A free block holds the pointer to the next free block of its slab (the
 * free list lives in the free memory again).  alloc pops the first block
 * of a slab that has one; dealloc pushes the block back on its slab's
 * list.  Both are O(1): no search, no split, no merge.
 *
 * A block's class is computed from the layout, as Rust's dealloc gets
 * it, so there is no header per block; its slab is found by rounding the
 * block's address down to the slab size (slabs are aligned to it).  Since
 * every block of a class sits on a multiple of the class size, any
 * alignment up to the class size comes free.
 *
 * Each class keeps its slabs on three lists: partial (some blocks free),
 * empty and full.  alloc takes from a partial slab first, so that empty
 * slabs stay empty; when a slab becomes empty and the class already keeps
 * SLAB_KEEP_EMPTY empty slabs, the highest of them goes back to the free
 * list (the ones kept stay low, and the top of the heap merges).  The one
 * kept is the hysteresis: a class that allocates and frees one block in a
 * loop does not get and give back a slab every time.
 *
 * When the free list has no room for a slab or a large block, it grows:
 * the grow callback maps more pages after the heap's end (chapter 2's
 * mapping, on demand) and freelist_extend adds them.  If that fails too,
 * alloc returns NULL; nothing here panics for want of memory.
 *
 * The price: internal fragmentation.  A 33-byte request takes 64 bytes,
 * and every slab has a header and may hold free blocks no other class can
 * use.  The measured cost is in LESSONS.md, chapter 7.
 *
 * What it cannot do: catch a double free of a block while its slab has
 * live blocks (the block is pushed twice, and handed out twice); serve an
 * object of 2049 bytes without the free list's O(n) walk; give a slab
 * back while one block in it is live.
 */
#include "slab.h"

#include "panic.h"

/* ------------------------------------------------------------- classes */

int slab_class_of(struct layout layout)
{
	size_t need = layout.size > layout.align ? layout.size : layout.align;
	if (need > SLAB_MAX_BLOCK)
		return -1;
	if (need <= SLAB_MIN_BLOCK)
		return 0;
	/* the bit length of need - 1 is log2 of the block that holds it */
	return 64 - __builtin_clzll((unsigned long long)need - 1) - 3;
}

_Static_assert(SLAB_MIN_BLOCK == 1 << 3, "class 0 is 2^3 bytes");
_Static_assert(SLAB_MAX_BLOCK == SLAB_MIN_BLOCK << (SLAB_CLASSES - 1),
	       "the classes double from SLAB_MIN_BLOCK to SLAB_MAX_BLOCK");

void slab_heap_init(struct slab_heap *h, struct freelist_heap *fallback,
		    slab_grow_fn grow, void *grow_ctx)
{
	*h = (struct slab_heap){
		.fallback = fallback, .grow = grow, .grow_ctx = grow_ctx};
	for (int i = 0; i < SLAB_CLASSES; i++) {
		size_t block = (size_t)SLAB_MIN_BLOCK << i;
		/* a page, or 8 blocks' worth if that is more (the header
		 * then takes one block's place: 7 blocks) */
		size_t slab = block * 8 > 4096 ? block * 8 : 4096;
		h->classes[i] = (struct size_class){
			.block = block, .slab_size = slab};
	}
}

/* ---------------------------------------------------- the three lists */

static struct slab **list_for(struct size_class *c, const struct slab *s)
{
	if (s->free_count == 0)
		return &c->full;
	if (s->free_count == s->capacity)
		return &c->empty;
	return &c->partial;
}

static void unlink_slab(struct slab **head, struct slab *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void push_slab(struct slab **head, struct slab *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head != NULL)
		(*head)->prev = s;
	*head = s;
}

/* Moves s from the list `from` to the one its free count now calls for. */
static void relist(struct size_class *c, struct slab *s, struct slab **from)
{
	struct slab **to = list_for(c, s);
	if (to == from)
		return;
	unlink_slab(from, s);
	push_slab(to, s);
	if (to == &c->empty)
		c->empties++;
	if (from == &c->empty)
		c->empties--;
}

/* ---------------------------------------------------- slabs come and go */

/* The free list's alloc; if it has no room, the heap grows once, by
 * enough for the block at its alignment, and the alloc is tried again. */
static void *fallback_alloc(struct slab_heap *h, struct layout layout)
{
	void *p = freelist_alloc(h->fallback, layout);
	if (p != NULL || h->grow == NULL)
		return p;
	size_t block = freelist_block_size(layout.size);
	if (block == 0 || block > SIZE_MAX - layout.align)
		return NULL;
	if (!h->grow(h->grow_ctx, block + layout.align))
		return NULL;
	return freelist_alloc(h->fallback, layout);
}

static size_t first_block(const struct size_class *c)
{
	return (sizeof(struct slab) + c->block - 1) & ~(c->block - 1);
}

/* A new empty slab for class c, its blocks threaded in address order. */
static struct slab *slab_new(struct slab_heap *h, struct size_class *c)
{
	struct layout l = {.size = c->slab_size, .align = c->slab_size};
	struct slab *s = fallback_alloc(h, l);
	if (s == NULL)
		return NULL;
	char *b = (char *)s + first_block(c);
	size_t n = (c->slab_size - first_block(c)) / c->block;
	for (size_t i = 0; i + 1 < n; i++)
		*(void **)(b + i * c->block) = b + (i + 1) * c->block;
	*(void **)(b + (n - 1) * c->block) = NULL;
	*s = (struct slab){.free = b, .magic = SLAB_MAGIC,
			   .block = (uint32_t)c->block,
			   .free_count = (uint32_t)n, .capacity = (uint32_t)n};
	push_slab(&c->empty, s);
	c->empties++;
	c->slabs++;
	return s;
}

/* Gives an empty slab back to the free list, where it merges. */
static void slab_release(struct slab_heap *h, struct size_class *c,
			 struct slab *s)
{
	unlink_slab(&c->empty, s);
	c->empties--;
	c->slabs--;
	s->magic = 0; /* a late free into it is no longer "in a slab" */
	freelist_dealloc(h->fallback, s,
			 (struct layout){c->slab_size, c->slab_size});
}

/* The empty slab at the highest address: the one to give back, so that
 * the slabs kept stay low and the top of the heap merges into one free
 * block.  (The empty list is at most SLAB_KEEP_EMPTY + 1 long.) */
static struct slab *highest_empty(struct size_class *c)
{
	struct slab *top = c->empty;
	for (struct slab *s = c->empty; s != NULL; s = s->next)
		if (s > top)
			top = s;
	return top;
}

/* ------------------------------------------------------- alloc, dealloc */

void *slab_alloc(struct slab_heap *h, struct layout layout)
{
	int i = slab_class_of(layout);
	if (i < 0) {
		void *p = fallback_alloc(h, layout);
		if (p != NULL) {
			h->large_live++;
			h->large_bytes += freelist_block_size(layout.size);
		}
		return p;
	}
	struct size_class *c = &h->classes[i];
	struct slab *s = c->partial != NULL ? c->partial
			 : c->empty != NULL ? c->empty
					    : slab_new(h, c);
	if (s == NULL)
		return NULL;
	struct slab **from = list_for(c, s);
	void *b = s->free;
	s->free = *(void **)b;
	s->free_count--;
	c->live++;
	relist(c, s, from);
	return b;
}

/* Is ptr a block of slab s, of class c? */
static bool in_slab(const struct size_class *c, const struct slab *s,
		    uintptr_t ptr)
{
	/* block sizes are powers of two: a mask and a compare, no division */
	uintptr_t first = (uintptr_t)s + first_block(c);
	uintptr_t end = first + (uintptr_t)s->capacity * c->block;
	return s->magic == SLAB_MAGIC && s->block == c->block &&
	       ptr >= first && ptr < end && (ptr & (c->block - 1)) == 0;
}

void slab_dealloc(struct slab_heap *h, void *ptr, struct layout layout)
{
	int i = slab_class_of(layout);
	if (i < 0) {
		freelist_dealloc(h->fallback, ptr, layout);
		h->large_live--;
		h->large_bytes -= freelist_block_size(layout.size);
		return;
	}
	struct size_class *c = &h->classes[i];
	uintptr_t p = (uintptr_t)ptr;
	if (p < h->fallback->start || p >= h->fallback->end)
		panic("slab_dealloc: %p is not in the heap", ptr);
	struct slab *s = (struct slab *)(p & ~(c->slab_size - 1));
#ifndef NDEBUG /* the debug check: the layout's class is the block's */
	if ((uintptr_t)s < h->fallback->start || !in_slab(c, s, p))
		panic("slab_dealloc: %p is not a block of a %zu-byte slab",
		      ptr, c->block);
#endif
	if (s->free_count == s->capacity) /* so ptr is free too */
		panic("slab_dealloc: %p is free already (double free?)", ptr);
	struct slab **from = list_for(c, s);
	*(void **)ptr = s->free;
	s->free = ptr;
	s->free_count++;
	c->live--;
	relist(c, s, from);
	if (c->empties > SLAB_KEEP_EMPTY)
		slab_release(h, c, highest_empty(c));
}

void *slab_realloc_in_place(struct slab_heap *h, void *ptr,
			    struct layout layout, size_t new_size)
{
	struct layout to = {.size = new_size, .align = layout.align};
	int from_class = slab_class_of(layout), to_class = slab_class_of(to);
	if (from_class >= 0 || to_class >= 0)
		return from_class == to_class ? ptr : NULL;
	void *p = freelist_realloc_in_place(h->fallback, ptr, layout, new_size);
	if (p != NULL)
		h->large_bytes = h->large_bytes -
				 freelist_block_size(layout.size) +
				 freelist_block_size(new_size);
	return p;
}

/* ----------------------------------------------------------- inspection */

size_t slab_used(const struct slab_heap *h)
{
	size_t used = h->large_bytes;
	for (int i = 0; i < SLAB_CLASSES; i++)
		used += h->classes[i].live * h->classes[i].block;
	return used;
}

void slab_class_stats(const struct slab_heap *h, int class,
		      struct slab_class_stats *out)
{
	const struct size_class *c = &h->classes[class];
	*out = (struct slab_class_stats){.block = c->block,
					 .slabs = c->slabs,
					 .live = c->live,
					 .bytes = c->slabs * c->slab_size};
	const struct slab *const lists[] = {c->partial, c->empty};
	for (int l = 0; l < 2; l++)
		for (const struct slab *s = lists[l]; s != NULL; s = s->next)
			out->free += s->free_count;
}

#define BROKEN(why, where)                                                     \
	do {                                                                   \
		fault->what = (why);                                           \
		fault->at = (uintptr_t)(where);                                \
		return false;                                                  \
	} while (0)

/* One slab: its header, and its free list walked to the end. */
static bool check_slab(const struct slab_heap *h, const struct size_class *c,
		       const struct slab *s, struct slab_fault *fault)
{
	uintptr_t at = (uintptr_t)s;
	if (at < h->fallback->start || at >= h->fallback->end ||
	    at % c->slab_size != 0)
		BROKEN("slab outside the heap or misaligned", s);
	if (s->magic != SLAB_MAGIC || s->block != c->block)
		BROKEN("slab header broken (magic or block size)", s);
	if (s->capacity != (c->slab_size - first_block(c)) / c->block ||
	    s->free_count > s->capacity)
		BROKEN("slab counts out of range", s);
	size_t n = 0;
	for (void *b = s->free; b != NULL; b = *(void **)b) {
		if (!in_slab(c, s, (uintptr_t)b))
			BROKEN("free block not a block of its slab", b);
		if (++n > s->free_count)
			BROKEN("free list longer than free_count (cycle?)", s);
	}
	if (n != s->free_count)
		BROKEN("free list shorter than free_count", s);
	return true;
}

/* One class: each list's slabs are in the state the list says. */
static bool check_class(const struct slab_heap *h, const struct size_class *c,
			struct slab_fault *fault)
{
	struct slab *const heads[] = {c->partial, c->empty, c->full};
	size_t slabs = 0, live = 0, empties = 0;
	for (int l = 0; l < 3; l++) {
		const struct slab *prev = NULL;
		for (const struct slab *s = heads[l]; s != NULL; s = s->next) {
			if (!check_slab(h, c, s, fault))
				return false;
			if (s->prev != prev)
				BROKEN("slab list links broken", s);
			bool ok = l == 0 ? s->free_count > 0 &&
						   s->free_count < s->capacity
				  : l == 1 ? s->free_count == s->capacity
					   : s->free_count == 0;
			if (!ok)
				BROKEN("slab on the wrong list for its count", s);
			if (++slabs > c->slabs)
				BROKEN("more slabs on the lists than counted", s);
			live += s->capacity - s->free_count;
			empties += l == 1;
			prev = s;
		}
	}
	if (slabs != c->slabs || empties != c->empties || live != c->live)
		BROKEN("class counts do not match its slabs", c->block);
	if (empties > SLAB_KEEP_EMPTY)
		BROKEN("more empty slabs kept than SLAB_KEEP_EMPTY", c->block);
	return true;
}

bool slab_check(const struct slab_heap *h, struct slab_fault *fault)
{
	*fault = (struct slab_fault){0};
	for (int i = 0; i < SLAB_CLASSES; i++)
		if (!check_class(h, &h->classes[i], fault))
			return false;
	struct freelist_fault f;
	if (!freelist_check(h->fallback, &f))
		BROKEN(f.what, f.at);
	return true;
}

void slab_assert(const struct slab_heap *h)
{
	struct slab_fault f;
	if (!slab_check(h, &f))
		panic("slab_check: %s at %p", f.what, (void *)f.at);
}
