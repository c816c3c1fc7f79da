/*
 * collections_demo.h - the tour of the collections (collections_demo.c),
 * which stage 5's demo runs after ownership_demo.c's, and the demos of
 * chapters 6 and 8 run first on their allocators.
 */
#ifndef COLLECTIONS_DEMO_H
#define COLLECTIONS_DEMO_H

/* Each collection doing a kernel's job, the heap shown after each; every
 * block is freed at the end ("live allocations: N at the start, N now"). */
void collections_tour(void);

/* Stage 5's demo after ownership_demo.c's part: the tour, then a churn of
 * short-lived and long-lived blocks (the bump heap fills up). */
void collections_demo(void);

#endif
