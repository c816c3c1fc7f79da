// sources: common/frame.c common/multiboot2.c
/*
 * test_frame.c - the physical frame allocator, on synthetic memory maps.
 *
 * The central check, drain_and_verify(), hands out every frame of an
 * allocator and compares the result with a brute-force model computed
 * from the raw (unsorted, unaligned, overlapping) input ranges: a frame is
 * expected iff it is not frame 0, lies entirely inside one usable input
 * range, and overlaps no reserved input range.
 */
#include "harness.h"

#include <stdlib.h>

#include "frame.h"
#include "mb2_builder.h"

#define K(x) ((uint64_t)(x)*FRAME_SIZE)

struct raw_range {
	uint64_t start, end;
};

/* The inputs, kept raw for the model. */
struct raw_map {
	struct raw_range usable[128];
	size_t n_usable;
	struct raw_range reserved[64];
	size_t n_reserved;
};

static void raw_usable(struct raw_map *m, struct frame_allocator *fa,
		       uint64_t start, uint64_t end)
{
	m->usable[m->n_usable++] = (struct raw_range){start, end};
	CHECK(frame_allocator_add_usable(fa, start, end));
	frame_allocator_check(fa);
}

static void raw_reserve(struct raw_map *m, struct frame_allocator *fa,
			uint64_t start, uint64_t end)
{
	m->reserved[m->n_reserved++] = (struct raw_range){start, end};
	CHECK(frame_allocator_reserve(fa, start, end));
	frame_allocator_check(fa);
}

/* The model: may frame f be handed out? */
static bool model_allows(const struct raw_map *m, uint64_t f)
{
	if (f == 0)
		return false;
	bool inside = false;
	for (size_t i = 0; i < m->n_usable; i++)
		if (m->usable[i].start <= f &&
		    f + FRAME_SIZE - 1 <= m->usable[i].end - 1 &&
		    m->usable[i].end > m->usable[i].start)
			inside = true;
	for (size_t i = 0; i < m->n_reserved; i++)
		if (m->reserved[i].start < m->reserved[i].end &&
		    f < m->reserved[i].end &&
		    m->reserved[i].start <= f + FRAME_SIZE - 1)
			return false;
	return inside;
}

/*
 * Hands out every frame of *fa (a copy, when the caller wants the original
 * intact) and checks them: strictly ascending (so unique), aligned, never 0,
 * allowed by the model, free_frames counting down by one each time, and
 * the count equal to free_frames beforehand.  If `m` is given and
 * `limit` > 0, also checks that every model-allowed frame below `limit`
 * was handed out.  Returns the number of frames.
 */
static uint64_t drain_and_verify(struct frame_allocator *fa,
				 const struct raw_map *m, uint64_t limit)
{
	uint64_t expected = frame_allocator_free_frames(fa);
	uint64_t count = 0, prev = 0, frame = 0;
	uint64_t scan = 0; /* every allowed frame below scan was seen */

	while (frame_alloc(fa, &frame)) {
		frame_allocator_check(fa);
		CHECK_MSG(frame % FRAME_SIZE == 0, "frame 0x%llx unaligned",
			  (unsigned long long)frame);
		CHECK(frame != 0);
		CHECK_MSG(count == 0 || frame > prev,
			  "frame 0x%llx after 0x%llx",
			  (unsigned long long)frame, (unsigned long long)prev);
		if (m != NULL) {
			CHECK_MSG(model_allows(m, frame),
				  "frame 0x%llx not allowed",
				  (unsigned long long)frame);
			for (; limit > 0 && scan < frame && scan < limit;
			     scan += FRAME_SIZE)
				CHECK_MSG(!model_allows(m, scan),
					  "frame 0x%llx skipped",
					  (unsigned long long)scan);
			scan = frame + FRAME_SIZE;
		}
		prev = frame;
		count++;
		CHECK_EQ(frame_allocator_free_frames(fa), expected - count);
		CHECK(count <= expected);
	}
	if (m != NULL)
		for (; limit > 0 && scan < limit; scan += FRAME_SIZE)
			CHECK_MSG(!model_allows(m, scan),
				  "frame 0x%llx skipped",
				  (unsigned long long)scan);
	CHECK_EQ(count, expected);
	CHECK_EQ(frame_allocator_free_frames(fa), 0);
	/* Exhausted stays exhausted, and *frame is left alone. */
	uint64_t sentinel = 0x5a5a;
	CHECK(!frame_alloc(fa, &sentinel));
	CHECK(!frame_alloc(fa, &sentinel));
	CHECK_EQ(sentinel, 0x5a5a);
	frame_allocator_check(fa);
	return count;
}

