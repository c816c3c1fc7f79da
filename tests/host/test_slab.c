// sources: stages/6-free-list/freelist.c stages/7-size-classes/slab.c tests/host/slab_model.c
// stage: 7
/*
 * test_slab.c - size classes in slabs (stage 7) over the free list, on a
 * static array that the heap grows into.
 *
 * First the exact pictures: which class each size and alignment takes
 * (2^k - 1, 2^k and 2^k + 1 for every class), how a new slab is carved
 * (its capacity, its first block), the three lists a slab moves between,
 * and the one empty slab a class keeps (the highest goes back).  Then a
 * burst of 100000 small blocks that must give the heap back when freed,
 * the heap growing only when it must and failing cleanly when it cannot,
 * realloc in place, the panics on a bad free and slab_check catching
 * broken slabs.  Last, the property: 200000 random operations against a
 * model (slab_model.h), checked whole after each one.
 */
#include "harness.h"

#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stdlib.h>

#include "freelist.h"
#include "slab.h"
#include "slab_model.h"

/* The heap lives in here; 64 KiB-aligned like the kernel's HEAP_START,
 * so a slab (16 KiB at most) never starts below the heap. */
#define MEM_SIZE (24u << 20)
static _Alignas(65536) unsigned char heap_mem[MEM_SIZE];

static struct freelist_heap fallback;
static struct slab_heap heap;
static struct slab_model_growth growth;
static struct slab_model model;

/* Per class (8 ... 2048 bytes): the slab size, where the first block
 * sits behind the 40-byte header (on the first multiple of the block
 * size), and how many blocks a slab holds. */
static const size_t slab_size[SLAB_CLASSES] = {4096, 4096, 4096, 4096, 4096,
					       4096, 4096, 8192, 16384};
static const size_t first_at[SLAB_CLASSES] = {40,  48,	64,   64,  128,
					      256, 512, 1024, 2048};
static const size_t capacity[SLAB_CLASSES] = {507, 253, 126, 63, 31,
					      15,  7,	7,   7};

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

static void check(const struct slab_heap *h)
{
	struct slab_fault f;
	CHECK_MSG(slab_check(h, &f), "slab_check: %s at %#lx", f.what,
		  (unsigned long)f.at);
}

/*
 * A slab heap over heap_mem[offset, offset + size).  With max > size it
 * grows through the model's fake (slab_model_grow) up to offset + max,
 * else it never grows.  The model is started on it too.
 */
static struct slab_heap *heap_at(size_t offset, size_t size, size_t max)
{
	ASAN_UNPOISON_MEMORY_REGION(heap_mem, sizeof heap_mem);
	enum freelist_error err =
		freelist_init(&fallback, (uintptr_t)heap_mem + offset, size);
	CHECK_MSG(err == FREELIST_OK, "freelist_init: %s",
		  freelist_error_str(err));
	if (max > size) {
		slab_model_growth_init(&growth, &fallback,
				       (uintptr_t)heap_mem + offset + max);
		slab_heap_init(&heap, &fallback, slab_model_grow, &growth);
		slab_model_init(&model, &heap, &growth);
	} else {
		slab_heap_init(&heap, &fallback, NULL, NULL);
		slab_model_init(&model, &heap, NULL);
	}
	check(&heap);
	return &heap;
}

static void *alloc(struct slab_heap *h, size_t size, size_t align)
{
	void *p = slab_alloc(h, lay(size, align));
	check(h);
	return p;
}

static void dealloc(struct slab_heap *h, void *p, size_t size, size_t align)
{
	slab_dealloc(h, p, lay(size, align));
	check(h);
}

/* Through the model: the block must be where it says, and everything
 * must hold after; returns the block. */
static void *model_alloc(size_t size, size_t align)
{
	const char *err = slab_model_alloc(&model, size, align);
	CHECK_MSG(err == NULL, "alloc(%zu, %zu): %s", size, align, err);
	return model.last;
}

/* The model's realloc of live block i (in address order); returns where
 * the block is now. */
static void *model_realloc(size_t i, size_t new_size)
{
	const char *err = slab_model_realloc(&model, i, new_size);
	CHECK_MSG(err == NULL, "realloc of block %zu to %zu: %s", i, new_size,
		  err);
	return model.last;
}

static void model_free(size_t i)
{
	const char *err = slab_model_free(&model, i);
	CHECK_MSG(err == NULL, "free of block %zu: %s", i, err);
}

/* Everything freed through the model: the heap must hold no more than
 * one empty slab per class (slab_model_free_all). */
static void model_free_all(void)
{
	const char *err = slab_model_free_all(&model);
	CHECK_MSG(err == NULL, "freeing all: %s", err);
}

/* heap_mem + off, the address the test expects. */
static void *at(size_t off)
{
	return heap_mem + off;
}

/* A panic message, formatted as the allocator formats it. */
static const char *msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static const char *msg(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return buf;
}

/* The slab a block of class i is in. */
static struct slab *slab_of(const void *p, int i)
{
	return (struct slab *)((uintptr_t)p & ~(slab_size[i] - 1));
}

static size_t list_length(const struct slab *s)
{
	size_t n = 0;
	for (; s != NULL; s = s->next)
		n++;
	return n;
}

/* -------------------------------------------------------------- classes */

/* 2^k - 1, 2^k and 2^k + 1 bytes for every class: the first two take the
 * class of 2^k (8 for 7 bytes), the last the next one up, or the free
 * list past 2048.  Each block is aligned to its class and lies in a slab
 * of it; the model checks the exact address (slab_model.h). */
