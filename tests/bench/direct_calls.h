/*
 * direct_calls.h - every allocator of the course called directly, as a
 * program calls malloc: the timed loops of the cost benchmark.
 *
 * Direct, not through struct allocator: an indirect call costs a few
 * cycles of its own, and malloc pays none.  Each contender has three
 * loops, each timing DIRECT_OPS operations on a heap of its own, new for
 * the round (the C library's malloc: its own heap, as it is):
 *
 *   alloc       DIRECT_OPS blocks of `size` bytes, none freed (malloc's
 *               are freed after the timing)
 *   pair        DIRECT_OPS times: allocate a block of `size`, free it
 *   mix         DIRECT_OPS blocks of sizes drawn uniformly from
 *               [MIX_MIN, MIX_MAX], in batches of MIX_BATCH: a batch is
 *               allocated, then freed in the order it was allocated
 *               (`size` is not used)
 *
 * The operations are alloc + free pairs for pair and mix, allocations for
 * alloc.  Every block is 8-aligned.
 */
#ifndef DIRECT_CALLS_H
#define DIRECT_CALLS_H

#include <stddef.h>
#include <stdint.h>

#define DIRECT_OPS (1 << 18) /* 262144 */
#define MIX_MIN 8
#define MIX_MAX 512
#define MIX_BATCH 64

enum direct_loop { DIRECT_ALLOC, DIRECT_PAIR, DIRECT_MIX, DIRECT_LOOPS };

/* One contender's loops; each returns the ticks its operations took. */
struct direct_calls {
	const char *contender; /* its name in contenders.c */
	uint64_t (*loop[DIRECT_LOOPS])(size_t size);
};

extern const struct direct_calls direct_calls[];
extern const size_t direct_calls_count;

/* Gives the loops their memory (heap_bytes bytes at heap, mapped and
 * writable; alloc takes DIRECT_OPS * size of it) and draws mix's sizes
 * (fixed seed: the same sizes every run).  Before any loop runs. */
void direct_calls_init(void *heap, size_t heap_bytes);

#endif
