/*
 * host_alloc.h - the global allocator for host unit tests.
 *
 * Backed by the C library's malloc (so AddressSanitizer sees every block),
 * it checks the allocator contracts that the kernel's allocators trust:
 * every dealloc names a live block and the layout it was allocated with.
 * It also counts live blocks (for leak checks) and can be told to fail the
 * Nth allocation from now, for allocation-failure injection.
 */
#ifndef HOST_ALLOC_H
#define HOST_ALLOC_H

#include <stddef.h>

#include "alloc.h"

extern struct allocator host_allocator;

/* Number of blocks allocated and not yet freed. */
size_t host_alloc_live(void);
/* Number of successful allocations since the start. */
size_t host_alloc_count(void);
/* Make the n-th allocation from now (0 = the very next) return NULL;
 * pass SIZE_MAX (the default) to never fail. */
void host_alloc_fail_after(size_t n);
/* Make every allocation fail while `on` is true. */
void host_alloc_fail_all(int on);
/* True once a failure was injected since the last fail_after call. */
int host_alloc_failure_injected(void);

#endif
