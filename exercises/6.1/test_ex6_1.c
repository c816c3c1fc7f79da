// sources: stages/6-free-list/freelist.c
// stage: 6
/*
 * Exercise 6.1: best fit (stages/6-free-list/freelist.c).  freelist_alloc
 * takes the smallest free block that can hold the request at its
 * alignment; of equal blocks, the lowest.  The block is placed where
 * first fit would place it inside that block: at its lowest aligned
 * address.
 *
 * The free lists are written as in test_freelist.c: "0+32 96+928" is a
 * free block at offset 0 of 32 bytes and one at 96 of 928.
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
	check(h);
	return p;
}

static void dealloc(struct freelist_heap *h, void *p, size_t size, size_t align)
{
	freelist_dealloc(h, p, lay(size, align));
	check(h);
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

static void *at(size_t off)
{
	return heap_mem + off;
}

/*
 * Holes of 64, 32 and 48 bytes, in that order, each between live blocks,
 * then the rest of the heap:
 *
 *   0     64  80   112 128   176 192
 *   [ 64 ][#][ 32 ][#][ 48 ][#][ rest ........ ]
 */
static struct freelist_heap three_holes(void)
{
	struct freelist_heap h = heap_at(0, 1024);
	void *a = alloc(&h, 64, 8);
	CHECK(alloc(&h, 16, 8) == at(64));
	void *b = alloc(&h, 32, 8);
	CHECK(alloc(&h, 16, 8) == at(112));
	void *c = alloc(&h, 48, 8);
	CHECK(alloc(&h, 16, 8) == at(176));
	dealloc(&h, a, 64, 8);
	dealloc(&h, b, 32, 8);
	dealloc(&h, c, 48, 8);
	CHECK_STR_EQ(free_list(&h), "0+64 80+32 128+48 192+832");
	return h;
}

/* First fit would take the 64-byte hole at 0 for 32 bytes; best fit
 * takes the exact 32-byte hole at 80, and leaves the 64 whole. */
TEST(best_fit_takes_the_smallest_hole_not_the_first)
{
	struct freelist_heap h = three_holes();
	CHECK(alloc(&h, 32, 8) == at(80));
	CHECK_STR_EQ(free_list(&h), "0+64 128+48 192+832");
	/* 40 bytes (48): the 48-byte hole at 128, not the 64 at 0 */
	CHECK(alloc(&h, 40, 8) == at(128));
	CHECK_STR_EQ(free_list(&h), "0+64 192+832");
	/* 17 bytes (32): only the 64 and the rest can hold it; the 64 */
	CHECK(alloc(&h, 17, 1) == at(0));
	CHECK_STR_EQ(free_list(&h), "32+32 192+832");
	/* 100 bytes (112): only the rest */
	CHECK(alloc(&h, 100, 8) == at(192));
	CHECK_STR_EQ(free_list(&h), "32+32 304+720");
}

/* The smallest hole that is big enough, not the smallest hole: a
 * request too big for the 32 and the 48 takes the 64. */
TEST(best_fit_skips_holes_that_are_too_small)
{
	struct freelist_heap h = three_holes();
	CHECK(alloc(&h, 64, 8) == at(0));
	CHECK_STR_EQ(free_list(&h), "80+32 128+48 192+832");
	/* one the rest alone can hold */
	CHECK(alloc(&h, 65, 8) == at(192));
	CHECK_STR_EQ(free_list(&h), "80+32 128+48 272+752");
}

/* Of two holes of the same size, the lower one. */
TEST(best_fit_breaks_ties_by_the_lowest_address)
{
	struct freelist_heap h = heap_at(0, 1024);
	void *a = alloc(&h, 32, 8);
	CHECK(alloc(&h, 16, 8) == at(32));
	void *b = alloc(&h, 48, 8);
	CHECK(alloc(&h, 16, 8) == at(96));
	void *c = alloc(&h, 32, 8);
	CHECK(alloc(&h, 16, 8) == at(144));
	dealloc(&h, c, 32, 8);
	dealloc(&h, b, 48, 8);
	dealloc(&h, a, 32, 8);
	CHECK_STR_EQ(free_list(&h), "0+32 48+48 112+32 160+864");
	CHECK(alloc(&h, 20, 8) == at(0)); /* 0+32 and 112+32: the lower */
	CHECK(alloc(&h, 20, 8) == at(112));
	CHECK(alloc(&h, 20, 8) == at(48)); /* now the 48 is the smallest */
	CHECK_STR_EQ(free_list(&h), "80+16 160+864");
	CHECK(alloc(&h, 1, 1) == at(80));
	CHECK_STR_EQ(free_list(&h), "160+864");
}

/* A hole counts only if the block fits in it at its alignment: 32 bytes
 * on a 64-byte boundary go to the smallest hole that holds one. */
