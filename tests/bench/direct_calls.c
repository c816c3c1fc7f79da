/*
 * direct_calls.c - the timed loops of the cost benchmark, for the bump
 * allocator (stage 4), the free list (stage 6), the slabs (stage 7), the
 * debugging allocator over them (stage 8) and the C library's malloc
 * (direct_calls.h says what each loop does).
 *
 * The loops of one contender differ only in the calls; the loops of one
 * kind differ only in the contender.  They are written out, not made from
 * a macro, so that what is timed is plain to see.
 */
#include "direct_calls.h"

#include <stdlib.h>

#include "bump_alloc.h"
#include "contenders.h"
#include "debug_alloc.h"
#include "freelist.h"
#include "panic.h"
#include "rng.h"
#include "slab.h"
#include "timing.h"

#define MIX_SIZES 4096 /* drawn once, used in turn */

_Static_assert(DIRECT_OPS % MIX_BATCH == 0, "mix runs whole batches");
_Static_assert((MIX_SIZES & (MIX_SIZES - 1)) == 0, "a power of two");

static uintptr_t heap;
static size_t heap_bytes;
static size_t mix_size[MIX_SIZES];
static void *ptrs[DIRECT_OPS]; /* what alloc and mix keep live */

void direct_calls_init(void *start, size_t bytes)
{
	uint64_t rng = 42;
	heap = (uintptr_t)start;
	heap_bytes = bytes;
	for (size_t i = 0; i < MIX_SIZES; i++)
		mix_size[i] = rng_range(&rng, MIX_MIN, MIX_MAX + 1);
}

static struct layout mix_layout(size_t i)
{
	return (struct layout){mix_size[i & (MIX_SIZES - 1)], 8};
}

/* ------------------------------------------------------------ stage 4 */

static uint64_t bump_alloc_loop(size_t size)
{
	struct bump_heap h;
	struct layout layout = {size, 8};
	bump_init(&h, heap, (size_t)DIRECT_OPS * size);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = bump_alloc(&h, layout);
		USE(p);
	}
	uint64_t t1 = ticks();
	ASSERT(bump_live(&h) == DIRECT_OPS, "bump: a block was refused");
	return t1 - t0;
}

static uint64_t bump_pair_loop(size_t size)
{
	struct bump_heap h;
	struct layout layout = {size, 8};
	bump_init(&h, heap, heap_bytes);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = bump_alloc(&h, layout);
		USE(p);
		bump_dealloc(&h, p, layout);
	}
	return ticks() - t0;
}

static uint64_t bump_mix_loop(size_t size)
{
	struct bump_heap h;
	(void)size;
	bump_init(&h, heap, heap_bytes);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i += MIX_BATCH) {
		for (size_t j = i; j < i + MIX_BATCH; j++)
			ptrs[j] = bump_alloc(&h, mix_layout(j));
		for (size_t j = i; j < i + MIX_BATCH; j++)
			bump_dealloc(&h, ptrs[j], mix_layout(j));
	}
	return ticks() - t0;
}

/* ------------------------------------------------------------ stage 6 */

static void freelist_setup(struct freelist_heap *h, size_t bytes)
{
	if (freelist_init(h, heap, bytes) != FREELIST_OK)
		panic("freelist_init refused the benchmark's heap");
}

/* Fills a heap of exactly DIRECT_OPS blocks: each alloc splits the one
 * free block, so it also writes the node of the rest. */
static uint64_t freelist_alloc_loop(size_t size)
{
	struct freelist_heap h;
	struct layout layout = {size, 8};
	freelist_setup(&h, (size_t)DIRECT_OPS * freelist_block_size(size));
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = freelist_alloc(&h, layout);
		USE(p);
	}
	uint64_t t1 = ticks();
	ASSERT(h.live == DIRECT_OPS, "free list: a block was refused");
	return t1 - t0;
}

static uint64_t freelist_pair_loop(size_t size)
{
	struct freelist_heap h;
	struct layout layout = {size, 8};
	freelist_setup(&h, heap_bytes);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = freelist_alloc(&h, layout);
		USE(p);
		freelist_dealloc(&h, p, layout);
	}
	uint64_t t1 = ticks();
	freelist_assert(&h);
	return t1 - t0;
}

static uint64_t freelist_mix_loop(size_t size)
{
	struct freelist_heap h;
	(void)size;
	freelist_setup(&h, heap_bytes);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i += MIX_BATCH) {
		for (size_t j = i; j < i + MIX_BATCH; j++)
			ptrs[j] = freelist_alloc(&h, mix_layout(j));
		for (size_t j = i; j < i + MIX_BATCH; j++)
			freelist_dealloc(&h, ptrs[j], mix_layout(j));
	}
	uint64_t t1 = ticks();
	freelist_assert(&h);
	return t1 - t0;
}

/* ------------------------------------------------------------ stage 7 */

/* The slabs over a free list on the whole heap, which does not grow. */
static struct freelist_heap slab_fallback;

