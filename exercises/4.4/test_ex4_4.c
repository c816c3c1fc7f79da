// sources: stages/4-bump-heap/bump_alloc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 4
/*
 * Exercise 4.4: a bump heap that poisons what is freed (bump_alloc.c,
 * bump_alloc.h).  struct bump_heap gets a field `bool poison`, false after
 * bump_init; when it is true, bump_dealloc fills the freed block with
 * BUMP_POISON (0x6b, as Linux's slab poisoning does) before counting the
 * free.
 */
#include "harness.h"

#include "bump_alloc.h"

static _Alignas(64) char mem[1024];

static struct bump_heap poisoning(void)
{
	struct bump_heap h;
	bump_init(&h, (uintptr_t)mem, sizeof mem);
	CHECK(!h.poison); /* off unless asked for */
	h.poison = true;
	return h;
}

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

static bool all(const void *p, int byte, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i] != byte)
			return false;
	return true;
}

TEST(a_freed_block_is_filled_with_0x6b)
{
	CHECK_EQ(BUMP_POISON, 0x6b);
	struct bump_heap h = poisoning();
	void *keep = bump_alloc(&h, lay(8, 8)); /* no reset */
	char *p = bump_alloc(&h, lay(32, 8));
	memset(p, 0x11, 32);
	bump_dealloc(&h, p, lay(32, 8));
	CHECK(all(p, 0x6b, 32));
	bump_dealloc(&h, keep, lay(8, 8));
}

struct account {
	int balance;
	int owner;
};

/* The use after free reads the poison, the same way every time, instead
 * of the old value (or, once reused, someone else's). */
TEST(a_use_after_free_reads_the_poison)
{
	struct bump_heap h = poisoning();
	void *keep = bump_alloc(&h, lay(8, 8));
	struct account *acc = bump_alloc(&h, LAYOUT_OF(struct account));
	acc->balance = 100;
	acc->owner = 1;
	bump_dealloc(&h, acc, LAYOUT_OF(struct account));
	CHECK_EQ((unsigned)acc->balance, 0x6b6b6b6bu);
	bump_dealloc(&h, keep, lay(8, 8));
}

TEST(the_live_neighbours_are_untouched)
{
	struct bump_heap h = poisoning();
	char *a = bump_alloc(&h, lay(16, 1));
	char *b = bump_alloc(&h, lay(16, 1));
	char *c = bump_alloc(&h, lay(16, 1));
	memset(a, 'a', 16);
	memset(b, 'b', 16);
	memset(c, 'c', 16);
	bump_dealloc(&h, b, lay(16, 1));
	CHECK(all(a, 'a', 16));
	CHECK(all(b, 0x6b, 16));
	CHECK(all(c, 'c', 16));
	bump_dealloc(&h, a, lay(16, 1));
	bump_dealloc(&h, c, lay(16, 1)); /* the last: poisoned, then reset */
	CHECK(all(c, 0x6b, 16));
	CHECK_EQ(bump_live(&h), 0);
}

TEST(without_poison_nothing_is_written)
{
	struct bump_heap h;
	bump_init(&h, (uintptr_t)mem, sizeof mem);
	void *keep = bump_alloc(&h, lay(8, 8));
	char *p = bump_alloc(&h, lay(32, 8));
	memset(p, 0x11, 32);
	bump_dealloc(&h, p, lay(32, 8));
	CHECK(all(p, 0x11, 32));
	bump_dealloc(&h, keep, lay(8, 8));
}
