// sources: stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 3
/*
 * test_layout.c - layouts, the default allocator operations, and the
 * kmalloc family (on the host allocator, with failure injection).
 */
#include "harness.h"

#include "alloc.h"
#include "host_alloc.h"

#define ALIGN_MAX ((size_t)1 << 63)

/*
 * A value the compiler cannot see through.  The allocation attributes in
 * alloc.h let GCC and clang reject constant invalid requests at compile
 * time (clang: kmalloc(8, 3) -Wnon-power-of-two-alignment; gcc:
 * kmalloc(SIZE_MAX, 2) -Walloc-size-larger-than, see tests/compile-fail).
 * These tests are about the run-time checks, so they hide the constants.
 */
static size_t rt(size_t x)
{
	__asm__("" : "+r"(x));
	return x;
}

static bool is_pow2(size_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* layout_new must refuse with `want` and leave *out untouched. */
static void check_refused(size_t size, size_t align, enum layout_error want)
{
	struct layout out = {12345, 678};
	enum layout_error err = layout_new(size, align, &out);
	CHECK_MSG(err == want, "layout_new(%zu, %zu) = %d (%s), want %d", size,
		  align, err, layout_error_str(err), want);
	CHECK_MSG(out.size == 12345 && out.align == 678,
		  "layout_new(%zu, %zu) wrote *out on refusal", size, align);
}

static void check_accepted(size_t size, size_t align)
{
	struct layout out = {0, 0};
	enum layout_error err = layout_new(size, align, &out);
	CHECK_MSG(err == LAYOUT_OK, "layout_new(%zu, %zu) refused: %s", size,
		  align, layout_error_str(err));
	CHECK_EQ(out.size, size);
	CHECK_EQ(out.align, align);
}

/* --------------------------------------------------------------- layout */

TEST(layout_refuses_alignment_zero_and_odd_values)
{
	size_t bad[] = {0,
			3,
			5,
			6,
			7,
			12,
			24,
			48,
			100,
			4095,
			4097,
			6144,
			SIZE_MAX,
			SIZE_MAX - 1,
			ALIGN_MAX + 1,
			ALIGN_MAX - 1,
			ALIGN_MAX | 1,
			(size_t)3 << 62};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		check_refused(0, bad[i], LAYOUT_ALIGN_NOT_POWER_OF_TWO);
		check_refused(1, bad[i], LAYOUT_ALIGN_NOT_POWER_OF_TWO);
		check_refused(SIZE_MAX, bad[i], LAYOUT_ALIGN_NOT_POWER_OF_TWO);
	}
}

TEST(layout_refuses_every_non_power_of_two_below_4096)
{
	size_t refused = 0;
	for (size_t align = 0; align < 4096; align++) {
		if (is_pow2(align))
			continue;
		check_refused(8, align, LAYOUT_ALIGN_NOT_POWER_OF_TWO);
		refused++;
	}
	CHECK_EQ(refused, 4096 - 12); /* 0 and all but 1, 2, ..., 2048 */
}

TEST(layout_accepts_every_power_of_two_alignment)
{
	size_t n = 0;
	for (size_t align = 1; align != 0; align <<= 1) {
		check_accepted(0, align);
		check_accepted(align, align);
		n++;
	}
	CHECK_EQ(n, 64); /* 2^0 .. 2^63 */
}

TEST(layout_size_overflow_edges)
{
	size_t aligns[] = {1, 2, 8, 16, 4096, (size_t)1 << 32, ALIGN_MAX};
	for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
		size_t a = aligns[i];
		/* the largest size that still rounds up without wrapping */
		check_accepted(SIZE_MAX - (a - 1), a);
		/* one more and rounding up would pass 2^64 (for align 1 there
		 * is no "one more": SIZE_MAX itself is fine) */
		if (a > 1)
			check_refused(SIZE_MAX - (a - 1) + 1, a,
				      LAYOUT_SIZE_OVERFLOW);
		check_accepted(SIZE_MAX - (a - 1) - 1, a);
	}
	check_accepted(SIZE_MAX, 1);
	check_refused(SIZE_MAX, 2, LAYOUT_SIZE_OVERFLOW);
	check_refused(SIZE_MAX, ALIGN_MAX, LAYOUT_SIZE_OVERFLOW);
	check_accepted(ALIGN_MAX, ALIGN_MAX); /* rounds up to itself */
	check_refused(ALIGN_MAX + 1, ALIGN_MAX, LAYOUT_SIZE_OVERFLOW);
}

