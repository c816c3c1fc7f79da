// sources: stages/4-bump-heap/bump_alloc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 4
/*
 * test_bump.c - the bump allocator on a static array, and on fake address
 * ranges near the top of the address space that are never dereferenced
 * (bump_alloc touches no heap memory, so only the arithmetic is tested).
 *
 * Every helper runs bump_check() after the operation.
 */
#include "harness.h"

#include "bump_alloc.h"

#define HEAP_SIZE (16 * 1024)

static _Alignas(4096) char heap_mem[HEAP_SIZE];

/* A heap whose last byte is the last byte of the address space. */
#define TOP_START (UINTPTR_MAX - 4095) /* 0xffff_ffff_ffff_f000 */
#define TOP_SIZE ((size_t)4095)	       /* heap_end == UINTPTR_MAX */

static struct bump_heap new_heap(void)
{
	struct bump_heap h;
	bump_init(&h, (uintptr_t)heap_mem, HEAP_SIZE);
	bump_check(&h);
	return h;
}

static struct layout lay(size_t size, size_t align)
{
	struct layout l;
	CHECK_MSG(layout_new(size, align, &l) == LAYOUT_OK,
		  "test bug: invalid layout size %zu align %zu", size, align);
	return l;
}

/* The model: does the request fit?  Computed in 128 bits, where rounding
 * up and adding cannot wrap. */
static bool model_fits(const struct bump_heap *h, size_t size, size_t align)
{
	unsigned __int128 a = align;
	unsigned __int128 start =
		((unsigned __int128)h->next + a - 1) & ~(a - 1);
	return start + size <= h->heap_end;
}

/* bump_alloc, then the checks that hold for every result: state is
 * consistent; it fails exactly when the model says it does not fit; NULL
 * changes nothing; a block is aligned, inside the heap, and next moved
 * exactly past it. */
static void *alloc(struct bump_heap *h, size_t size, size_t align)
{
	struct bump_heap before = *h;
	bool fits = model_fits(h, size, align);
	void *p = bump_alloc(h, lay(size, align));
	bump_check(h);
	CHECK_MSG((p != NULL) == fits,
		  "size %zu align %zu at next %p: got %p, model says %s", size,
		  align, (void *)before.next, p,
		  fits ? "fits" : "does not fit");
	if (p == NULL) {
		CHECK_EQ(h->next, before.next);
		CHECK_EQ(h->last, before.last);
		CHECK_EQ(h->allocations, before.allocations);
		return NULL;
	}
	uintptr_t a = (uintptr_t)p;
	CHECK_MSG(a % align == 0, "%p not aligned to %zu", p, align);
	CHECK(a >= before.next);
	CHECK(a - before.next < align); /* padding is less than align */
	CHECK(a <= h->heap_end);
	CHECK(size <= h->heap_end - a); /* the block ends inside */
	CHECK_EQ(h->next, a + size);
	CHECK_EQ(h->last, a);
	CHECK_EQ(h->allocations, before.allocations + 1);
	return p;
}

static void dealloc(struct bump_heap *h, void *p, size_t size, size_t align)
{
	bump_dealloc(h, p, lay(size, align));
	bump_check(h);
}

TEST(bump_init_is_empty)
{
	struct bump_heap h = new_heap();
	CHECK_EQ(h.heap_start, (uintptr_t)heap_mem);
	CHECK_EQ(h.heap_end, (uintptr_t)heap_mem + HEAP_SIZE);
	CHECK_EQ(h.next, h.heap_start);
	CHECK_EQ(bump_used(&h), 0);
	CHECK_EQ(bump_free(&h), HEAP_SIZE);
	CHECK_EQ(bump_live(&h), 0);
}

TEST(bump_init_refuses_bad_ranges)
{
	struct bump_heap h;
	EXPECT_PANIC("bump_init: heap at address 0", bump_init(&h, 0, 4096));
	/* end would be 2^64: not representable */
	EXPECT_PANIC("bump_init: ", bump_init(&h, TOP_START, 4096));
	EXPECT_PANIC("bump_init: ", bump_init(&h, 4096, SIZE_MAX));
	/* the largest heap that ends exactly at UINTPTR_MAX is fine */
	bump_init(&h, TOP_START, TOP_SIZE);
	bump_check(&h);
	CHECK_EQ(h.heap_end, UINTPTR_MAX);
	bump_init(&h, 1, SIZE_MAX - 1);
	bump_check(&h);
}

