// sources: stages/8-memory-errors/debug_alloc.c stages/6-free-list/freelist.c common/format.c
// stage: 8
/*
 * test_debug_alloc.c - the debugging allocator (stage 8) over the free
 * list of stage 6, on a static array that a zeroed shadow map covers.
 *
 * First the layout of a block, for every alignment from 1 to 4096: where
 * it sits, the header 32 bytes in front of it on a granule, the front
 * canary, the fresh fill, the back redzone, and the inner block asked of
 * the allocator below.  Then what a free does: poison, the quarantine
 * (FIFO, bounded by a count and by bytes, emptied rather than let an
 * allocation fail), the block given back below.  Then every report,
 * matched whole, offsets, byte values and sites included (on the host a
 * site prints as a hex address): a write after the free, a double free,
 * invalid frees, the wrong layout, a write just past either end.  Then
 * the leak walk, and debug_check catching heaps broken on purpose.  Last,
 * the property: random correct use never reports, and once everything is
 * freed and flushed the allocator below is empty again.
 */
#include "harness.h"

#include "format.h"

#include <stdarg.h>

#include "debug_alloc.h"
#include "freelist.h"

/* The heap lives in here; the shadow map covers all of it. */
#define MEM_SIZE (512u << 10)
static _Alignas(4096) uint8_t heap_mem[MEM_SIZE];
static uint8_t shadow[MEM_SIZE / DBG_GRANULE];

/* Who allocated and who freed, as a kernel's return addresses would be. */
#define ALLOC_SITE 0x401a2cu
#define FREE_SITE 0x401b40u
#define SITES "\n  allocated by 0x401a2c\n  freed by 0x401b40"

/* The allocator below: the free list, and a log of what it was asked. */
#define LOGGED 256
static struct {
	struct freelist_heap fl;
	size_t allocs, deallocs;   /* calls answered */
	void *last;		   /* the last block it handed out */
	struct layout last_layout; /* ...and the layout asked */
	void *freed[LOGGED];	   /* blocks given back, in order */
	struct layout freed_layout[LOGGED];
} inner;

static struct debug_heap heap;

static void *inner_alloc(void *fl, struct layout l)
{
	void *p = freelist_alloc(fl, l);
	if (p != NULL) {
		inner.allocs++;
		inner.last = p;
		inner.last_layout = l;
	}
	return p;
}

