// sources: stages/8-memory-errors/debug_alloc.c stages/6-free-list/freelist.c common/format.c
// stage: 8
/*
 * Exercise 8.2: scan the quarantine (stages/8-memory-errors/
 * debug_alloc.c, debug_alloc.h):
 *
 *   void debug_scan(struct debug_heap *h);
 *
 * checks the poison of every quarantined block, oldest first.  The first
 * block written after its free is taken out of the quarantine and
 * reported exactly as its eviction would report it; the other blocks
 * stay, in the order they were freed.  With nothing written it changes
 * nothing.
 *
 * The debugging allocator runs over the free list of stage 6 on a static
 * array, as in tests/host/test_debug_alloc.c; the allocator below logs
 * the blocks given back to it, which shows the quarantine's order.
 */
#include "harness.h"

#include "debug_alloc.h"
#include "format.h"
#include "freelist.h"

#define MEM_SIZE (256u << 10)
static _Alignas(4096) uint8_t heap_mem[MEM_SIZE];
static uint8_t shadow[MEM_SIZE / DBG_GRANULE];

static struct freelist_heap below;
static struct debug_heap heap;
static void *given_back[256]; /* inner blocks, in the order given back */
static size_t n_given_back;

static void *inner_alloc(void *fl, struct layout l)
{
	return freelist_alloc(fl, l);
}

static void inner_dealloc(void *fl, void *p, struct layout l)
{
	freelist_dealloc(fl, p, l);
	if (n_given_back < 256)
		given_back[n_given_back] = p;
	n_given_back++;
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
	n_given_back = 0;
	CHECK(freelist_init(&below, (uintptr_t)heap_mem, MEM_SIZE) ==
	      FREELIST_OK);
	struct dbg_inner inner = {inner_alloc, inner_dealloc, &below};
	debug_heap_init(&heap, inner, (uintptr_t)heap_mem, shadow,
			sizeof shadow);
}

/* n blocks of 24 bytes, allocated, then freed in order. */
static void free_in_order(uint8_t **p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = debug_alloc(&heap, lay(24, 8), 0x1000 + i);
	for (size_t i = 0; i < n; i++)
		debug_dealloc(&heap, p[i], lay(24, 8), 0x2000 + i);
	check_heap();
}

static enum dbg_shadow state_of(const void *p)
{
	enum dbg_shadow s;
	debug_header_of(&heap, p, &s);
	return s;
}

/* The inner block of a 24-byte block: 32 bytes in front of it. */
static void *inner_of(const uint8_t *p)
{
	return (void *)(p - DBG_FRONT);
}

/* Flushes, then checks the blocks went back below in exactly the order
 * p[0..n) lists, skipping `skip` (n for none). */
static void flush_expecting_order(uint8_t *const *p, size_t n, size_t skip)
{
	size_t before = n_given_back;
	debug_flush(&heap);
	size_t k = before;
	for (size_t i = 0; i < n; i++) {
		if (i == skip)
			continue;
		CHECK_MSG(k < n_given_back && given_back[k] == inner_of(p[i]),
			  "block %zu given back out of order", i);
		k++;
	}
	CHECK_EQ(n_given_back, k);
	check_heap();
}

TEST(a_scan_of_a_clean_quarantine_changes_nothing)
{
	uint8_t *p[10];
	setup();
	free_in_order(p, 10);
	size_t first = heap.q_first, count = heap.q_count, bytes = heap.q_bytes;
	debug_scan(&heap);
	debug_scan(&heap);
	CHECK_EQ(heap.q_first, first);
	CHECK_EQ(heap.q_count, count);
	CHECK_EQ(heap.q_bytes, bytes);
	CHECK_EQ(n_given_back, 0);
	for (int i = 0; i < 10; i++)
		CHECK(state_of(p[i]) == SHADOW_QUARANTINED);
	flush_expecting_order(p, 10, 10);
}

/* The report is the eviction's, word for word (on the host a site is a
 * bare address), and it comes without any eviction or flush. */
TEST(a_scan_reports_a_write_after_free_as_the_eviction_would)
{
	uint8_t *p[6];
	char want[256];
	setup();
	free_in_order(p, 6);
	p[3][4] = 7;
	/* formatted as the allocator formats its reports (kvsnprintf) */
	ksnprintf(want, sizeof want,
		 "debug_alloc: use-after-free write to a 24-byte block\n"
		 "  %p, byte 4: 0x07, not 0x6b\n"
		 "  allocated by 0x1003\n"
		 "  freed by 0x2003",
		 (void *)p[3]);
	EXPECT_PANIC("use-after-free write", debug_scan(&heap));
	CHECK_STR_EQ(harness_panic_msg, want);
	/* it left the quarantine first; the rest kept their order */
	CHECK(state_of(p[3]) == SHADOW_NONE);
	CHECK_EQ(heap.q_count, 5);
	CHECK_EQ(heap.q_bytes, 5 * 24);
	check_heap();
	flush_expecting_order(p, 6, 3);
}

/* Two blocks written to: the older is reported first, then, at the next
 * scan, the other. */
TEST(a_scan_reports_the_oldest_written_block_first)
{
	uint8_t *p[8];
	setup();
	free_in_order(p, 8);
	p[6][0] = 1;
	p[2][23] = 2;
	EXPECT_PANIC(", byte 23: 0x02, not 0x6b", debug_scan(&heap));
	CHECK(state_of(p[2]) == SHADOW_NONE);
	CHECK(state_of(p[6]) == SHADOW_QUARANTINED);
	EXPECT_PANIC(", byte 0: 0x01, not 0x6b", debug_scan(&heap));
	CHECK(state_of(p[6]) == SHADOW_NONE);
	CHECK_EQ(heap.q_count, 6);
	debug_scan(&heap); /* nothing left to report */
	size_t k = n_given_back;
	debug_flush(&heap);
	CHECK_EQ(n_given_back - k, 6);
	CHECK(given_back[k] == inner_of(p[0]));
	CHECK(given_back[k + 2] == inner_of(p[3]));
	CHECK(given_back[k + 5] == inner_of(p[7]));
}

/* The oldest block and the newest are scanned too. */
TEST(a_scan_covers_the_oldest_and_the_newest_block)
{
	uint8_t *p[4];
	setup();
	free_in_order(p, 4);
	p[0][10] = 0;
	EXPECT_PANIC(", byte 10: 0x00, not 0x6b", debug_scan(&heap));
	flush_expecting_order(p, 4, 0);
	setup();
	free_in_order(p, 4);
	p[3][1] = 0;
	EXPECT_PANIC(", byte 1: 0x00, not 0x6b", debug_scan(&heap));
	flush_expecting_order(p, 4, 3);
}

/* The quarantine is a ring: once more than DBG_QUARANTINE blocks were
 * freed, its oldest block is not in slot 0 any more.  A written block
 * past the end of the ring's array is found, and the order kept. */
TEST(a_scan_follows_the_ring_round_its_end)
{
	static uint8_t *p[DBG_QUARANTINE + 10];
	setup();
	free_in_order(p, DBG_QUARANTINE + 10);
	CHECK_EQ(heap.q_first, 10);
	CHECK_EQ(n_given_back, 10);
	/* the oldest 10 left; p[10 .. 10 + 64) remain; p[60] is in slot 60,
	 * p[70] in slot 6, after the ring's end */
	p[70][2] = 9;
	EXPECT_PANIC(", byte 2: 0x09, not 0x6b", debug_scan(&heap));
	CHECK(state_of(p[70]) == SHADOW_NONE);
	check_heap();
	flush_expecting_order(p + 10, DBG_QUARANTINE, 60);
}
