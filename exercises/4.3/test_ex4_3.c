// sources: stages/4-bump-heap/arena.c stages/4-bump-heap/bump_alloc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 4
/*
 * Exercise 4.3: an arena on top of the bump allocator
 * (stages/4-bump-heap/arena.c, arena.h):
 *
 *   void arena_init(struct arena *a, void *buf, size_t size);
 *   void *arena_alloc(struct arena *a, size_t size, size_t align);
 *           NULL if it does not fit or the layout is invalid
 *   void arena_reset(struct arena *a);   everything freed at once
 *   size_t arena_used(const struct arena *a);
 *
 * and no way to free one object.
 */
#include "harness.h"

#include "arena.h"

static _Alignas(64) char buf[1024];

TEST(arena_blocks_are_aligned_disjoint_and_in_the_buffer)
{
	struct arena a;
	arena_init(&a, buf, sizeof buf);
	CHECK_EQ(arena_used(&a), 0);
	char *p = arena_alloc(&a, 3, 1);
	uint64_t *q = arena_alloc(&a, sizeof *q, 8);
	char *r = arena_alloc(&a, 64, 64);
	CHECK(p != NULL && q != NULL && r != NULL);
	CHECK(p == buf);
	CHECK_EQ((uintptr_t)q % 8, 0);
	CHECK_EQ((uintptr_t)r % 64, 0);
	CHECK((char *)q >= p + 3 && r >= (char *)(q + 1));
	CHECK(r + 64 <= buf + sizeof buf);
	CHECK_EQ(arena_used(&a), (size_t)(r + 64 - buf));
}

TEST(arena_alloc_returns_null_when_full)
{
	struct arena a;
	arena_init(&a, buf, sizeof buf);
	CHECK(arena_alloc(&a, sizeof buf + 1, 1) == NULL);
	CHECK(arena_alloc(&a, SIZE_MAX, 1) == NULL);
	CHECK(arena_alloc(&a, 8, 3) == NULL); /* not a power of two */
	CHECK(arena_alloc(&a, sizeof buf, 1) == buf);
	CHECK(arena_alloc(&a, 1, 1) == NULL);
}

TEST(arena_reset_gives_everything_back_at_once)
{
	struct arena a;
	arena_init(&a, buf, sizeof buf);
	for (int i = 0; i < 10; i++)
		CHECK(arena_alloc(&a, 100, 4) != NULL);
	CHECK(arena_alloc(&a, 100, 4) == NULL);
	arena_reset(&a);
	CHECK_EQ(arena_used(&a), 0);
	CHECK(arena_alloc(&a, 100, 4) == buf);
}

struct node {
	struct node *next;
	int value;
};

/* A linked structure built in the arena and dropped in one reset: no
 * walk over the nodes to free them one by one. */
TEST(a_list_built_in_an_arena_is_dropped_in_one_reset)
{
	struct arena a;
	arena_init(&a, buf, sizeof buf);
	for (int round = 0; round < 3; round++) {
		struct node *head = NULL;
		int n = 0;
		for (;;) {
			struct node *x = arena_alloc(&a, sizeof *x,
						     _Alignof(struct node));
			if (x == NULL)
				break;
			x->value = n++;
			x->next = head;
			head = x;
		}
		CHECK_EQ(n, (int)(sizeof buf / sizeof(struct node)));
		int sum = 0;
		for (struct node *x = head; x != NULL; x = x->next)
			sum += x->value;
		CHECK_EQ(sum, n * (n - 1) / 2);
		arena_reset(&a);
	}
}

TEST(two_arenas_are_independent)
{
	static char other[64];
	struct arena a, b;
	arena_init(&a, buf, sizeof buf);
	arena_init(&b, other, sizeof other);
	CHECK(arena_alloc(&b, 64, 1) == other);
	CHECK(arena_alloc(&b, 1, 1) == NULL);
	CHECK(arena_alloc(&a, 64, 1) == buf);
	arena_reset(&b);
	CHECK_EQ(arena_used(&a), 64);
}
