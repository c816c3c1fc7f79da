/*
 * slab_model.h - what a slab heap (stage 7) should look like, kept beside
 * it and checked after every operation.  The host test (test_slab.c) and
 * the fuzzer (tests/fuzz/slab_fuzz.c) both drive the allocator through
 * it, as freelist_model.h does for the free list alone.
 *
 * The model knows every live block: where it is, its layout, and the one
 * byte it is filled with.  It works out on its own, not by asking slab.c:
 *   - the class of a layout (the smallest power of two from 8 to 2048
 *     that holds the size and the alignment), a class's slab size and
 *     where its first block sits behind the header;
 *   - the exact address an alloc must return: the first free block of
 *     the class's partial slab, else of its empty one, else the first
 *     block of a new slab, placed by first fit in the free list, which
 *     grows (by exactly block + align, once) only when nothing fits;
 *   - what a free must do: when it empties a slab and the class already
 *     keeps SLAB_KEEP_EMPTY empty ones, the higher of the two goes back
 *     to the free list, and only then does the free list change.
 * After every operation slab_check() must pass, the counts must agree
 * (each class's live blocks, the large ones, slab_used()), and the slabs,
 * the large live blocks and the free blocks must tile the heap exactly:
 *
 *   start                                                          end
 *   [ slab 4K ][ free ][ large ][ slab 16K ............ ][ free ... ]
 *
 * Every operation returns NULL when all of that holds, or a message that
 * says what broke: the host test turns it into a failed CHECK, the fuzzer
 * into an abort.
 */
#ifndef SLAB_MODEL_H
#define SLAB_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "freelist.h"
#include "slab.h"

#define SLAB_MODEL_MAX_LIVE 256
#define SLAB_MODEL_MAX_SLABS 1024 /* for the tiling walk */

/*
 * A grow callback for tests: the heap's memory goes on past its end (a
 * static buffer) up to `limit`, and a growth adds exactly what is asked
 * for, rounded up to a whole FREELIST_UNIT.  With `refuse` set, or when
 * the limit would be passed, it says no and changes nothing.
 */
struct slab_model_growth {
	struct freelist_heap *fallback;
	uintptr_t limit; /* the heap's end never passes it */
	bool refuse;	 /* say no to every request */
	size_t calls;	 /* requests, granted or not */
	size_t refused;	 /* requests said no to */
	size_t last_ask; /* bytes the last request asked for */
	size_t grown;	 /* bytes added in all */
};
bool slab_model_grow(void *growth, size_t bytes);

/* Starts a growth of fallback up to limit.  Under AddressSanitizer the
 * memory from the heap's end to limit is poisoned until a growth adds it,
 * so that a write past the heap's end is caught where it happens. */
void slab_model_growth_init(struct slab_model_growth *g,
			    struct freelist_heap *fallback, uintptr_t limit);

/* A stretch of the heap, for the tiling walk. */
struct slab_model_span {
	uintptr_t at;
	size_t size;
};

struct slab_model_block {
	uintptr_t at;
	struct layout layout;
	int class;	    /* slab_model_class of the layout */
	size_t extent;	    /* bytes it covers: its class's block, or its
			       size rounded as the free list does */
	unsigned char fill; /* every byte of the block holds it */
};

struct slab_model {
	struct slab_heap *h;
	struct slab_model_growth *growth; /* NULL: h does not grow */
	/* in address order; one more while a realloc moves a block */
	struct slab_model_block live[SLAB_MODEL_MAX_LIVE + 1];
	size_t n;
	unsigned char next_fill; /* cycles through 1..255 */
	void *last;		 /* what the last alloc or realloc returned */
	/* what happened, so that a test can see every path ran */
	size_t small_allocs, large_allocs, alloc_fails, frees;
	size_t slabs_made, slabs_released, grows;
	size_t in_place, moved, realloc_fails;
	struct slab_model_span slabs[SLAB_MODEL_MAX_SLABS]; /* scratch */
	char msg[256]; /* the last failure's text */
};

/* Starts a model of h, which must be freshly initialised (empty); growth
 * is h's grow context when h grows through slab_model_grow, else NULL. */
void slab_model_init(struct slab_model *m, struct slab_heap *h,
		     struct slab_model_growth *growth);

/* The class the model computes for a layout: 0 for 8 bytes ... 8 for
 * 2048; -1 for the free list. */
int slab_model_class(size_t size, size_t align);

/* slab_alloc(size, align), checked against the address it must return;
 * a new block is filled with its own byte.  With SLAB_MODEL_MAX_LIVE
 * blocks live it does nothing. */
const char *slab_model_alloc(struct slab_model *m, size_t size, size_t align);

/* Checks the contents of live block i, then frees it. */
const char *slab_model_free(struct slab_model *m, size_t i);

/* Resizes live block i as kernel_heap's realloc does: in place if it can
 * (the same class, or a large block the free list resizes), else alloc,
 * copy, free (default_realloc).  The contents up to the smaller size must
 * survive; on failure the block is left as it was. */
const char *slab_model_realloc(struct slab_model *m, size_t i, size_t new_size);

/* Frees every live block.  The heap must then hold no block but at most
 * SLAB_KEEP_EMPTY empty slabs per class: its free bytes are the whole
 * heap but those slabs (see slab_model_kept). */
const char *slab_model_free_all(struct slab_model *m);

/* Bytes in the slabs the classes still hold. */
size_t slab_model_kept(const struct slab_heap *h);

/* slab_check, the counts, then the tiling walk (see above). */
const char *slab_model_check(struct slab_model *m);

#endif