TEST(slab_class_boundaries_for_every_class)
{
	struct slab_heap *h = heap_at(0, 512 * 1024, 0);
	for (int k = 3; k <= 11; k++) {
		size_t two_k = (size_t)1 << k;
		size_t sizes[3] = {two_k - 1, two_k, two_k + 1};
		int want[3] = {k - 3, k - 3, k == 11 ? -1 : k - 2};
		for (int j = 0; j < 3; j++) {
			int c = slab_class_of(lay(sizes[j], 1));
			CHECK_MSG(c == want[j], "%zu bytes: class %d, not %d",
				  sizes[j], c, want[j]);
			CHECK_EQ(slab_model_class(sizes[j], 1), want[j]);
			size_t large = h->large_live;
			void *p = model_alloc(sizes[j], 1);
			CHECK(p != NULL);
			if (c < 0) {
				CHECK_EQ(h->large_live, large + 1);
				continue;
			}
			CHECK_MSG((uintptr_t)p % ((size_t)8 << c) == 0,
				  "%zu bytes at %p", sizes[j], p);
			CHECK_EQ(slab_of(p, c)->block, (size_t)8 << c);
			/* and 2^(k-1) + 1 before them, but for class 0 */
			CHECK_EQ(h->classes[c].live,
				 c == k - 3 ? j + 1 + (k > 3) : 1);
		}
	}
	CHECK_EQ(slab_class_of(lay(0, 1)), 0);
	CHECK_EQ(slab_class_of(lay(1, 1)), 0);
	CHECK_EQ(slab_class_of(lay(SIZE_MAX, 1)), -1);
	model_free_all();
}

/*
 * An alignment is met by a class at least as big: a block of a class
 * sits on a multiple of its size.  So 1 byte at align 64 takes a 64-byte
 * block; align 2048 the 2048-byte class; align 4096 the free list, even
 * for 0 bytes.
 */
TEST(slab_alignments_up_to_4096)
{
	struct slab_heap *h = heap_at(0, 1024 * 1024, 0);
	static const size_t sizes[] = {0, 1, 24, 100, 2048, 2049, 3000};
	for (size_t align = 1; align <= 4096; align *= 2) {
		for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
			size_t size = sizes[j];
			int c = slab_class_of(lay(size, align));
			int want = slab_model_class(size, align); /* a loop */
			CHECK_MSG(c == want, "%zu at %zu: class %d, not %d",
				  size, align, c, want);
			size_t large = h->large_live;
			void *p = model_alloc(size, align);
			CHECK_MSG(p != NULL && (uintptr_t)p % align == 0,
				  "%zu at %zu: %p", size, align, p);
			CHECK_EQ(h->large_live, large + (c < 0));
			if (c >= 0)
				CHECK_EQ(slab_of(p, c)->block, (size_t)8 << c);
		}
	}
	/* align > size: the class of the alignment */
	CHECK_EQ(slab_class_of(lay(1, 64)), 3);
	CHECK_EQ(slab_class_of(lay(100, 2048)), 8);
	CHECK_EQ(slab_class_of(lay(0, 4096)), -1);
	model_free_all();
}

/* --------------------------------------------------------------- slab_new */

/* For every class: the first alloc carves a slab aligned to its size,
 * the blocks go out in address order from the first one behind the
 * header, and when the slab is full the next alloc makes another. */
TEST(slab_new_carves_each_class_into_its_capacity)
{
	for (int i = 0; i < SLAB_CLASSES; i++) {
		struct slab_heap *h = heap_at(0, 256 * 1024, 0);
		struct size_class *c = &h->classes[i];
		size_t block = (size_t)8 << i;
		CHECK_EQ(c->block, block);
		CHECK_EQ(c->slab_size, slab_size[i]);
		char *first = alloc(h, block, 1);
		struct slab *s = slab_of(first, i);
		CHECK(s == at(0)); /* first fit: the bottom of the heap */
		CHECK_EQ(s->capacity, capacity[i]);
		CHECK_EQ(s->magic, SLAB_MAGIC);
		CHECK_EQ(s->block, block);
		CHECK(first == (char *)s + first_at[i]);
		CHECK(c->partial == s && c->empty == NULL && c->full == NULL);
		CHECK_EQ(fallback.used, slab_size[i]);
		for (size_t k = 1; k < capacity[i]; k++) {
			char *p = slab_alloc(h, lay(block, 1));
			CHECK_MSG(p == first + k * block, "class %zu block %zu",
				  block, k);
		}
		check(h);
		CHECK(c->full == s && c->partial == NULL);
		CHECK_EQ(c->live, capacity[i]);
		char *next = alloc(h, 1, block); /* align: the same class */
		CHECK(slab_of(next, i) == at(slab_size[i]));
		CHECK(c->partial == slab_of(next, i) && c->full == s);
		CHECK_EQ(c->slabs, 2);
		struct slab_class_stats st;
		slab_class_stats(h, i, &st);
		CHECK_EQ(st.block, block);
		CHECK_EQ(st.slabs, 2);
		CHECK_EQ(st.live, capacity[i] + 1);
		CHECK_EQ(st.free, capacity[i] - 1);
		CHECK_EQ(st.bytes, 2 * slab_size[i]);
		CHECK_EQ(slab_used(h), (capacity[i] + 1) * block);
	}
}

/* --------------------------------------------------------- the three lists */