/* Drains *fa and checks the exact list of frames. */
static void expect_frames(struct frame_allocator *fa, const uint64_t *want,
			  size_t n)
{
	uint64_t f;
	CHECK_EQ(frame_allocator_free_frames(fa), n);
	for (size_t i = 0; i < n; i++) {
		CHECK_MSG(frame_alloc(fa, &f), "frame %zu missing", i);
		CHECK_EQ(f, want[i]);
		frame_allocator_check(fa);
	}
	CHECK(!frame_alloc(fa, &f));
}

/* ---------------------------------------------------------- basic cases */

TEST(empty_allocator_has_no_frames)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	frame_allocator_check(&fa);
	CHECK_EQ(frame_allocator_free_frames(&fa), 0);
	CHECK_EQ(frame_allocator_usable_bytes(&fa), 0);
	uint64_t f = 77;
	CHECK(!frame_alloc(&fa, &f));
	CHECK_EQ(f, 77);
	frame_allocator_check(&fa);
}

TEST(single_aligned_range)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(1), K(5)));
	CHECK_EQ(frame_allocator_usable_bytes(&fa), K(4));
	static const uint64_t want[] = {K(1), K(2), K(3), K(4)};
	expect_frames(&fa, want, 4);
	/* Usable bytes count RAM, not what is left. */
	CHECK_EQ(frame_allocator_usable_bytes(&fa), K(4));
}

TEST(unaligned_starts_and_ends_round_inwards)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(1) + 1, K(6) - 1));
	CHECK_EQ(fa.n_usable, 1);
	CHECK_EQ(fa.usable[0].start, K(2));
	CHECK_EQ(fa.usable[0].end, K(5));
	static const uint64_t want[] = {K(2), K(3), K(4)};
	expect_frames(&fa, want, 3);
}

TEST(empty_and_inverted_ranges_are_ignored)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(5), K(5)));
	CHECK(frame_allocator_add_usable(&fa, K(6), K(5)));
	CHECK(frame_allocator_add_usable(&fa, K(1) + 1, K(2) - 1));
	CHECK(frame_allocator_add_usable(&fa, K(3) + 1, K(4) + 7));
	CHECK(frame_allocator_add_usable(&fa, 0, FRAME_SIZE)); /* frame 0 */
	CHECK(frame_allocator_add_usable(&fa, UINT64_MAX, UINT64_MAX));
	CHECK(frame_allocator_reserve(&fa, K(9), K(9)));
	CHECK(frame_allocator_reserve(&fa, K(9), 0));
	CHECK_EQ(fa.n_usable, 0);
	CHECK_EQ(fa.n_reserved, 0);
	frame_allocator_check(&fa);
	uint64_t f;
	CHECK(!frame_alloc(&fa, &f));
}

TEST(frame_zero_is_never_handed_out)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, 0, K(3)));
	CHECK_EQ(frame_allocator_usable_bytes(&fa), K(2));
	static const uint64_t want[] = {K(1), K(2)};
	expect_frames(&fa, want, 2);
}

