// sources: stages/8-memory-errors/debug_alloc.c stages/6-free-list/freelist.c common/format.c
// stage: 8
/*
 * Exercise 8.1: the quarantine's byte bound as a parameter
 * (stages/8-memory-errors/debug_alloc.c, debug_alloc.h):
 *
 *   void debug_quarantine_limit(struct debug_heap *h, size_t bytes);
 *
 * From then on the quarantine holds at most `bytes` bytes of freed blocks
 * (and at most DBG_QUARANTINE blocks), but always the block freed last;
 * the oldest blocks over the new bound leave at once, their poison
 * checked.  A new heap's bound is DBG_QUARANTINE_BYTES.
 *
 * The debugging allocator runs over the free list of stage 6 on a static
 * array, as in tests/host/test_debug_alloc.c.
 */
#include "harness.h"

#include "debug_alloc.h"
#include "freelist.h"

#define MEM_SIZE (1u << 20)
static _Alignas(4096) uint8_t heap_mem[MEM_SIZE];
static uint8_t shadow[MEM_SIZE / DBG_GRANULE];

static struct freelist_heap below;
static struct debug_heap heap;

static void *inner_alloc(void *fl, struct layout l)
{
	return freelist_alloc(fl, l);
}

static void inner_dealloc(void *fl, void *p, struct layout l)
{
	freelist_dealloc(fl, p, l);
}

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

static void check_heap(void)
{
	const char *what;
	CHECK_MSG(debug_check(&heap, &what), "debug_check: %s", what);
}

static void setup(void)
{
	memset(shadow, 0, sizeof shadow);
	CHECK(freelist_init(&below, (uintptr_t)heap_mem, MEM_SIZE) ==
	      FREELIST_OK);
	struct dbg_inner inner = {inner_alloc, inner_dealloc, &below};
	debug_heap_init(&heap, inner, (uintptr_t)heap_mem, shadow,
			sizeof shadow);
}

static uint8_t *alloc(size_t size)
{
	uint8_t *p = debug_alloc(&heap, lay(size, 8), 0x1000);
	CHECK(p != NULL);
	check_heap();
	return p;
}

static void dealloc(void *p, size_t size)
{
	debug_dealloc(&heap, p, lay(size, 8), 0x2000);
	check_heap();
}

/* "QQ.." : for each block, Q if it is in the quarantine, . if it left. */
static const char *states(uint8_t *const *p, size_t n)
{
	static char buf[128];
	for (size_t i = 0; i < n; i++) {
		enum dbg_shadow s;
		debug_header_of(&heap, p[i], &s);
		buf[i] = s == SHADOW_QUARANTINED ? 'Q' : s == SHADOW_NONE ? '.'
									: 'L';
	}
	buf[n] = '\0';
	return buf;
}

/* n blocks of `size` bytes, allocated and then freed in order. */
static void free_in_order(uint8_t **p, size_t n, size_t size)
{
	for (size_t i = 0; i < n; i++)
		p[i] = alloc(size);
	for (size_t i = 0; i < n; i++)
		dealloc(p[i], size);
}

TEST(the_bound_starts_at_64_KiB)
{
	uint8_t *p[5];
	setup();
	free_in_order(p, 5, 16000); /* the fifth makes 80000 bytes */
	CHECK_STR_EQ(states(p, 5), ".QQQQ");
	CHECK_EQ(heap.q_bytes, 64000);
	debug_flush(&heap);
}

TEST(a_lower_bound_holds_fewer_blocks)
{
	uint8_t *p[6];
	setup();
	debug_quarantine_limit(&heap, 1000);
	free_in_order(p, 6, 300);
	CHECK_STR_EQ(states(p, 6), "...QQQ");
	CHECK_EQ(heap.q_bytes, 900);
	/* a block of 1000 bytes: the rest must go */
	uint8_t *big = alloc(1000);
	dealloc(big, 1000);
	CHECK_STR_EQ(states(p + 3, 3), "...");
	CHECK_EQ(heap.q_count, 1);
	CHECK_EQ(heap.q_bytes, 1000);
	debug_flush(&heap);
	check_heap();
}

