// sources: stages/6-free-list/freelist.c
// stage: 6
/*
 * Exercise 6.2: realloc that also grows downward
 * (stages/6-free-list/freelist.c, freelist.h):
 *
 *   void *freelist_realloc(struct freelist_heap *h, void *ptr,
 *                          struct layout layout, size_t new_size);
 *
 * resizes in place when it can (freelist_realloc_in_place), else moves
 * the block down into the free block that ends where it starts, taking
 * the free block right behind it too if there is one, when that holds
 * new_size bytes at the block's alignment (the lowest aligned address in
 * the free block below).  The first min(layout.size, new_size) bytes move
 * with it.  NULL, with nothing changed, when neither works.
 *
 * Free lists are written as in test_freelist.c: "0+32 96+928" is a free
 * block at offset 0 of 32 bytes and one at 96 of 928.
 */
#include "harness.h"

#include "freelist.h"

#define HEAP_SIZE (64 * 1024)

static _Alignas(4096) unsigned char heap_mem[HEAP_SIZE];

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

static void check(const struct freelist_heap *h)
{
	struct freelist_fault f;
	CHECK_MSG(freelist_check(h, &f), "freelist_check: %s at %p", f.what,
		  (void *)f.at);
}

static struct freelist_heap heap_at(size_t offset, size_t size)
{
	struct freelist_heap h;
	CHECK(freelist_init(&h, (uintptr_t)heap_mem + offset, size) ==
	      FREELIST_OK);
	return h;
}

static void *alloc(struct freelist_heap *h, size_t size, size_t align)
{
	void *p = freelist_alloc(h, lay(size, align));
	CHECK(p != NULL);
	check(h);
	return p;
}

static void dealloc(struct freelist_heap *h, void *p, size_t size, size_t align)
{
	freelist_dealloc(h, p, lay(size, align));
	check(h);
}

static void *resize(struct freelist_heap *h, void *p, size_t size,
		    size_t align, size_t new_size)
{
	void *q = freelist_realloc(h, p, lay(size, align), new_size);
	check(h);
	return q;
}

static const char *free_list(const struct freelist_heap *h)
{
	static char buf[1024];
	size_t used = 0;
	buf[0] = '\0';
	for (const struct free_block *b = h->head; b != NULL; b = b->next) {
		used += snprintf(buf + used, sizeof buf - used, "%s%zu+%zu",
				 used ? " " : "", (uintptr_t)b - h->start,
				 b->size);
		CHECK(used < sizeof buf);
	}
	return buf;
}

static unsigned char *at(size_t off)
{
	return heap_mem + off;
}

/* Byte i of a block filled by fill(): never the same twice in a row, so
 * a copy that is off by some bytes shows. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 1);
}

static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(i);
}

static bool holds_pattern(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(i))
			return false;
	return true;
}

/*   0    32   64  80
 *   [ a ][ b ][c ][ rest ]   a freed: b grows down into it */
TEST(realloc_moves_down_into_the_free_block_below)
{
	struct freelist_heap h = heap_at(0, 1024);
	unsigned char *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	CHECK(alloc(&h, 16, 8) == at(64));
	dealloc(&h, a, 32, 8);
	fill(b, 32);
	CHECK_STR_EQ(free_list(&h), "0+32 80+944");
	unsigned char *q = resize(&h, b, 32, 8, 64);
	CHECK(q == at(0));
	CHECK(holds_pattern(q, 32));
	CHECK_STR_EQ(free_list(&h), "80+944");
	CHECK_EQ(h.used, 64 + 16);
	CHECK_EQ(h.live, 2);
	/* less than the whole of below: the rest behind stays free */
	struct freelist_heap g = heap_at(2048, 1024);
	a = alloc(&g, 48, 8);
	b = alloc(&g, 16, 8);
	CHECK(alloc(&g, 16, 8) == at(2048 + 64));
	dealloc(&g, a, 48, 8);
	fill(b, 16);
	q = resize(&g, b, 16, 8, 40); /* 48 of the 64 */
	CHECK(q == at(2048));
	CHECK(holds_pattern(q, 16));
	CHECK_STR_EQ(free_list(&g), "48+16 80+944");
}

/* The old and the new place overlap: b's 64 bytes move down by 32.  (A
 * memcpy there is undefined; AddressSanitizer reports it.) */
TEST(realloc_down_copies_overlapping_bytes_right)
{
	struct freelist_heap h = heap_at(0, 1024);
	unsigned char *a = alloc(&h, 32, 8), *b = alloc(&h, 64, 8);
	CHECK(alloc(&h, 16, 8) == at(96));
	dealloc(&h, a, 32, 8);
	fill(b, 64);
	unsigned char *q = resize(&h, b, 64, 8, 96);
	CHECK(q == at(0));
	CHECK(holds_pattern(q, 64));
	CHECK_STR_EQ(free_list(&h), "112+912");
}

