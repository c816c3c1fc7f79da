// sources: stages/4-bump-heap/bump_alloc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 4
/*
 * Exercise 4.1: bump_dealloc gives the block handed out last back at once:
 * if the freed block is the one at `last` (it starts at last and ends at
 * next), next moves back to its start.  Any other free only counts, as
 * before; the reset when nothing is live stays.
 */
#include "harness.h"

#include "bump_alloc.h"

static _Alignas(4096) char mem[4096];

static struct bump_heap fresh(void)
{
	struct bump_heap h;
	bump_init(&h, (uintptr_t)mem, sizeof mem);
	return h;
}

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

static void *alloc(struct bump_heap *h, size_t size, size_t align)
{
	void *p = bump_alloc(h, lay(size, align));
	bump_check(h);
	return p;
}

static void dealloc(struct bump_heap *h, void *p, size_t size, size_t align)
{
	bump_dealloc(h, p, lay(size, align));
	bump_check(h);
}

TEST(freeing_the_last_block_gives_it_back)
{
	struct bump_heap h = fresh();
	void *a = alloc(&h, 16, 8);
	void *b = alloc(&h, 16, 8);
	dealloc(&h, b, 16, 8);
	CHECK_EQ(h.next, (uintptr_t)b);
	CHECK_EQ(bump_live(&h), 1);
	CHECK(alloc(&h, 16, 8) == b); /* the same bytes again */
	(void)a;
}

TEST(freeing_an_earlier_block_gives_nothing_back)
{
	struct bump_heap h = fresh();
	void *a = alloc(&h, 16, 8);
	void *b = alloc(&h, 16, 8);
	dealloc(&h, a, 16, 8);
	CHECK_EQ(h.next, (uintptr_t)b + 16);
	CHECK_EQ(bump_live(&h), 1);
}

TEST(the_padding_before_the_last_block_stays_used)
{
	struct bump_heap h = fresh();
	char *a = alloc(&h, 1, 1);
	char *b = alloc(&h, 8, 8); /* 7 bytes of padding before it */
	CHECK(b == a + 8);
	dealloc(&h, b, 8, 8);
	CHECK_EQ(h.next, (uintptr_t)b);
}

/* A zero-size block allocated last ends at next, and so does the block
 * before it.  Moving next back for that block would leave the zero-size
 * one above next, where freeing it is refused as "never allocated". */
TEST(a_zero_size_block_above_is_not_stranded)
{
	struct bump_heap h = fresh();
	void *a = alloc(&h, 16, 8);
	void *z = alloc(&h, 0, 1);
	dealloc(&h, a, 16, 8);
	CHECK_MSG(h.next >= (uintptr_t)z,
		  "next %p moved below the live zero-size block %p",
		  (void *)h.next, z);
	dealloc(&h, z, 0, 1);
	CHECK_EQ(bump_live(&h), 0);
	CHECK_EQ(h.next, (uintptr_t)mem);
}

TEST(one_long_lived_block_no_longer_pins_the_heap)
{
	struct bump_heap h = fresh();
	void *keep = alloc(&h, 8, 8);
	for (int i = 0; i < 100000; i++) {
		void *t = alloc(&h, 8, 8);
		CHECK_MSG(t != NULL, "out of memory at iteration %d", i);
		dealloc(&h, t, 8, 8);
	}
	CHECK_EQ(bump_used(&h), 8);
	dealloc(&h, keep, 8, 8);
}

/* Freed in the order they were allocated, the first of each pair is not
 * the last block when it is freed: its 8 bytes stay used for good. */
TEST(frees_in_allocation_order_still_run_out)
{
	struct bump_heap h = fresh();
	void *keep = alloc(&h, 8, 8);
	int i;
	for (i = 0; i < 100000; i++) {
		void *t1 = alloc(&h, 8, 8);
		void *t2 = alloc(&h, 8, 8);
		if (t1 == NULL || t2 == NULL) {
			if (t1 != NULL)
				dealloc(&h, t1, 8, 8);
			break;
		}
		dealloc(&h, t1, 8, 8);
		dealloc(&h, t2, 8, 8);
	}
	/* one 8-byte block lost per iteration: (4096 - 8) / 8 - 1 of them */
	CHECK_EQ(i, (int)((sizeof mem - 8) / 8 - 1));
	dealloc(&h, keep, 8, 8);
}