TEST(layout_array_overflow)
{
	struct layout l = {0, 0};
	CHECK(layout_array(10, 4, 4, &l) == LAYOUT_OK);
	CHECK_EQ(l.size, 40);
	CHECK_EQ(l.align, 4);
	CHECK(layout_array(0, SIZE_MAX, 1, &l) == LAYOUT_OK);
	CHECK_EQ(l.size, 0);
	CHECK(layout_array(SIZE_MAX, 0, 1, &l) == LAYOUT_OK);
	CHECK(layout_array(SIZE_MAX, 1, 1, &l) == LAYOUT_OK);
	CHECK_EQ(l.size, SIZE_MAX);

	l = (struct layout){7, 7};
	CHECK(layout_array(SIZE_MAX, 2, 1, &l) == LAYOUT_SIZE_OVERFLOW);
	CHECK(layout_array(SIZE_MAX / 2 + 1, 2, 1, &l) == LAYOUT_SIZE_OVERFLOW);
	CHECK(layout_array((size_t)1 << 32, (size_t)1 << 32, 1, &l) ==
	      LAYOUT_SIZE_OVERFLOW);
	/* the product fits but rounding it up to the alignment does not */
	CHECK(layout_array(SIZE_MAX / 2, 2, 4, &l) == LAYOUT_SIZE_OVERFLOW);
	/* an invalid alignment is still refused */
	CHECK(layout_array(1, 1, 3, &l) == LAYOUT_ALIGN_NOT_POWER_OF_TWO);
	CHECK_EQ(l.size, 7);
	CHECK_EQ(l.align, 7);
	CHECK(layout_array(SIZE_MAX / 2, 2, 1, &l) == LAYOUT_OK);
	CHECK_EQ(l.size, SIZE_MAX - 1);
}

TEST(layout_of_and_error_names)
{
	struct layout l = LAYOUT_OF(long double);
	CHECK_EQ(l.size, sizeof(long double));
	CHECK_EQ(l.align, _Alignof(long double));
	CHECK_STR_EQ(layout_error_str(LAYOUT_OK), "ok");
	CHECK_STR_EQ(layout_error_str(LAYOUT_ALIGN_NOT_POWER_OF_TWO),
		     "alignment is not a power of two");
	CHECK_STR_EQ(layout_error_str(LAYOUT_SIZE_OVERFLOW),
		     "size overflows when rounded up to the alignment");
	CHECK_STR_EQ(layout_error_str((enum layout_error)99),
		     "unknown layout error");
}

/* ---------------------------------------------- kmalloc and friends */

