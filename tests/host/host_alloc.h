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

/*
 * The most host_alloc asks malloc for at once: the payload plus its header
 * and alignment padding.  A larger request (a huge size or alignment, such
 * as kmalloc(SIZE_MAX - 39, 1)) returns NULL as if memory ran out; the sum
 * is computed without wrapping.  1 GiB is more than any test needs, and
 * far below the largest block AddressSanitizer's malloc will return
 * instead of aborting the test.
 */
#define HOST_ALLOC_MAX ((size_t)1 << 30)

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