/* The bound is on bytes; the count bound still holds with a large one. */
TEST(a_higher_bound_holds_more_but_never_more_than_the_count)
{
	uint8_t *p[DBG_QUARANTINE + 1];
	setup();
	debug_quarantine_limit(&heap, 1000);
	debug_quarantine_limit(&heap, 200000);
	free_in_order(p, 6, 30000);
	CHECK_STR_EQ(states(p, 6), "QQQQQQ");
	CHECK_EQ(heap.q_bytes, 180000);
	debug_flush(&heap);
	free_in_order(p, DBG_QUARANTINE + 1, 16);
	CHECK_EQ(heap.q_count, DBG_QUARANTINE);
	CHECK_EQ(states(p, 1)[0], '.');
	debug_flush(&heap);
	check_heap();
}

TEST(lowering_the_bound_lets_the_oldest_go_at_once)
{
	uint8_t *p[5];
	setup();
	free_in_order(p, 5, 100);
	CHECK_STR_EQ(states(p, 5), "QQQQQ");
	debug_quarantine_limit(&heap, 250);
	CHECK_STR_EQ(states(p, 5), "...QQ");
	CHECK_EQ(heap.q_bytes, 200);
	check_heap();
	/* freed blocks that left the quarantine are reused */
	uint8_t *q = alloc(100);
	CHECK(q == p[0] || q == p[1] || q == p[2]);
	dealloc(q, 100);
	debug_flush(&heap);
}

/* Even 0: the block freed last always waits in the quarantine. */
TEST(the_block_freed_last_always_stays)
{
	uint8_t *p[3];
	setup();
	free_in_order(p, 3, 100);
	debug_quarantine_limit(&heap, 0);
	CHECK_STR_EQ(states(p, 3), "..Q");
	uint8_t *big = alloc(5000);
	dealloc(big, 5000);
	CHECK_STR_EQ(states(p, 3), "...");
	CHECK_EQ(heap.q_count, 1);
	CHECK_EQ(heap.q_bytes, 5000);
	debug_flush(&heap);
	check_heap();
}

/* A block let go by a lower bound has its poison checked, as at any
 * eviction: the write after its free is reported. */
TEST(lowering_the_bound_checks_the_blocks_it_lets_go)
{
	uint8_t *p[4];
	setup();
	free_in_order(p, 4, 100);
	p[1][10] = 0; /* a write after the free, in the second oldest */
	EXPECT_PANIC("debug_alloc: use-after-free write to a 100-byte block\n",
		     debug_quarantine_limit(&heap, 150));
	CHECK(strstr(harness_panic_msg, ", byte 10: 0x00, not 0x6b") != NULL);
}

/*
 * Why the bound matters: a stale pointer is caught only while its block
 * waits in the quarantine.  With room for one block, p leaves when x is
 * freed, q is handed p's memory, and the write through p lands in q,
 * unseen.  With the default bound, the same write is reported.
 */
TEST(a_small_quarantine_misses_what_a_large_one_catches)
{
	setup();
	debug_quarantine_limit(&heap, 24);
	uint8_t *p = alloc(24);
	dealloc(p, 24);
	uint8_t *x = alloc(24);
	dealloc(x, 24);
	uint8_t *q = alloc(24); /* first fit: where p was */
	CHECK(q == p);
	p[4] = 7; /* the bug */
	dealloc(q, 24);
	debug_flush(&heap); /* no report */
	check_heap();

	setup(); /* the default bound */
	p = alloc(24);
	dealloc(p, 24);
	x = alloc(24);
	dealloc(x, 24);
	q = alloc(24);
	CHECK(q != p);
	dealloc(q, 24);
	p[4] = 7;
	EXPECT_PANIC("use-after-free write to a 24-byte block",
		     debug_flush(&heap));
}