TEST(slab_moves_between_partial_full_and_empty)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	struct size_class *c = &h->classes[3]; /* 64 bytes, 63 a slab */
	void *b[63];
	b[0] = alloc(h, 64, 8);
	struct slab *s = slab_of(b[0], 3);
	CHECK(c->partial == s && c->empty == NULL && c->full == NULL);
	CHECK_EQ(c->slabs, 1);
	CHECK_EQ(c->empties, 0);
	for (int k = 1; k < 63; k++)
		b[k] = alloc(h, 64, 8);
	CHECK(c->full == s && c->partial == NULL); /* partial -> full */
	CHECK_EQ(s->free_count, 0);
	dealloc(h, b[40], 64, 8);
	CHECK(c->partial == s && c->full == NULL); /* full -> partial */
	CHECK(alloc(h, 64, 8) == b[40]); /* the block just freed, first */
	CHECK(c->full == s);
	for (int k = 0; k < 63; k++)
		dealloc(h, b[k], 64, 8);
	CHECK(c->empty == s && c->partial == NULL && c->full == NULL);
	CHECK_EQ(c->empties, 1);
	CHECK_EQ(c->slabs, 1);
	CHECK_EQ(c->live, 0);
	CHECK(alloc(h, 64, 8) == b[62]); /* empty -> partial */
	CHECK(c->partial == s && c->empty == NULL);
	CHECK_EQ(c->empties, 0);
}

/* alloc takes from a partial slab before an empty one, so that the empty
 * one can go back. */
TEST(slab_alloc_prefers_a_partial_slab_to_an_empty_one)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	struct size_class *c = &h->classes[6]; /* 512 bytes, 7 a slab */
	void *b[8];
	for (int k = 0; k < 8; k++)
		b[k] = alloc(h, 512, 8);
	struct slab *low = slab_of(b[0], 6), *high = slab_of(b[7], 6);
	CHECK(low != high && c->full == low && c->partial == high);
	dealloc(h, b[7], 512, 8); /* high: empty, kept */
	CHECK(c->empty == high && c->partial == NULL);
	dealloc(h, b[3], 512, 8); /* low: partial */
	CHECK(c->partial == low);
	CHECK(alloc(h, 500, 8) == b[3]);
	CHECK(c->full == low && c->empty == high);
	CHECK_EQ(high->free_count, high->capacity);
}

/* ------------------------------------------------- empty slabs go back */

/* A slab's blocks, freed in order. */
static void free_slab(struct slab_heap *h, void **b, size_t n, size_t size)
{
	for (size_t k = 0; k < n; k++)
		dealloc(h, b[k], size, 8);
}

/*
 * Three full slabs of the 256-byte class, low < mid < high.  Emptied in
 * the order mid, low, high: mid is kept (the only empty one); when low
 * empties too, the higher of the two, mid, goes back; when high empties,
 * it goes back itself.  low stays, the free list is one block above it.
 */
TEST(slab_keeps_one_empty_slab_and_gives_back_the_highest)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	struct size_class *c = &h->classes[5]; /* 256 bytes, 15 a slab */
	void *b[3][15];
	for (int s = 0; s < 3; s++)
		for (int k = 0; k < 15; k++)
			b[s][k] = alloc(h, 256, 8);
	struct slab *low = slab_of(b[0][0], 5), *mid = slab_of(b[1][0], 5),
		    *high = slab_of(b[2][0], 5);
	CHECK(low == at(0) && mid == at(4096) && high == at(8192));
	free_slab(h, b[1], 15, 256);
	CHECK(c->empty == mid);
	CHECK_EQ(c->slabs, 3);
	CHECK_EQ(c->empties, 1);
	CHECK_EQ(fallback.used, 3 * 4096); /* kept: still the slabs' */
	free_slab(h, b[0], 15, 256);
	CHECK(c->empty == low && low->next == NULL);
	CHECK_EQ(c->slabs, 2);
	CHECK(fallback.head == at(4096) && fallback.head->size == 4096);
	CHECK_EQ(mid->magic, 0); /* no longer a slab */
	free_slab(h, b[2], 15, 256);
	CHECK(c->empty == low && c->full == NULL && c->partial == NULL);
	CHECK_EQ(c->slabs, 1);
	CHECK_EQ(c->empties, 1);
	/* mid and high merged with the rest: one free block above low */
	CHECK(fallback.head == at(4096) && fallback.head->next == NULL);
	CHECK_EQ(fallback.free_bytes, 64 * 1024 - 4096);
	CHECK_EQ(slab_model_kept(h), 4096);
}

/* The other order: high empties first and is kept; when low empties,
 * high, the higher, goes back, and low is kept. */
TEST(slab_gives_back_the_kept_slab_when_a_lower_one_empties)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	struct size_class *c = &h->classes[5];
	void *b[2][15];
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < 15; k++)
			b[s][k] = alloc(h, 256, 8);
	free_slab(h, b[1], 15, 256);
	CHECK(c->empty == at(4096));
	free_slab(h, b[0], 15, 256);
	CHECK(c->empty == at(0) && c->empty->next == NULL);
	CHECK_EQ(c->slabs, 1);
	CHECK(fallback.head == at(4096) && fallback.head->next == NULL);
}

/* The hysteresis: with its one empty slab kept, a class that allocates
 * and frees a block in a loop never goes to the free list. */
TEST(slab_alloc_free_loop_keeps_its_slab)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	void *p = alloc(h, 100, 8);
	dealloc(h, p, 100, 8);
	CHECK_EQ(h->classes[4].slabs, 1); /* the only empty one: kept */
	CHECK_EQ(h->classes[4].empties, 1);
	struct freelist_heap before = fallback;
	for (int k = 0; k < 1000; k++) {
		void *q = alloc(h, 128, 16);
		CHECK(q == p);
		dealloc(h, q, 128, 16);
		CHECK(memcmp(&fallback, &before, sizeof before) == 0);
	}
	CHECK_EQ(h->classes[4].slabs, 1);
}