static void inner_dealloc(void *fl, void *p, struct layout l)
{
	freelist_dealloc(fl, p, l); /* panics on a layout it did not give */
	inner.freed[inner.deallocs % LOGGED] = p;
	inner.freed_layout[inner.deallocs % LOGGED] = l;
	inner.deallocs++;
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

/* An empty debugging heap over a free list on heap_mem[0, size). */
static void setup(size_t size)
{
	memset(heap_mem, 0, sizeof heap_mem);
	memset(shadow, 0, sizeof shadow);
	memset(&inner, 0, sizeof inner);
	CHECK(freelist_init(&inner.fl, (uintptr_t)heap_mem, size) ==
	      FREELIST_OK);
	struct dbg_inner below = {inner_alloc, inner_dealloc, &inner.fl};
	debug_heap_init(&heap, below, (uintptr_t)heap_mem, shadow,
			sizeof shadow);
	check_heap();
}

static uint8_t *alloc(size_t size, size_t align)
{
	uint8_t *p = debug_alloc(&heap, lay(size, align), ALLOC_SITE);
	CHECK_MSG(p != NULL, "debug_alloc(%zu, %zu) failed", size, align);
	check_heap();
	return p;
}

static void dealloc(void *p, size_t size, size_t align)
{
	debug_dealloc(&heap, p, lay(size, align), FREE_SITE);
	check_heap();
}

/* The free list holds everything again: one free block over the heap. */
static void check_inner_empty(void)
{
	struct freelist_stats s = freelist_stats(&inner.fl);
	CHECK_EQ(s.live, 0);
	CHECK_EQ(s.free_blocks, 1);
	CHECK_EQ(s.free_bytes, inner.fl.end - inner.fl.start);
}

static enum dbg_shadow state_of(const void *p)
{
	enum dbg_shadow s;
	debug_header_of(&heap, p, &s);
	return s;
}

/* The shadow byte of the granule at heap_mem + off. */
static uint8_t *shadow_at(uintptr_t addr)
{
	return &shadow[(addr - (uintptr_t)heap_mem) / DBG_GRANULE];
}

/* An expected report, formatted as the allocator formats its reports:
 * with the kernel's kvsnprintf (a pointer is 0x and 16 digits). */
static const char *msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static const char *msg(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return buf;
}

/* stmt panics with exactly the report `text`, not just a part of it. */
#define EXPECT_REPORT(text, stmt)                                              \
	do {                                                                   \
		const char *want_ = (text);                                    \
		EXPECT_PANIC(want_, stmt);                                     \
		CHECK_STR_EQ(harness_panic_msg, want_);                        \
	} while (0)

/* --------------------------------------------------------------- layout */

static const size_t sizes[] = {0, 1, 24, 100, 4095};
#define N_SIZES (sizeof sizes / sizeof sizes[0])

/* Where a block starts in its inner block. */
static size_t front(size_t align)
{
	return align > DBG_FRONT ? align : DBG_FRONT;
}

/* Calls `look` on a new block of every size in sizes[] and every
 * alignment 1, 2, 4 ... 4096, right after it is allocated; frees them
 * all, and the heap below must be empty again. */
static void each_layout(void (*look)(uint8_t *p, size_t size, size_t align))
{
	setup(MEM_SIZE);
	for (size_t align = 1; align <= 4096; align *= 2) {
		for (size_t i = 0; i < N_SIZES; i++) {
			uint8_t *p = alloc(sizes[i], align);
			look(p, sizes[i], align);
			dealloc(p, sizes[i], align);
		}
	}
	debug_flush(&heap);
	check_heap();
	check_inner_empty();
}

static void aligned(uint8_t *p, size_t size, size_t align)
{
	CHECK_MSG((uintptr_t)p % align == 0, "%zu bytes aligned to %zu at %p",
		  size, align, (void *)p);
}

TEST(layout_every_block_is_aligned_for_alignments_1_to_4096)
{
	each_layout(aligned);
}

/* | canary 8 B | fresh (size bytes) | canary to the inner block's end | */
static void fenced(uint8_t *p, size_t size, size_t align)
{
	size_t back = inner.last_layout.size - front(align) - size;
	CHECK_MSG(back >= DBG_REDZONE, "%zu/%zu: back redzone %zu", size, align,
		  back);
	for (int i = -8; i < 0; i++)
		CHECK_MSG(p[i] == DBG_CANARY, "%zu/%zu: byte %d is %#x", size,
			  align, i, p[i]);
	for (size_t i = 0; i < size; i++)
		CHECK_MSG(p[i] == DBG_FRESH, "%zu/%zu: byte %zu is %#x", size,
			  align, i, p[i]);
	for (size_t i = size; i < size + back; i++)
		CHECK_MSG(p[i] == DBG_CANARY, "%zu/%zu: byte %zu is %#x", size,
			  align, i, p[i]);
}

TEST(layout_front_canary_fresh_fill_and_back_redzone)
{
	each_layout(fenced);
}

/* The header: ptr - 32, on a granule, marked live in the shadow map. */
static void headed(uint8_t *p, size_t size, size_t align)
{
	const struct dbg_header *hd = (const void *)(p - DBG_FRONT);
	CHECK_EQ((uintptr_t)hd % DBG_GRANULE, 0);
	enum dbg_shadow s;
	CHECK(debug_header_of(&heap, p, &s) == hd);
	CHECK_EQ(s, SHADOW_LIVE);
	CHECK_EQ(*shadow_at((uintptr_t)hd), SHADOW_LIVE);
	CHECK_EQ(hd->size, size);
	CHECK_EQ((size_t)1 << hd->align_log2, align);
	CHECK_EQ(hd->alloc_site, ALLOC_SITE);
	CHECK_EQ(hd->free_site, 0);
	CHECK_EQ(heap.live, 1);
	CHECK_EQ(heap.live_bytes, size);
}

TEST(layout_header_is_32_bytes_in_front_on_a_granule)
{
	each_layout(headed);
}

/* The inner block: the front (32 bytes, or the alignment), the block, at
 * least 16 bytes of redzone, rounded to a granule; aligned to 16 or
 * more. */
static void asked_below(uint8_t *p, size_t size, size_t align)
{
	size_t want = (front(align) + size + DBG_REDZONE + 15) & ~(size_t)15;
	CHECK_EQ(inner.last_layout.size, want);
	CHECK_EQ(inner.last_layout.align, align > 16 ? align : 16);
	CHECK(inner.last == p - front(align));
}

TEST(layout_of_the_inner_block_for_every_alignment)
{
	each_layout(asked_below);
}

TEST(layout_of_the_inner_block_exactly)
{
	static const struct {
		size_t size, align, inner_size, inner_align;
	} want[] = {
		{0, 1, 48, 16},	       {1, 1, 64, 16},	   {24, 8, 80, 16},
		{32, 16, 80, 16},      {100, 32, 160, 32}, {100, 64, 192, 64},
		{1, 4096, 4128, 4096},
	};
	setup(MEM_SIZE);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		alloc(want[i].size, want[i].align);
		CHECK_EQ(inner.last_layout.size, want[i].inner_size);
		CHECK_EQ(inner.last_layout.align, want[i].inner_align);
	}
}