TEST(bump_every_alignment_is_honoured)
{
	for (size_t align = 1; align <= 4096; align *= 2) {
		struct bump_heap h = new_heap();
		/* knock next off every alignment first */
		CHECK(alloc(&h, 1, 1) != NULL);
		for (size_t size = 0; size <= 3; size++) {
			void *p = alloc(&h, size, align);
			CHECK_MSG(p != NULL, "align %zu size %zu", align, size);
		}
		CHECK_EQ(bump_live(&h), 5);
	}
	/* alternating alignments on one heap until it is full */
	struct bump_heap h = new_heap();
	size_t n = 0;
	for (size_t align = 1;; align = align == 4096 ? 1 : align * 2) {
		if (alloc(&h, 3, align) == NULL)
			break;
		n++;
	}
	CHECK(n > 10);
	CHECK_EQ(bump_live(&h), n);
}

TEST(bump_fills_exactly_to_the_end)
{
	struct bump_heap h = new_heap();
	CHECK(alloc(&h, 1000, 1) != NULL);
	CHECK(alloc(&h, 3000, 8) == heap_mem + 1000);
	CHECK(alloc(&h, 4096, 4096) == heap_mem + 4096); /* 96 bytes padding */
	CHECK_EQ(bump_free(&h), HEAP_SIZE - 8192);
	CHECK(alloc(&h, HEAP_SIZE - 8192 + 1, 1) == NULL); /* one byte over */
	CHECK(alloc(&h, HEAP_SIZE - 8192, 1) == heap_mem + 8192);
	CHECK_EQ(h.next, h.heap_end);
	CHECK_EQ(bump_free(&h), 0);
	CHECK_EQ(bump_used(&h), HEAP_SIZE);
	CHECK(alloc(&h, 1, 1) == NULL);

	/* one request for the whole heap, and one byte more */
	h = new_heap();
	CHECK(alloc(&h, HEAP_SIZE + 1, 1) == NULL);
	CHECK(alloc(&h, HEAP_SIZE, 4096) == heap_mem);
	CHECK(alloc(&h, 1, 1) == NULL);
}

TEST(bump_padding_counts_against_the_end)
{
	struct bump_heap h = new_heap();
	CHECK(alloc(&h, HEAP_SIZE - 8, 1) != NULL);
	CHECK(alloc(&h, 1, 1) != NULL);
	/* 7 bytes left, from an odd address: 8 bytes aligned to 8 do not fit,
	 * nor does 1 byte aligned to 16 */
	CHECK(alloc(&h, 4, 8) == NULL);
	CHECK(alloc(&h, 1, 16) == NULL);
	CHECK(alloc(&h, 7, 1) != NULL);
}

TEST(bump_huge_sizes_fail_without_wrapping)
{
	struct bump_heap h = new_heap();
	uintptr_t next = h.next;
	size_t sizes[] = {
		SIZE_MAX,
		SIZE_MAX - 1,
		SIZE_MAX - 4095,
		SIZE_MAX / 2 + 1,
		/* next + size wraps to exactly 0 */
		SIZE_MAX - next + 1,
		/* next + size wraps to 1, far below heap_end */
		SIZE_MAX - next + 2,
		/* next + size wraps to just below heap_end */
		SIZE_MAX - next + HEAP_SIZE,
		HEAP_SIZE + 8,
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		CHECK_MSG(alloc(&h, sizes[i], 1) == NULL, "size %zu", sizes[i]);
		CHECK_MSG(alloc(&h, sizes[i] & ~(size_t)7, 8) == NULL,
			  "size %zu align 8", sizes[i] & ~(size_t)7);
	}
	CHECK_EQ(h.next, next);
	CHECK_EQ(bump_live(&h), 0);
	/* the heap still works afterwards */
	CHECK(alloc(&h, HEAP_SIZE, 1) == heap_mem);
}

TEST(bump_huge_alignments_fail_without_wrapping)
{
	struct bump_heap h = new_heap();
	CHECK(alloc(&h, 1, 1) != NULL);
	/* whether a multiple of a large alignment lies inside the heap
	 * depends on where the linker put heap_mem: alloc() checks the
	 * result against the model either way */
	for (size_t align = 8192; align != 0; align <<= 1) {
		h = new_heap();
		CHECK(alloc(&h, 1, 1) != NULL);
		alloc(&h, 0, align);
	}
	h = new_heap();
	CHECK(alloc(&h, 1, 1) != NULL);
	/* the heap lies below 2^63: the first multiple of 2^63 is past it */
	CHECK(h.heap_end < (uintptr_t)1 << 63);
	CHECK(alloc(&h, 0, (size_t)1 << 63) == NULL);
	CHECK(alloc(&h, 1, (size_t)1 << 63) == NULL);
	CHECK(alloc(&h, SIZE_MAX - (((size_t)1 << 63) - 1), (size_t)1 << 63) ==
	      NULL);
	CHECK_EQ(bump_live(&h), 1);
}