/* ------------------------------------------------------------ the burst */

#define BURST 100000

static void *burst[BURST];
static uint16_t burst_size[BURST];

/* A small size: a class from 8 to 256 bytes, each as likely, and a size
 * in its upper half. */
static size_t small_size(uint64_t r)
{
	size_t block = (size_t)8 << r % 6;
	return block / 2 + 1 + (r >> 8) % (block / 2);
}

/* What the first 4 bytes of a burst block hold while it is live. */
static uint32_t tag(const void *p)
{
	return (uint32_t)((uintptr_t)p >> 3) ^ 0x5ab5ab5au;
}

/*
 * 100000 blocks of mixed small sizes on a 64 KiB heap that grows as they
 * come, then freed in random order.  Every slab empties, and every class
 * keeps one (SLAB_KEEP_EMPTY): the lowest it ever had, since the higher
 * of two empty slabs is the one that goes back.  So the free list ends
 * with every byte but those slabs: one slab per class at most, 52 KiB
 * for all nine (7 * 4 + 8 + 16), 24 KiB for the six used here; and
 * its top block runs from above the highest slab kept to the heap's end.
 * The lowest slabs are made by the first allocations, in the heap's
 * first 64 KiB; so the largest free block is the whole heap but 64 KiB
 * at most, however big the burst made it.
 */
TEST(slab_burst_of_small_blocks_gives_the_heap_back)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, MEM_SIZE);
	uintptr_t lowest[SLAB_CLASSES];
	memset(lowest, 0xff, sizeof lowest);
	uint64_t state = 42;
	for (size_t k = 0; k < BURST; k++) {
		size_t size = small_size(harness_rand(&state));
		int c = slab_class_of(lay(size, 8));
		burst[k] = slab_alloc(h, lay(size, 8));
		CHECK_MSG(burst[k] != NULL, "block %zu", k);
		CHECK((uintptr_t)burst[k] % ((size_t)8 << c) == 0);
		burst_size[k] = (uint16_t)size;
		*(uint32_t *)burst[k] = tag(burst[k]); /* checked at free */
		uintptr_t s = (uintptr_t)slab_of(burst[k], c);
		if (s < lowest[c])
			lowest[c] = s;
	}
	check(h);
	size_t size = fallback.end - fallback.start;
	CHECK_MSG(size > 8u << 20, "grew to %zu", size);
	CHECK_EQ(growth.refused, 0);
	CHECK_EQ(growth.grown, size - 64 * 1024);
	for (size_t k = BURST - 1; k > 0; k--) { /* Fisher-Yates */
		size_t j = harness_rand(&state) % (k + 1);
		void *p = burst[k];
		uint16_t n = burst_size[k];
		burst[k] = burst[j], burst_size[k] = burst_size[j];
		burst[j] = p, burst_size[j] = n;
	}
	for (size_t k = 0; k < BURST; k++) {
		CHECK_MSG(*(uint32_t *)burst[k] == tag(burst[k]),
			  "block %p overwritten", burst[k]);
		slab_dealloc(h, burst[k], lay(burst_size[k], 8));
		if (k % 4096 == 0)
			check(h);
	}
	check(h);
	uintptr_t top = fallback.start;
	for (int c = 0; c < SLAB_CLASSES; c++) {
		const struct size_class *sc = &h->classes[c];
		CHECK_EQ(sc->live, 0);
		CHECK_MSG(sc->slabs <= 1 && sc->slabs == sc->empties,
			  "class %zu: %zu slabs", sc->block, sc->slabs);
		if (sc->slabs == 0)
			continue;
		CHECK((uintptr_t)sc->empty == lowest[c]);
		if (lowest[c] + slab_size[c] > top)
			top = lowest[c] + slab_size[c];
	}
	CHECK_EQ(fallback.free_bytes, size - slab_model_kept(h));
	CHECK(slab_model_kept(h) <= 7 * 4096 + 8192 + 16384);
	struct freelist_stats st = freelist_stats(&fallback);
	CHECK_EQ(st.largest_free, fallback.end - top);
	CHECK_MSG(top - fallback.start <= 64 * 1024, "top slab ends at +%zu",
		  (size_t)(top - fallback.start));
	CHECK(st.largest_free >= size - 64 * 1024);
}

/* --------------------------------------------------------------- growth */

/*
 * A 16 KiB heap that may grow to 1 MiB.  Four slabs fill it without a
 * growth; the fifth finds no room, and the heap grows once, by what
 * fallback_alloc asks: the slab at its alignment (4096 + 4096).  What
 * then fits in the new room takes it without growing; a large block
 * asks for its size rounded to 16, plus its alignment.
 */