TEST(a_size_beyond_32_bits_is_refused_without_asking_below)
{
	setup(MEM_SIZE);
	CHECK(debug_alloc(&heap, lay((size_t)UINT32_MAX + 1, 8), 1) == NULL);
	CHECK(debug_alloc(&heap, lay(SIZE_MAX, 8), 1) == NULL);
	CHECK(debug_alloc(&heap, lay(SIZE_MAX - 40, 1), 1) == NULL);
	CHECK_EQ(inner.allocs, 0);
	CHECK_EQ(heap.live, 0);
	check_heap();
}

/* ------------------------------------------------ free and quarantine */

TEST(a_free_poisons_the_block_and_records_who_freed_it)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	memset(p, 0x11, 24);
	dealloc(p, 24, 8);
	for (int i = 0; i < 24; i++)
		CHECK_EQ(p[i], DBG_POISON);
	for (int i = -8; i < 0; i++)
		CHECK_EQ(p[i], DBG_CANARY); /* the redzones stay */
	for (int i = 24; i < 48; i++)
		CHECK_EQ(p[i], DBG_CANARY);
	enum dbg_shadow s;
	const struct dbg_header *hd = debug_header_of(&heap, p, &s);
	CHECK(hd != NULL && s == SHADOW_QUARANTINED);
	CHECK_EQ(hd->alloc_site, ALLOC_SITE);
	CHECK_EQ(hd->free_site, FREE_SITE);
	CHECK_EQ(heap.live, 0);
	CHECK_EQ(heap.live_bytes, 0);
	CHECK_EQ(heap.q_count, 1);
	CHECK_EQ(heap.q_bytes, 24);
	CHECK_EQ(inner.deallocs, 0); /* held back, not given back */
}

TEST(a_freed_block_is_not_reused_while_it_is_quarantined)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	dealloc(p, 24, 8);
	for (int i = 0; i < DBG_QUARANTINE - 1; i++) {
		uint8_t *q = alloc(24, 8);
		CHECK(q != p);
		dealloc(q, 24, 8);
	}
	CHECK_EQ(state_of(p), SHADOW_QUARANTINED);
	dealloc(alloc(24, 8), 24, 8); /* the 65th free lets p go */
	CHECK_EQ(state_of(p), SHADOW_NONE);
	CHECK(alloc(24, 8) == p); /* first fit: the lowest block again */
}

TEST(the_quarantine_evicts_the_oldest_past_64_blocks)
{
	setup(MEM_SIZE);
	uint8_t *p[DBG_QUARANTINE + 1];
	for (int i = 0; i <= DBG_QUARANTINE; i++)
		p[i] = alloc(i % 2 ? 24 : 0, 8); /* a 0-byte block counts too */
	for (int i = 0; i < DBG_QUARANTINE; i++)
		dealloc(p[i], i % 2 ? 24 : 0, 8);
	CHECK_EQ(heap.q_count, DBG_QUARANTINE);
	CHECK_EQ(inner.deallocs, 0);
	dealloc(p[DBG_QUARANTINE], 0, 8);
	CHECK_EQ(heap.q_count, DBG_QUARANTINE);
	CHECK_EQ(inner.deallocs, 1);
	CHECK(inner.freed[0] == p[0] - DBG_FRONT);
	CHECK_EQ(state_of(p[0]), SHADOW_NONE);
	CHECK_EQ(state_of(p[1]), SHADOW_QUARANTINED);
	debug_flush(&heap);
	for (int i = 1; i <= DBG_QUARANTINE; i++)
		CHECK_MSG(inner.freed[i] == p[i] - DBG_FRONT,
			  "eviction %d is not block %d", i, i);
	check_inner_empty();
}

