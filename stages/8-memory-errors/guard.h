/*
 * guard.h - the debugging allocator's guard-page mode (Electric Fence's
 * and KFENCE's idea): a block at the very end of pages of its own, with
 * an unmapped page after it, and its pages unmapped when it is freed.
 * Then a read or a write after the free, or past the end, faults at once,
 * and the page-fault handler names the block.
 */
#ifndef GUARD_H
#define GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "alloc.h"

#define GUARD_START 0x666600000000ull /* where guarded blocks live */
#define GUARD_SPAN (1ull << 30)	      /* 1 GiB of addresses, never reused */
#define GUARD_SLOTS 128		      /* blocks remembered at once */
#define GUARD_MAX_PAGES 4	      /* bigger blocks are not guarded */

/* A guarded block: live, or freed and its pages unmapped. */
struct guard_block {
	uint64_t page;	      /* its first page; the guard page follows */
	uint32_t pages;	      /* pages mapped while live */
	uint32_t size;	      /* bytes asked for */
	uintptr_t ptr;	      /* the block: it ends where the pages end */
	uintptr_t alloc_site; /* who allocated it */
	uintptr_t free_site;  /* who freed it (0 while live) */
	bool live;
};

/* A guarded block for layout, or NULL if it cannot be guarded (too big,
 * aligned more than a page, no slot, address or frame left): the caller
 * then takes the normal path. */
void *guard_alloc(struct layout layout, uintptr_t site);

/* Frees ptr if it is a guarded block (checking the layout and the bytes
 * in front of it, and reporting a double free); false if it is not. */
bool guard_free(void *ptr, struct layout layout, uintptr_t site);

/* Live guarded blocks, and their bytes. */
void guard_live(size_t *blocks, size_t *bytes);

/* The page-fault hook: if addr is in a guarded block's pages or its
 * guard page, panics with a report naming the block; returns otherwise. */
void guard_page_fault(uint64_t addr, bool write);

#endif
