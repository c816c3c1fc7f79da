// sources: stages/5-collections/pool.c stages/5-collections/btree.c stages/5-collections/btree_node.c stages/5-collections/btree_insert.c stages/5-collections/btree_remove.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
/*
 * Exercise 5.6: a pool of fixed-size blocks (stages/5-collections/pool.c,
 * pool.h), the allocator the churn needed:
 *
 *   void pool_init(struct pool *p, size_t size, size_t align);
 *           blocks of `size` bytes aligned to `align` (a power of two,
 *           at most 64); nothing is allocated yet
 *   void *pool_alloc(struct pool *p);  a freed block if there is one (the
 *           last freed first), else one from the current page; a new
 *           POOL_PAGE_SIZE page from kmalloc when the pages are full;
 *           NULL if that fails
 *   void pool_free(struct pool *p, void *block);
 *   size_t pool_pages(const struct pool *p);  pages taken so far
 *   void pool_drop(struct pool *p);    gives every page back
 *
 * Freed blocks form a list threaded through the blocks themselves.
 */
#include "btree.h"
#include "harness.h"
#include "host_alloc.h"
#include "pool.h"

TEST(a_freed_block_is_reused_first)
{
	struct pool p;
	pool_init(&p, 32, 8);
	void *a = pool_alloc(&p);
	void *b = pool_alloc(&p);
	CHECK(a != NULL && b != NULL && a != b);
	pool_free(&p, a);
	pool_free(&p, b);
	CHECK(pool_alloc(&p) == b);
	CHECK(pool_alloc(&p) == a);
	pool_drop(&p);
}

TEST(blocks_are_aligned_distinct_and_whole)
{
	enum { N = 300 };
	static unsigned char *blocks[N];
	struct pool p;
	pool_init(&p, 24, 16);
	for (int i = 0; i < N; i++) {
		blocks[i] = pool_alloc(&p);
		CHECK(blocks[i] != NULL);
		CHECK_EQ((uintptr_t)blocks[i] % 16, 0);
		memset(blocks[i], i, 24); /* AddressSanitizer: all 24 ours */
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < 24; j++)
			CHECK_EQ(blocks[i][j], (unsigned char)i);
	/* 24 bytes round up to 32: at most 128 a page */
	CHECK(pool_pages(&p) >= 3);
	CHECK(pool_pages(&p) <= N * 32 / POOL_PAGE_SIZE + 2);
	pool_drop(&p);
}

TEST(the_pool_takes_a_page_at_a_time_and_gives_them_all_back)
{
	size_t live = host_alloc_live(), count = host_alloc_count();
	struct pool p;
	pool_init(&p, 32, 8);
	CHECK_EQ(pool_pages(&p), 0);
	CHECK_EQ(host_alloc_count(), count); /* nothing yet */
	for (int i = 0; i < 1000; i++)
		CHECK(pool_alloc(&p) != NULL);
	CHECK_EQ(host_alloc_count() - count, pool_pages(&p));
	CHECK_EQ(host_alloc_live() - live, pool_pages(&p));
	pool_drop(&p);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(no_page_no_block)
{
	struct pool p;
	pool_init(&p, 32, 8);
	host_alloc_fail_all(1);
	CHECK(pool_alloc(&p) == NULL);
	host_alloc_fail_all(0);
	CHECK_EQ(pool_pages(&p), 0);
	CHECK(pool_alloc(&p) != NULL);
	pool_drop(&p);
}

struct proc {
	uint64_t pid;
	char name[24];
};

/* The demo's churn with the records from a pool: 16 alive at a time, and
 * after the first few steps no new memory at all, however long it runs. */
TEST(the_churn_with_a_pool_takes_no_new_memory)
{
	struct pool procs;
	struct btree table;
	pool_init(&procs, sizeof(struct proc), _Alignof(struct proc));
	btree_init(&table);
	size_t count = 0;
	for (uint64_t pid = 1; pid <= 100000; pid++) {
		struct proc *p = pool_alloc(&procs);
		CHECK(p != NULL);
		p->pid = pid;
		CHECK(btree_insert(&table, pid, (uintptr_t)p, NULL) ==
		      BTREE_INSERTED);
		uintptr_t old;
		if (pid > 16 && btree_remove(&table, pid - 16, &old))
			pool_free(&procs, (void *)old);
		if (pid == 1000)
			count = host_alloc_count();
	}
	CHECK_EQ(host_alloc_count(), count);
	CHECK_EQ(pool_pages(&procs), 1);
	btree_drop(&table);
	pool_drop(&procs);
}
