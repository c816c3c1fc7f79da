// sources: stages/6-free-list/freelist.c tests/host/freelist_model.c
// stage: 6
/*
 * test_freelist.c - the free-list allocator on a static array.
 *
 * First the exact pictures: where first fit puts a block, what a split
 * leaves, which neighbours a free merges with, and what realloc in place
 * does, each written as the free list it must leave ("0+32 96+928": a free
 * block at offset 0 of 32 bytes, one at 96 of 928).  Then the bugs other
 * free-list allocators shipped, one test each: padding lost in front of
 * an aligned block (blog_os #796) or behind a short one
 * (linked_list_allocator #66), a first node written into a range too
 * small for it (CVE-2022-36086), huge layouts that wrap (blog_os
 * #726/#727).  Then the panics on a bad free, freelist_check catching
 * broken heaps, and freelist_map's picture.  Last, the property: a
 * million random operations against a model (freelist_model.h).
 */
#include "harness.h"

#include <stdarg.h>

#include "freelist.h"
#include "freelist_model.h"

#define HEAP_SIZE (80 * 1024)

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

/* A heap over heap_mem[offset, offset + size). */
static struct freelist_heap heap_at(size_t offset, size_t size)
{
	struct freelist_heap h;
	enum freelist_error err =
		freelist_init(&h, (uintptr_t)heap_mem + offset, size);
	CHECK_MSG(err == FREELIST_OK, "freelist_init: %s",
		  freelist_error_str(err));
	check(&h);
	return h;
}

static void *alloc(struct freelist_heap *h, size_t size, size_t align)
{
	void *p = freelist_alloc(h, lay(size, align));
	check(h);
	return p;
}

static void dealloc(struct freelist_heap *h, void *p, size_t size, size_t align)
{
	freelist_dealloc(h, p, lay(size, align));
	check(h);
}

static void *realloc_in_place(struct freelist_heap *h, void *p, size_t size,
			      size_t new_size)
{
	void *q = freelist_realloc_in_place(h, p, lay(size, 8), new_size);
	check(h);
	return q;
}

/* The free list as "offset+size ..." from the heap's start. */
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

/* heap_mem + off, the address the test expects. */
static void *at(size_t off)
{
	return heap_mem + off;
}

/* A panic message, formatted as the allocator formats it. */
static const char *msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static const char *msg(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return buf;
}

/* ----------------------------------------------------------------- init */

TEST(freelist_init_makes_one_free_block)
{
	struct freelist_heap h = heap_at(0, 4096);
	CHECK(h.start == (uintptr_t)heap_mem);
	CHECK_EQ(h.end, h.start + 4096);
	CHECK_STR_EQ(free_list(&h), "0+4096");
	CHECK_EQ(h.free_bytes, 4096);
	CHECK_EQ(h.used, 0);
	CHECK_EQ(h.live, 0);
	/* a misaligned range is shrunk to whole units at both ends */
	h = heap_at(3, 4000);
	CHECK(h.start == (uintptr_t)heap_mem + 16);
	CHECK(h.end == (uintptr_t)heap_mem + 4000); /* 4003 rounded down */
	CHECK_STR_EQ(free_list(&h), "0+3984");
	/* the smallest heap: one node */
	h = heap_at(16, 16);
	CHECK(alloc(&h, 0, 1) == at(16));
	CHECK(alloc(&h, 0, 1) == NULL);
	CHECK(h.head == NULL);
}

TEST(freelist_block_size_rounds_up_to_whole_units)
{
	CHECK_EQ(freelist_block_size(0), 16);
	CHECK_EQ(freelist_block_size(1), 16);
	CHECK_EQ(freelist_block_size(16), 16);
	CHECK_EQ(freelist_block_size(17), 32);
	CHECK_EQ(freelist_block_size(SIZE_MAX - 15), SIZE_MAX - 15);
	CHECK_EQ(freelist_block_size(SIZE_MAX - 14), 0);
	CHECK_EQ(freelist_block_size(SIZE_MAX), 0);
}

/*
 * CVE-2022-36086: linked_list_allocator's init wrote its first node
 * before checking that the range could hold one, so a small or misaligned
 * range got 16 bytes written past its end.  Here each such range is
 * refused, and a guard pattern around it shows nothing was written, not
 * even to *h.
 */