TEST(overlapping_unsorted_ranges_merge)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(8), K(10)));
	CHECK(frame_allocator_add_usable(&fa, K(1), K(3)));
	CHECK_EQ(fa.n_usable, 2);
	CHECK(frame_allocator_add_usable(&fa, K(2), K(9)));
	CHECK_EQ(fa.n_usable, 1);
	/* Touching ranges merge too, from either side. */
	CHECK(frame_allocator_add_usable(&fa, K(10), K(11)));
	CHECK(frame_allocator_add_usable(&fa, K(20), K(21)));
	CHECK(frame_allocator_add_usable(&fa, K(12), K(13)));
	CHECK_EQ(fa.n_usable, 3);
	CHECK(frame_allocator_add_usable(&fa, K(11), K(12)));
	CHECK_EQ(fa.n_usable, 2);
	/* A range inside an existing one changes nothing. */
	CHECK(frame_allocator_add_usable(&fa, K(4), K(6)));
	CHECK_EQ(fa.n_usable, 2);
	frame_allocator_check(&fa);
	CHECK_EQ(fa.usable[0].start, K(1));
	CHECK_EQ(fa.usable[0].end, K(13));
	CHECK_EQ(fa.usable[1].start, K(20));
	CHECK_EQ(fa.usable[1].end, K(21));
	CHECK_EQ(frame_allocator_usable_bytes(&fa), K(13));
	CHECK_EQ(drain_and_verify(&fa, NULL, 0), 13);
}

TEST(unaligned_halves_do_not_make_a_frame)
{
	/* [1.5K-frame .. ) pieces are rounded one by one, before merging:
	 * only frames wholly inside one input range are used. */
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(1), K(2) + 0x800));
	CHECK(frame_allocator_add_usable(&fa, K(2) + 0x800, K(4)));
	static const uint64_t want[] = {K(1), K(3)};
	expect_frames(&fa, want, 2);
}

TEST(reserved_holes_are_skipped)
{
	struct raw_map m = {0};
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	raw_usable(&m, &fa, K(1), K(16));
	raw_reserve(&m, &fa, K(3), K(5));
	raw_reserve(&m, &fa, K(4) + 0x800, K(6) + 1); /* overlaps, unaligned */
	raw_reserve(&m, &fa, K(1), K(2));	      /* at the start */
	raw_reserve(&m, &fa, K(15), K(40));	      /* past the end */
	CHECK_EQ(fa.n_reserved, 3);
	/* Reserved memory is still RAM. */
	CHECK_EQ(frame_allocator_usable_bytes(&fa), K(15));
	static const uint64_t want[] = {K(2),  K(7),  K(8),  K(9), K(10),
					K(11), K(12), K(13), K(14)};
	struct frame_allocator copy = fa;
	expect_frames(&fa, want, 9);
	CHECK_EQ(drain_and_verify(&copy, &m, K(64)), 9);
}

TEST(reserved_before_usable_and_covering_all)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_reserve(&fa, 0, K(100)));
	CHECK(frame_allocator_add_usable(&fa, K(1), K(50)));
	CHECK(frame_allocator_add_usable(&fa, K(60), K(100)));
	CHECK_EQ(frame_allocator_free_frames(&fa), 0);
	uint64_t f;
	CHECK(!frame_alloc(&fa, &f));
	frame_allocator_check(&fa);
}

TEST(reserved_range_spanning_usable_ranges)
{
	struct raw_map m = {0};
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	raw_usable(&m, &fa, K(1), K(4));
	raw_usable(&m, &fa, K(6), K(9));
	raw_usable(&m, &fa, K(12), K(14));
	raw_reserve(&m, &fa, K(3), K(7));
	raw_reserve(&m, &fa, K(8), K(13));
	static const uint64_t want[] = {K(1), K(2), K(7), K(13)};
	struct frame_allocator copy = fa;
	expect_frames(&fa, want, 4);
	drain_and_verify(&copy, &m, K(32));
}

TEST(ranges_above_4gib)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	const uint64_t g4 = 0x100000000ull;
	CHECK(frame_allocator_add_usable(&fa, g4 + K(1), g4 + K(3)));
	CHECK(frame_allocator_add_usable(&fa, K(256), K(258)));
	CHECK(frame_allocator_add_usable(&fa, 0x7fff000000000ull,
					 0x7fff000002000ull));
	CHECK(frame_allocator_reserve(&fa, g4 + K(2), g4 + K(2) + 1));
	static const uint64_t want[] = {K(256), K(257), g4 + K(1),
					0x7fff000000000ull, 0x7fff000001000ull};
	expect_frames(&fa, want, 5);
}