/*
 * A heap at the very top of the address space (never dereferenced): here
 * `next + size` and `(next + align - 1) & ~(align - 1)` both wrap past 0,
 * and an allocator that computed them would return a small or NULL
 * address as a "fitting" block.
 */
TEST(bump_top_of_address_space)
{
	struct bump_heap h;
	bump_init(&h, TOP_START, TOP_SIZE);
	bump_check(&h);

	/* from an aligned next */
	CHECK(alloc(&h, 4096, 1) == NULL); /* end would be 2^64 */
	CHECK(alloc(&h, SIZE_MAX, 1) == NULL);
	CHECK(alloc(&h, SIZE_MAX - 4095, 4096) == NULL);
	CHECK(alloc(&h, 0, 8192) == NULL); /* rounds up to 2^64 == 0 */
	CHECK(alloc(&h, 0, (size_t)1 << 63) == NULL);

	/* from an odd next: rounding up to any alignment >= 4096 wraps */
	void *first = alloc(&h, 1, 1);
	CHECK_EQ((uintptr_t)first, TOP_START);
	for (size_t align = 4096; align != 0; align <<= 1)
		CHECK_MSG(alloc(&h, 0, align) == NULL, "align %zu", align);
	CHECK(alloc(&h, 1, 2048) == (void *)(TOP_START + 2048));
	CHECK(alloc(&h, 4095 - 2049 + 1, 1) == NULL); /* one byte too many */
	CHECK(alloc(&h, 4096, 1) == NULL); /* next + size wraps to 2049 */
	CHECK(alloc(&h, 8192, 1) == NULL);
	CHECK(alloc(&h, SIZE_MAX / 2, 1) == NULL);
	CHECK(alloc(&h, 4095 - 2049, 1) == (void *)(TOP_START + 2049));
	CHECK_EQ(h.next, UINTPTR_MAX);
	CHECK_EQ(bump_free(&h), 0);
	CHECK(alloc(&h, 1, 1) == NULL);
	CHECK(alloc(&h, 0, 2) == NULL); /* UINTPTR_MAX is odd, 2^64 wraps */
	/* a zero-size block at the very end */
	CHECK(alloc(&h, 0, 1) == (void *)UINTPTR_MAX);

	/* deallocation does not touch memory either */
	CHECK_EQ(bump_live(&h), 4);
	dealloc(&h, first, 1, 1);
	dealloc(&h, (void *)(TOP_START + 2048), 1, 2048);
	dealloc(&h, (void *)(TOP_START + 2049), 4095 - 2049, 1);
	dealloc(&h, (void *)UINTPTR_MAX, 0, 1);
	CHECK_EQ(h.next, TOP_START);
}

TEST(bump_zero_size)
{
	struct bump_heap h = new_heap();
	void *a = alloc(&h, 0, 1);
	CHECK(a == heap_mem);
	CHECK_EQ(bump_live(&h), 1);
	void *b = alloc(&h, 0, 1);
	CHECK(b == heap_mem); /* may share an address: nothing is in it */
	void *c = alloc(&h, 1, 1);
	CHECK(c == heap_mem);
	void *d = alloc(&h, 0, 64);
	CHECK(d == heap_mem + 64);
	CHECK_EQ(bump_live(&h), 4);

	/* at the end of a full heap: the end address itself */
	CHECK(alloc(&h, HEAP_SIZE - 64, 1) != NULL);
	void *e = alloc(&h, 0, 4096);
	CHECK(e == heap_mem + HEAP_SIZE);
	CHECK_EQ(bump_live(&h), 6);

	dealloc(&h, e, 0, 4096);
	dealloc(&h, d, 0, 64);
	dealloc(&h, a, 0, 1);
	dealloc(&h, b, 0, 1);
	dealloc(&h, c, 1, 1);
	CHECK_EQ(bump_live(&h), 1);
	dealloc(&h, heap_mem + 64, HEAP_SIZE - 64, 1);
	CHECK_EQ(bump_used(&h), 0);
}

