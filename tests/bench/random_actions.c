/*
 * random_actions.c - the random-actions script: drawing it, and running
 * it on a contender (random_actions.h).
 *
 * The table of live blocks is what the script acts on:
 *
 *   slot:   0      1      2      3           RA_SLOTS - 1
 *         +------+------+------+------+-- ... --+------+
 *         | ptr  | NULL | ptr  | ptr  |         | NULL |
 *         | size |      | size | size |         |      |
 *         +------+------+------+------+-- ... --+------+
 *
 * An action picks a slot: an empty one is allocated; a live one is freed
 * or reallocated, with even odds.  A slot is thus empty for one pick
 * and live for two, on average: about 2/3 of the slots are live once the
 * table has filled, and the actions are about 1/3 each kind.
 */
#include "random_actions.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "rng.h"
#include "timing.h"

/* ------------------------------------------------------- the script */

static uint16_t ra_size(uint64_t *rng)
{
	uint64_t max = (uint64_t)8 << rng_range(rng, 0, 10);
	return (uint16_t)rng_range(rng, 1, max + 1);
}

_Static_assert(RA_MAX_SIZE == 8 << 9, "ra_size's largest: 8 << 9");
_Static_assert(RA_MAX_SIZE <= UINT16_MAX, "a size fits an ra_action");

struct ra_script ra_make(uint64_t seed, size_t ops)
{
	struct ra_script s = {malloc(ops * sizeof(struct ra_action)), ops};
	bool live[RA_SLOTS] = {false};
	uint64_t rng = seed;
	if (s.v == NULL) {
		fprintf(stderr, "random_actions: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < ops; i++) {
		struct ra_action *a = &s.v[i];
		a->slot = (uint32_t)rng_range(&rng, 0, RA_SLOTS);
		a->kind = !live[a->slot]       ? RA_ALLOC
			  : rng_next(&rng) & 1 ? RA_FREE
					       : RA_REALLOC;
		a->size = a->kind == RA_FREE ? 0 : ra_size(&rng);
		live[a->slot] = a->kind != RA_FREE;
	}
	return s;
}

void ra_destroy(struct ra_script *s)
{
	free(s->v);
	*s = (struct ra_script){0};
}

/* --------------------------------------------------------- one run */

struct ra_block {
	void *ptr; /* NULL: the slot is empty */
	size_t size;
};

static struct ra_block table[RA_SLOTS];

static void failed(const struct contender *c, const struct ra_action *a)
{
	fprintf(stderr, "random_actions: %s could not %s %u bytes\n", c->name,
		a->kind == RA_ALLOC ? "allocate" : "reallocate to", a->size);
	exit(1);
}

/* One action; the layout of a block is its size and RA_ALIGN. */
static void ra_step(const struct contender *c, const struct ra_action *a)
{
	struct ra_block *b = &table[a->slot];
	struct layout old = {b->size, RA_ALIGN};
	switch (a->kind) {
	case RA_ALLOC:
		b->ptr = allocator_alloc(c->allocator,
					 (struct layout){a->size, RA_ALIGN});
		break;
	case RA_FREE:
		allocator_dealloc(c->allocator, b->ptr, old);
		b->ptr = NULL;
		return;
	case RA_REALLOC:
		b->ptr = allocator_realloc(c->allocator, b->ptr, old, a->size);
		break;
	}
	if (b->ptr == NULL)
		failed(c, a);
	b->size = a->size;
}

uint64_t ra_run(const struct ra_script *s, const struct contender *c,
		void *heap, size_t heap_bytes)
{
	c->reset((uintptr_t)heap, heap_bytes); /* (malloc: nothing to do) */
	uint64_t t0 = ticks();
	for (size_t i = 0; i < s->len; i++)
		ra_step(c, &s->v[i]);
	uint64_t t1 = ticks();
	for (size_t i = 0; i < RA_SLOTS; i++)
		if (table[i].ptr != NULL) {
			allocator_dealloc(
				c->allocator, table[i].ptr,
				(struct layout){table[i].size, RA_ALIGN});
			table[i].ptr = NULL;
		}
	return t1 - t0;
}
