/*
 * fragmentation.h - what the size classes (stage 7) waste on a mixed
 * workload: the random-actions script (random_actions.h) replayed on a
 * slab heap, class by class.
 *
 * Two measures, kept apart:
 *   internal  every request against the block that served it: a 33-byte
 *             request in the 64-byte class wastes 31 bytes inside its
 *             block.  Summed over all the script's requests.
 *   held      at the end of the script: the bytes the live blocks asked
 *             for against the memory their class holds from the free list
 *             (whole slabs: headers, and the free blocks no other class
 *             can use, included).
 * Requests bigger than the largest class go to the free list, which
 * rounds them up to 16 bytes; they are the last row.
 */
#ifndef FRAGMENTATION_H
#define FRAGMENTATION_H

#include <stddef.h>
#include <stdint.h>

#include "random_actions.h"
#include "slab.h"

#define FRAG_ROWS (SLAB_CLASSES + 1) /* the classes, then the large */

struct frag_row {
	size_t block;	   /* the class's block size; 0: the large row */
	uint64_t requests; /* allocs and reallocs the row served */
	uint64_t asked;	   /* bytes they asked for */
	uint64_t given;	   /* bytes of the blocks that served them */
	size_t live;	   /* at the end: live blocks */
	size_t live_asked; /* ...the bytes they asked for */
	size_t held;	   /* ...the bytes the row holds from the free list */
};

/* Replays script s on a slab heap over the free list on `heap`
 * (heap_bytes bytes, a fixed heap) and fills rows[0..FRAG_ROWS). */
void fragmentation(const struct ra_script *s, void *heap, size_t heap_bytes,
		   struct frag_row rows[FRAG_ROWS]);

#endif