TEST(range_ending_at_top_of_address_space)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	/* [2^64 - 64K, 2^64 - 1): the last frame cannot be described. */
	CHECK(frame_allocator_add_usable(&fa, 0xffffffffffff0000ull,
					 UINT64_MAX));
	CHECK_EQ(fa.usable[0].end, FRAME_ADDR_TOP);
	CHECK_EQ(frame_allocator_usable_bytes(&fa), K(15));
	/* Reserving up to the top does not wrap either. */
	struct frame_allocator r = fa;
	CHECK(frame_allocator_reserve(&r, 0xfffffffffffff800ull, UINT64_MAX));
	CHECK_EQ(r.n_reserved, 0); /* nothing below the top frame */
	CHECK(frame_allocator_reserve(&r, 0xffffffffffffe001ull, UINT64_MAX));
	CHECK_EQ(r.reserved[0].start, 0xffffffffffffe000ull);
	CHECK_EQ(r.reserved[0].end, FRAME_ADDR_TOP);
	frame_allocator_check(&r);
	CHECK_EQ(frame_allocator_free_frames(&r), 14);

	uint64_t f, last = 0, n = 0;
	while (frame_alloc(&fa, &f)) {
		CHECK(f >= 0xffffffffffff0000ull);
		CHECK(f > last);
		last = f;
		n++;
	}
	CHECK_EQ(n, 15);
	CHECK_EQ(last, 0xffffffffffffe000ull);
	CHECK(!frame_alloc(&fa, &f));
	frame_allocator_check(&fa);
	CHECK_EQ(drain_and_verify(&r, NULL, 0), 14);
}

TEST(usable_table_full)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	for (uint64_t i = 0; i < FRAME_MAX_USABLE; i++)
		CHECK(frame_allocator_add_usable(&fa, K(2 * i + 1),
						 K(2 * i + 2)));
	CHECK_EQ(fa.n_usable, FRAME_MAX_USABLE);
	struct frame_allocator before = fa;
	CHECK(!frame_allocator_add_usable(&fa, K(1000), K(1001)));
	CHECK(memcmp(&fa, &before, sizeof fa) == 0);
	/* Ranges that merge need no slot, and free slots. */
	CHECK(frame_allocator_add_usable(&fa, K(3), K(4))); /* touches */
	CHECK(frame_allocator_add_usable(&fa, K(1), K(9))); /* absorbs */
	CHECK_EQ(fa.n_usable, FRAME_MAX_USABLE - 4);
	frame_allocator_check(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(1000), K(1001)));
	CHECK_EQ(drain_and_verify(&fa, NULL, 0), FRAME_MAX_USABLE + 4 + 1);
}

TEST(reserved_table_full)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(1), K(100)));
	for (uint64_t i = 0; i < FRAME_MAX_RESERVED; i++)
		CHECK(frame_allocator_reserve(&fa, K(3 * i + 1), K(3 * i + 2)));
	struct frame_allocator before = fa;
	CHECK(!frame_allocator_reserve(&fa, K(90), K(91)));
	CHECK(memcmp(&fa, &before, sizeof fa) == 0);
	CHECK(frame_allocator_reserve(&fa, K(2), K(4)));
	CHECK_EQ(fa.n_reserved, FRAME_MAX_RESERVED - 1);
	CHECK_EQ(drain_and_verify(&fa, NULL, 0), 99 - FRAME_MAX_RESERVED - 2);
}

/* --------------------------------------------------------- struct copies */

TEST(copy_is_an_independent_allocator)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(1), K(40)));
	CHECK(frame_allocator_reserve(&fa, K(10), K(20)));
	uint64_t f, g;
	CHECK(frame_alloc(&fa, &f));
	CHECK_EQ(f, K(1));
	uint64_t free_before = frame_allocator_free_frames(&fa);

	/* Enumerating a copy leaves the original as it was. */
	struct frame_allocator copy = fa;
	CHECK_EQ(drain_and_verify(&copy, NULL, 0), free_before);
	CHECK_EQ(frame_allocator_free_frames(&fa), free_before);
	CHECK(frame_alloc(&fa, &f));
	CHECK_EQ(f, K(2));

	/* From the same state, both hand out the same sequence. */
	copy = fa;
	for (int i = 0; i < 10; i++) {
		CHECK(frame_alloc(&fa, &f));
		CHECK(frame_alloc(&copy, &g));
		CHECK_EQ(f, g);
	}
	CHECK_EQ(f, K(22)); /* 3..9, then 20..22 */
	frame_allocator_check(&fa);
	frame_allocator_check(&copy);
}

