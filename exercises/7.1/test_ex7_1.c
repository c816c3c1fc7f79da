// sources: stages/6-free-list/freelist.c stages/7-size-classes/slab.c
// stage: 7
/*
 * Exercise 7.1, on the host: the slabs of every one of the 16 classes
 * (8, 16, 24, 32, 48, 64, ..., 1536, 2048; slab_class_block(i) is class
 * i's block size) carved, filled, emptied and given back, on a heap in a
 * static array (no growth), with slab_check after every operation.
 */
#include "harness.h"

#include "freelist.h"
#include "slab.h"

/* 64 KiB-aligned like the kernel's HEAP_START: a slab (16 KiB at most)
 * never starts below the heap. */
#define MEM_SIZE (4u << 20)
static _Alignas(65536) unsigned char heap_mem[MEM_SIZE];

static struct freelist_heap fallback;
static struct slab_heap heap;

static const size_t blocks[16] = {8,   16,  24,	 32,   48,   64,   96,	 128,
				  192, 256, 384, 512, 768, 1024, 1536, 2048};

static struct layout lay(size_t size, size_t align)
{
	return (struct layout){size, align};
}

static void check(void)
{
	struct slab_fault f;
	CHECK_MSG(slab_check(&heap, &f), "slab_check: %s at %#lx", f.what,
		  (unsigned long)f.at);
}

static void fresh_heap(void)
{
	CHECK(freelist_init(&fallback, (uintptr_t)heap_mem, MEM_SIZE) ==
	      FREELIST_OK);
	slab_heap_init(&heap, &fallback, NULL, NULL);
	check();
}

TEST(sixteen_classes_from_8_to_2048)
{
	CHECK_EQ(SLAB_CLASSES, 16);
	for (int c = 0; c < 16; c++)
		CHECK_MSG(slab_class_block(c) == blocks[c],
			  "class %d: %zu bytes, not %zu", c,
			  slab_class_block(c), blocks[c]);
	fresh_heap();
	for (int c = 0; c < 16; c++) {
		struct slab_class_stats s;
		slab_class_stats(&heap, c, &s);
		CHECK_EQ(s.block, blocks[c]);
	}
}

/* The smallest class whose blocks hold size bytes at the alignment. */
static int smallest(size_t size, size_t align)
{
	for (int c = 0; c < 16; c++)
		if (blocks[c] >= size && blocks[c] % align == 0)
			return c;
	return -1;
}

TEST(every_layout_takes_the_smallest_class_that_holds_it)
{
	for (size_t align = 1; align <= 8192; align *= 2)
		for (size_t size = 0; size <= 4100; size++)
			CHECK_MSG(slab_class_of(lay(size, align)) ==
					  smallest(size, align),
				  "%zu/%zu: class %d, not %d", size, align,
				  slab_class_of(lay(size, align)),
				  smallest(size, align));
	CHECK_EQ(slab_class_of(lay(SIZE_MAX, 1)), -1);
	CHECK_EQ(slab_class_of(lay(1, (size_t)1 << 40)), -1);
}

/*
 * For each class: three slabs' worth of blocks of its full size, at the
 * largest alignment its blocks have, each filled with its own byte; then
 * every block is still intact, all are freed, and the class keeps one
 * empty slab.
 */
TEST(every_class_fills_three_slabs_and_gives_them_back)
{
	static unsigned char *p[3 * 512];
	fresh_heap();
	for (int c = 0; c < 16; c++) {
		size_t size = blocks[c], align = size & -size;
		CHECK(slab_class_of(lay(size, align)) == c);
		size_t n = 0;
		struct slab_class_stats s;
		do {
			p[n] = slab_alloc(&heap, lay(size, align));
			CHECK_MSG(p[n] != NULL, "class %zu, block %zu", size, n);
			CHECK_MSG((uintptr_t)p[n] % align == 0,
				  "%zu-byte block %p not %zu-aligned", size,
				  (void *)p[n], align);
			memset(p[n], (int)(n % 251 + 1), size);
			n++;
			check();
			slab_class_stats(&heap, c, &s);
		} while (s.slabs < 3 || s.free > 0);
		CHECK_EQ(s.live, n);
		CHECK_MSG(n >= 3 * 7, "%zu-byte class: %zu blocks in 3 slabs",
			  size, n);
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < size; k++)
				CHECK_MSG(p[i][k] == (unsigned char)(i % 251 + 1),
					  "%zu-byte block %zu overwritten",
					  size, i);
		for (size_t i = 0; i < n; i++) {
			slab_dealloc(&heap, p[i], lay(size, align));
			check();
		}
		slab_class_stats(&heap, c, &s);
		CHECK_EQ(s.live, 0);
		CHECK_EQ(s.slabs, SLAB_KEEP_EMPTY);
	}
	/* the free list is one block again but for the slabs kept */
	size_t kept = 0;
	for (int c = 0; c < 16; c++) {
		struct slab_class_stats s;
		slab_class_stats(&heap, c, &s);
		kept += s.bytes;
	}
	CHECK_EQ(fallback.used, kept);
}

/* Blocks of 48 and of 1536 bytes, chained through themselves, in and
 * out in random order. */
TEST(the_new_classes_in_random_order)
{
	static void *live[1024];
	static size_t sizes[1024];
	fresh_heap();
	uint64_t state = 42;
	size_t n = 0;
	for (int op = 0; op < 200000; op++) {
		uint64_t r = harness_rand(&state);
		if (n < 1024 && (n == 0 || r % 100 < 55)) {
			size_t size = (r >> 8) % 2 ? 33 + (r >> 16) % 16
						 : 1025 + (r >> 16) % 512;
			unsigned char *q = slab_alloc(&heap, lay(size, 1));
			CHECK(q != NULL);
			CHECK_EQ(slab_class_block(slab_class_of(lay(size, 1))),
				 size <= 48 ? 48 : 1536);
			memset(q, (int)(size & 0xff), size);
			live[n] = q;
			sizes[n++] = size;
		} else {
			size_t i = (r >> 32) % n;
			unsigned char *q = live[i];
			for (size_t k = 0; k < sizes[i]; k++)
				CHECK(q[k] == (unsigned char)(sizes[i] & 0xff));
			slab_dealloc(&heap, q, lay(sizes[i], 1));
			live[i] = live[--n];
			sizes[i] = sizes[n];
		}
		if (op % 64 == 0)
			check();
	}
	while (n > 0) {
		n--;
		slab_dealloc(&heap, live[n], lay(sizes[n], 1));
	}
	check();
}

/* A 48-byte block freed as a 64-byte one is not a block of the 64-byte
 * class's slab, and the debug check says so; freed as 33 bytes (48 too)
 * it is fine. */
TEST(a_free_with_a_size_of_another_class_is_caught)
{
	fresh_heap();
	void *p = slab_alloc(&heap, lay(40, 8));
	EXPECT_PANIC("is not a block of a 64-byte slab",
		     slab_dealloc(&heap, p, lay(60, 8)));
	slab_dealloc(&heap, p, lay(33, 8));
	check();
}