TEST(the_quarantine_evicts_the_oldest_past_64_kib)
{
	setup(MEM_SIZE);
	size_t big = 16u << 10, bigger = 40u << 10;
	uint8_t *p[5];
	for (int i = 0; i < 5; i++)
		p[i] = alloc(big, 8);
	uint8_t *q = alloc(bigger, 8);
	for (int i = 0; i < 4; i++)
		dealloc(p[i], big, 8);
	CHECK_EQ(heap.q_bytes, DBG_QUARANTINE_BYTES); /* full, not over */
	CHECK_EQ(inner.deallocs, 0);
	dealloc(p[4], big, 8); /* one out, one in */
	CHECK_EQ(inner.deallocs, 1);
	CHECK(inner.freed[0] == p[0] - DBG_FRONT);
	CHECK_EQ(heap.q_bytes, DBG_QUARANTINE_BYTES);
	dealloc(q, bigger, 8); /* three out: 16 KiB + 40 KiB stay */
	CHECK_EQ(inner.deallocs, 4);
	for (int i = 1; i < 4; i++)
		CHECK(inner.freed[i] == p[i] - DBG_FRONT);
	CHECK_EQ(heap.q_count, 2);
	CHECK_EQ(heap.q_bytes, big + bigger);
	debug_flush(&heap);
	CHECK(inner.freed[4] == p[4] - DBG_FRONT);
	CHECK(inner.freed[5] == q - DBG_FRONT);
	check_inner_empty();
}

TEST(an_evicted_block_goes_back_below_as_it_was_taken)
{
	setup(MEM_SIZE);
	for (size_t align = 1; align <= 4096; align *= 2) {
		uint8_t *p = alloc(100, align);
		void *mem = inner.last;
		struct layout l = inner.last_layout;
		dealloc(p, 100, align);
		debug_flush(&heap);
		size_t last = (inner.deallocs - 1) % LOGGED;
		CHECK(inner.freed[last] == mem);
		CHECK_EQ(inner.freed_layout[last].size, l.size);
		CHECK_EQ(inner.freed_layout[last].align, l.align);
		check_inner_empty();
	}
}

TEST(debug_flush_empties_the_quarantine)
{
	setup(MEM_SIZE);
	uint8_t *p[10];
	for (int i = 0; i < 10; i++)
		p[i] = alloc(16 * (size_t)i, 16);
	for (int i = 0; i < 10; i++)
		dealloc(p[i], 16 * (size_t)i, 16);
	CHECK_EQ(heap.q_count, 10);
	debug_flush(&heap);
	check_heap();
	CHECK_EQ(heap.q_count, 0);
	CHECK_EQ(heap.q_bytes, 0);
	CHECK_EQ(inner.deallocs, 10);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(state_of(p[i]), SHADOW_NONE);
	check_inner_empty();
	debug_flush(&heap); /* an empty quarantine: nothing to do */
	CHECK_EQ(inner.deallocs, 10);
}

/* An 8 KiB heap: four freed 1 KiB blocks (1072 bytes below each) hold
 * half of it in the quarantine. */
TEST(a_failed_allocation_flushes_the_quarantine_and_retries)
{
	setup(8192);
	uint8_t *p[4];
	for (int i = 0; i < 4; i++)
		p[i] = alloc(1024, 8);
	for (int i = 0; i < 4; i++)
		dealloc(p[i], 1024, 8);
	uint8_t *q = alloc(1024, 8); /* fits: the quarantine stays */
	CHECK_EQ(heap.q_count, 4);
	uint8_t *r = alloc(4000, 8); /* fits only once it is flushed */
	CHECK_EQ(heap.q_count, 0);
	CHECK_EQ(inner.deallocs, 4);
	dealloc(r, 4000, 8);
	dealloc(q, 1024, 8);
	debug_flush(&heap);
	check_inner_empty();
}

TEST(an_allocation_too_big_even_when_flushed_fails_cleanly)
{
	setup(8192);
	dealloc(alloc(1024, 8), 1024, 8);
	CHECK(debug_alloc(&heap, lay(8192, 8), ALLOC_SITE) == NULL);
	check_heap();
	CHECK_EQ(heap.q_count, 0); /* it tried: the quarantine was flushed */
	CHECK_EQ(heap.live, 0);
	check_inner_empty();
	CHECK(debug_alloc(&heap, lay(8192, 8), ALLOC_SITE) == NULL);
	check_heap();
}

/* ---------------------------------------------------------- use after free */

TEST(a_use_after_free_write_is_reported_when_it_leaves_the_quarantine)
{
	setup(MEM_SIZE);
	int *p = (int *)alloc(24, 8);
	dealloc(p, 24, 8);
	p[1] = 7;
	check_heap(); /* not seen before the eviction */
	EXPECT_REPORT(msg("debug_alloc: use-after-free write to a 24-byte "
			  "block\n  %p, byte 4: 0x07, not 0x6b" SITES,
			  (void *)p),
		      debug_flush(&heap));
}