/* ------------------------------------------------------------ contracts */

TEST(setup_after_first_alloc_panics)
{
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	CHECK(frame_allocator_add_usable(&fa, K(1), K(4)));
	uint64_t f;
	CHECK(frame_alloc(&fa, &f));
	EXPECT_PANIC("frame_allocator_add_usable: called after frame_alloc",
		     frame_allocator_add_usable(&fa, K(8), K(9)));
	EXPECT_PANIC("frame_allocator_reserve: called after frame_alloc",
		     frame_allocator_reserve(&fa, K(2), K(3)));
	/* Even a failed frame_alloc ends the setup phase. */
	frame_allocator_init(&fa);
	CHECK(!frame_alloc(&fa, &f));
	EXPECT_PANIC("called after frame_alloc",
		     frame_allocator_add_usable(&fa, K(1), K(2)));
}

TEST(check_detects_broken_invariants)
{
	struct frame_allocator good;
	frame_allocator_init(&good);
	CHECK(frame_allocator_add_usable(&good, K(1), K(4)));
	CHECK(frame_allocator_add_usable(&good, K(8), K(12)));
	CHECK(frame_allocator_reserve(&good, K(2), K(3)));
	frame_allocator_check(&good);
	struct frame_allocator fa;

	fa = good;
	fa.usable[0].end += 1;
	EXPECT_PANIC("frame_allocator_check: usable range 0",
		     frame_allocator_check(&fa));
	EXPECT_PANIC("not frame-aligned", frame_allocator_check(&fa));
	fa = good;
	fa.usable[1].start = fa.usable[1].end;
	EXPECT_PANIC("is empty", frame_allocator_check(&fa));
	fa = good;
	fa.usable[0].start = 0;
	EXPECT_PANIC("includes frame 0", frame_allocator_check(&fa));
	fa = good;
	fa.usable[1].start = K(4); /* touches range 0 */
	EXPECT_PANIC("usable ranges 0 and 1 are not sorted",
		     frame_allocator_check(&fa));
	fa = good;
	fa.usable[0] = good.usable[1];
	fa.usable[1] = good.usable[0];
	EXPECT_PANIC("not sorted", frame_allocator_check(&fa));
	fa = good;
	fa.usable[1].end = 0;
	EXPECT_PANIC("is empty", frame_allocator_check(&fa));
	fa = good;
	fa.reserved[0].start = K(3);
	EXPECT_PANIC("reserved range 0", frame_allocator_check(&fa));
	fa = good;
	fa.n_usable = FRAME_MAX_USABLE + 1;
	EXPECT_PANIC("usable ranges, max", frame_allocator_check(&fa));
	fa = good;
	fa.n_reserved = FRAME_MAX_RESERVED + 1;
	EXPECT_PANIC("reserved ranges, max", frame_allocator_check(&fa));
	fa = good;
	fa.allocating = true;
	fa.next = K(2) + 8;
	EXPECT_PANIC("cursor", frame_allocator_check(&fa));
	fa = good;
	fa.next = K(2);
	EXPECT_PANIC("moved before the first frame_alloc",
		     frame_allocator_check(&fa));
}

/* ------------------------------------------------------ random maps */

