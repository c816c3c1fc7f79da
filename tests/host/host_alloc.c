/* host_alloc.c - see host_alloc.h. */
#include "host_alloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "panic.h"

/*
 * A header in front of each block remembers its layout and a magic value,
 * so a wrong-layout or double dealloc is caught as a panic.  The block
 * from malloc holds padding (so the payload is aligned), the header, and
 * the payload:
 *
 *     raw (from malloc)               p (returned)
 *     |                               |
 *     v                               v
 *     +-------------+-----------------+--------------------+
 *     | padding     | struct header   | payload            |
 *     | < align     | size, align,    | layout.size bytes  |
 *     |             | magic, raw      |                    |
 *     +-------------+-----------------+--------------------+
 *     \_______ sizeof(struct header) + align - 1 __/ at most
 */
#define LIVE_MAGIC 0x4c495645u /* "LIVE" */
#define DEAD_MAGIC 0x44454144u /* "DEAD" */

struct header {
	size_t size, align;
	uint32_t magic;
	void *raw;
};

static size_t live, count, fail_countdown = SIZE_MAX;
static int fail_all, injected;

static struct header *header_of(void *p)
{
	return (struct header *)p - 1;
}

/*
 * The bytes to ask malloc for, in *total: the header, the worst-case
 * padding, and the payload.  False if that sum wraps around SIZE_MAX or
 * exceeds HOST_ALLOC_MAX.  (A wrapped sum is a tiny malloc for a huge
 * request, and the header and payload written past its end.)
 */
static bool raw_size(size_t size, size_t align, size_t *total)
{
	size_t header_and_padding;
	if (__builtin_add_overflow(sizeof(struct header), align - 1,
				   &header_and_padding))
		return false;
	if (__builtin_add_overflow(header_and_padding, size, total))
		return false;
	return *total <= HOST_ALLOC_MAX;
}

static void *host_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	/* the header must be aligned too */
	size_t align = layout.align < _Alignof(struct header)
			       ? _Alignof(struct header)
			       : layout.align;
	size_t total;
	if (!raw_size(layout.size, align, &total))
		return NULL; /* cannot be met: out of memory, not a bug */
	if (fail_all) {
		injected = 1;
		return NULL;
	}
	if (fail_countdown != SIZE_MAX) {
		if (fail_countdown == 0) {
			fail_countdown = SIZE_MAX;
			injected = 1;
			return NULL;
		}
		fail_countdown--;
	}
	char *raw = malloc(total);
	if (raw == NULL)
		return NULL;
	/* The first aligned address with room for the header below it.  It
	 * lies at most align - 1 bytes past raw + sizeof(struct header), so
	 * the payload ends inside the block, and nothing here wraps: every
	 * address computed is inside the block malloc returned. */
	uintptr_t p = ((uintptr_t)raw + sizeof(struct header) + align - 1) &
		      ~(uintptr_t)(align - 1);
	struct header *h = header_of((void *)p);
	h->size = layout.size;
	h->align = layout.align;
	h->magic = LIVE_MAGIC;
	h->raw = raw;
	live++;
	count++;
	return (void *)p;
}

static void host_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	struct header *h = header_of(ptr);
	if (h->magic != LIVE_MAGIC)
		panic("host_dealloc: %p is not a live block (double free?)",
		      ptr);
	if (h->size != layout.size || h->align != layout.align)
		panic("host_dealloc: %p freed with size %zu align %zu, "
		      "allocated "
		      "with size %zu align %zu",
		      ptr, layout.size, layout.align, h->size, h->align);
	h->magic = DEAD_MAGIC;
	live--;
	free(h->raw);
}

struct allocator host_allocator = {
	.name = "host",
	.alloc = host_alloc,
	.dealloc = host_dealloc,
};
GLOBAL_ALLOCATOR(host_allocator);

size_t host_alloc_live(void)
{
	return live;
}

size_t host_alloc_count(void)
{
	return count;
}

void host_alloc_fail_after(size_t n)
{
	fail_countdown = n;
	injected = 0;
}

void host_alloc_fail_all(int on)
{
	fail_all = on;
}

int host_alloc_failure_injected(void)
{
	return injected;
}