TEST(kmalloc_family_refuses_invalid_layouts)
{
	host_alloc_fail_all(0);
	size_t live = host_alloc_live();
	size_t count = host_alloc_count();
	CHECK(kmalloc(8, rt(0)) == NULL);
	CHECK(kmalloc(8, rt(3)) == NULL);
	CHECK(kmalloc(8, rt(12)) == NULL);
	CHECK(kmalloc(rt(SIZE_MAX), 2) == NULL);
	CHECK(kmalloc(rt(SIZE_MAX - 7 + 1), 8) == NULL);
	CHECK(kcalloc(1, 8, rt(6)) == NULL);
	CHECK(kcalloc(rt(SIZE_MAX), 2, 1) == NULL);
	CHECK(kcalloc(rt(SIZE_MAX / 2), 2, 4) == NULL);
	CHECK(krealloc(NULL, 0, rt(3), 8) == NULL); /* is kmalloc(8, rt(3)) */

	/* growing a live block to an overflowing size: NULL, block kept */
	char *p = kmalloc(16, 8);
	CHECK(p != NULL);
	memset(p, 'x', 16);
	CHECK(krealloc(p, 16, 8, rt(SIZE_MAX)) == NULL);
	CHECK(krealloc(p, 16, 8, rt(SIZE_MAX - 6)) == NULL);
	CHECK(p[0] == 'x' && p[15] == 'x');
	kfree(p, 16, 8);

	/* none of the refused calls reached the allocator */
	CHECK_EQ(host_alloc_count(), count + 1);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(kmalloc_returns_aligned_blocks)
{
	host_alloc_fail_all(0);
	size_t live = host_alloc_live();
	for (size_t align = 1; align <= 8192; align <<= 1) {
		char *p = kmalloc(3, align);
		CHECK(p != NULL);
		CHECK_EQ((uintptr_t)p % align, 0);
		p[0] = p[2] = 1;
		kfree(p, 3, align);
	}
	void *z = kmalloc(0, 16);
	CHECK(z != NULL);
	kfree(z, 0, 16);
	kfree(NULL, 123, 3); /* NULL: nothing is checked or freed */
	CHECK_EQ(host_alloc_live(), live);
}

TEST(kcalloc_zeroes)
{
	host_alloc_fail_all(0);
	unsigned *p = kcalloc(100, sizeof(unsigned), _Alignof(unsigned));
	CHECK(p != NULL);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(p[i], 0);
	kfree(p, 100 * sizeof(unsigned), _Alignof(unsigned));
}

TEST(kmalloc_or_panic_invalid_layout_panics_with_reason)
{
	host_alloc_fail_all(0);
	EXPECT_PANIC("alignment is not a power of two",
		     kmalloc_or_panic(4, rt(3)));
	CHECK_STR_EQ(harness_panic_msg,
		     "kmalloc_or_panic(4, 3): invalid layout: "
		     "alignment is not a power of two");
	EXPECT_PANIC("size overflows when rounded up to the alignment",
		     kmalloc_or_panic(rt(SIZE_MAX), 8));
	EXPECT_PANIC("kcalloc_or_panic: invalid layout",
		     kcalloc_or_panic(rt(SIZE_MAX), 2, 1));
	EXPECT_PANIC("alignment is not a power of two",
		     kcalloc_or_panic(1, 1, rt(0)));
}

TEST(kfree_and_krealloc_panic_on_invalid_layout_of_live_block)
{
	host_alloc_fail_all(0);
	char *p = kmalloc(8, 8);
	EXPECT_PANIC("kfree: invalid layout: size 8, align 5", kfree(p, 8, 5));
	EXPECT_PANIC("krealloc: invalid layout of a live block",
		     krealloc(p, 8, rt(0), 16));
	kfree(p, 8, 8);
}

TEST(allocation_failure_returns_null_or_panics)
{
	size_t live = host_alloc_live();
	host_alloc_fail_all(1);
	CHECK(kmalloc(4, 4) == NULL);
	CHECK(kcalloc(1, 4, 4) == NULL);
	CHECK(krealloc(NULL, 0, 4, 4) == NULL);
	EXPECT_PANIC("allocation error", kmalloc_or_panic(4, 4));
	CHECK_STR_EQ(harness_panic_msg, "allocation error: size 4, align 4");
	EXPECT_PANIC("allocation error", kcalloc_or_panic(3, 4, 8));
	CHECK_STR_EQ(harness_panic_msg, "allocation error: size 12, align 8");
	CHECK(host_alloc_failure_injected());
	host_alloc_fail_all(0);
	CHECK_EQ(host_alloc_live(), live);

	/* kmalloc_or_panic is only the panic: otherwise a plain block */
	int *p = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*p = 4;
	kfree(p, sizeof(int), _Alignof(int));
}

TEST(alloc_error_message)
{
	struct layout l = {4, 4};
	EXPECT_PANIC("allocation error", alloc_error(l));
	CHECK_STR_EQ(harness_panic_msg, "allocation error: size 4, align 4");
}

/* ----------------------------------------------- default realloc (host) */

static void fill(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)('a' + i % 26);
}

