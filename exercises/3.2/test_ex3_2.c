// sources: stages/3-null-allocator/counting_alloc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 3
/*
 * Exercise 3.2: a counting allocator (stages/3-null-allocator/
 * counting_alloc.c, counting_alloc.h) that wraps another allocator:
 *
 *   struct counting_allocator {
 *           struct allocator base;    // first: what callers are given
 *           struct allocator *inner;  // does the real work
 *           size_t bytes;             // sum of the sizes of live blocks
 *           size_t live;              // live blocks
 *   };
 *   void counting_allocator_init(struct counting_allocator *c,
 *                                struct allocator *inner);
 *
 * Every operation goes to the inner allocator through allocator_*(), so
 * the inner allocator's own alloc_zeroed and realloc are used when it
 * has them; a failed operation counts nothing.
 */
#include "harness.h"

#include "alloc.h"
#include "counting_alloc.h"
#include "host_alloc.h"

/* An inner allocator that records which of its operations are called. */
static int spy_allocs, spy_zeroed, spy_reallocs, spy_deallocs;

static void *spy_alloc(struct allocator *self, struct layout l)
{
	(void)self;
	spy_allocs++;
	return allocator_alloc(&host_allocator, l);
}

static void spy_dealloc(struct allocator *self, void *p, struct layout l)
{
	(void)self;
	spy_deallocs++;
	allocator_dealloc(&host_allocator, p, l);
}

static void *spy_alloc_zeroed(struct allocator *self, struct layout l)
{
	(void)self;
	spy_zeroed++;
	return allocator_alloc_zeroed(&host_allocator, l);
}

static void *spy_realloc(struct allocator *self, void *p, struct layout l,
			 size_t n)
{
	(void)self;
	spy_reallocs++;
	return allocator_realloc(&host_allocator, p, l, n);
}

static struct allocator spy = {
	.name = "spy",
	.alloc = spy_alloc,
	.dealloc = spy_dealloc,
	.alloc_zeroed = spy_alloc_zeroed,
	.realloc = spy_realloc,
};

static struct counting_allocator counter;

static struct allocator *fresh(void)
{
	spy_allocs = spy_zeroed = spy_reallocs = spy_deallocs = 0;
	host_alloc_fail_all(0);
	counting_allocator_init(&counter, &spy);
	CHECK_EQ(counter.bytes, 0);
	CHECK_EQ(counter.live, 0);
	CHECK(counter.inner == &spy);
	return &counter.base;
}

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

TEST(counts_bytes_and_blocks)
{
	struct allocator *a = fresh();
	void *p = allocator_alloc(a, lay(10, 1));
	void *q = allocator_alloc(a, lay(20, 8));
	CHECK(p != NULL && q != NULL);
	CHECK_EQ(counter.bytes, 30);
	CHECK_EQ(counter.live, 2);
	allocator_dealloc(a, p, lay(10, 1));
	CHECK_EQ(counter.bytes, 20);
	CHECK_EQ(counter.live, 1);
	allocator_dealloc(a, q, lay(20, 8));
	CHECK_EQ(counter.bytes, 0);
	CHECK_EQ(counter.live, 0);
	CHECK_EQ(spy_allocs, 2);
	CHECK_EQ(spy_deallocs, 2);
}

TEST(alloc_zeroed_uses_the_inner_alloc_zeroed_and_counts)
{
	struct allocator *a = fresh();
	unsigned char *p = allocator_alloc_zeroed(a, lay(64, 16));
	CHECK(p != NULL);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(p[i], 0);
	CHECK_EQ(spy_zeroed, 1);
	CHECK_EQ(counter.bytes, 64);
	CHECK_EQ(counter.live, 1);
	allocator_dealloc(a, p, lay(64, 16));
	CHECK_EQ(counter.bytes, 0);
}

TEST(realloc_uses_the_inner_realloc_and_counts_the_difference)
{
	struct allocator *a = fresh();
	char *p = allocator_alloc(a, lay(16, 8));
	CHECK(p != NULL);
	memcpy(p, "sixteen bytes..", 16);
	char *q = allocator_realloc(a, p, lay(16, 8), 100);
	CHECK(q != NULL);
	CHECK_MSG(spy_reallocs == 1, "the inner realloc was called %d times: "
				     "the default realloc (alloc, copy, "
				     "dealloc) loses the inner allocator's own",
		  spy_reallocs);
	CHECK_EQ(memcmp(q, "sixteen bytes..", 16), 0);
	CHECK_EQ(counter.bytes, 100);
	CHECK_EQ(counter.live, 1);
	q = allocator_realloc(a, q, lay(100, 8), 4);
	CHECK(q != NULL);
	CHECK_EQ(counter.bytes, 4);
	allocator_dealloc(a, q, lay(4, 8));
	CHECK_EQ(counter.bytes, 0);
	CHECK_EQ(counter.live, 0);
}

TEST(a_failed_operation_counts_nothing)
{
	struct allocator *a = fresh();
	void *p = allocator_alloc(a, lay(32, 8));
	CHECK(p != NULL);
	host_alloc_fail_all(1);
	CHECK(allocator_alloc(a, lay(8, 8)) == NULL);
	CHECK(allocator_alloc_zeroed(a, lay(8, 8)) == NULL);
	CHECK(allocator_realloc(a, p, lay(32, 8), 64) == NULL);
	host_alloc_fail_all(0);
	CHECK_EQ(counter.bytes, 32);
	CHECK_EQ(counter.live, 1);
	allocator_dealloc(a, p, lay(32, 8)); /* still the caller's */
	CHECK_EQ(counter.live, 0);
	CHECK_EQ(host_alloc_live(), 0);
}

TEST(two_counters_count_apart)
{
	struct counting_allocator other;
	struct allocator *a = fresh();
	counting_allocator_init(&other, &host_allocator);
	void *p = allocator_alloc(a, lay(8, 8));
	void *q = allocator_alloc(&other.base, lay(24, 8));
	CHECK_EQ(counter.bytes, 8);
	CHECK_EQ(other.bytes, 24);
	allocator_dealloc(a, p, lay(8, 8));
	allocator_dealloc(&other.base, q, lay(24, 8));
	CHECK_EQ(other.live, 0);
}