/*   0    32   64   96  112
 *   [ a ][ b ][ c ][d ][ rest ]   a and c freed: b takes both */
TEST(realloc_down_takes_the_free_block_above_too)
{
	struct freelist_heap h = heap_at(0, 1024);
	unsigned char *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	unsigned char *c = alloc(&h, 32, 8);
	CHECK(alloc(&h, 16, 8) == at(96));
	dealloc(&h, a, 32, 8);
	dealloc(&h, c, 32, 8);
	fill(b, 30);
	CHECK_STR_EQ(free_list(&h), "0+32 64+32 112+912");
	/* 64 more bytes: not above alone (32), not below alone: all three */
	unsigned char *q = resize(&h, b, 30, 8, 80);
	CHECK(q == at(0));
	CHECK(holds_pattern(q, 30));
	CHECK_STR_EQ(free_list(&h), "80+16 112+912");
	CHECK_EQ(h.used, 80 + 16);
	/* and exactly all three */
	dealloc(&h, q, 80, 8);
	b = alloc(&h, 32, 8);
	CHECK(b == at(0));
	c = alloc(&h, 32, 8);
	CHECK(alloc(&h, 32, 8) == at(64));
	dealloc(&h, b, 32, 8);
	dealloc(&h, at(64), 32, 8);
	fill(c, 32);
	q = resize(&h, c, 32, 8, 96);
	CHECK(q == at(0));
	CHECK(holds_pattern(q, 32));
	CHECK_STR_EQ(free_list(&h), "112+912");
}

/* The block keeps its alignment: it starts at the lowest aligned address
 * of the block below, and the gap in front stays free. */
TEST(realloc_down_keeps_the_alignment)
{
	struct freelist_heap h = heap_at(0, 1024);
	CHECK(alloc(&h, 16, 8) == at(0));
	unsigned char *y = alloc(&h, 112, 16);		   /* [16, 128) */
	unsigned char *b = alloc(&h, 64, 64);		   /* [128, 192) */
	CHECK(b == at(128));
	CHECK(alloc(&h, 16, 8) == at(192));
	dealloc(&h, y, 112, 16);
	fill(b, 64);
	CHECK_STR_EQ(free_list(&h), "16+112 208+816");
	struct freelist_heap before = h;
	/* [16, 192) has 176 bytes, but from 64 on only 128 */
	CHECK(resize(&h, b, 64, 64, 160) == NULL);
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	CHECK_STR_EQ(free_list(&h), "16+112 208+816");
	CHECK(holds_pattern(b, 64));
	unsigned char *q = resize(&h, b, 64, 64, 128);
	CHECK(q == at(64));
	CHECK(holds_pattern(q, 64));
	CHECK_STR_EQ(free_list(&h), "16+48 208+816");
}

/* In place comes first: a block with room behind it does not move, even
 * with a free block below; shrinking never moves it either. */
TEST(realloc_stays_in_place_when_it_can)
{
	struct freelist_heap h = heap_at(0, 1024);
	unsigned char *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	dealloc(&h, a, 32, 8);
	fill(b, 32);
	CHECK(resize(&h, b, 32, 8, 64) == b); /* into the rest above */
	CHECK_STR_EQ(free_list(&h), "0+32 96+928");
	CHECK(resize(&h, b, 64, 8, 16) == b); /* shrinks */
	CHECK_STR_EQ(free_list(&h), "0+32 48+976");
	CHECK(resize(&h, b, 16, 8, 20) == b); /* into the rest again */
	CHECK(holds_pattern(b, 16));
	CHECK_EQ(h.used, 32);
}

/* NULL, with nothing changed: nothing free below, or not enough there. */
TEST(realloc_refuses_what_does_not_fit_and_changes_nothing)
{
	struct freelist_heap h = heap_at(0, 1024);
	unsigned char *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	unsigned char *c = alloc(&h, 32, 8);
	CHECK(alloc(&h, 16, 8) == at(96));
	fill(b, 32);
	struct freelist_heap before = h;
	CHECK(resize(&h, b, 32, 8, 48) == NULL); /* a and c live */
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	dealloc(&h, c, 32, 8);
	before = h;
	CHECK(resize(&h, b, 32, 8, 80) == NULL); /* a live: c is not enough */
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	CHECK_STR_EQ(free_list(&h), "64+32 112+912");
	dealloc(&h, a, 32, 8);
	before = h;
	CHECK(resize(&h, b, 32, 8, 97) == NULL); /* 96 bytes in all */
	CHECK(resize(&h, b, 32, 8, SIZE_MAX) == NULL);
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	CHECK_STR_EQ(free_list(&h), "0+32 64+32 112+912");
	CHECK(holds_pattern(b, 32));
	/* a free block below that does not touch the block is no help */
	struct freelist_heap g = heap_at(2048, 1024);
	a = alloc(&g, 32, 8);
	CHECK(alloc(&g, 16, 8) == at(2048 + 32));
	b = alloc(&g, 32, 8);
	CHECK(alloc(&g, 16, 8) == at(2048 + 80));
	dealloc(&g, a, 32, 8);
	before = g;
	CHECK(resize(&g, b, 32, 8, 48) == NULL);
	CHECK(memcmp(&g, &before, sizeof g) == 0);
}

