/*
 * slab.h - size classes in slabs, over the free list of chapter 6.
 *
 * Small requests are served from per-size free lists: each size class
 * carves slabs (a page or a few, taken from the free list) into blocks of
 * its size.  Larger or over-aligned requests go to the free list itself,
 * which grows on demand.  See slab.c for the theory of operation.
 *
 * The portable core, as bump_alloc.h and freelist.h: no lock; the kernel
 * wraps it, and host tests and the fuzzer call it directly.
 */
#ifndef SLAB_H
#define SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "freelist.h"

#define SLAB_MIN_BLOCK 8    /* the smallest class: one pointer */
#define SLAB_MAX_BLOCK 2048 /* bigger requests go to the free list */
#define SLAB_CLASSES 9	    /* 8, 16, 32, ..., 2048 */
#define SLAB_KEEP_EMPTY 1   /* empty slabs a class keeps before giving
			       one back to the free list */
#define SLAB_MAGIC 0x51ab51abu

/*
 * The header at the start of every slab; the blocks follow it.  A slab is
 * aligned to its own size, so a block's slab is found by rounding the
 * block's address down.  Invariants (slab_check):
 *   - magic == SLAB_MAGIC, block == its class's block size;
 *   - free_count blocks are on `free`, each inside the slab on a block
 *     boundary, and free_count <= capacity;
 *   - the slab is on its class's `full` list if free_count == 0, on
 *     `empty` if free_count == capacity, on `partial` otherwise.
 */
struct slab {
	struct slab *next, *prev; /* on one list of its class */
	void *free;		  /* first free block; each holds the next */
	uint32_t magic;		  /* SLAB_MAGIC while the slab exists */
	uint32_t block;		  /* block size of its class */
	uint32_t free_count;	  /* blocks on `free` */
	uint32_t capacity;	  /* blocks in the slab */
};

/* One size class: its slabs on three lists, by how full they are.
 * Invariant: empties <= SLAB_KEEP_EMPTY after every dealloc. */
struct size_class {
	size_t block;	      /* block size, and alignment: a power of two */
	size_t slab_size;     /* bytes per slab, a power of two */
	struct slab *partial; /* some blocks free, some live */
	struct slab *empty;   /* every block free */
	struct slab *full;    /* no block free */
	size_t slabs;	      /* on the three lists */
	size_t empties;	      /* on `empty` */
	size_t live;	      /* blocks handed out */
};

/* Asks for at least `bytes` more bytes at the end of the free list
 * (mapping pages and calling freelist_extend); false if it cannot. */
typedef bool (*slab_grow_fn)(void *ctx, size_t bytes);

struct slab_heap {
	struct size_class classes[SLAB_CLASSES];
	struct freelist_heap *fallback; /* the large blocks and the slabs */
	slab_grow_fn grow;		/* NULL: the heap does not grow */
	void *grow_ctx;
	size_t large_live;  /* blocks served by the fallback directly */
	size_t large_bytes; /* their sizes, rounded up as the fallback does */
};

/* Sets up empty classes over `fallback` (already initialised). */
void slab_heap_init(struct slab_heap *h, struct freelist_heap *fallback,
		    slab_grow_fn grow, void *grow_ctx);

/* The class that serves a layout: the smallest block that is at least
 * the size and the alignment; -1 for a request the fallback serves. */
int slab_class_of(struct layout layout);

/* A block of layout.size bytes aligned to layout.align, or NULL if
 * neither a slab nor the fallback (grown if it can be) has room. */
void *slab_alloc(struct slab_heap *h, struct layout layout);

/* Frees a block from slab_alloc with its layout.  The layout names the
 * class; in a debug build the block must belong to a slab of that class
 * ("slab_dealloc: ... is not a block of a N-byte slab"). */
void slab_dealloc(struct slab_heap *h, void *ptr, struct layout layout);

/* In place when it can be: within the same class, or a large block the
 * free list resizes in place.  NULL: the caller moves the block. */
void *slab_realloc_in_place(struct slab_heap *h, void *ptr,
			    struct layout layout, size_t new_size);

/* Bytes in live blocks: each small block counts its class's size, each
 * large one its rounded size. */
size_t slab_used(const struct slab_heap *h);

/* What one class holds now. */
struct slab_class_stats {
	size_t block;  /* its block size */
	size_t slabs;  /* slabs it has */
	size_t live;   /* blocks handed out */
	size_t free;   /* blocks free in its slabs */
	size_t bytes;  /* memory its slabs take from the free list */
};
void slab_class_stats(const struct slab_heap *h, int class,
		      struct slab_class_stats *out);

/* A broken invariant: which, and where. */
struct slab_fault {
	const char *what; /* NULL when all hold */
	uintptr_t at;
};

/* Walks every class's slabs and free lists, then the fallback; true if
 * every invariant holds, else false with *fault set.  Never panics. */
bool slab_check(const struct slab_heap *h, struct slab_fault *fault);

/* slab_check, panicking with "slab_check: <what> at <where>". */
void slab_assert(const struct slab_heap *h);

#endif
