/* host_alloc.c - see host_alloc.h. */
#include "host_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "panic.h"

/* A header in front of each block remembers its layout and a magic value,
 * so a wrong-layout or double dealloc is caught as a panic. */
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

static void *host_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
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
	size_t align = layout.align < _Alignof(struct header)
			       ? _Alignof(struct header)
			       : layout.align;
	/* room for the header before an aligned payload */
	size_t pad = (sizeof(struct header) + align - 1) / align * align;
	char *raw = malloc(pad + layout.size + align);
	if (raw == NULL)
		return NULL;
	uintptr_t p =
		((uintptr_t)raw + pad + align - 1) & ~(uintptr_t)(align - 1);
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