TEST(a_use_after_free_write_is_reported_when_64_frees_evict_it)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	dealloc(p, 24, 8);
	p[23] = 0;
	for (int i = 0; i < DBG_QUARANTINE - 1; i++)
		dealloc(alloc(40, 8), 40, 8);
	uint8_t *q = alloc(40, 8);
	EXPECT_REPORT(msg("debug_alloc: use-after-free write to a 24-byte "
			  "block\n  %p, byte 23: 0x00, not 0x6b" SITES,
			  (void *)p),
		      debug_dealloc(&heap, q, lay(40, 8), FREE_SITE));
}

TEST(the_use_after_free_report_gives_the_first_byte_changed)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(300, 64);
	dealloc(p, 300, 64);
	p[299] = 0xff;
	p[130] = 0x6a;
	EXPECT_REPORT(msg("debug_alloc: use-after-free write to a 300-byte "
			  "block\n  %p, byte 130: 0x6a, not 0x6b" SITES,
			  (void *)p),
		      debug_flush(&heap));
}

/* The kernel's reports name functions (ksyms); the hook is site_name. */
static const char *fake_ksyms(uintptr_t at, char *buf, size_t size)
{
	snprintf(buf, size, "%s+%#lx", at == ALLOC_SITE ? "make_it" : "drop_it",
		 (unsigned long)(at & 0xff));
	return buf;
}

TEST(a_report_names_the_sites_with_site_name)
{
	setup(MEM_SIZE);
	heap.site_name = fake_ksyms;
	uint8_t *p = alloc(24, 8);
	dealloc(p, 24, 8);
	p[0] = 1;
	EXPECT_PANIC(", byte 0: 0x01, not 0x6b\n  allocated by make_it+0x2c\n"
		     "  freed by drop_it+0x40",
		     debug_flush(&heap));
}

/* The kernel's test runner goes on after a report: the heap must still
 * be whole.  The block whose free was cut short stays live. */
TEST(a_report_during_a_free_leaves_the_heap_consistent)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	dealloc(p, 24, 8);
	p[0] = 1;
	for (int i = 0; i < DBG_QUARANTINE - 1; i++)
		dealloc(alloc(40, 8), 40, 8);
	uint8_t *q = alloc(40, 8);
	EXPECT_PANIC("use-after-free write",
		     debug_dealloc(&heap, q, lay(40, 8), FREE_SITE));
	check_heap();
	CHECK_EQ(state_of(p), SHADOW_NONE);
	CHECK_EQ(state_of(q), SHADOW_LIVE);
	CHECK_EQ(heap.q_count, DBG_QUARANTINE - 1);
	dealloc(q, 40, 8); /* the free can be made again */
	debug_flush(&heap);
	check_heap();
}

/* A pointer read from a freed block is the poison pointer, which is no
 * canonical address; the kernel's #GP hook, finding it in a register,
 * reports where it was followed (not which block: it cannot know). */
TEST(a_pointer_read_after_free_is_the_poison_pointer)
{
	setup(MEM_SIZE);
	uintptr_t *p = (uintptr_t *)alloc(sizeof *p, _Alignof(uintptr_t));
	*p = (uintptr_t)p;
	dealloc(p, sizeof *p, _Alignof(uintptr_t));
	CHECK_EQ(*p, DBG_POISON_POINTER);
	CHECK(*p >> 47 != 0 && *p >> 47 != 0x1ffff); /* not canonical */
}

TEST(a_followed_poisoned_pointer_is_reported_with_register_and_site)
{
	setup(MEM_SIZE);
	heap.site_name = fake_ksyms;
	EXPECT_REPORT("debug_alloc: use-after-free read: a pointer read from "
		      "freed memory\n"
		      "  (rbx = 0x6b6b6b6b6b6b6b6b, the free poison) was "
		      "dereferenced\n"
		      "  at drop_it+0x40",
		      debug_poisoned_pointer(&heap, "rbx", FREE_SITE));
	CHECK_EQ(heap.reports, 1);
	check_heap(); /* the report changed nothing */
}

/* ------------------------------------------------------------- bad frees */

TEST(double_free_is_reported_with_both_sites)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	dealloc(p, 24, 8);
	EXPECT_REPORT(msg("debug_alloc: double free of a 24-byte block\n"
			  "  %p" SITES,
			  (void *)p),
		      debug_dealloc(&heap, p, lay(24, 8), 0x401c00));
	/* whatever layout the second free gives */
	EXPECT_PANIC("debug_alloc: double free of a 24-byte block\n",
		     debug_dealloc(&heap, p, lay(8, 1), 0x401c00));
	check_heap(); /* the report changed nothing */
	CHECK_EQ(state_of(p), SHADOW_QUARANTINED);
	CHECK_EQ(heap.q_count, 1);
}