TEST(slab_heap_grows_only_when_needed_by_what_it_asks)
{
	struct slab_heap *h = heap_at(0, 16 * 1024, 1024 * 1024);
	for (int i = 0; i < 4; i++)
		CHECK(model_alloc(8 << i, 8) == at(i * 4096 + first_at[i]));
	CHECK(fallback.head == NULL);
	CHECK_EQ(growth.calls, 0);
	CHECK(model_alloc(100, 8) == at(16384 + 128)); /* a 128-byte slab */
	CHECK_EQ(growth.calls, 1);
	CHECK_EQ(growth.last_ask, 4096 + 4096);
	CHECK_EQ(fallback.end - fallback.start, 16384 + 8192);
	CHECK(model_alloc(200, 8) == at(20480 + 256)); /* room: no growth */
	CHECK_EQ(growth.calls, 1);
	CHECK(fallback.head == NULL);
	CHECK(model_alloc(3000, 8) == at(24576)); /* a large block */
	CHECK_EQ(growth.calls, 2);
	CHECK_EQ(growth.last_ask, 3008 + 8);
	CHECK_EQ(fallback.end - fallback.start, 24576 + 3024);
	/* the 2048-byte class: 16 KiB slabs on 16 KiB: the new room is
	 * joined to the free 16 bytes at the old end, and aligned */
	CHECK(model_alloc(2048, 2048) == at(32768 + 2048));
	CHECK_EQ(growth.calls, 3);
	CHECK_EQ(growth.last_ask, 16384 + 16384);
	CHECK_EQ(h->large_live, 1);
	model_free_all();
	CHECK_EQ(growth.calls, 3);
}

/* A grow callback that says no: the alloc returns NULL, the heap is as
 * it was, nothing panics; once it says yes again the alloc works. */
TEST(slab_grow_refused_fails_cleanly)
{
	struct slab_heap *h = heap_at(0, 16 * 1024, 64 * 1024);
	for (int i = 0; i < 4; i++)
		model_alloc(8 << i, 8);
	growth.refuse = true;
	struct slab_heap before = *h;
	struct freelist_heap fl = fallback;
	CHECK(model_alloc(100, 8) == NULL);  /* a slab */
	CHECK(model_alloc(3000, 8) == NULL); /* a large block */
	CHECK(model_alloc(0, 4096) == NULL);
	CHECK_EQ(growth.calls, 3);
	CHECK_EQ(growth.refused, 3);
	CHECK(memcmp(h, &before, sizeof before) == 0);
	CHECK(memcmp(&fallback, &fl, sizeof fl) == 0);
	/* what a slab has room for still works */
	CHECK(model_alloc(8, 8) != NULL);
	growth.refuse = false;
	CHECK(model_alloc(100, 8) == at(16384 + 128));
	/* past the limit: refused by the fake, as a kernel out of frames */
	CHECK(model_alloc(64 * 1024, 8) == NULL);
	CHECK_EQ(growth.refused, 4);
	model_free_all();
}

/* Layouts no heap can meet: NULL, and no growth asked for one whose
 * size does not even round up (the sum would wrap). */
TEST(slab_huge_layouts_fail_and_change_nothing)
{
	struct slab_heap *h = heap_at(0, 16 * 1024, 64 * 1024);
	model_alloc(100, 8);
	struct layout huge[] = {
		{SIZE_MAX, 1},		 {SIZE_MAX - 14, 1},
		{SIZE_MAX - 15, 16},	 {SIZE_MAX / 2 + 1, 1},
		{0, (size_t)1 << 62},	 {1, (size_t)1 << 63},
		{SIZE_MAX - 4095, 4096},
	};
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		CHECK(model_alloc(huge[i].size, huge[i].align) == NULL);
		CHECK(slab_alloc(h, huge[i]) == NULL);
	}
	CHECK_EQ(growth.grown, 0);
	model_free_all();
}

static size_t lies;

/* Says yes, and adds nothing. */
static bool grow_lies(void *ctx, size_t bytes)
{
	(void)ctx, (void)bytes;
	lies++;
	return true;
}

/* A heap that never grows, or a callback that says yes and adds nothing:
 * NULL, nothing changed, no panic. */
TEST(slab_without_growth_fails_cleanly)
{
	struct slab_heap *h = heap_at(0, 8 * 1024, 0);
	CHECK(model_alloc(5000, 8) == at(0));
	CHECK(model_alloc(8, 8) == NULL);    /* no page-aligned 4 KiB left */
	CHECK(model_alloc(4000, 8) == NULL); /* 3184 bytes left */
	CHECK(model_alloc(3184, 16) == at(5008));
	CHECK(fallback.head == NULL);
	h->grow = grow_lies;
	struct slab_heap before = *h;
	struct freelist_heap fl = fallback;
	CHECK(slab_alloc(h, lay(16, 8)) == NULL);
	CHECK(slab_alloc(h, lay(100, 4096)) == NULL);
	CHECK_EQ(lies, 2);
	CHECK(memcmp(h, &before, sizeof before) == 0);
	CHECK(memcmp(&fallback, &fl, sizeof fl) == 0);
	check(h);
}

/* -------------------------------------------------------------- realloc */

TEST(slab_realloc_in_place_within_a_class)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	char *p = model_alloc(20, 8); /* the 32-byte class */
	struct slab_heap before = *h;
	struct freelist_heap fl = fallback;
	CHECK(slab_realloc_in_place(h, p, lay(20, 8), 32) == p);
	CHECK(slab_realloc_in_place(h, p, lay(32, 8), 17) == p);
	CHECK(slab_realloc_in_place(h, p, lay(17, 8), 0) == NULL); /* 8 */
	CHECK(slab_realloc_in_place(h, p, lay(17, 8), 16) == NULL);
	CHECK(slab_realloc_in_place(h, p, lay(17, 8), 33) == NULL);
	CHECK(slab_realloc_in_place(h, p, lay(17, 8), 3000) == NULL);
	CHECK(memcmp(h, &before, sizeof before) == 0);
	CHECK(memcmp(&fallback, &fl, sizeof fl) == 0);
	/* the alignment sets the class: 8 bytes at 64 is a 64-byte block */
	char *q = model_alloc(8, 64);
	CHECK(slab_realloc_in_place(h, q, lay(8, 64), 64) == q);
	CHECK(slab_realloc_in_place(h, q, lay(8, 64), 65) == NULL);
	/* through the model: each of these, and the moves */
	CHECK(model_realloc(0, 30) == p);
	CHECK(model_realloc(0, 33) != p);
	CHECK_EQ(model.moved, 1);
	model_free_all();
}

