/*
 * debug_alloc.h - a debugging allocator: poison, redzones, a quarantine,
 * and a shadow map of every block's state, layered over another
 * allocator.  It catches use-after-free writes, double and invalid
 * frees, frees with the wrong layout, and writes just past either end of
 * a block, and says exactly what happened.  See debug_alloc.c for the
 * theory of operation.
 *
 * Portable, as the allocators below it: no lock, no paging.  The kernel
 * (kernel_heap.c) puts it over the slabs of chapter 7; host tests put it
 * over the C library.  The guard-page mode, which needs paging, is
 * guard.c.
 */
#ifndef DEBUG_ALLOC_H
#define DEBUG_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"

#define DBG_FRONT 32	     /* bytes in front of a block: header + canary */
#define DBG_REDZONE 16	     /* canary bytes at least, behind a block */
#define DBG_GRANULE 16	     /* the shadow map's unit */
#define DBG_POISON 0x6b	     /* freed memory (Linux's POISON_FREE) */
#define DBG_FRESH 0xa5	     /* new memory, never written yet */
#define DBG_CANARY 0xfc	     /* the redzones */
#define DBG_QUARANTINE 64    /* freed blocks held back from reuse... */
#define DBG_QUARANTINE_BYTES (64u << 10) /* ...and their bytes at most */

/* A pointer read from freed memory: DBG_POISON in each of its 8 bytes.
 * Not a canonical x86_64 address (bits 63-48 differ from bit 47), so
 * following it is a general protection fault. */
#define DBG_POISON_POINTER 0x6b6b6b6b6b6b6b6bull
_Static_assert(DBG_POISON_POINTER == DBG_POISON * 0x0101010101010101ull,
	       "the poison pointer is the poison byte, 8 times");

/*
 * The 32 bytes in front of every block:
 *
 *   inner block (from the allocator below)
 *   +---------+--------+------+------------------+----------------+
 *   | (align  | header | front|  the block        | back redzone   |
 *   |  gap)   |  24 B  | 8 B  |  (size bytes)     | >= 16 B canary |
 *   +---------+--------+------+------------------+----------------+
 *                               ^ what kmalloc returns (ptr)
 *   header = ptr - 32, on a 16-byte granule of the shadow map
 */
struct dbg_header {
	uint32_t size;	      /* bytes asked for */
	uint8_t align_log2;   /* alignment asked for */
	uint8_t pad[3];
	uintptr_t alloc_site; /* who allocated it (a return address) */
	uintptr_t free_site;  /* who freed it, once freed */
	uint8_t canary[8];    /* the front redzone: DBG_CANARY */
};
_Static_assert(sizeof(struct dbg_header) == DBG_FRONT, "header is 32 bytes");

/* The shadow map: one byte per granule of the heap's address range. */
enum dbg_shadow {
	SHADOW_NONE = 0,	/* no block header here */
	SHADOW_LIVE = 1,	/* the header of a live block */
	SHADOW_QUARANTINED = 2, /* the header of a freed block, held back */
};

/* The allocator underneath. */
struct dbg_inner {
	void *(*alloc)(void *ctx, struct layout layout);
	void (*dealloc)(void *ctx, void *ptr, struct layout layout);
	void *ctx;
};

/*
 * The state.  Invariants (debug_check):
 *   - every granule marked LIVE or QUARANTINED holds a header whose
 *     canaries are intact; live == the LIVE granules, live_bytes their
 *     sizes;
 *   - the quarantine holds exactly the QUARANTINED blocks, in the order
 *     they were freed, at most DBG_QUARANTINE of them and
 *     DBG_QUARANTINE_BYTES of their sizes, and every byte of each is
 *     still DBG_POISON (or the next eviction reports it).
 */
struct debug_heap {
	struct dbg_inner inner;
	uintptr_t base;	 /* the address range the shadow map covers */
	uint8_t *shadow; /* one byte per DBG_GRANULE from base */
	size_t granules;
	void *quarantine[DBG_QUARANTINE]; /* a ring of blocks (ptr) */
	size_t q_first, q_count, q_bytes;
	size_t live, live_bytes;
	/* writes "name+0xoff" for a site into buf (the kernel: ksyms) */
	const char *(*site_name)(uintptr_t site, char *buf, size_t size);
	/* NULL: a report panics (the default).  Else it is passed the
	 * report and the kernel goes on (the demo shows every kind). */
	void (*on_report)(const char *report);
	size_t reports; /* reports raised so far */
};

/* Sets up h over `inner`, for blocks inside [base, base + granules *
 * DBG_GRANULE); shadow must have `granules` bytes, all zero. */
void debug_heap_init(struct debug_heap *h, struct dbg_inner inner,
		     uintptr_t base, uint8_t *shadow, size_t granules);

/* A block of layout.size bytes, aligned, filled with DBG_FRESH, between
 * two redzones; `site` is recorded as the allocator.  NULL if the inner
 * allocator has no room even after the quarantine is flushed, or the
 * size does not fit in 32 bits. */
void *debug_alloc(struct debug_heap *h, struct layout layout, uintptr_t site);

/* Checks the free and panics with a report if it is wrong: a double
 * free, a pointer that is no block, the wrong layout, a redzone
 * overwritten.  Otherwise poisons the block and quarantines it.  (With
 * on_report set: a bad free is reported and ignored; a block with a
 * broken redzone is reported and freed.) */
void debug_dealloc(struct debug_heap *h, void *ptr, struct layout layout,
		   uintptr_t site);

/* Reports a pointer read from freed memory that was followed: register
 * `reg` held DBG_POISON_POINTER when the instruction at `at` faulted
 * (the kernel's general-protection hook finds them).  Which block it was
 * read from is not known, so the report does not name one. */
void debug_poisoned_pointer(struct debug_heap *h, const char *reg,
			    uintptr_t at);

/* Empties the quarantine, checking each block's poison, and gives every
 * block back to the inner allocator. */
void debug_flush(struct debug_heap *h);

/* Calls `each` for every live block, in address order; returns how many
 * there are.  (The leak report.) */
size_t debug_each_live(const struct debug_heap *h,
		       void (*each)(void *ctx, const void *ptr, size_t size,
				    uintptr_t site),
		       void *ctx);

/* The header of a live or quarantined block at ptr, or NULL. */
const struct dbg_header *debug_header_of(const struct debug_heap *h,
					 const void *ptr,
					 enum dbg_shadow *state);

/* Walks every header the shadow map marks and the quarantine; true if
 * the invariants hold, else false with *what set.  Never panics. */
bool debug_check(const struct debug_heap *h, const char **what);

#endif
