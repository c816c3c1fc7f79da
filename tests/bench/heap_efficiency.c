/*
 * heap_efficiency.c - the "heap efficiency" benchmark of talc (an
 * allocator for Rust's no_std world), written again in C.
 *
 * What it measures: random allocations, frees and reallocations run on one
 * heap until the first allocation fails.  At that moment the bytes the
 * live blocks asked for, divided by the size of the heap, is the share of
 * the heap the allocator managed to use; the rest went to its headers,
 * rounding, alignment gaps, and free blocks too small or too scattered
 * for the request that failed.  Everything is freed and the next run
 * starts.  The figure is the sum of those bytes over all runs divided by
 * the sum of the heap sizes.
 *
 * Matched to the workload of talc 4 (benchmarks/random_actions.rs,
 * heap_efficiency()), the one its README's figures come from (dlmalloc
 * 99.14%, rlsf 99.06%, talc 98.97%, linked_list_allocator 98.36%,
 * buddy_alloc 63.14%):
 *
 *   heap      512 MiB (1 << 29 bytes), the same one for every run
 *   runs      300
 *   action    one of ten, uniformly:
 *     0-4 (50%) allocate: size uniform in [1, 100000); alignment
 *               8 << (tz / 2), where tz counts the trailing zero bits of
 *               a uniform 16-bit number (16 for 0): 8 with probability
 *               3/4, 16: 3/16, 32: 3/64, 64: 3/256 ... up to 2048.
 *               A failure ends the run.
 *     5   (10%) free a uniformly chosen live block (if there is one)
 *     6-9 (40%) realloc a uniformly chosen live block (if there is one)
 *               to a size uniform in [1, 100000 * 1000000).  A failure
 *               leaves the block as it was and the run goes on.  Most
 *               fail (the size is almost always more than the heap), but
 *               early in a run a few succeed and take hundreds of MiB.
 *   occupied  the sizes the live blocks were requested with (a
 *             reallocated block counts its new size), not what the
 *             allocator rounded them up to
 *
 * What is ours: the random numbers.  talc draws from fastrand, seeded
 * anew on every run of the program; here a generator of our own (rng.h)
 * is seeded with the run's number, so the figure is the same every time.
 * realloc is the contender's, as the kernel's heap does it: in place
 * when it can, else alloc, copy and free.
 */
#include "heap_efficiency.h"

#include <stdio.h>
#include <stdlib.h>

#include "rng.h"

#define MAX_ALLOC_SIZE 100000u
#define MAX_REALLOC_SIZE ((uint64_t)MAX_ALLOC_SIZE * 1000000u)

/* ---------------------------------------------------- random numbers */

static size_t rng_align(uint64_t *state)
{
	uint16_t x = (uint16_t)rng_next(state);
	int tz = x == 0 ? 16 : __builtin_ctz(x);
	return (size_t)8 << (tz / 2);
}

/* ------------------------------------------------------ the live blocks */

struct block {
	void *ptr;
	struct layout layout;
};

struct live {
	struct block *v;
	size_t len, cap;
};

static void live_push(struct live *l, struct block b)
{
	if (l->len == l->cap) {
		l->cap = l->cap == 0 ? 4096 : l->cap * 2;
		l->v = realloc(l->v, l->cap * sizeof l->v[0]);
		if (l->v == NULL) {
			fprintf(stderr, "heap_efficiency: out of memory\n");
			exit(1);
		}
	}
	l->v[l->len++] = b;
}

/* Frees every live block; returns the bytes they were requested with. */
static uint64_t live_free_all(struct live *l, struct allocator *a)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < l->len; i++) {
		bytes += l->v[i].layout.size;
		allocator_dealloc(a, l->v[i].ptr, l->v[i].layout);
	}
	l->len = 0;
	return bytes;
}

/* ---------------------------------------------------------- one run */

/* One of the five actions in ten: false when the allocation failed. */
static bool allocate(struct live *l, struct allocator *a, uint64_t *rng)
{
	struct layout layout;
	layout.size = rng_range(rng, 1, MAX_ALLOC_SIZE);
	layout.align = rng_align(rng);
	void *p = allocator_alloc(a, layout);
	if (p == NULL)
		return false;
	live_push(l, (struct block){p, layout});
	return true;
}

/* Removes block i by moving the last one into its place (Rust's
 * Vec::swap_remove, what talc's loop does) and frees it. */
static void free_one(struct live *l, struct allocator *a, size_t i)
{
	struct block b = l->v[i];
	l->v[i] = l->v[--l->len];
	allocator_dealloc(a, b.ptr, b.layout);
}

static void realloc_one(struct live *l, struct allocator *a, size_t i,
			uint64_t *rng)
{
	struct block *b = &l->v[i];
	size_t new_size = rng_range(rng, 1, MAX_REALLOC_SIZE);
	void *p = allocator_realloc(a, b->ptr, b->layout, new_size);
	if (p != NULL) {
		b->ptr = p;
		b->layout.size = new_size;
	}
}

/* Runs until an allocation fails; returns the live bytes at that moment,
 * all of them freed again. */
static uint64_t one_run(struct live *l, struct allocator *a, uint64_t seed)
{
	uint64_t rng = seed;
	for (;;) {
		uint64_t action = rng_range(&rng, 0, 10);
		if (action <= 4) {
			if (!allocate(l, a, &rng))
				return live_free_all(l, a);
		} else if (l->len > 0) {
			size_t i = rng_range(&rng, 0, l->len);
			if (action == 5)
				free_one(l, a, i);
			else
				realloc_one(l, a, i, &rng);
		}
	}
}

struct heap_efficiency heap_efficiency(const struct contender *c, void *heap,
				       unsigned runs)
{
	struct heap_efficiency r = {.worst = 100, .runs = runs};
	if (!c->reset((uintptr_t)heap, HE_HEAP_SIZE))
		return r; /* no fixed heap: nothing to fill */
	r.applicable = true;
	struct live l = {0};
	uint64_t used = 0;
	for (unsigned i = 0; i < runs; i++) {
		uint64_t bytes = one_run(&l, c->allocator, i + 1);
		double percent = 100.0 * (double)bytes / HE_HEAP_SIZE;
		r.worst = percent < r.worst ? percent : r.worst;
		r.best = percent > r.best ? percent : r.best;
		used += bytes;
	}
	r.percent = 100.0 * (double)used / ((double)HE_HEAP_SIZE * runs);
	free(l.v);
	return r;
}