/* A large block resizes as the free list does (chapter 6): a shrink
 * gives the tail back, a growth takes the free room behind it; to or
 * from a class it moves. */
TEST(slab_realloc_in_place_for_large_blocks)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	char *a = model_alloc(3000, 8), *b = model_alloc(3000, 8);
	CHECK(a == at(0) && b == at(3008));
	CHECK(model_realloc(0, 2500) == a);
	CHECK_EQ(h->large_bytes, 2512 + 3008);
	CHECK_EQ(slab_used(h), 2512 + 3008);
	CHECK(fallback.head == at(2512));
	CHECK(model_realloc(0, 3000) == a); /* grows back */
	CHECK(fallback.head == at(6016));
	struct slab_heap before = *h;
	CHECK(slab_realloc_in_place(h, a, lay(3000, 8), 3009) == NULL);
	CHECK(memcmp(h, &before, sizeof before) == 0); /* b is in the way */
	CHECK(slab_realloc_in_place(h, a, lay(3000, 8), 100) == NULL);
	CHECK(slab_realloc_in_place(h, b, lay(3000, 8), 2048) == NULL);
	model_free(1); /* b */
	CHECK(model_realloc(0, 6000) == a);
	CHECK_EQ(h->large_bytes, 6000);
	/* 100 bytes at 4096 is a large block: the free list resizes it */
	char *c = model_alloc(100, 4096);
	CHECK(c == at(8192));
	CHECK(model_realloc(1, 2000) == c);
	CHECK_EQ(model.in_place, 4);
	model_free_all();
}

/* --------------------------------------------------------------- panics */

#define NOT_A_BLOCK "slab_dealloc: %p is not a block of a %zu-byte slab"

/* The layout names the class; a free with another one is caught by the
 * debug check (the block is not a block of a slab of that class), and
 * changes nothing. */
TEST(slab_free_with_the_wrong_class_panics)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	char *p = model_alloc(24, 8); /* a 32-byte block */
	char *big = model_alloc(3000, 8);
	CHECK(p == at(64) && big == at(4096));
	struct slab_heap before = *h;
	struct freelist_heap fl = fallback;
	EXPECT_PANIC(msg(NOT_A_BLOCK, p, (size_t)128),
		     slab_dealloc(h, p, lay(100, 8)));
	EXPECT_PANIC(msg(NOT_A_BLOCK, p, (size_t)16),
		     slab_dealloc(h, p, lay(16, 8)));
	EXPECT_PANIC(msg(NOT_A_BLOCK, p, (size_t)2048),
		     slab_dealloc(h, p, lay(1, 2048)));
	/* in the right slab, but not on a block: inside one, the header */
	EXPECT_PANIC(msg(NOT_A_BLOCK, p + 8, (size_t)32),
		     slab_dealloc(h, p + 8, lay(24, 8)));
	EXPECT_PANIC(msg(NOT_A_BLOCK, at(32), (size_t)32),
		     slab_dealloc(h, at(32), lay(32, 8)));
	/* a large block freed as a small one: no slab where it is */
	EXPECT_PANIC(msg(NOT_A_BLOCK, big, (size_t)16),
		     slab_dealloc(h, big, lay(16, 8)));
	CHECK(memcmp(h, &before, sizeof before) == 0);
	CHECK(memcmp(&fallback, &fl, sizeof fl) == 0);
	model_free_all();
}

TEST(slab_free_outside_the_heap_panics)
{
	struct slab_heap *h = heap_at(65536, 64 * 1024, 0);
	CHECK(model_alloc(8, 8) == at(65536 + 40));
	int local;
	const char *fmt = "slab_dealloc: %p is not in the heap";
	EXPECT_PANIC(msg(fmt, (void *)&local),
		     slab_dealloc(h, &local, lay(sizeof local, 4)));
	EXPECT_PANIC(msg(fmt, at(65536 - 64)),
		     slab_dealloc(h, at(65536 - 64), lay(64, 8)));
	EXPECT_PANIC(msg(fmt, at(2 * 65536)),
		     slab_dealloc(h, at(2 * 65536), lay(8, 8)));
	/* a large block: the free list says so */
	EXPECT_PANIC(msg("freelist_dealloc: %p +3008 is not in the heap",
			 at(2 * 65536)),
		     slab_dealloc(h, at(2 * 65536), lay(3000, 8)));
	check(h);
	CHECK_EQ(h->classes[0].live, 1);
	CHECK_EQ(h->large_live, 0);
	model_free_all();
}

/* A double free into a slab with nothing live is caught; the slab, kept
 * empty, is unchanged. */
TEST(slab_double_free_in_an_empty_slab_panics)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	void *p = model_alloc(512, 8);
	model_free(0);
	struct slab *s = slab_of(p, 6);
	CHECK(h->classes[6].empty == s);
	EXPECT_PANIC(msg("slab_dealloc: %p is free already (double free?)", p),
		     slab_dealloc(h, p, lay(512, 8)));
	CHECK_EQ(s->free_count, s->capacity);
	CHECK(s->free == p);
	check(h);
}

/* A late free into a slab that has gone back to the free list: its magic
 * is gone, so the block is in no slab. */
