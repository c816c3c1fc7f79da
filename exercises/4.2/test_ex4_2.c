// sources: stages/4-bump-heap/bump_alloc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 4
/*
 * Exercise 4.2: a second bump pointer, `top`, that starts at heap_end and
 * moves down, for blocks the caller says will live long (bump_alloc.c,
 * bump_alloc.h):
 *
 *   void *bump_alloc_long(struct bump_heap *h, struct layout layout);
 *   void bump_dealloc_long(struct bump_heap *h, void *ptr,
 *                          struct layout layout);
 *
 * A long-lived block is placed as high as it fits: top moves down by its
 * size, then down to its alignment.  It has its own live count, and when
 * that count returns to zero, top goes back to heap_end.  The two ends
 * never cross: bump_alloc fails rather than pass top, bump_alloc_long
 * rather than pass next.  bump_free() is the room between them, top -
 * next; bump_live() counts the blocks of both ends.
 */
#include "harness.h"

#include "bump_alloc.h"

#define SIZE 4096
static _Alignas(4096) char mem[SIZE];
#define END ((uintptr_t)mem + SIZE)

static struct bump_heap fresh(void)
{
	struct bump_heap h;
	bump_init(&h, (uintptr_t)mem, SIZE);
	bump_check(&h);
	CHECK_EQ(bump_free(&h), SIZE);
	return h;
}

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

TEST(a_long_lived_block_comes_from_the_top)
{
	struct bump_heap h = fresh();
	void *k = bump_alloc_long(&h, lay(8, 8));
	bump_check(&h);
	CHECK(k != NULL);
	CHECK_EQ((uintptr_t)k, END - 8);
	void *k2 = bump_alloc_long(&h, lay(5, 4));
	CHECK_EQ((uintptr_t)k2, END - 16); /* 5 bytes down, then to 4 */
	CHECK_EQ(bump_free(&h), SIZE - 16);
	CHECK_EQ(bump_live(&h), 2);
	void *s = bump_alloc(&h, lay(8, 8));
	CHECK_EQ((uintptr_t)s, (uintptr_t)mem); /* ordinary: from below */
	bump_dealloc(&h, s, lay(8, 8));
	bump_dealloc_long(&h, k2, lay(5, 4));
	bump_dealloc_long(&h, k, lay(8, 8));
	bump_check(&h);
	CHECK_EQ(bump_free(&h), SIZE);
	CHECK_EQ(bump_live(&h), 0);
}

TEST(a_long_lived_block_no_longer_pins_the_short_lived_ones)
{
	struct bump_heap h = fresh();
	void *keep = bump_alloc_long(&h, lay(8, 8));
	for (int i = 0; i < 100000; i++) {
		void *t = bump_alloc(&h, lay(8, 8));
		CHECK_MSG(t != NULL, "out of memory at iteration %d", i);
		bump_dealloc(&h, t, lay(8, 8)); /* the short count reaches 0 */
		bump_check(&h);
	}
	CHECK_EQ(bump_free(&h), SIZE - 8);
	bump_dealloc_long(&h, keep, lay(8, 8));
}

TEST(the_two_ends_never_cross)
{
	struct bump_heap h = fresh();
	void *k = bump_alloc_long(&h, lay(1000, 8));
	CHECK(k != NULL);
	/* 3096 bytes left between next and top */
	CHECK(bump_alloc(&h, lay(3097, 1)) == NULL);
	void *s = bump_alloc(&h, lay(3000, 1));
	CHECK(s != NULL);
	CHECK(bump_alloc_long(&h, lay(97, 1)) == NULL);
	void *k2 = bump_alloc_long(&h, lay(96, 1));
	CHECK(k2 != NULL);
	CHECK_EQ(bump_free(&h), 0);
	CHECK(bump_alloc(&h, lay(1, 1)) == NULL);
	CHECK(bump_alloc_long(&h, lay(1, 1)) == NULL);
	bump_check(&h);
	/* huge requests are "does not fit", never a wrap-around */
	CHECK(bump_alloc_long(&h, lay(SIZE_MAX - 4096, 4096)) == NULL);
	bump_dealloc(&h, s, lay(3000, 1));
	bump_dealloc_long(&h, k2, lay(96, 1));
	bump_dealloc_long(&h, k, lay(1000, 8));
	CHECK_EQ(bump_free(&h), SIZE);
}

TEST(freeing_every_long_lived_block_resets_the_top_only)
{
	struct bump_heap h = fresh();
	void *s = bump_alloc(&h, lay(16, 8));
	void *k = bump_alloc_long(&h, lay(16, 8));
	bump_dealloc_long(&h, k, lay(16, 8));
	bump_check(&h);
	CHECK_EQ(bump_free(&h), SIZE - 16); /* top is back at the end */
	CHECK_EQ(bump_live(&h), 1);	    /* s still counts */
	bump_dealloc(&h, s, lay(16, 8));
	CHECK_EQ(bump_free(&h), SIZE);
}

TEST(a_long_lived_double_free_is_caught)
{
	struct bump_heap h = fresh();
	void *k = bump_alloc_long(&h, lay(8, 8));
	bump_dealloc_long(&h, k, lay(8, 8));
	EXPECT_PANIC("bump_dealloc_long", bump_dealloc_long(&h, k, lay(8, 8)));
}