static const char *invalid(const void *p)
{
	return msg("debug_alloc: invalid free of %p\n"
		   "  (no block from kmalloc starts there)",
		   (void *)p);
}

TEST(a_free_once_the_quarantine_let_go_is_an_invalid_free)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	dealloc(p, 24, 8);
	debug_flush(&heap);
	EXPECT_REPORT(invalid(p), dealloc(p, 24, 8));
}

TEST(invalid_free_of_a_pointer_never_allocated)
{
	setup(MEM_SIZE);
	uint8_t *first = heap_mem + DBG_FRONT; /* where a block would go */
	EXPECT_REPORT(invalid(first), dealloc(first, 24, 8));
	alloc(24, 8);
	uint8_t *far = heap_mem + (64u << 10) + DBG_FRONT; /* never used */
	EXPECT_REPORT(invalid(far), dealloc(far, 24, 8));
	check_heap();
	CHECK_EQ(heap.live, 1);
}

TEST(invalid_free_of_a_pointer_inside_a_block)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(64, 8);
	static const int offs[] = {1, 8, 16, 32, 48, 63, 64, -16, -32};
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		uint8_t *in = p + offs[i];
		EXPECT_REPORT(invalid(in), dealloc(in, 16, 8));
	}
	check_heap();
	CHECK_EQ(state_of(p), SHADOW_LIVE);
	dealloc(p, 64, 8); /* untouched: the right free still works */
}

static int not_from_the_heap[6];

TEST(invalid_free_of_a_pointer_outside_the_shadow_range)
{
	setup(MEM_SIZE);
	uintptr_t end = (uintptr_t)heap_mem + MEM_SIZE;
	/* heap_mem and heap_mem + 16 would have their header below the
	 * range; end + 32 would have it on the first granule past it */
	void *outside[] = {
		not_from_the_heap,
		NULL,
		heap_mem,
		heap_mem + 16,
		(void *)(end + DBG_FRONT),
		(void *)(end + 4096),
		(void *)((uintptr_t)heap_mem - 4096),
	};
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
		EXPECT_REPORT(invalid(outside[i]),
			      dealloc(outside[i], sizeof not_from_the_heap, 4));
	check_heap();
}

TEST(free_with_the_wrong_size_is_reported)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	EXPECT_REPORT(msg("debug_alloc: free with the wrong layout of a "
			  "24-byte block\n  %p, align 8, freed as 32/8\n"
			  "  allocated by 0x401a2c",
			  (void *)p),
		      dealloc(p, 32, 8));
	EXPECT_PANIC(", align 8, freed as 23/8\n", dealloc(p, 23, 8));
	EXPECT_PANIC(", align 8, freed as 0/8\n", dealloc(p, 0, 8));
	check_heap(); /* the report changed nothing */
	CHECK_EQ(state_of(p), SHADOW_LIVE);
	dealloc(p, 24, 8);
}

TEST(free_with_the_wrong_alignment_is_reported)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	EXPECT_REPORT(msg("debug_alloc: free with the wrong layout of a "
			  "24-byte block\n  %p, align 8, freed as 24/16\n"
			  "  allocated by 0x401a2c",
			  (void *)p),
		      dealloc(p, 24, 16));
	EXPECT_PANIC(", align 8, freed as 24/4\n", dealloc(p, 24, 4));
	check_heap();
	dealloc(p, 24, 8);
}

/* A garbage size (an uninitialized variable) is reported whole. */
TEST(free_with_a_huge_wrong_layout_is_reported_whole)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 4096);
	EXPECT_REPORT(msg("debug_alloc: free with the wrong layout of a "
			  "24-byte block\n  %p, align 4096, freed as "
			  "18446744073709551615/9223372036854775808\n"
			  "  allocated by 0x401a2c",
			  (void *)p),
		      dealloc(p, SIZE_MAX, (size_t)1 << 63));
}

/* -------------------------------------------------------------- redzones */

TEST(one_byte_past_the_end_is_reported_on_free)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	p[24] = 0;
	EXPECT_REPORT(msg("debug_alloc: write past the end of a 24-byte "
			  "block\n  %p, byte 24: 0x00, not 0xfc\n"
			  "  allocated by 0x401a2c",
			  (void *)p),
		      dealloc(p, 24, 8));
	CHECK_EQ(state_of(p), SHADOW_LIVE); /* reported before any change */
	CHECK_EQ(heap.live, 1);
}

/* A write to the last byte of the back redzone (at `last`, so the inner
 * block is front + last + 1 bytes) is reported. */
