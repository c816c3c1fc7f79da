/*
 * contenders.c - the bump allocator (stage 4), the free list (stage 6),
 * the size classes in slabs (stage 7), the debugging allocator over them
 * (stage 8) and the C library's malloc, each as a struct allocator
 * (contenders.h).
 */
#include "contenders.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bump_alloc.h"
#include "debug_alloc.h"
#include "freelist.h"
#include "slab.h"

/* ------------------------------------------------------------ stage 4 */

static struct bump_heap bump;

static void *bump_c_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	return bump_alloc(&bump, layout);
}

static void bump_c_dealloc(struct allocator *self, void *ptr,
			   struct layout layout)
{
	(void)self;
	bump_dealloc(&bump, ptr, layout);
}

static void *bump_c_realloc(struct allocator *self, void *ptr,
			    struct layout layout, size_t new_size)
{
	void *p = bump_realloc_in_place(&bump, ptr, layout, new_size);
	return p != NULL ? p : default_realloc(self, ptr, layout, new_size);
}

static bool bump_c_reset(uintptr_t start, size_t size)
{
	bump_init(&bump, start, size);
	return true;
}

static struct allocator bump_allocator = {
	.name = "bump",
	.alloc = bump_c_alloc,
	.dealloc = bump_c_dealloc,
	.realloc = bump_c_realloc,
};

/* ------------------------------------------------------------ stage 6 */

static struct freelist_heap freelist;

static void *freelist_c_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	return freelist_alloc(&freelist, layout);
}

static void freelist_c_dealloc(struct allocator *self, void *ptr,
			       struct layout layout)
{
	(void)self;
	freelist_dealloc(&freelist, ptr, layout);
}

static void *freelist_c_realloc(struct allocator *self, void *ptr,
				struct layout layout, size_t new_size)
{
	void *p = freelist_realloc_in_place(&freelist, ptr, layout, new_size);
	return p != NULL ? p : default_realloc(self, ptr, layout, new_size);
}

static bool freelist_c_reset(uintptr_t start, size_t size)
{
	if (freelist_init(&freelist, start, size) != FREELIST_OK)
		abort(); /* the benchmark's heap is big and not at 0 */
	return true;
}

static struct allocator freelist_allocator = {
	.name = "free list",
	.alloc = freelist_c_alloc,
	.dealloc = freelist_c_dealloc,
	.realloc = freelist_c_realloc,
};

/* ------------------------------------------------------------ stage 7 */

/* The slabs' own free list under them, on the whole range: a fixed heap,
 * no grow callback, as the other contenders have. */
static struct freelist_heap slab_fallback;
static struct slab_heap slabs;

static void *slab_c_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	return slab_alloc(&slabs, layout);
}

static void slab_c_dealloc(struct allocator *self, void *ptr,
			   struct layout layout)
{
	(void)self;
	slab_dealloc(&slabs, ptr, layout);
}

static void *slab_c_realloc(struct allocator *self, void *ptr,
			    struct layout layout, size_t new_size)
{
	void *p = slab_realloc_in_place(&slabs, ptr, layout, new_size);
	return p != NULL ? p : default_realloc(self, ptr, layout, new_size);
}

static bool slab_c_reset(uintptr_t start, size_t size)
{
	if (freelist_init(&slab_fallback, start, size) != FREELIST_OK)
		abort();
	slab_heap_init(&slabs, &slab_fallback, NULL, NULL);
	return true;
}

static struct allocator slab_allocator = {
	.name = "slabs",
	.alloc = slab_c_alloc,
	.dealloc = slab_c_dealloc,
	.realloc = slab_c_realloc,
};

/* ------------------------------------------------------------ stage 8 */

static uint8_t *shadow;	  /* the one shadow map (contenders.h) */
static size_t shadow_cap; /* its bytes */

static void *debug_inner_alloc(void *slabs, struct layout layout)
{
	return slab_alloc(slabs, layout);
}

static void debug_inner_dealloc(void *slabs, void *ptr, struct layout layout)
{
	slab_dealloc(slabs, ptr, layout);
}

void debug_over_slabs(struct debug_heap *d, struct slab_heap *s,
		      struct freelist_heap *f, uintptr_t start, size_t size)
{
	size_t granules = size / DBG_GRANULE;
	if (granules > shadow_cap) {
		free(shadow);
		shadow = malloc(granules);
		if (shadow == NULL) {
			fprintf(stderr, "contenders: no memory for the "
					"shadow map\n");
			exit(1);
		}
		shadow_cap = granules;
	}
	memset(shadow, 0, granules);
	if (freelist_init(f, start, size) != FREELIST_OK)
		abort();
	slab_heap_init(s, f, NULL, NULL);
	debug_heap_init(
		d,
		(struct dbg_inner){debug_inner_alloc, debug_inner_dealloc, s},
		start, shadow, granules);
}

static struct freelist_heap debug_fallback;
static struct slab_heap debug_slabs;
static struct debug_heap debug;

/* (Site 0: the kernel's heap looks up who called, the host's does not;
 * that lookup is in the guest benchmark's kmalloc rows.) */
static void *debug_c_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	return debug_alloc(&debug, layout, 0);
}

static void debug_c_dealloc(struct allocator *self, void *ptr,
			    struct layout layout)
{
	(void)self;
	debug_dealloc(&debug, ptr, layout, 0);
}

static bool debug_c_reset(uintptr_t start, size_t size)
{
	debug_over_slabs(&debug, &debug_slabs, &debug_fallback, start, size);
	return true;
}

/* No realloc in place, as in stage 8's kernel heap: the default moves
 * every block. */
static struct allocator debug_allocator = {
	.name = "debugging",
	.alloc = debug_c_alloc,
	.dealloc = debug_c_dealloc,
};

/* ---------------------------------------------------- the C library's */

/* malloc's blocks are aligned for any type; a larger alignment takes
 * aligned_alloc, whose size must be a multiple of it. */
static bool malloc_aligns(struct layout layout)
{
	return layout.align <= alignof(max_align_t);
}

static void *malloc_c_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	if (malloc_aligns(layout))
		return malloc(layout.size);
	size_t rounded = (layout.size + layout.align - 1) & ~(layout.align - 1);
	return aligned_alloc(layout.align, rounded);
}

static void malloc_c_dealloc(struct allocator *self, void *ptr,
			     struct layout layout)
{
	(void)self;
	(void)layout;
	free(ptr);
}

static void *malloc_c_realloc(struct allocator *self, void *ptr,
			      struct layout layout, size_t new_size)
{
	if (malloc_aligns(layout))
		return realloc(ptr, new_size);
	return default_realloc(self, ptr, layout, new_size);
}

static bool malloc_c_reset(uintptr_t start, size_t size)
{
	(void)start;
	(void)size;
	return false;
}

static struct allocator malloc_allocator = {
	.name = "C malloc",
	.alloc = malloc_c_alloc,
	.dealloc = malloc_c_dealloc,
	.realloc = malloc_c_realloc,
};

/* ------------------------------------------------------------ the list */

const struct contender contenders[] = {
	{"bump", 4, &bump_allocator, bump_c_reset, NULL},
	{"free list", 6, &freelist_allocator, freelist_c_reset, NULL},
	{"slabs", 7, &slab_allocator, slab_c_reset, NULL},
	{"debugging", 8, &debug_allocator, debug_c_reset, "slabs"},
	{"C malloc", 0, &malloc_allocator, malloc_c_reset, NULL},
};
const size_t contender_count = sizeof contenders / sizeof contenders[0];