/* ------------------------------------------------------- the property */

/* What freelist_realloc must return for the block [p, p + size), worked
 * out from the free list before the call. */
static uintptr_t expected(const struct freelist_heap *h, uintptr_t p,
			  size_t size, size_t align, size_t new_size)
{
	size_t old = freelist_block_size(size);
	size_t new = freelist_block_size(new_size);
	if (new == 0)
		return 0;
	if (new <= old)
		return p;
	const struct free_block *below = NULL, *above = NULL;
	for (const struct free_block *b = h->head; b != NULL; b = b->next) {
		if ((uintptr_t)b + b->size == p)
			below = b;
		if ((uintptr_t)b == p + old)
			above = b;
	}
	size_t up = above != NULL ? above->size : 0;
	if (new - old <= up)
		return p;
	if (below == NULL)
		return 0;
	uintptr_t start = (uintptr_t)below;
	uintptr_t a = (start + align - 1) & ~(uintptr_t)(align - 1);
	return p + old + up - a >= new ? a : 0;
}

struct live {
	unsigned char *p;
	size_t size, align;
	unsigned char fill;
};

static bool holds(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t k = 0; k < n; k++)
		if (p[k] != v)
			return false;
	return true;
}

static bool filled(const struct live *b)
{
	return holds(b->p, b->size, b->fill);
}

/* Random allocs, frees and reallocs (sizes 0 to 400, alignments 1 to
 * 128) on a small heap: each realloc returns what the free list says it
 * must, the contents survive, and the heap ends as one free block. */
TEST(realloc_down_randomized)
{
	static struct live live[256];
	size_t moved_down = 0, in_place = 0, refused = 0;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		uint64_t state = seed * 0x9e3779b97f4a7c15ULL;
		struct freelist_heap h = heap_at(seed * 16, 16 * 1024);
		size_t n = 0;
		for (size_t op = 0; op < 20000; op++) {
			uint64_t r = harness_rand(&state);
			unsigned pick = r % 100;
			size_t size = (r >> 8) % 401;
			unsigned char fill = (unsigned char)(op | 1);
			if (n < 256 && (n == 0 || pick < 40)) {
				size_t align = (size_t)1 << (r >> 20) % 8;
				unsigned char *p =
					freelist_alloc(&h, lay(size, align));
				if (p == NULL)
					continue;
				memset(p, fill, size);
				live[n++] = (struct live){p, size, align, fill};
			} else if (pick < 70) {
				size_t i = (r >> 32) % n;
				CHECK(filled(&live[i]));
				freelist_dealloc(&h, live[i].p,
						 lay(live[i].size, live[i].align));
				live[i] = live[--n];
			} else {
				struct live *b = &live[(r >> 32) % n];
				uintptr_t want = expected(
					&h, (uintptr_t)b->p, b->size, b->align,
					size);
				unsigned char *q = freelist_realloc(
					&h, b->p, lay(b->size, b->align), size);
				CHECK_MSG((uintptr_t)q == want,
					  "seed %llu op %zu: realloc %zu/%zu "
					  "to %zu gave %p, not %p",
					  (unsigned long long)seed, op, b->size,
					  b->align, size, (void *)q,
					  (void *)want);
				if (q == NULL) {
					refused++;
					CHECK(filled(b));
				} else {
					size_t keep = b->size < size ? b->size
								     : size;
					CHECK(holds(q, keep, b->fill));
					moved_down += q != b->p;
					in_place += q == b->p;
					b->p = q;
					b->size = size;
					memset(q, b->fill, size);
				}
			}
			check(&h);
		}
		while (n > 0) {
			n--;
			CHECK(filled(&live[n]));
			freelist_dealloc(&h, live[n].p,
					 lay(live[n].size, live[n].align));
		}
		check(&h);
		CHECK(h.head != NULL && h.head->size == 16 * 1024);
	}
	CHECK_MSG(moved_down > 500 && in_place > 500 && refused > 500,
		  "moved down %zu, in place %zu, refused %zu", moved_down,
		  in_place, refused);
}