static void write_at_the_redzone_end(size_t size, size_t align, size_t last)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(size, align);
	CHECK_EQ(inner.last_layout.size, front(align) + last + 1);
	p[last] = 0x5a;
	EXPECT_PANIC(
		msg("block\n  %p, byte %zu: 0x5a, not 0xfc\n", (void *)p, last),
		dealloc(p, size, align));
}

/* The whole back redzone is watched, up to the inner block's end. */
TEST(the_last_byte_of_the_back_redzone_is_watched)
{
	write_at_the_redzone_end(24, 8, 47);
	write_at_the_redzone_end(0, 1, 15);
	write_at_the_redzone_end(100, 256, 127);
	write_at_the_redzone_end(17, 16, 47);
}

TEST(the_overflow_report_gives_the_first_byte_changed)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	p[40] = 1;
	p[30] = 2;
	EXPECT_PANIC(", byte 30: 0x02, not 0xfc\n", dealloc(p, 24, 8));
}

TEST(one_byte_before_the_start_is_reported_on_free)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	p[-1] = 0;
	EXPECT_REPORT(msg("debug_alloc: write before the start of a 24-byte "
			  "block\n  %p, byte -1: 0x00, not 0xfc\n"
			  "  allocated by 0x401a2c",
			  (void *)p),
		      dealloc(p, 24, 8));
	p[-8] = 0x12;
	EXPECT_PANIC(", byte -8: 0x12, not 0xfc\n", dealloc(p, 24, 8));
	CHECK_EQ(state_of(p), SHADOW_LIVE);
}

/* ----------------------------------------------------------------- leaks */

struct seen {
	const void *ptr[8];
	size_t size[8];
	uintptr_t site[8];
	size_t count;
};

static void collect(void *ctx, const void *ptr, size_t size, uintptr_t site)
{
	struct seen *s = ctx;
	if (s->count < 8) {
		s->ptr[s->count] = ptr;
		s->size[s->count] = size;
		s->site[s->count] = site;
	}
	s->count++;
}

TEST(the_leak_walk_lists_exactly_the_live_blocks)
{
	setup(MEM_SIZE);
	struct seen s = {0};
	CHECK_EQ(debug_each_live(&heap, collect, &s), 0);
	void *a = debug_alloc(&heap, lay(40, 8), 0xa0);
	void *b = debug_alloc(&heap, lay(24, 8), 0xb0);
	void *c = debug_alloc(&heap, lay(100, 64), 0xc0);
	void *d = debug_alloc(&heap, lay(0, 1), 0xd0);
	dealloc(b, 24, 8); /* quarantined: not a leak */
	CHECK_EQ(debug_each_live(&heap, collect, &s), 3);
	CHECK_EQ(s.count, 3);
	const void *ptr[] = {a, c, d}; /* in address order */
	size_t size[] = {40, 100, 0};
	uintptr_t site[] = {0xa0, 0xc0, 0xd0};
	for (int i = 0; i < 3; i++) {
		CHECK(s.ptr[i] == ptr[i]);
		CHECK_EQ(s.size[i], size[i]);
		CHECK_EQ(s.site[i], site[i]);
	}
	CHECK_EQ(debug_each_live(&heap, NULL, NULL), 3); /* just count */
	dealloc(a, 40, 8);
	dealloc(c, 100, 64);
	dealloc(d, 0, 1);
	CHECK_EQ(debug_each_live(&heap, collect, &(struct seen){0}), 0);
}

/* ----------------------------------------------------------- debug_check */

static void expect_broken(const char *want)
{
	const char *what = NULL;
	CHECK_MSG(!debug_check(&heap, &what), "not detected: %s", want);
	CHECK_STR_EQ(what, want);
}

TEST(debug_check_finds_an_overwritten_front_canary)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	uint8_t *q = alloc(40, 8);
	dealloc(q, 40, 8);
	p[-3] = 0;
	expect_broken("a block's front redzone is overwritten");
	p[-3] = DBG_CANARY;
	check_heap();
	q[-8] = 0; /* on a quarantined block too */
	expect_broken("a block's front redzone is overwritten");
	q[-8] = DBG_CANARY;
	check_heap();
}

TEST(debug_check_finds_a_shadow_byte_with_no_block)
{
	setup(MEM_SIZE);
	uint8_t *p = alloc(24, 8);
	dealloc(p, 24, 8);
	debug_flush(&heap); /* gone, but its header bytes are still there */
	uint8_t *stale = shadow_at((uintptr_t)p - DBG_FRONT);
	*stale = SHADOW_QUARANTINED;
	expect_broken("a freed block is marked but not quarantined");
	*stale = SHADOW_LIVE;
	expect_broken("the counts do not match the shadow map");
	*stale = SHADOW_NONE;
	check_heap();
	uint8_t *stray = shadow_at((uintptr_t)heap_mem + (64u << 10));
	*stray = SHADOW_LIVE; /* zeroes there, not a header */
	expect_broken("a block's front redzone is overwritten");
	*stray = SHADOW_NONE;
	check_heap();
}