TEST(bump_dealloc_resets_only_at_zero)
{
	struct bump_heap h = new_heap();
	int *a = alloc(&h, sizeof(int), _Alignof(int));
	long *b = alloc(&h, sizeof(long), _Alignof(long));
	char *c = alloc(&h, 100, 1);
	*a = 1;
	*b = 2;
	memset(c, 'c', 100);
	size_t used = bump_used(&h);

	dealloc(&h, b, sizeof(long), _Alignof(long));
	CHECK_EQ(bump_live(&h), 2);
	CHECK_EQ(bump_used(&h), used); /* freed memory is not reused... */
	dealloc(&h, a, sizeof(int), _Alignof(int));
	CHECK_EQ(bump_live(&h), 1);
	CHECK_EQ(bump_used(&h), used);
	char *d = alloc(&h, 10, 1);
	CHECK(d == c + 100);
	dealloc(&h, c, 100, 1);
	CHECK_EQ(bump_used(&h), used + 10);
	dealloc(&h, d, 10, 1);
	CHECK_EQ(bump_live(&h), 0); /* ...until nothing is live */
	CHECK_EQ(h.next, h.heap_start);
	CHECK_EQ(bump_used(&h), 0);
	CHECK_EQ(bump_free(&h), HEAP_SIZE);

	/* after the reset the same addresses come back */
	CHECK(alloc(&h, sizeof(int), _Alignof(int)) == (void *)a);
}

TEST(bump_one_survivor_pins_the_heap)
{
	/* The limitation the lesson shows: alloc/free in a loop with one
	 * long-lived block runs out, however small the blocks are. */
	struct bump_heap h = new_heap();
	void *survivor = alloc(&h, 8, 8);
	size_t rounds = 0;
	for (;;) {
		void *p = alloc(&h, 16, 8);
		if (p == NULL)
			break;
		dealloc(&h, p, 16, 8);
		rounds++;
	}
	CHECK_EQ(rounds, (HEAP_SIZE - 8) / 16);
	dealloc(&h, survivor, 8, 8);
	CHECK(alloc(&h, 16, 8) == heap_mem);
}

TEST(bump_dealloc_with_nothing_live_panics)
{
	struct bump_heap h = new_heap();
	EXPECT_PANIC("bump_dealloc: ", bump_dealloc(&h, heap_mem, lay(1, 1)));
	void *p = alloc(&h, 8, 8);
	dealloc(&h, p, 8, 8);
	EXPECT_PANIC("double free", bump_dealloc(&h, p, lay(8, 8)));
	bump_check(&h);
}

/*
 * A zero-size block at next passes every other check of bump_dealloc (it
 * lies inside the heap and reaches nothing past next): only the count of
 * live blocks can tell that it is freed twice.  Unchecked, the count
 * would wrap to SIZE_MAX and the heap would never reset again.
 */
TEST(bump_double_free_of_a_zero_size_block_panics)
{
	struct bump_heap h = new_heap();
	void *z = alloc(&h, 0, 1);
	dealloc(&h, z, 0, 1);
	CHECK(z == (void *)h.next);
	EXPECT_PANIC("double free", bump_dealloc(&h, z, lay(0, 1)));
	bump_check(&h);
	CHECK_EQ(bump_live(&h), 0);
}

TEST(bump_dealloc_outside_the_heap_panics)
{
	struct bump_heap h = new_heap();
	CHECK(alloc(&h, 8, 8) != NULL);
	static char elsewhere[16];
	int local;
	EXPECT_PANIC("bump_dealloc: ",
		     bump_dealloc(&h, elsewhere, lay(sizeof elsewhere, 1)));
	EXPECT_PANIC("outside the heap",
		     bump_dealloc(&h, &local, lay(sizeof local, 4)));
	EXPECT_PANIC(
		"outside the heap",
		bump_dealloc(&h, (void *)((uintptr_t)heap_mem - 1), lay(1, 1)));
	EXPECT_PANIC("outside the heap",
		     bump_dealloc(&h,
				  (void *)((uintptr_t)heap_mem + HEAP_SIZE + 1),
				  lay(0, 1)));
	/* inside the heap but above next: never handed out */
	EXPECT_PANIC("never allocated",
		     bump_dealloc(&h, heap_mem + 16, lay(8, 8)));
	/* starts inside a block but reaches past next */
	EXPECT_PANIC("never allocated", bump_dealloc(&h, heap_mem, lay(16, 8)));
	EXPECT_PANIC("never allocated",
		     bump_dealloc(&h, heap_mem, lay(SIZE_MAX, 1)));
	bump_check(&h);
	CHECK_EQ(bump_live(&h), 1);
}