TEST(slab_free_into_a_released_slab_panics)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	void *b[8];
	for (int k = 0; k < 8; k++)
		b[k] = alloc(h, 512, 8);
	dealloc(h, b[7], 512, 8); /* the high slab: empty, kept */
	free_slab(h, b, 7, 512);  /* the low one empties: high goes */
	CHECK(h->classes[6].empty == at(0));
	EXPECT_PANIC(msg(NOT_A_BLOCK, b[7], (size_t)512),
		     slab_dealloc(h, b[7], lay(512, 8)));
	check(h);
}

/* ----------------------------------------------------------- slab_check */

static void *blocks[66];

/* The 64-byte class with a full slab at 0 (63 blocks live) and a partial
 * one at 4096 (3 live, 60 free); an empty 16-byte slab kept at 8192. */
static struct slab_heap *fixture(void)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	for (int k = 0; k < 66; k++)
		blocks[k] = alloc(h, 64, 8);
	dealloc(h, alloc(h, 16, 8), 16, 8);
	CHECK(h->classes[3].full == at(0) && h->classes[3].partial == at(4096));
	CHECK(h->classes[1].empty == at(8192));
	return h;
}

/* slab_check must say `what` broke, at `where`. */
static void expect_fault(const struct slab_heap *h, const char *what,
			 uintptr_t where)
{
	struct slab_fault f;
	CHECK_MSG(!slab_check(h, &f), "check passed; expected \"%s\"", what);
	CHECK_STR_EQ(f.what, what);
	CHECK_MSG(f.at == where, "at %#lx, expected %#lx", (unsigned long)f.at,
		  (unsigned long)where);
}

TEST(slab_check_detects_a_broken_header)
{
	struct slab_heap *h = fixture();
	struct slab *s = at(4096);
	const char *header = "slab header broken (magic or block size)";
	s->magic ^= 1;
	expect_fault(h, header, (uintptr_t)s);
	EXPECT_PANIC(msg("slab_check: %s at %p", header, (void *)s),
		     slab_assert(h));
	s->magic ^= 1;
	s->block = 32;
	expect_fault(h, header, (uintptr_t)s);
	s->block = 64;
	s->capacity = 64;
	expect_fault(h, "slab counts out of range", (uintptr_t)s);
	s->capacity = 63;
	check(h);
	slab_assert(h);
}

TEST(slab_check_detects_a_wrong_free_count_and_a_cycle)
{
	struct slab_heap *h = fixture();
	struct slab *s = at(4096);
	CHECK_EQ(s->free_count, 60);
	s->free_count = 61;
	expect_fault(h, "free list shorter than free_count", (uintptr_t)s);
	s->free_count = 59;
	expect_fault(h, "free list longer than free_count (cycle?)",
		     (uintptr_t)s);
	s->free_count = 60;
	void **last = s->free;
	while (*last != NULL)
		last = *last;
	*last = s->free; /* the end points back to the start */
	expect_fault(h, "free list longer than free_count (cycle?)",
		     (uintptr_t)s);
	*last = NULL;
	check(h);
}

TEST(slab_check_detects_a_free_block_not_in_its_slab)
{
	struct slab_heap *h = fixture();
	struct slab *s = at(4096);
	void **second = *(void ***)s->free;
	void *keep = *second;
	const char *what = "free block not a block of its slab";
	*second = (char *)s + 100; /* off a block boundary */
	expect_fault(h, what, (uintptr_t)s + 100);
	*second = s; /* the header */
	expect_fault(h, what, (uintptr_t)s);
	*second = blocks[0]; /* a block of another slab */
	expect_fault(h, what, (uintptr_t)blocks[0]);
	*second = keep;
	check(h);
}

TEST(slab_check_detects_a_slab_on_the_wrong_list)
{
	struct slab_heap *h = fixture();
	struct size_class *c = &h->classes[3];
	struct slab *full = at(0), *partial = at(4096);
	c->full = NULL; /* the full slab pushed on partial */
	full->next = partial;
	partial->prev = full;
	c->partial = full;
	expect_fault(h, "slab on the wrong list for its count",
		     (uintptr_t)full);
	c->partial = partial, partial->prev = NULL;
	c->full = full, full->next = NULL;
	check(h);
	partial->prev = full; /* the head's prev must be NULL */
	expect_fault(h, "slab list links broken", (uintptr_t)partial);
	partial->prev = NULL;
	c->partial = (struct slab *)((char *)partial + 64);
	expect_fault(h, "slab outside the heap or misaligned",
		     (uintptr_t)partial + 64);
	c->partial = (struct slab *)fallback.end;
	expect_fault(h, "slab outside the heap or misaligned", fallback.end);
	c->partial = partial;
	check(h);
}

TEST(slab_check_detects_class_counts_off)
{
	struct slab_heap *h = fixture();
	struct size_class *c = &h->classes[3];
	const char *counts = "class counts do not match its slabs";
	c->live++;
	expect_fault(h, counts, 64);
	c->live--, c->slabs++;
	expect_fault(h, counts, 64);
	c->slabs--, c->empties++;
	expect_fault(h, counts, 64);
	c->empties--, c->slabs--;
	expect_fault(h, "more slabs on the lists than counted",
		     (uintptr_t)at(0));
	c->slabs++;
	fallback.free_bytes += 16; /* the free list's own check */
	expect_fault(h, "free_bytes is not the sum of the free blocks", 0);
	fallback.free_bytes -= 16;
	check(h);
}

/* Frees every block of slab s by hand, without the release. */
static void empty_by_hand(struct size_class *c, struct slab *s,
			  struct slab **from, void **b, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		*(void **)b[k] = s->free;
		s->free = b[k];
	}
	s->free_count += n;
	c->live -= n;
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		*from = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->prev = NULL;
	s->next = c->empty;
	if (c->empty != NULL)
		c->empty->prev = s;
	c->empty = s;
	c->empties++;
}