TEST(cve_2022_36086_init_refuses_a_range_too_small_for_a_node)
{
	static _Alignas(16) unsigned char guard[64];
	uintptr_t g = (uintptr_t)guard;
	struct {
		uintptr_t start;
		size_t size;
		enum freelist_error want;
	} cases[] = {
		{g + 16, 0, FREELIST_TOO_SMALL},
		{g + 16, 15, FREELIST_TOO_SMALL}, /* aligned, a byte short */
		{g + 17, 15, FREELIST_TOO_SMALL},
		{g + 17, 30, FREELIST_TOO_SMALL}, /* 30 bytes, no whole unit */
		{g + 31, 16, FREELIST_TOO_SMALL},
		{0, 4096, FREELIST_AT_ZERO},
		{0, 0, FREELIST_AT_ZERO},
		{g, SIZE_MAX, FREELIST_WRAPS},
		{UINTPTR_MAX - 15, 32, FREELIST_WRAPS},
		/* the top of the address space: never dereferenced */
		{UINTPTR_MAX - 7, 7, FREELIST_TOO_SMALL},
		{UINTPTR_MAX - 15, 15, FREELIST_TOO_SMALL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct freelist_heap h, untouched;
		memset(guard, 0xa5, sizeof guard);
		memset(&h, 0x5a, sizeof h);
		untouched = h;
		enum freelist_error err =
			freelist_init(&h, cases[i].start, cases[i].size);
		CHECK_MSG(err == cases[i].want, "case %zu: %s", i,
			  freelist_error_str(err));
		CHECK_MSG(memcmp(&h, &untouched, sizeof h) == 0,
			  "case %zu: *h written", i);
		for (size_t j = 0; j < sizeof guard; j++)
			CHECK_MSG(guard[j] == 0xa5,
				  "case %zu: guard[%zu] written", i, j);
	}
	/* one unit fits, and only that unit is written */
	struct freelist_heap h;
	memset(guard, 0xa5, sizeof guard);
	CHECK_EQ(freelist_init(&h, g + 17, 31), FREELIST_OK); /* [32, 48) */
	check(&h);
	CHECK_EQ(h.start, g + 32);
	CHECK_EQ(h.head->size, 16);
	for (size_t j = 0; j < sizeof guard; j++)
		CHECK(guard[j] == 0xa5 || (j >= 32 && j < 48));
	CHECK_STR_EQ(freelist_error_str(FREELIST_TOO_SMALL),
		     "the heap cannot hold one 16-byte node once aligned");
	CHECK(strstr(freelist_error_str(FREELIST_AT_ZERO), "address 0"));
	CHECK(strstr(freelist_error_str(FREELIST_WRAPS), "past the end"));
}

/* ---------------------------------------------------------- first fit */

TEST(freelist_first_fit_takes_the_lowest_block_that_fits)
{
	struct freelist_heap h = heap_at(0, 1024);
	CHECK(alloc(&h, 16, 1) == at(0));
	void *b = alloc(&h, 20, 8); /* takes 32 */
	CHECK(b == at(16));
	CHECK(alloc(&h, 100, 8) == at(48)); /* takes 112 */
	CHECK(alloc(&h, 8, 8) == at(160));
	CHECK_STR_EQ(free_list(&h), "176+848");
	CHECK_EQ(h.used, 176);
	CHECK_EQ(h.live, 4);
	dealloc(&h, b, 20, 8);
	CHECK_STR_EQ(free_list(&h), "16+32 176+848");
	/* an exact fit takes the whole hole */
	CHECK(alloc(&h, 17, 1) == at(16));
	CHECK_STR_EQ(free_list(&h), "176+848");
	dealloc(&h, at(16), 17, 1);
	/* a smaller one splits it: the rest stays free */
	CHECK(alloc(&h, 8, 8) == at(16));
	CHECK_STR_EQ(free_list(&h), "32+16 176+848");
	/* what does not fit in the hole goes past it */
	CHECK(alloc(&h, 17, 1) == at(176));
	CHECK_STR_EQ(free_list(&h), "32+16 208+816");
	/* a zero-size block takes one unit, here the last of the hole */
	CHECK(alloc(&h, 0, 1) == at(32));
	CHECK_STR_EQ(free_list(&h), "208+816");
	CHECK_EQ(h.used + h.free_bytes, 1024);
}

/*
 * blog_os #796: the blog's linked-list allocator took an aligned block
 * from the middle of a free block and dropped the part in front of it.
 * Here the front gap stays on the list, and can be handed out again.
 */
TEST(blog_os_796_the_gap_in_front_of_an_aligned_block_stays_free)
{
	/* starts at heap_mem + 16: mid-way to every alignment past 16 */
	struct freelist_heap h = heap_at(16, 8192);
	void *a = alloc(&h, 64, 256);
	CHECK(a == at(256));
	CHECK_STR_EQ(free_list(&h), "0+240 304+7888");
	CHECK_EQ(h.free_bytes, 8192 - 64);
	/* the gap serves a request of exactly its size... */
	void *b = alloc(&h, 240, 16);
	CHECK(b == at(16));
	CHECK_STR_EQ(free_list(&h), "304+7888");
	dealloc(&h, b, 240, 16);
	CHECK_STR_EQ(free_list(&h), "0+240 304+7888");
	/* ...or a smaller one, which splits it */
	void *c = alloc(&h, 24, 8);
	CHECK(c == at(16));
	CHECK_STR_EQ(free_list(&h), "32+208 304+7888");
	/* a gap in front and a rest behind, each exactly one node */
	void *d = alloc(&h, 170, 64); /* takes 176 */
	CHECK(d == at(64));
	CHECK_STR_EQ(free_list(&h), "32+16 224+16 304+7888");
	dealloc(&h, a, 64, 256);
	dealloc(&h, c, 24, 8);
	dealloc(&h, d, 170, 64);
	CHECK_STR_EQ(free_list(&h), "0+8192");
	/* nothing was lost: the whole heap in one request */
	CHECK(alloc(&h, 8192, 16) == at(16));
}

/*
 * linked_list_allocator #66: when the rest of a free block behind an
 * allocation was too small for a node, it was dropped; a loop of allocs
 * and frees then leaked until the heap was exhausted.  Here every rest is
 * a whole number of units, so it always goes back on the list.
 */
TEST(lla_66_the_rest_behind_a_short_block_is_never_lost)
{
	struct freelist_heap h = heap_at(16, 2048);
	/* a 48-byte hole; 24 bytes (32) leave exactly one node behind */
	void *a = alloc(&h, 48, 8);
	void *keep = alloc(&h, 16, 8);
	dealloc(&h, a, 48, 8);
	CHECK_STR_EQ(free_list(&h), "0+48 64+1984");
	CHECK(alloc(&h, 24, 8) == at(16));
	CHECK_STR_EQ(free_list(&h), "32+16 64+1984");
	CHECK(alloc(&h, 1, 1) == at(48));
	CHECK_STR_EQ(free_list(&h), "64+1984");
	dealloc(&h, at(16), 24, 8);
	dealloc(&h, at(48), 1, 1);
	dealloc(&h, keep, 16, 8);
	/* 20000 rounds on 2 KiB: losing even one unit a round would run
	 * out after 128 */
	for (size_t round = 0; round < 20000; round++) {
		size_t size = 1 + round * 7 % 47,
		       align = (size_t)1 << round % 7;
		void *p = alloc(&h, size, align);
		void *q = alloc(&h, 24, 8);
		void *r = alloc(&h, size + 9, 16);
		CHECK_MSG(p && q && r, "round %zu: out of memory", round);
		/* freed in each of the six orders in turn */
		void *ptr[3] = {p, q, r};
		size_t sizes[3] = {size, 24, size + 9},
		       aligns[3] = {align, 8, 16};
		for (size_t k = 0; k < 3; k++) {
			size_t j = round % 2 ? (k + round) % 3
					     : (2 - k + round) % 3;
			dealloc(&h, ptr[j], sizes[j], aligns[j]);
		}
		CHECK_EQ(h.free_bytes, 2048);
	}
	CHECK_STR_EQ(free_list(&h), "0+2048");
}

/*
 * blog_os #726/#727: `addr + size` and `align_up(addr, align)` wrapped for
 * a huge size or alignment, and the wrapped value passed the "fits"
 * test.  Each such request here returns NULL and changes nothing.
 */
TEST(blog_os_726_727_huge_layouts_fail_and_change_nothing)
{
	/* heap_mem + [16, 4096): no multiple of 4096 lies inside */
	struct freelist_heap h = heap_at(16, 4096 - 16);
	CHECK(alloc(&h, 100, 8) == at(16));
	struct freelist_heap before = h;
	char list[64];
	snprintf(list, sizeof list, "%s", free_list(&h));
	struct layout huge[] = {
		{SIZE_MAX, 1},
		{SIZE_MAX - 14, 1}, /* rounds up to 2^64 */
		{SIZE_MAX - 15, 1}, /* a whole number of units */
		{SIZE_MAX - 15, 16},
		{SIZE_MAX / 2 + 1, 1},
		{4096, 1}, /* more than the heap */
		{4096 - 16 - 112 + 1, 1},
		{0, (size_t)1 << 62},
		{1, (size_t)1 << 62},
		{SIZE_MAX - 15, (size_t)1 << 62},
		{0, (size_t)1 << 63},
		{0, 4096}, /* no multiple of the alignment inside */
		{16, 8192},
		{16, 0}, /* not a power of two */
		{16, 3},
		{16, SIZE_MAX},
	};
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		CHECK_MSG(freelist_alloc(&h, huge[i]) == NULL,
			  "size %zu align %zu", huge[i].size, huge[i].align);
		check(&h);
		CHECK(memcmp(&h, &before, sizeof h) == 0);
		CHECK_STR_EQ(free_list(&h), list);
	}
	/* the largest request that fits still does */
	CHECK(alloc(&h, 4096 - 16 - 112, 1) == at(128));
	CHECK(h.head == NULL);
}