TEST(bump_check_catches_broken_invariants)
{
	struct bump_heap h = new_heap();
	struct bump_heap bad = h;
	bad.next = h.heap_start - 1;
	EXPECT_PANIC("bump_check: next", bump_check(&bad));
	bad = h;
	bad.next = h.heap_end + 1;
	EXPECT_PANIC("bump_check: next", bump_check(&bad));
	bad = h;
	bad.next = h.heap_start + 8; /* allocations == 0 */
	EXPECT_PANIC("bump_check: no live blocks", bump_check(&bad));
	bad = h;
	bad.heap_start = 0;
	EXPECT_PANIC("bump_check: ", bump_check(&bad));
	bad = h;
	bad.last = h.heap_start + 8; /* allocations == 0 */
	EXPECT_PANIC("bump_check: last", bump_check(&bad));
	CHECK(alloc(&h, 16, 1) != NULL);
	bad = h;
	bad.last = h.next + 1;
	EXPECT_PANIC("bump_check: last", bump_check(&bad));
	bad.last = h.heap_start - 1;
	EXPECT_PANIC("bump_check: last", bump_check(&bad));
	bad.last = h.heap_start + 4;
	bad.allocations = 0;
	bad.next = h.heap_start;
	EXPECT_PANIC("bump_check: last", bump_check(&bad));
}

TEST(bump_randomized_against_a_model)
{
	/* Random allocs and frees, checking every block stays aligned, in
	 * bounds and disjoint from every other live block. */
	struct block {
		char *p;
		size_t size, align;
	} live[64];
	size_t n = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	struct bump_heap h = new_heap();
	for (int i = 0; i < 20000; i++) {
		uint64_t r = harness_rand(&seed);
		if (n < 64 && (r & 3) != 0) {
			size_t size = (size_t)(r >> 8) % 300;
			size_t align = (size_t)1 << ((r >> 20) % 8);
			char *p = alloc(&h, size, align);
			if (p == NULL)
				continue;
			for (size_t j = 0; j < n; j++)
				CHECK(p + size <= live[j].p ||
				      live[j].p + live[j].size <= p ||
				      size == 0 || live[j].size == 0);
			memset(p, 0x5a, size);
			live[n++] = (struct block){p, size, align};
		} else if (n > 0) {
			size_t j = (size_t)(r >> 8) % n;
			dealloc(&h, live[j].p, live[j].size, live[j].align);
			live[j] = live[--n];
		}
		CHECK_EQ(bump_live(&h), n);
	}
}

TEST(bump_realloc_in_place_grows_and_shrinks_the_last_block)
{
	struct bump_heap h = new_heap();
	char *a = bump_alloc(&h, lay(16, 8));
	char *b = bump_alloc(&h, lay(16, 8));
	CHECK(a != NULL && b != NULL);
	/* a is not the last block: no in-place resize */
	CHECK(bump_realloc_in_place(&h, a, lay(16, 8), 32) == NULL);
	/* b is: it grows, then shrinks, without moving */
	CHECK(bump_realloc_in_place(&h, b, lay(16, 8), 1000) == b);
	CHECK_EQ(bump_used(&h), (size_t)(b - a) + 1000);
	CHECK(bump_realloc_in_place(&h, b, lay(1000, 8), 8) == b);
	CHECK_EQ(h.next, (uintptr_t)b + 8);
	bump_check(&h);
	/* growing past the end is refused and changes nothing */
	uintptr_t next = h.next;
	CHECK(bump_realloc_in_place(&h, b, lay(8, 8), HEAP_SIZE) == NULL);
	CHECK_EQ(h.next, next);
	CHECK_EQ(bump_live(&h), 2);
	bump_dealloc(&h, b, lay(8, 8));
	bump_dealloc(&h, a, lay(16, 8));
	CHECK_EQ(h.next, h.heap_start);
}

/*
 * "Ends at next" does not make a block the last one: a zero-size block
 * allocated after it ends there too.  Shrinking the first block in place
 * would move next below the zero-size block, and its (valid) free would
 * then panic as "never allocated".
 */