TEST(slab_check_detects_more_empty_slabs_than_kept)
{
	struct slab_heap *h = fixture();
	struct size_class *c = &h->classes[3];
	empty_by_hand(c, at(4096), &c->partial, blocks + 63, 3);
	check(h); /* one empty slab: allowed */
	empty_by_hand(c, at(0), &c->full, blocks, 63);
	expect_fault(h, "more empty slabs kept than SLAB_KEEP_EMPTY", 64);
}

/* ------------------------------------------------------------ the model */

/* The model itself must be able to fail: a block it was not told about,
 * a block where the model says none is, contents overwritten. */
TEST(slab_model_notices_what_is_wrong)
{
	struct slab_heap *h = heap_at(0, 64 * 1024, 0);
	char *p = model_alloc(40, 8);
	CHECK(model_alloc(3000, 8) == at(4096));
	void *q = slab_alloc(h, lay(40, 8));
	CHECK_STR_EQ(slab_model_check(&model), "class 64: 2 live, the model "
					       "has 1");
	slab_dealloc(h, q, lay(40, 8));
	CHECK(slab_model_check(&model) == NULL);
	model.live[1].at += 16;
	CHECK_STR_EQ(slab_model_check(&model), "+4096 is the start of no "
					       "slab, large block or free "
					       "block");
	model.live[1].at -= 16;
	p[39] = 0;
	CHECK_STR_EQ(slab_model_free(&model, 0), "block +64 (40 bytes) was "
						 "overwritten while live");
}

/*
 * The property: random allocs, reallocs and frees; sizes mostly small,
 * a few of them on a class boundary, one in eight large (up to 8 KiB);
 * alignments mostly up to 8, some up to 4096.  The heap starts at 32 KiB
 * somewhere different for each seed and grows to 512 KiB at most; for
 * one stretch in eight the grow callback says no.  After every
 * operation the model checks the whole heap (slab_model.h); each
 * sequence ends with everything freed and the heap back to one slab per
 * class at most.  The live blocks fill and drain in phases of 4096
 * operations, so full slabs and empty ones, and a heap that must grow,
 * all come up.
 *
 * A million operations, each checked: slab_check walks every free block
 * of every slab (about 1000 here) and the model tiles the whole heap, so
 * an operation costs some 25 us under the sanitizers and this test about
 * 25 s, the longest host test (make test runs it beside the kernels).
 * The fuzzer (tests/fuzz/slab_fuzz.c, `make fuzz`) runs the same model
 * for as long as it is given.
 */
#define SEEDS 8
#define OPS_PER_SEED 125000

static size_t random_size(uint64_t r)
{
	switch (r % 8) {
	case 0:
		return (r >> 8) % 17; /* tiny */
	case 1:
	case 2:
	case 3:
		return (r >> 8) % 257;
	case 4:
		return (r >> 8) % 2049;
	case 5: /* a class boundary, +-1 */
		return ((size_t)8 << (r >> 8) % 9) + (r >> 16) % 3 - 1;
	case 6:
		return 2049 + (r >> 8) % 6144; /* large */
	default:
		return (r >> 8) % 8193;
	}
}

static size_t random_align(uint64_t r)
{
	unsigned shift = r % 4 ? (r >> 2) % 4 : (r >> 2) % 13;
	return (size_t)1 << shift;
}

static const char *random_op(struct slab_model *m, size_t op, uint64_t r)
{
	bool filling = op / 4096 % 2 == 0;
	unsigned pick = r % 100;
	r >>= 8;
	if (m->n == 0 || pick < (filling ? 60u : 30u))
		return slab_model_alloc(m, random_size(r),
					random_align(r >> 24));
	size_t i = (r >> 40) % m->n;
	if (pick < (filling ? 80u : 75u))
		return slab_model_free(m, i);
	size_t old = m->live[i].layout.size, delta = (r >> 24) % 64;
	size_t new_size = r % 2			       ? random_size(r >> 1)
			  : r % 4 == 0 && old >= delta ? old - delta
						       : old + delta;
	return slab_model_realloc(m, i, new_size);
}

TEST(slab_randomized_against_a_model)
{
	size_t totals[10] = {0};
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		uint64_t state = seed * 0x9e3779b97f4a7c15ULL;
		/* start offsets of 1 KiB and a bit: no slab size divides it */
		heap_at(seed * 1040 + seed % 2 * 5, 32 * 1024, 512 * 1024);
		for (size_t op = 0; op < OPS_PER_SEED; op++) {
			growth.refuse = op / 2048 % 8 == 7;
			const char *err =
				random_op(&model, op, harness_rand(&state));
			CHECK_MSG(err == NULL, "seed %llu op %zu: %s",
				  (unsigned long long)seed, op, err);
		}
		const char *err = slab_model_free_all(&model);
		CHECK_MSG(err == NULL, "seed %llu, freeing all: %s",
			  (unsigned long long)seed, err);
		size_t counts[10] = {model.small_allocs, model.large_allocs,
				     model.alloc_fails,	 model.frees,
				     model.slabs_made,	 model.slabs_released,
				     model.grows,	 model.in_place,
				     model.moved,	 model.realloc_fails};
		for (int i = 0; i < 10; i++)
			totals[i] += counts[i];
	}
	/* every path ran, many times */
	for (int i = 0; i < 10; i++)
		CHECK_MSG(totals[i] > 200, "path %d ran %zu times", i,
			  totals[i]);
}
