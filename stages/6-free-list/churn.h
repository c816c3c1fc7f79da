/*
 * churn.h - chapter 5's process table, run for as long as asked: the
 * workload a bump heap cannot serve and a heap that reuses memory serves
 * for ever.  Used by the demo and by the tests.
 */
#ifndef CHURN_H
#define CHURN_H

#include <stdint.h>

#include "kernel_heap.h"

struct churn_result {
	uint64_t created;	/* processes created: pids 1..created */
	uint64_t alive;		/* in the table when it stopped */
	struct heap_stats heap; /* the heap then, before the cleanup */
};

/* Creates processes 1, 2, ... count, each a struct proc on the heap,
 * found by pid in a B-tree; once `alive` newer ones exist, the oldest is
 * destroyed.  Stops early if the heap is full.  Frees everything before
 * it returns. */
struct churn_result churn_run(uint64_t count, uint64_t alive);

#endif