TEST(bump_realloc_in_place_refuses_a_block_followed_by_a_zero_size_one)
{
	struct bump_heap h = new_heap();
	char *a = alloc(&h, 16, 8);
	char *z = alloc(&h, 0, 1);
	CHECK(z == a + 16);
	CHECK_EQ(h.next, (uintptr_t)a + 16); /* both a and z end at next */
	char *r = bump_realloc_in_place(&h, a, lay(16, 8), 8);
	bump_check(&h);
	size_t a_size = r == NULL ? 16 : 8;
	dealloc(&h, z, 0, 1); /* a valid free: must not panic */
	CHECK_MSG(r == NULL, "a is not the last block, yet it was resized");
	/* nor may a grow over z */
	CHECK(bump_realloc_in_place(&h, a, lay(a_size, 8), 32) == NULL);
	dealloc(&h, a, a_size, 8);
	CHECK_EQ(h.next, h.heap_start);
}

TEST(bump_realloc_in_place_grows_the_zero_size_last_block)
{
	struct bump_heap h = new_heap();
	char *a = alloc(&h, 16, 8);
	char *z = alloc(&h, 0, 1);
	/* z is the last block: it grows in place, then a still cannot */
	CHECK(bump_realloc_in_place(&h, z, lay(0, 1), 24) == z);
	bump_check(&h);
	CHECK_EQ(h.next, (uintptr_t)z + 24);
	CHECK(bump_realloc_in_place(&h, a, lay(16, 8), 40) == NULL);
	/* shrunk back to nothing it is still the last block */
	CHECK(bump_realloc_in_place(&h, z, lay(24, 1), 0) == z);
	CHECK(bump_realloc_in_place(&h, a, lay(16, 8), 8) == NULL);
	CHECK(bump_realloc_in_place(&h, z, lay(0, 1), 4) == z);
	dealloc(&h, a, 16, 8);
	dealloc(&h, z, 4, 1);
	CHECK_EQ(h.next, h.heap_start);
}

/*
 * The memory bugs of LESSONS.md chapter 4 on the portable core.  heap_mem
 * is an ordinary static array to AddressSanitizer, which knows nothing of
 * the blocks this allocator hands out: none of these bugs is reported by
 * it either.
 */

/* A leak: the count only goes up, the heap never resets, and it fills. */
TEST(bump_leak_fills_the_heap_and_never_resets)
{
	struct bump_heap h = new_heap();
	size_t calls = 0;
	while (alloc(&h, 3 * sizeof(int), _Alignof(int)) != NULL) {
		calls++;
		CHECK_EQ(bump_live(&h), calls);
	}
	CHECK_EQ(calls, HEAP_SIZE / 12);
	CHECK_EQ(bump_free(&h), HEAP_SIZE % 12);
	CHECK(h.next != h.heap_start);
}

/* A use after free: after the reset the next block starts where the freed
 * one did, and a stale pointer reads and writes the new owner's data. */
TEST(bump_use_after_free_sees_the_next_owner)
{
	struct bump_heap h = new_heap();
	int *a = alloc(&h, sizeof(int), _Alignof(int));
	*a = 41;
	int *stale = a;
	dealloc(&h, a, sizeof(int), _Alignof(int));
	int *uid = alloc(&h, sizeof(int), _Alignof(int));
	*uid = 1000;
	CHECK(uid == stale);
	CHECK_EQ(*(volatile int *)stale, 1000);
	*(volatile int *)stale = 0;
	CHECK_EQ(*(volatile int *)uid, 0);
	dealloc(&h, uid, sizeof(int), _Alignof(int));
}

/* A double free with another block live is only a count one too low: no
 * panic, the heap resets under the live block b, the next blocks are
 * handed b's memory, and the panic comes later, at b's own (correct) free. */
TEST(bump_double_free_with_a_block_live_goes_unnoticed)
{
	struct bump_heap h = new_heap();
	int *a = alloc(&h, sizeof(int), _Alignof(int));
	int *b = alloc(&h, sizeof(int), _Alignof(int));
	*b = 2;
	dealloc(&h, a, sizeof(int), _Alignof(int));
	dealloc(&h, a, sizeof(int), _Alignof(int)); /* no panic */
	CHECK_EQ(bump_live(&h), 0);
	CHECK_EQ(h.next, h.heap_start); /* reset, with b live */
	int *c = alloc(&h, sizeof(int), _Alignof(int));
	int *d = alloc(&h, sizeof(int), _Alignof(int));
	*d = 4;
	CHECK(c == a && d == b);
	CHECK_EQ(*(volatile int *)b, 4);
	dealloc(&h, c, sizeof(int), _Alignof(int));
	dealloc(&h, d, sizeof(int), _Alignof(int));
	EXPECT_PANIC("double free", bump_dealloc(&h, b, lay(4, 4)));
	bump_check(&h);
}
