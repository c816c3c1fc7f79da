/*
 * freelist_model.h - what a free-list heap should look like, kept beside
 * the heap and checked against it after every operation.  The host test
 * (test_freelist.c) and the fuzzer (tests/fuzz/freelist_fuzz.c) both
 * drive the allocator through it.
 *
 * The model knows every live block: where it is, its layout, and the one
 * byte it is filled with.  Kept in address order, the live blocks and the
 * free list must tile the heap exactly, from start to end:
 *
 *   start                                                         end
 *   [ live ][ free ][ live ][ live ][ free ................ ][ live ]
 *
 * So one walk over both lists proves that every block is inside the heap,
 * that no live block overlaps another or a free block, that no byte is
 * lost to padding, and that h->used is the sum of the live blocks.
 *
 * The model also knows where first fit must put a request: the lowest
 * free block that holds it, computed in 128 bits, where nothing wraps.
 * An alloc must return exactly that address, or NULL when there is none
 * (and then leave the heap as it was).
 *
 * Every operation returns NULL when all of that holds, or a message that
 * says what broke: the host test turns it into a failed CHECK, the fuzzer
 * into an abort.
 */
#ifndef FREELIST_MODEL_H
#define FREELIST_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "freelist.h"

#define MODEL_MAX_LIVE 256

struct model_block {
	uintptr_t at;
	struct layout layout;
	unsigned char fill; /* every byte of the block holds it */
};

struct freelist_model {
	struct freelist_heap *h;
	struct model_block live[MODEL_MAX_LIVE]; /* in address order */
	size_t n;
	unsigned char next_fill; /* cycles through 1..255 */
	void *last;		 /* what the last alloc or realloc returned */
	/* what happened, so that a test can see every path ran */
	size_t allocs, alloc_fails, frees;
	size_t grown_in_place, shrunk_in_place, moved, realloc_fails;
	char msg[256]; /* the last failure's text */
};

/* Starts a model of h, which must be freshly initialised (empty). */
void model_init(struct freelist_model *m, struct freelist_heap *h);

/* freelist_alloc(size, align), checked against first fit; a new block is
 * filled with its own byte.  With MODEL_MAX_LIVE blocks live it does
 * nothing.  Any alignment goes, even 0 or 3 (those must fail). */
const char *model_alloc(struct freelist_model *m, size_t size, size_t align);

/* Checks the contents of live block i, then frees it. */
const char *model_free(struct freelist_model *m, size_t i);

/* Resizes live block i as kernel_heap's realloc does: in place if it can,
 * else alloc, copy, free (default_realloc).  The contents up to the
 * smaller size must survive; on failure the block is left as it was. */
const char *model_realloc(struct freelist_model *m, size_t i, size_t new_size);

/* Frees every live block; the heap must then be one free block that
 * covers all of it. */
const char *model_free_all(struct freelist_model *m);

/* freelist_check, then the tiling walk (see above). */
const char *model_check(struct freelist_model *m);

#endif