static void slab_setup(struct slab_heap *h)
{
	freelist_setup(&slab_fallback, heap_bytes);
	slab_heap_init(h, &slab_fallback, NULL, NULL);
}

static uint64_t slab_alloc_loop(size_t size)
{
	struct slab_heap h;
	struct layout layout = {size, 8};
	slab_setup(&h);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = slab_alloc(&h, layout);
		USE(p);
	}
	uint64_t t1 = ticks();
	ASSERT(h.classes[slab_class_of(layout)].live == DIRECT_OPS,
	       "slabs: a block was refused");
	return t1 - t0;
}

static uint64_t slab_pair_loop(size_t size)
{
	struct slab_heap h;
	struct layout layout = {size, 8};
	slab_setup(&h);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = slab_alloc(&h, layout);
		USE(p);
		slab_dealloc(&h, p, layout);
	}
	uint64_t t1 = ticks();
	slab_assert(&h);
	return t1 - t0;
}

static uint64_t slab_mix_loop(size_t size)
{
	struct slab_heap h;
	(void)size;
	slab_setup(&h);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i += MIX_BATCH) {
		for (size_t j = i; j < i + MIX_BATCH; j++)
			ptrs[j] = slab_alloc(&h, mix_layout(j));
		for (size_t j = i; j < i + MIX_BATCH; j++)
			slab_dealloc(&h, ptrs[j], mix_layout(j));
	}
	uint64_t t1 = ticks();
	slab_assert(&h);
	return t1 - t0;
}

/* ------------------------------------------------------------ stage 8 */

/* The debugging allocator over slabs over a free list on the whole heap
 * (contenders.h), site 0 as its contender's. */
static struct freelist_heap debug_fallback;
static struct slab_heap debug_slabs;

static uint64_t debug_alloc_loop(size_t size)
{
	struct debug_heap h;
	struct layout layout = {size, 8};
	debug_over_slabs(&h, &debug_slabs, &debug_fallback, heap, heap_bytes);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = debug_alloc(&h, layout, 0);
		USE(p);
	}
	uint64_t t1 = ticks();
	ASSERT(h.live == DIRECT_OPS, "debugging: a block was refused");
	return t1 - t0;
}

static uint64_t debug_pair_loop(size_t size)
{
	struct debug_heap h;
	struct layout layout = {size, 8};
	debug_over_slabs(&h, &debug_slabs, &debug_fallback, heap, heap_bytes);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = debug_alloc(&h, layout, 0);
		USE(p);
		debug_dealloc(&h, p, layout, 0);
	}
	uint64_t t1 = ticks();
	ASSERT(h.live == 0, "debugging: a block was not freed");
	return t1 - t0;
}

static uint64_t debug_mix_loop(size_t size)
{
	struct debug_heap h;
	(void)size;
	debug_over_slabs(&h, &debug_slabs, &debug_fallback, heap, heap_bytes);
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i += MIX_BATCH) {
		for (size_t j = i; j < i + MIX_BATCH; j++)
			ptrs[j] = debug_alloc(&h, mix_layout(j), 0);
		for (size_t j = i; j < i + MIX_BATCH; j++)
			debug_dealloc(&h, ptrs[j], mix_layout(j), 0);
	}
	uint64_t t1 = ticks();
	ASSERT(h.live == 0, "debugging: a block was not freed");
	return t1 - t0;
}

/* ---------------------------------------------------- the C library's */

/* malloc's blocks are freed outside the timing. */
static uint64_t malloc_alloc_loop(size_t size)
{
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		ptrs[i] = malloc(size);
		USE(ptrs[i]);
	}
	uint64_t t1 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++)
		free(ptrs[i]);
	return t1 - t0;
}

static uint64_t malloc_pair_loop(size_t size)
{
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i++) {
		void *p = malloc(size);
		USE(p);
		free(p);
	}
	return ticks() - t0;
}

static uint64_t malloc_mix_loop(size_t size)
{
	(void)size;
	uint64_t t0 = ticks();
	for (size_t i = 0; i < DIRECT_OPS; i += MIX_BATCH) {
		for (size_t j = i; j < i + MIX_BATCH; j++)
			ptrs[j] = malloc(mix_layout(j).size);
		for (size_t j = i; j < i + MIX_BATCH; j++)
			free(ptrs[j]);
	}
	return ticks() - t0;
}

/* ------------------------------------------------------------ the list */

const struct direct_calls direct_calls[] = {
	{"bump", {bump_alloc_loop, bump_pair_loop, bump_mix_loop}},
	{"free list",
	 {freelist_alloc_loop, freelist_pair_loop, freelist_mix_loop}},
	{"slabs", {slab_alloc_loop, slab_pair_loop, slab_mix_loop}},
	{"debugging", {debug_alloc_loop, debug_pair_loop, debug_mix_loop}},
	{"C malloc", {malloc_alloc_loop, malloc_pair_loop, malloc_mix_loop}},
};
const size_t direct_calls_count = sizeof direct_calls / sizeof direct_calls[0];