/* ---------------------------------------------------------------- merge */

TEST(freelist_free_merges_with_the_lower_neighbour)
{
	struct freelist_heap h = heap_at(0, 1024);
	void *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	CHECK(alloc(&h, 32, 8) == at(64));
	dealloc(&h, a, 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+32 96+928");
	dealloc(&h, b, 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+64 96+928");
}

TEST(freelist_free_merges_with_the_upper_neighbour)
{
	struct freelist_heap h = heap_at(0, 1024);
	CHECK(alloc(&h, 32, 8) == at(0));
	void *b = alloc(&h, 32, 8), *c = alloc(&h, 32, 8);
	dealloc(&h, c, 32, 8);
	CHECK_STR_EQ(free_list(&h), "64+960");
	dealloc(&h, b, 32, 8);
	CHECK_STR_EQ(free_list(&h), "32+992");
}

TEST(freelist_free_merges_with_both_neighbours)
{
	struct freelist_heap h = heap_at(0, 1024);
	void *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	void *c = alloc(&h, 32, 8), *d = alloc(&h, 32, 8);
	dealloc(&h, a, 32, 8);
	dealloc(&h, c, 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+32 64+32 128+896");
	dealloc(&h, b, 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+96 128+896");
	dealloc(&h, d, 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+1024");
	CHECK_EQ(h.live, 0);
	CHECK_EQ(h.used, 0);
}

/* -------------------------------------------------------------- realloc */

TEST(freelist_realloc_shrinks_in_place_and_the_tail_merges)
{
	struct freelist_heap h = heap_at(0, 1024);
	char *a = alloc(&h, 100, 8); /* takes 112 */
	void *b = alloc(&h, 16, 8);
	memset(a, 'a', 100);
	CHECK(realloc_in_place(&h, a, 100, 20) == a);
	CHECK_STR_EQ(free_list(&h), "32+80 128+896");
	CHECK_EQ(h.used, 32 + 16);
	/* the same number of units: nothing moves */
	CHECK(realloc_in_place(&h, a, 20, 30) == a);
	CHECK_STR_EQ(free_list(&h), "32+80 128+896");
	dealloc(&h, b, 16, 8);
	CHECK_STR_EQ(free_list(&h), "32+992");
	/* the tail merges with the free block behind it */
	CHECK(realloc_in_place(&h, a, 30, 1) == a);
	CHECK_STR_EQ(free_list(&h), "16+1008");
	CHECK(a[0] == 'a');
	/* and it grows back into it */
	CHECK(realloc_in_place(&h, a, 1, 500) == a);
	CHECK_STR_EQ(free_list(&h), "512+512");
	CHECK(a[0] == 'a');
	CHECK_EQ(h.used, 512);
}

TEST(freelist_realloc_grows_in_place_into_the_next_free_block)
{
	struct freelist_heap h = heap_at(0, 1024);
	char *a = alloc(&h, 32, 8);
	void *b = alloc(&h, 32, 8), *c = alloc(&h, 32, 8);
	memset(a, 'a', 32);
	dealloc(&h, b, 32, 8);
	CHECK_STR_EQ(free_list(&h), "32+32 96+928");
	/* part of the next block */
	CHECK(realloc_in_place(&h, a, 32, 40) == a);
	CHECK_STR_EQ(free_list(&h), "48+16 96+928");
	/* all of it */
	CHECK(realloc_in_place(&h, a, 40, 64) == a);
	CHECK_STR_EQ(free_list(&h), "96+928");
	for (int i = 0; i < 32; i++)
		CHECK(a[i] == 'a');
	CHECK_EQ(h.used, 96);
	/* the last block grows to the end of the heap */
	CHECK(realloc_in_place(&h, c, 32, 960) == c);
	CHECK(h.head == NULL);
	CHECK_EQ(h.free_bytes, 0);
}

TEST(freelist_realloc_refuses_to_grow_into_a_live_or_small_block)
{
	struct freelist_heap h = heap_at(0, 1024);
	void *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	CHECK(alloc(&h, 32, 8) == at(64));
	struct freelist_heap before = h;
	/* b is live */
	CHECK(realloc_in_place(&h, a, 32, 33) == NULL);
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	dealloc(&h, b, 32, 8);
	before = h;
	/* b's 32 bytes are free, but 48 more are asked for */
	CHECK(realloc_in_place(&h, a, 32, 80) == NULL);
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	CHECK_STR_EQ(free_list(&h), "32+32 96+928");
	/* a size that cannot be rounded up */
	CHECK(realloc_in_place(&h, a, 32, SIZE_MAX) == NULL);
	CHECK(realloc_in_place(&h, a, 32, SIZE_MAX - 15) == NULL);
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	CHECK_STR_EQ(free_list(&h), "32+32 96+928");
}

/* --------------------------------------------------------------- extend */

TEST(freelist_extend_adds_free_memory_at_the_end)
{
	struct freelist_heap h = heap_at(0, 1024);
	/* the last block is free: the new range merges with it */
	CHECK(freelist_extend(&h, 512));
	check(&h);
	CHECK_STR_EQ(free_list(&h), "0+1536");
	CHECK_EQ(h.end, h.start + 1536);
	/* the last block is live: the new range is a block of its own */
	CHECK(alloc(&h, 1536, 16) == at(0));
	CHECK(freelist_extend(&h, 256));
	check(&h);
	CHECK_STR_EQ(free_list(&h), "1536+256");
	CHECK(alloc(&h, 256, 256) == at(1536));
	/* refused, and nothing changes: no bytes, not whole units, a wrap */
	struct freelist_heap before = h;
	CHECK(!freelist_extend(&h, 0));
	CHECK(!freelist_extend(&h, 8));
	CHECK(!freelist_extend(&h, SIZE_MAX & ~(size_t)15));
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	check(&h);
}

/* --------------------------------------------------------------- panics */

TEST(freelist_double_free_panics)
{
	struct freelist_heap h = heap_at(0, 1024);
	void *a = alloc(&h, 32, 8), *b = alloc(&h, 32, 8);
	dealloc(&h, a, 32, 8);
	EXPECT_PANIC(
		msg("freelist_dealloc: %p is free already (double free?)", a),
		freelist_dealloc(&h, a, lay(32, 8)));
	check(&h);
	CHECK_STR_EQ(free_list(&h), "0+32 64+960");
	dealloc(&h, b, 32, 8);
	EXPECT_PANIC(msg("freelist_dealloc: %p freed with nothing live", b),
		     freelist_dealloc(&h, b, lay(32, 8)));
	check(&h);
	CHECK_STR_EQ(free_list(&h), "0+1024");
}

TEST(freelist_free_overlapping_free_memory_panics)
{
	struct freelist_heap h = heap_at(0, 1024);
	void *a = alloc(&h, 64, 8), *b = alloc(&h, 64, 8);
	void *c = alloc(&h, 64, 8);
	dealloc(&h, b, 64, 8);
	CHECK_STR_EQ(free_list(&h), "64+64 192+832");
	/* a freed with twice its size: reaches into b */
	EXPECT_PANIC(msg("freelist_dealloc: %p +128 overlaps a free block", a),
		     freelist_dealloc(&h, a, lay(128, 8)));
	/* a range from the middle of free b */
	EXPECT_PANIC(
		msg("freelist_dealloc: %p +16 overlaps a free block", at(80)),
		freelist_dealloc(&h, at(80), lay(16, 8)));
	/* c with the wrong size: reaches into the free tail */
	EXPECT_PANIC(msg("freelist_dealloc: %p +80 overlaps a free block", c),
		     freelist_dealloc(&h, c, lay(65, 8)));
	/* more than all the live blocks together */
	EXPECT_PANIC(msg("freelist_dealloc: %p +144: more than is in use", c),
		     freelist_dealloc(&h, c, lay(129, 8)));
	/* shrinking a freed block gives back a tail that is already free */
	EXPECT_PANIC(
		msg("freelist_realloc: %p +48 overlaps a free block", at(80)),
		freelist_realloc_in_place(&h, b, lay(64, 8), 16));
	check(&h);
	CHECK_STR_EQ(free_list(&h), "64+64 192+832");
	CHECK_EQ(h.live, 2);
}

TEST(freelist_free_outside_the_heap_panics)
{
	struct freelist_heap h = heap_at(64, 1024);
	void *a = alloc(&h, 32, 8);
	int local;
	const char *fmt = "freelist_dealloc: %p +%zu is not in the heap";
	EXPECT_PANIC(msg(fmt, (void *)&local, (size_t)16),
		     freelist_dealloc(&h, &local, lay(sizeof local, 4)));
	/* just below the start, and at the end */
	EXPECT_PANIC(msg(fmt, at(48), (size_t)16),
		     freelist_dealloc(&h, at(48), lay(16, 8)));
	EXPECT_PANIC(msg(fmt, at(64 + 1024), (size_t)16),
		     freelist_dealloc(&h, at(64 + 1024), lay(1, 1)));
	/* starts inside, ends past the end */
	EXPECT_PANIC(msg(fmt, a, (size_t)1040),
		     freelist_dealloc(&h, a, lay(1040, 8)));
	EXPECT_PANIC(msg("freelist_realloc: %p +16 is not in the heap", at(0)),
		     freelist_realloc_in_place(&h, at(0), lay(8, 8), 64));
	check(&h);
	CHECK_EQ(h.live, 1);
}

TEST(freelist_free_off_a_unit_boundary_panics)
{
	struct freelist_heap h = heap_at(0, 1024);
	char *a = alloc(&h, 32, 8);
	EXPECT_PANIC(
		msg("freelist_dealloc: %p is not the start of a block", a + 8),
		freelist_dealloc(&h, a + 8, lay(8, 8)));
	EXPECT_PANIC(
		msg("freelist_dealloc: %p is not the start of a block", a + 1),
		freelist_dealloc(&h, a + 1, lay(1, 1)));
	EXPECT_PANIC(
		msg("freelist_realloc: %p is not the start of a block", a + 4),
		freelist_realloc_in_place(&h, a + 4, lay(4, 4), 2));
	check(&h);
	dealloc(&h, a, 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+1024");
}

/* ---------------------------------------------------------------- check */

/* freelist_check must say `what` broke, at `where`. */
static void expect_fault(const struct freelist_heap *h, const char *what,
			 const void *where)
{
	struct freelist_fault f;
	CHECK_MSG(!freelist_check(h, &f), "check passed; expected \"%s\"",
		  what);
	CHECK_STR_EQ(f.what, what);
	CHECK_MSG(f.at == (uintptr_t)where, "at %p, expected %p", (void *)f.at,
		  where);
}

/* Blocks of 32 bytes at 0, 32, 64, 96; those at 0 and 64 freed. */
static struct freelist_heap holes(void)
{
	struct freelist_heap h = heap_at(0, 1024);
	for (int i = 0; i < 4; i++)
		CHECK(alloc(&h, 32, 8) == at(32 * i));
	dealloc(&h, at(0), 32, 8);
	dealloc(&h, at(64), 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+32 64+32 128+896");
	return h;
}

TEST(freelist_check_detects_a_corrupt_node_size)
{
	struct freelist_heap h = holes();
	struct free_block *b = at(64);
	const char *not_units = "free block size not a nonzero multiple of 16";
	b->size = 17;
	expect_fault(&h, not_units, b);
	b->size = 0;
	expect_fault(&h, not_units, b);
	b->size = 4096;
	expect_fault(&h, "free block runs past the heap end", b);
	b->size = 80; /* reaches into the tail at 128 */
	expect_fault(&h, "free blocks out of order or overlapping", at(128));
	b->size = 32;
	check(&h);
}

TEST(freelist_check_detects_free_blocks_that_touch)
{
	struct freelist_heap h = holes();
	/* make the live block at 32 a free one, without merging */
	struct free_block *a = at(0), *b = at(32);
	b->size = 32;
	b->next = a->next;
	a->next = b;
	h.free_bytes += 32;
	h.used -= 32;
	h.live--;
	expect_fault(&h, "two free blocks touch (not merged)", b);
}

TEST(freelist_check_detects_a_cycle)
{
	struct freelist_heap h = holes();
	struct free_block *tail = at(128), *c = at(64);
	tail->next = h.head;
	expect_fault(&h, "free blocks out of order or overlapping", h.head);
	tail->next = NULL;
	c->next = c; /* a block that points to itself */
	expect_fault(&h, "free blocks out of order or overlapping", c);
}

TEST(freelist_check_detects_nodes_outside_the_heap)
{
	struct freelist_heap h = holes();
	struct free_block *tail = at(128);
	tail->next = (struct free_block *)h.end;
	expect_fault(&h, "free block outside the heap", (void *)h.end);
	tail->next = (struct free_block *)((uintptr_t)heap_mem - 16);
	expect_fault(&h, "free block outside the heap", tail->next);
	tail->next = NULL;
	h.head = (struct free_block *)(h.start + 8);
	expect_fault(&h, "free block not on a unit boundary", h.head);
	h = holes();
	h.start = 0;
	expect_fault(&h, "heap bounds not whole units", 0);
	h = holes();
	h.end += 8;
	expect_fault(&h, "heap bounds not whole units", (void *)h.start);
}

TEST(freelist_check_detects_wrong_counts)
{
	struct freelist_heap good = holes(), h = good;
	h.free_bytes -= 16;
	expect_fault(&h, "free_bytes is not the sum of the free blocks", 0);
	h = good;
	h.used += 16;
	expect_fault(&h, "free + used is not the heap size: bytes lost", 0);
	h = good;
	h.live = 0;
	expect_fault(&h, "nothing live, but the heap is not one free block",
		     h.head);
	h = good;
	h.live = 5; /* 5 blocks cannot fit in the 64 bytes used */
	expect_fault(&h, "fewer bytes in use than the live blocks take", 0);
	h = good;
	EXPECT_PANIC("freelist_check: ",
		     freelist_assert(&(struct freelist_heap){.start = 0}));
	h.free_bytes = 0;
	EXPECT_PANIC("freelist_check: free_bytes is not the sum of the free "
		     "blocks at (nil)",
		     freelist_assert(&h));
	freelist_assert(&good);
}

/* ------------------------------------------------------------------ map */

/* freelist_map as letters: F free, N node, U used, M mixed. */
static const char *map(const struct freelist_heap *h, size_t from,
		       size_t bytes_per_cell, size_t cells)
{
	static char buf[64];
	enum freelist_cell cell[64];
	CHECK(cells < sizeof buf);
	freelist_map(h, from, bytes_per_cell, cell, cells);
	for (size_t i = 0; i < cells; i++)
		buf[i] = "FNUM"[cell[i]];
	buf[cells] = '\0';
	return buf;
}

TEST(freelist_map_of_a_small_heap)
{
	/* used [0,16) [48,64); free [16,48) [64,256) */
	struct freelist_heap h = heap_at(0, 256);
	CHECK(alloc(&h, 16, 8) == at(0));
	void *b = alloc(&h, 32, 8);
	CHECK(alloc(&h, 16, 8) == at(48));
	dealloc(&h, b, 32, 8);
	CHECK_STR_EQ(map(&h, 0, 16, 18), "UNFUNFFFFFFFFFFFFF");
	CHECK_STR_EQ(map(&h, 0, 32, 8), "NMNFFFFF");
	CHECK_STR_EQ(map(&h, 48, 16, 3), "UNF");
	CHECK_STR_EQ(map(&h, 0, 100, 3), "NFF"); /* the last cell is short */
	CHECK_STR_EQ(map(&h, 0, 0, 2), "FF");
	CHECK(alloc(&h, 192, 64) == at(64));
	CHECK_STR_EQ(map(&h, 0, 64, 4), "NUUU");
	CHECK_STR_EQ(map(&h, 32, 32, 1), "M");
	CHECK_STR_EQ(map(&h, 0, 256, 1), "N");
}

TEST(freelist_stats_walk_the_list)
{
	struct freelist_heap h = holes();
	struct freelist_stats s = freelist_stats(&h);
	CHECK_EQ(s.free_blocks, 3);
	CHECK_EQ(s.largest_free, 896);
	CHECK_EQ(s.free_bytes, 960);
	CHECK_EQ(s.used, 64);
	CHECK_EQ(s.live, 2);
}

/* ------------------------------------------------------------ the model */

/* The model itself must be able to fail: a block it was not told about,
 * a block where the model says none is, contents overwritten. */
TEST(freelist_model_notices_what_is_wrong)
{
	struct freelist_heap h = heap_at(0, 1024);
	static struct freelist_model m;
	model_init(&m, &h);
	CHECK(model_alloc(&m, 40, 8) == NULL);
	CHECK(m.last == at(0));
	CHECK(freelist_alloc(&h, lay(8, 8)) == at(48));
	CHECK_STR_EQ(model_check(&m), "2 blocks live, the model has 1");
	freelist_dealloc(&h, at(48), lay(8, 8));
	CHECK(model_check(&m) == NULL);
	m.live[0].at += 16;
	CHECK_STR_EQ(model_check(&m), "+0 is the start of no block (the next "
				      "live block is at +16)");
	m.live[0].at -= 16;
	heap_mem[39] = 0;
	CHECK_STR_EQ(model_free(&m, 0), "block +0 (40 bytes) was overwritten "
					"while live");
}

/*
 * The property: random allocs, reallocs and frees, sizes 0 to 4 KiB (a
 * quarter of them tiny), alignments 1 to 4096, on a 64 KiB heap that
 * starts somewhere different for each seed.  After every operation the
 * model checks the whole heap (freelist_model.h); each sequence ends with
 * everything freed and the heap one free block.  The heap fills and
 * drains in phases of 4096 operations, so both a nearly full heap and a
 * nearly empty one are exercised.
 */
#define SEEDS 8
#define OPS_PER_SEED 125000

static size_t random_size(uint64_t r)
{
	switch (r % 4) {
	case 0:
		return (r >> 8) % 33; /* tiny */
	case 1:
		return (1 + (r >> 8) % 64) * 16 + (r >> 16) % 3 -
		       1; /* units +-1 */
	default:
		return (r >> 8) % 4097;
	}
}

static size_t random_align(uint64_t r)
{
	unsigned shift = r % 2 ? (r >> 1) % 5 : (r >> 1) % 13;
	return (size_t)1 << shift;
}

static const char *random_op(struct freelist_model *m, size_t op, uint64_t r)
{
	bool filling = op / 4096 % 2 == 0;
	unsigned pick = r % 100;
	r >>= 8;
	if (m->n == 0 || pick < (filling ? 60u : 30u))
		return model_alloc(m, random_size(r), random_align(r >> 24));
	size_t i = (r >> 40) % m->n;
	if (pick < (filling ? 80u : 75u))
		return model_free(m, i);
	size_t old = m->live[i].layout.size, delta = (r >> 24) % 64;
	size_t new_size = r % 2			       ? random_size(r >> 1)
			  : r % 4 == 0 && old >= delta ? old - delta
						       : old + delta;
	return model_realloc(m, i, new_size);
}

TEST(freelist_randomized_against_a_model)
{
	static struct freelist_model m;
	size_t totals[7] = {0};
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		uint64_t state = seed * 0x9e3779b97f4a7c15ULL;
		/* start offsets 16..128, some of them not on a unit */
		struct freelist_heap h =
			heap_at(seed * 16 + seed % 2 * 5, 64 * 1024);
		model_init(&m, &h);
		for (size_t op = 0; op < OPS_PER_SEED; op++) {
			const char *err =
				random_op(&m, op, harness_rand(&state));
			CHECK_MSG(err == NULL, "seed %llu op %zu: %s",
				  (unsigned long long)seed, op, err);
		}
		const char *err = model_free_all(&m);
		CHECK_MSG(err == NULL, "seed %llu, freeing all: %s",
			  (unsigned long long)seed, err);
		size_t counts[7] = {m.allocs,	       m.alloc_fails,
				    m.frees,	       m.grown_in_place,
				    m.shrunk_in_place, m.moved,
				    m.realloc_fails};
		for (int i = 0; i < 7; i++)
			totals[i] += counts[i];
	}
	/* every path ran, many times */
	for (int i = 0; i < 7; i++)
		CHECK_MSG(totals[i] > 1000, "path %d ran %zu times", i,
			  totals[i]);
}