TEST(best_fit_honours_the_alignment)
{
	/* heap_mem + 16: the offsets below are from there */
	struct freelist_heap h = heap_at(16, 2048);
	void *x = alloc(&h, 112, 16); /* [16, 128): holds [64, 96) */
	CHECK(x == at(16));
	CHECK(alloc(&h, 16, 16) == at(128));
	void *y = alloc(&h, 48, 16); /* [144, 192): no 64-byte boundary */
	CHECK(alloc(&h, 16, 16) == at(192));
	void *z = alloc(&h, 96, 16); /* [208, 304): holds [256, 288) */
	CHECK(alloc(&h, 16, 16) == at(304));
	dealloc(&h, x, 112, 16);
	dealloc(&h, y, 48, 16);
	dealloc(&h, z, 96, 16);
	CHECK_STR_EQ(free_list(&h), "0+112 128+48 192+96 304+1744");
	/* first fit takes the 112; the 48 is the smallest, but cannot
	 * hold it; best fit takes the 96, and its front gap stays free */
	CHECK(alloc(&h, 32, 64) == at(256));
	CHECK_STR_EQ(free_list(&h), "0+112 128+48 192+48 272+16 304+1744");
	/* 40 (48) bytes, no alignment: two 48s; the lower, then the other */
	CHECK(alloc(&h, 40, 8) == at(144));
	CHECK(alloc(&h, 40, 8) == at(208));
	CHECK(alloc(&h, 1, 1) == at(288)); /* the 16 behind the aligned one */
	CHECK_STR_EQ(free_list(&h), "0+112 304+1744");
}

/* A request nothing can hold still fails, and changes nothing. */
TEST(best_fit_fails_cleanly_when_nothing_fits)
{
	struct freelist_heap h = three_holes();
	struct freelist_heap before = h;
	CHECK(freelist_alloc(&h, lay(833, 8)) == NULL);
	CHECK(freelist_alloc(&h, lay(SIZE_MAX, 1)) == NULL);
	CHECK(freelist_alloc(&h, lay(16, 3)) == NULL);
	CHECK(memcmp(&h, &before, sizeof h) == 0);
	CHECK_STR_EQ(free_list(&h), "0+64 80+32 128+48 192+832");
}

/* ------------------------------------------------------- the property */

/* Where best fit must put a block, worked out from the free list before
 * the call: the smallest block that holds it at its alignment, the
 * lowest of equal ones; 0 when none does. */
static uintptr_t best_fit(const struct freelist_heap *h, size_t size,
			  size_t align)
{
	size_t need = freelist_block_size(size);
	const struct free_block *best = NULL;
	uintptr_t best_at = 0;
	for (const struct free_block *b = h->head; b != NULL; b = b->next) {
		uintptr_t lo = (uintptr_t)b, end = lo + b->size;
		uintptr_t a = (lo + align - 1) & ~(uintptr_t)(align - 1);
		if (a >= end || end - a < need)
			continue;
		if (best == NULL || b->size < best->size) {
			best = b;
			best_at = a;
		}
	}
	return best_at;
}

struct live {
	unsigned char *p;
	size_t size, align;
	unsigned char fill;
};

/* Random allocs and frees, sizes 0 to 600, alignments 1 to 256, on a
 * heap that fills and drains in phases: every alloc lands exactly where
 * best fit says, every block keeps its contents, and the heap ends as
 * one free block. */
TEST(best_fit_randomized)
{
	static struct live live[512];
	size_t fits = 0;
	for (uint64_t seed = 1; seed <= 6; seed++) {
		uint64_t state = seed * 0x9e3779b97f4a7c15ULL;
		struct freelist_heap h = heap_at(seed * 16, 48 * 1024);
		size_t n = 0;
		for (size_t op = 0; op < 40000; op++) {
			uint64_t r = harness_rand(&state);
			bool filling = op / 2000 % 2 == 0;
			if (n < 512 && (n == 0 || r % 100 < (filling ? 65u : 35u))) {
				size_t size = (r >> 8) % 601;
				size_t align = (size_t)1 << (r >> 20) % 9;
				uintptr_t want = best_fit(&h, size, align);
				unsigned char *p =
					freelist_alloc(&h, lay(size, align));
				CHECK_MSG((uintptr_t)p == want,
					  "seed %llu op %zu: %zu/%zu at %p, "
					  "best fit is %p",
					  (unsigned long long)seed, op, size,
					  align, (void *)p, (void *)want);
				if (p == NULL)
					continue;
				fits++;
				unsigned char fill = (unsigned char)(op | 1);
				memset(p, fill, size);
				live[n++] = (struct live){p, size, align, fill};
			} else {
				size_t i = (r >> 32) % n;
				for (size_t k = 0; k < live[i].size; k++)
					CHECK_MSG(live[i].p[k] == live[i].fill,
						  "seed %llu op %zu: a block "
						  "was overwritten",
						  (unsigned long long)seed, op);
				freelist_dealloc(&h, live[i].p,
						 lay(live[i].size, live[i].align));
				live[i] = live[--n];
			}
			check(&h);
		}
		while (n > 0) {
			n--;
			freelist_dealloc(&h, live[n].p,
					 lay(live[n].size, live[n].align));
		}
		check(&h);
		CHECK_EQ(h.live, 0);
		CHECK(h.head != NULL && h.head->size == 48 * 1024);
	}
	CHECK(fits > 100000);
}