static bool filled(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (char)('a' + i % 26))
			return false;
	return true;
}

TEST(krealloc_grows_and_shrinks_copying_min)
{
	host_alloc_fail_all(0);
	size_t live = host_alloc_live();
	char *p = kmalloc(10, 4);
	fill(p, 10);
	/* grow: the 10 old bytes come along; the rest is writable */
	char *q = krealloc(p, 10, 4, 1000);
	CHECK(q != NULL);
	CHECK(filled(q, 10));
	CHECK_EQ(host_alloc_live(), live + 1); /* the old block was freed */
	fill(q, 1000);
	/* shrink: the first 7 bytes are kept */
	char *r = krealloc(q, 1000, 4, 7);
	CHECK(r != NULL);
	CHECK(filled(r, 7));
	CHECK_EQ(host_alloc_live(), live + 1);
	/* the new layout is what must be freed (host_alloc checks it) */
	kfree(r, 7, 4);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(krealloc_failure_leaves_the_old_block)
{
	host_alloc_fail_all(0);
	size_t live = host_alloc_live();
	char *p = kmalloc(64, 16);
	fill(p, 64);
	host_alloc_fail_after(0);
	CHECK(krealloc(p, 64, 16, 128) == NULL);
	CHECK(host_alloc_failure_injected());
	/* still live, same contents, still freeable with the old layout */
	CHECK_EQ(host_alloc_live(), live + 1);
	CHECK(filled(p, 64));
	p[63] = 'z';
	kfree(p, 64, 16);
	CHECK_EQ(host_alloc_live(), live);
}

/* ------------------------------- the defaults, through a test allocator */

/*
 * A test allocator with four fixed slots: alloc hands out a slot filled
 * with 0xAA (as recycled memory would be), dealloc records what it was
 * given.  alloc_zeroed and realloc are left NULL, so the dispatchers must
 * use the defaults.
 */
#define SLOTS 4
#define SLOT_SIZE 256

struct pattern_alloc {
	struct allocator base; /* first: self points here */
	_Alignas(64) unsigned char slot[SLOTS][SLOT_SIZE];
	bool used[SLOTS];
	bool fail;
	int allocs, deallocs;
	void *last_freed;
	struct layout last_freed_layout;
};

static void *pattern_alloc_fn(struct allocator *self, struct layout layout)
{
	struct pattern_alloc *pa = (struct pattern_alloc *)self;
	if (pa->fail || layout.size > SLOT_SIZE || layout.align > 64)
		return NULL;
	for (int i = 0; i < SLOTS; i++) {
		if (!pa->used[i]) {
			pa->used[i] = true;
			memset(pa->slot[i], 0xAA, SLOT_SIZE);
			pa->allocs++;
			return pa->slot[i];
		}
	}
	return NULL;
}

static void pattern_dealloc_fn(struct allocator *self, void *ptr,
			       struct layout layout)
{
	struct pattern_alloc *pa = (struct pattern_alloc *)self;
	int i = (int)(((unsigned char *)ptr - pa->slot[0]) / SLOT_SIZE);
	CHECK(i >= 0 && i < SLOTS && ptr == pa->slot[i] && pa->used[i]);
	pa->used[i] = false;
	pa->deallocs++;
	pa->last_freed = ptr;
	pa->last_freed_layout = layout;
}

static struct pattern_alloc pattern;

static struct allocator *new_pattern(void)
{
	memset(&pattern, 0, sizeof pattern);
	pattern.base.name = "pattern";
	pattern.base.alloc = pattern_alloc_fn;
	pattern.base.dealloc = pattern_dealloc_fn;
	return &pattern.base;
}

TEST(default_alloc_zeroed_zeroes)
{
	struct allocator *a = new_pattern();
	struct layout l = {100, 8};
	unsigned char *raw = allocator_alloc(a, l);
	CHECK(raw != NULL && raw[0] == 0xAA && raw[99] == 0xAA);
	unsigned char *z = allocator_alloc_zeroed(a, l);
	CHECK(z != NULL);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(z[i], 0);
	CHECK_EQ(z[100], 0xAA); /* only layout.size bytes are written */
	allocator_dealloc(a, z, l);
	allocator_dealloc(a, raw, l);

	pattern.fail = true;
	CHECK(allocator_alloc_zeroed(a, l) == NULL);
	CHECK(default_alloc_zeroed(a, l) == NULL);
}

TEST(default_realloc_copies_min_and_frees_old)
{
	struct allocator *a = new_pattern();
	struct layout l = {40, 8};
	char *p = allocator_alloc(a, l);
	fill(p, 40);

	/* grow: 40 bytes copied, the rest is whatever alloc gave (0xAA) */
	unsigned char *q = allocator_realloc(a, p, l, 200);
	CHECK(q != NULL && (void *)q != p);
	CHECK(filled((char *)q, 40));
	CHECK_EQ(q[40], 0xAA);
	CHECK_EQ(pattern.deallocs, 1);
	CHECK(pattern.last_freed == p);
	CHECK_EQ(pattern.last_freed_layout.size, 40);
	CHECK_EQ(pattern.last_freed_layout.align, 8);

	/* shrink: only 5 bytes copied */
	fill((char *)q, 200);
	struct layout l2 = {200, 8};
	unsigned char *r = allocator_realloc(a, q, l2, 5);
	CHECK(r != NULL);
	CHECK(filled((char *)r, 5));
	CHECK_EQ(r[5], 0xAA);
	CHECK_EQ(pattern.deallocs, 2);
	CHECK(pattern.last_freed == q);
	CHECK_EQ(pattern.last_freed_layout.size, 200);
	allocator_dealloc(a, r, (struct layout){5, 8});
	CHECK_EQ(pattern.allocs, pattern.deallocs);
}

TEST(default_realloc_failure_leaves_old_block)
{
	struct allocator *a = new_pattern();
	struct layout l = {32, 4};
	char *p = allocator_alloc(a, l);
	fill(p, 32);
	pattern.fail = true;
	CHECK(allocator_realloc(a, p, l, 64) == NULL);
	CHECK_EQ(pattern.deallocs, 0);
	CHECK(filled(p, 32));
	/* a new size that overflows is refused before alloc is asked */
	pattern.fail = false;
	CHECK(default_realloc(a, p, l, SIZE_MAX - 2) == NULL);
	CHECK_EQ(pattern.allocs, 1);
	CHECK_EQ(pattern.deallocs, 0);
	CHECK(filled(p, 32));
	/* too big for a slot: alloc says no, old block untouched */
	CHECK(allocator_realloc(a, p, l, SLOT_SIZE + 1) == NULL);
	CHECK(filled(p, 32));
	allocator_dealloc(a, p, l);
	CHECK_EQ(pattern.deallocs, 1);
}

/* An allocator that overrides the two optional operations is called
 * directly, never through the defaults. */
static int override_calls;

static void *override_zeroed(struct allocator *self, struct layout layout)
{
	(void)self;
	(void)layout;
	override_calls++;
	return NULL;
}

static void *override_realloc(struct allocator *self, void *ptr,
			      struct layout layout, size_t new_size)
{
	(void)self;
	(void)layout;
	(void)new_size;
	override_calls += 10;
	return ptr;
}

TEST(overridden_operations_are_dispatched)
{
	struct allocator *a = new_pattern();
	a->alloc_zeroed = override_zeroed;
	a->realloc = override_realloc;
	override_calls = 0;
	struct layout l = {8, 8};
	CHECK(allocator_alloc_zeroed(a, l) == NULL);
	char *p = allocator_alloc(a, l);
	CHECK(allocator_realloc(a, p, l, 16) == p);
	CHECK_EQ(override_calls, 11);
	CHECK_EQ(pattern.allocs, 1);
	allocator_dealloc(a, p, l);
}