TEST(random_small_maps_match_the_model)
{
	uint64_t seed = 0xf4a3e5eed;
	for (int iter = 0; iter < 3000; iter++) {
		struct raw_map m = {0};
		struct frame_allocator fa;
		frame_allocator_init(&fa);
		/* A 256 KiB address space, so the model can scan it. */
		const uint64_t space = K(64);
		int nu = (int)(harness_rand(&seed) % 12);
		int nr = (int)(harness_rand(&seed) % 6);
		for (int i = 0; i < nu + nr; i++) {
			uint64_t a = harness_rand(&seed) % space;
			uint64_t len = harness_rand(&seed) % K(12);
			if (harness_rand(&seed) % 3 == 0)
				a &= ~(uint64_t)(FRAME_SIZE - 1);
			if (harness_rand(&seed) % 3 == 0)
				len &= ~(uint64_t)(FRAME_SIZE - 1);
			if (harness_rand(&seed) % 8 == 0)
				len = 0;
			/* Interleave usable and reserved additions. */
			if (i % 2 == 0 ? i / 2 < nu : i / 2 >= nr)
				raw_usable(&m, &fa, a, a + len);
			else
				raw_reserve(&m, &fa, a, a + len);
		}
		struct frame_allocator copy = fa;
		uint64_t n = drain_and_verify(&copy, &m, space + K(16));
		CHECK_EQ(frame_allocator_free_frames(&fa), n);
		/* A second copy agrees, and the original still works. */
		uint64_t f;
		copy = fa;
		CHECK_EQ(drain_and_verify(&copy, &m, space + K(16)), n);
		CHECK_EQ(frame_alloc(&fa, &f), n > 0);
	}
}

TEST(large_map_enumerates)
{
	/* A 128 MiB machine, kernel at 1 MiB: every frame once. */
	struct raw_map m = {0};
	struct frame_allocator fa;
	frame_allocator_init(&fa);
	raw_usable(&m, &fa, 0, 0x9fc00);
	raw_usable(&m, &fa, 0x100000, 0x7fe0000);
	raw_reserve(&m, &fa, 0x100000, 0x234567);
	CHECK_EQ(drain_and_verify(&fa, &m, 0x8000000),
		 (0x9f000 - 0x1000) / 4096 + (0x7fe0000 - 0x235000) / 4096);
}

/* ----------------------------------------------- from a multiboot2 map */

/* Builds boot information holding one memory map tag (24-byte entries)
 * into words; returns its length. */
static size_t build_mb2(uint64_t *words, const struct mb_entry *e, size_t n)
{
	static struct mb_builder b;
	mb_begin(&b);
	mb_mmap(&b, 24, e, n);
	mb_end(&b);
	memcpy(words, b.words, b.len);
	return b.len;
}

/* What the kernel does at boot: parse, then fill the allocator.  The
 * buffer is an exact heap copy, so ASan checks both steps. */
static enum mb2_error boot(const uint64_t *words, size_t len,
			   struct frame_allocator *fa)
{
	uint8_t *p = malloc(len);
	CHECK(p != NULL);
	memcpy(p, words, len);
	struct mb2_info info;
	enum mb2_error err = mb2_parse(p, len, &info);
	if (err == MB2_OK)
		err = frame_allocator_init_from_mb2(fa, &info);
	free(p); /* the allocator keeps no pointer into the map */
	return err;
}

static void raw_from_entries(struct raw_map *m, const struct mb_entry *e,
			     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t end = e[i].base + e[i].length;
		if (end < e[i].base)
			end = UINT64_MAX;
		struct raw_range r = {e[i].base, end};
		if (e[i].type == MB2_MEM_AVAILABLE)
			m->usable[m->n_usable++] = r;
		else
			m->reserved[m->n_reserved++] = r;
	}
}

TEST(mb2_qemu_like_map)
{
	static const struct mb_entry e[] = {
		{0x0, 0x9fc00, MB2_MEM_AVAILABLE},
		{0x9fc00, 0x400, MB2_MEM_RESERVED},
		{0xf0000, 0x10000, MB2_MEM_RESERVED},
		{0x100000, 0x7ee0000, MB2_MEM_AVAILABLE},
		{0x7fe0000, 0x20000, MB2_MEM_ACPI_RECLAIMABLE},
		{0xfffc0000, 0x40000, MB2_MEM_RESERVED},
		{0x100000000ull, 0x80000000ull, MB2_MEM_AVAILABLE},
	};
	static uint64_t words[512];
	size_t len = build_mb2(words, e, 7);
	struct frame_allocator fa;
	CHECK_EQ(boot(words, len, &fa), MB2_OK);
	frame_allocator_check(&fa);
	CHECK_EQ(fa.n_usable, 3);
	/* None of the reserved regions touches usable frames. */
	CHECK_EQ(fa.n_reserved, 0);
	uint64_t bytes =
		(0x9f000 - 0x1000) + (0x7fe0000 - 0x100000) + 0x80000000ull;
	CHECK_EQ(frame_allocator_usable_bytes(&fa), bytes);
	CHECK_EQ(frame_allocator_free_frames(&fa), bytes / FRAME_SIZE);
	/* The kernel then reserves its image before allocating. */
	CHECK(frame_allocator_reserve(&fa, 0x100000, 0x180000));
	uint64_t f;
	CHECK(frame_alloc(&fa, &f));
	CHECK_EQ(f, 0x1000);
	struct frame_allocator copy = fa;
	CHECK_EQ(drain_and_verify(&copy, NULL, 0),
		 bytes / FRAME_SIZE - 0x80 - 1);
}

