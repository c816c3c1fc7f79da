/*
 * random_actions.h - random allocations, frees and reallocations of
 * random sizes, a fixed number of them: how many an allocator does per
 * second (after talc's "random actions" benchmark, which counts the
 * actions done in a fixed time instead).
 *
 * The actions are drawn once, before anything is timed, into a script;
 * every contender then runs the same script, so the random numbers cost
 * nobody anything and every contender sees the same requests.
 * fragmentation.c replays the script's requests on the size classes.
 */
#ifndef RANDOM_ACTIONS_H
#define RANDOM_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "contenders.h"

#define RA_SLOTS 1000	 /* live blocks at most; about 2/3 are live */
#define RA_MAX_SIZE 4096 /* requests are 1 to this many bytes */
#define RA_ALIGN 8	 /* every request's alignment */

enum ra_kind { RA_ALLOC, RA_FREE, RA_REALLOC };

/* One action on one slot of the table of live blocks. */
struct ra_action {
	uint32_t slot; /* < RA_SLOTS */
	uint16_t size; /* alloc, realloc: the size asked for */
	uint8_t kind;  /* enum ra_kind */
};

/* The actions, in order.  Invariant: an alloc is on an empty slot, a free
 * or a realloc on a live one, so the script never depends on what an
 * allocator returns (as long as nothing fails). */
struct ra_script {
	struct ra_action *v;
	size_t len;
};

/* Draws `ops` actions from `seed`: the same script for the same seed.
 * Each picks a slot uniformly; an empty slot is allocated, a live one
 * freed or reallocated (even odds).  A size is uniform in [1, 8 << k],
 * k uniform in 0..9: the small sizes are the frequent ones, and 1 in 20
 * requests is bigger than the largest size class (2048). */
struct ra_script ra_make(uint64_t seed, size_t ops);
void ra_destroy(struct ra_script *s);

/* Runs script s on contender c, given `heap` (heap_bytes bytes) as its
 * whole heap; returns the ticks the actions took.  Every block is freed
 * afterwards, outside the timing.  Exits the program if an allocation
 * fails: the heap is far bigger than the workload ever needs. */
uint64_t ra_run(const struct ra_script *s, const struct contender *c,
		void *heap, size_t heap_bytes);

#endif