TEST(debug_check_finds_counts_that_do_not_match)
{
	setup(MEM_SIZE);
	alloc(24, 8);
	uint8_t *q = alloc(40, 8);
	dealloc(q, 40, 8);
	heap.live++;
	expect_broken("the counts do not match the shadow map");
	heap.live--;
	heap.live_bytes--;
	expect_broken("the counts do not match the shadow map");
	heap.live_bytes++;
	heap.q_count--; /* q falls out of the ring */
	expect_broken("a freed block is marked but not quarantined");
	heap.q_count++;
	*shadow_at((uintptr_t)q - DBG_FRONT) = SHADOW_NONE; /* q in the ring */
	expect_broken("the counts do not match the shadow map");
	*shadow_at((uintptr_t)q - DBG_FRONT) = SHADOW_QUARANTINED;
	check_heap();
}

/* -------------------------------------------------------------- property */

#define SLOTS 128
#define OPS 300000
#define MAX_SIZE 2048

struct slot {
	uint8_t *p; /* NULL: free */
	size_t size, align;
	const uint8_t *pattern; /* what it holds */
};

static uint8_t patterns[2 * MAX_SIZE];
static uint8_t fresh[MAX_SIZE];

/* A new block in s: aligned, fresh, then filled with a pattern.  When
 * there is no room even so, the quarantine has been flushed. */
static bool random_alloc(struct slot *s, uint64_t r)
{
	s->size = (r >> 8) % (MAX_SIZE + 1);
	s->align = (size_t)1 << ((r >> 24) % 9);
	s->pattern = patterns + (r >> 32) % MAX_SIZE;
	bool held = heap.q_count > 0;
	s->p = debug_alloc(&heap, lay(s->size, s->align), (uintptr_t)s);
	if (s->p == NULL) {
		CHECK_EQ(heap.q_count, 0);
		return false;
	}
	CHECK((uintptr_t)s->p % s->align == 0);
	CHECK(memcmp(s->p, fresh, s->size) == 0);
	memcpy(s->p, s->pattern, s->size);
	return held && heap.q_count == 0; /* rescued by a flush */
}

static void random_free(struct slot *s)
{
	CHECK_MSG(memcmp(s->p, s->pattern, s->size) == 0,
		  "a %zu-byte block changed", s->size);
	debug_dealloc(&heap, s->p, lay(s->size, s->align), FREE_SITE);
	s->p = NULL;
}

static void check_all(const struct slot *slots)
{
	check_heap();
	freelist_assert(&inner.fl);
	size_t live = 0, bytes = 0;
	for (int i = 0; i < SLOTS; i++) {
		live += slots[i].p != NULL;
		bytes += slots[i].p != NULL ? slots[i].size : 0;
	}
	CHECK_EQ(heap.live, live);
	CHECK_EQ(heap.live_bytes, bytes);
}

TEST(random_correct_use_never_reports_and_leaves_the_heap_below_empty)
{
	setup(100u << 10); /* tight: some allocations need the flush */
	static struct slot slots[SLOTS];
	memset(slots, 0, sizeof slots);
	uint64_t rng = 0x8badf00d;
	for (size_t i = 0; i < sizeof patterns; i++)
		patterns[i] = (uint8_t)harness_rand(&rng);
	memset(fresh, DBG_FRESH, sizeof fresh);
	size_t failed = 0, rescued = 0;
	for (long op = 0; op < OPS; op++) {
		uint64_t r = harness_rand(&rng);
		struct slot *s = &slots[r % SLOTS];
		if (s->p != NULL)
			random_free(s);
		else if (random_alloc(s, r))
			rescued++;
		else
			failed += s->p == NULL;
		if (op % 1000 == 0)
			check_all(slots);
		if (op % 100000 == 0)
			debug_flush(&heap);
	}
	CHECK_MSG(rescued > 0 && failed > 0, "rescued %zu, failed %zu", rescued,
		  failed);
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].p != NULL)
			random_free(&slots[i]);
	debug_flush(&heap);
	check_all(slots);
	CHECK_EQ(debug_each_live(&heap, NULL, NULL), 0);
	for (size_t g = 0; g < sizeof shadow; g++)
		CHECK_EQ(shadow[g], SHADOW_NONE);
	check_inner_empty();
}