TEST(mb2_non_available_wins_over_available)
{
	/* Unsorted, overlapping, reserved listed before and after. */
	static const struct mb_entry e[] = {
		{0x5000, 0x2000, MB2_MEM_RESERVED},
		{0x0, 0x20000, MB2_MEM_AVAILABLE},
		{0x10800, 0x100, MB2_MEM_BADRAM},
		{0x1f000, 0x11000, MB2_MEM_ACPI_RECLAIMABLE},
		{0x18000, 0x10000, MB2_MEM_AVAILABLE},
		{0x24000, 0x0, MB2_MEM_RESERVED}, /* zero length */
		{0x26000, 0x1000, 9},		  /* unknown type */
		{0x40000, 0x1000, MB2_MEM_NVS},	  /* over nothing */
	};
	static uint64_t words[512];
	size_t len = build_mb2(words, e, 8);
	struct frame_allocator fa;
	CHECK_EQ(boot(words, len, &fa), MB2_OK);
	CHECK_EQ(fa.n_usable, 1);
	/* bad RAM, ACPI (absorbing type 9), the first reserved; not NVS. */
	CHECK_EQ(fa.n_reserved, 3);
	struct raw_map m = {0};
	raw_from_entries(&m, e, 8);
	uint64_t n = drain_and_verify(&fa, &m, K(80));
	/* 0x1000..0x27000 = 39 frames, minus 0x5000 and 0x6000, 0x10000
	 * (bad RAM rounded out), and 0x1f000..0x27000 (ACPI: 9 frames). */
	CHECK_EQ(n, 39 - 2 - 1 - 9);
}

TEST(mb2_without_usable_memory)
{
	static const struct mb_entry e[] = {
		{0x0, 0x100000, MB2_MEM_RESERVED},
		{0x100000, 0x1000000, MB2_MEM_ACPI_RECLAIMABLE},
		{0x2000000, 0x800, MB2_MEM_AVAILABLE}, /* less than a frame */
	};
	static uint64_t words[512];
	size_t len = build_mb2(words, e, 3);
	struct frame_allocator fa;
	CHECK_EQ(boot(words, len, &fa), MB2_OK);
	CHECK_EQ(frame_allocator_free_frames(&fa), 0);
	uint64_t f = 1;
	CHECK(!frame_alloc(&fa, &f));
	CHECK_EQ(f, 1);

	/* An empty map is no usable memory either. */
	len = build_mb2(words, NULL, 0);
	CHECK_EQ(boot(words, len, &fa), MB2_OK);
	CHECK(!frame_alloc(&fa, &f));
}

