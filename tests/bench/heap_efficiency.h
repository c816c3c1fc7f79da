/*
 * heap_efficiency.h - how full an allocator lets its heap get before an
 * allocation fails, under talc's random workload (heap_efficiency.c says
 * exactly what that is).
 */
#ifndef HEAP_EFFICIENCY_H
#define HEAP_EFFICIENCY_H

#include <stddef.h>

#include "contenders.h"

/* The heap the workload is defined with: 512 MiB. */
#define HE_HEAP_SIZE ((size_t)1 << 29)

struct heap_efficiency {
	double percent;	 /* all runs: live bytes / heap bytes, in % */
	double worst;	 /* the lowest run, in % */
	double best;	 /* the highest run, in % */
	unsigned runs;	 /* how many runs that is */
	bool applicable; /* false: the contender has no fixed heap */
};

/* Runs the workload `runs` times on contender c, with the heap at `heap`
 * (HE_HEAP_SIZE bytes, mapped and writable); run i uses seed i + 1, so
 * the result is the same every time. */
struct heap_efficiency heap_efficiency(const struct contender *c, void *heap,
				       unsigned runs);

#endif