TEST(mb2_region_wrapping_past_2_64_is_clamped)
{
	static const struct mb_entry e[] = {
		/* base + length == 2^64 exactly: wraps to 0. */
		{0xffffffffffff0000ull, 0x10000, MB2_MEM_AVAILABLE},
		/* base + length wraps far past 2^64. */
		{0xfffffffffff00000ull, UINT64_MAX, MB2_MEM_AVAILABLE},
		/* a reserved region wrapping too */
		{0xfffffffffff40000ull, 0xffffffff00000000ull,
		 MB2_MEM_RESERVED},
		{0x1000, 0x1000, MB2_MEM_AVAILABLE},
	};
	static uint64_t words[512];
	size_t len = build_mb2(words, e, 4);
	struct frame_allocator fa;
	CHECK_EQ(boot(words, len, &fa), MB2_OK);
	frame_allocator_check(&fa);
	CHECK_EQ(fa.n_usable, 2);
	CHECK_EQ(fa.usable[1].start, 0xfffffffffff00000ull);
	CHECK_EQ(fa.usable[1].end, FRAME_ADDR_TOP);
	/* 1 low frame + 0x40 frames below the reserved region. */
	struct raw_map m = {0};
	raw_from_entries(&m, e, 4);
	uint64_t f, last = 0, n = 0;
	while (frame_alloc(&fa, &f)) {
		CHECK(model_allows(&m, f));
		CHECK(f > last || n == 0);
		last = f;
		n++;
	}
	CHECK_EQ(n, 1 + 0x40);
	CHECK_EQ(last, 0xfffffffffff3f000ull);
}

TEST(mb2_truncated_mmap_tag_is_refused)
{
	static const struct mb_entry e[] = {
		{0x0, 0x9fc00, MB2_MEM_AVAILABLE},
		{0x100000, 0x7ee0000, MB2_MEM_AVAILABLE},
	};
	static uint64_t words[512];
	struct frame_allocator fa;
	uint8_t *p = (uint8_t *)words;
	uint32_t v;

	/* The tag claims 8 bytes less than its two entries. */
	size_t len = build_mb2(words, e, 2);
	v = 16 + 2 * 24 - 8;
	memcpy(p + 12, &v, 4);
	CHECK_EQ(boot(words, len, &fa), MB2_ERR_MMAP_SIZE_MISMATCH);
	/* The tag claims more than the structure holds. */
	len = build_mb2(words, e, 2);
	v = 16 + 3 * 24;
	memcpy(p + 12, &v, 4);
	CHECK_EQ(boot(words, len, &fa), MB2_ERR_TAG_OVERRUNS);
	/* The structure is cut inside the map. */
	len = build_mb2(words, e, 2);
	v = 8 + 16 + 24;
	memcpy(p, &v, 4);
	CHECK_EQ(boot(words, 8 + 16 + 24, &fa), MB2_ERR_TAG_OVERRUNS);
}

TEST(mb2_info_without_mmap)
{
	struct mb2_info info = {0};
	struct frame_allocator fa;
	CHECK_EQ(frame_allocator_init_from_mb2(&fa, &info), MB2_ERR_NO_MMAP);
	frame_allocator_check(&fa);
	CHECK_EQ(frame_allocator_free_frames(&fa), 0);
}

TEST(mb2_too_many_regions)
{
	static struct mb_entry e[FRAME_MAX_USABLE + 1];
	static uint64_t words[2048];
	struct frame_allocator fa;

	for (size_t i = 0; i < FRAME_MAX_USABLE + 1; i++)
		e[i] = (struct mb_entry){K(2 * i + 1), FRAME_SIZE,
					 MB2_MEM_AVAILABLE};
	size_t len = build_mb2(words, e, FRAME_MAX_USABLE + 1);
	CHECK_EQ(boot(words, len, &fa), MB2_ERR_TOO_MANY_REGIONS);
	frame_allocator_check(&fa);
	/* Exactly as many fit. */
	len = build_mb2(words, e, FRAME_MAX_USABLE);
	CHECK_EQ(boot(words, len, &fa), MB2_OK);

	/* Too many reserved regions over usable memory. */
	e[0] = (struct mb_entry){K(1), K(100), MB2_MEM_AVAILABLE};
	for (size_t i = 1; i <= FRAME_MAX_RESERVED + 1; i++)
		e[i] = (struct mb_entry){K(3 * i), 0x10, MB2_MEM_RESERVED};
	len = build_mb2(words, e, FRAME_MAX_RESERVED + 2);
	CHECK_EQ(boot(words, len, &fa), MB2_ERR_TOO_MANY_REGIONS);
	len = build_mb2(words, e, FRAME_MAX_RESERVED + 1);
	CHECK_EQ(boot(words, len, &fa), MB2_OK);
	CHECK_EQ(drain_and_verify(&fa, NULL, 0), 100 - FRAME_MAX_RESERVED);
}
