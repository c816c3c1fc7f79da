// sources: stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 3
/*
 * test_host_alloc.c - the host tests' own allocator (host_alloc.c), the
 * global allocator behind kmalloc in every host test.  It adds a header
 * and alignment padding to each request: for a size or an alignment near
 * SIZE_MAX that sum wraps, and a wrapped sum would hand out a tiny block
 * for a huge request.  A request that cannot be met must return NULL.
 */
#include "harness.h"
#include "host_alloc.h"

#include "alloc.h"

/* A value the compiler cannot see through: the allocation attributes in
 * alloc.h make GCC reject a constant huge size at compile time, and these
 * tests are about the run-time answer (as in test_layout.c). */
static size_t rt(size_t x)
{
	__asm__("" : "+r"(x));
	return x;
}

/* kmalloc validates the layout first; these go straight to the allocator,
 * with layouts that are valid but far too big. */
static void *alloc_layout(size_t size, size_t align)
{
	struct layout l;
	CHECK_MSG(layout_new(size, align, &l) == LAYOUT_OK,
		  "test bug: invalid layout size %zu align %zu", size, align);
	return allocator_alloc(&host_allocator, l);
}

TEST(host_alloc_huge_sizes_return_null)
{
	size_t live = host_alloc_live(), count = host_alloc_count();
	/* SIZE_MAX - 39 plus a 32-byte header and 8 bytes of padding is
	 * exactly 2^64: it wrapped to malloc(0) */
	size_t sizes[] = {
		SIZE_MAX,	    SIZE_MAX - 1,     SIZE_MAX - 7,
		SIZE_MAX - 39,	    SIZE_MAX - 40,    SIZE_MAX - 4096,
		SIZE_MAX / 2,	    SIZE_MAX / 2 + 1, (size_t)1 << 48,
		HOST_ALLOC_MAX + 1,
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		CHECK_MSG(kmalloc(rt(sizes[i]), 1) == NULL, "size %zu",
			  sizes[i]);
		CHECK_MSG(kmalloc(rt(sizes[i] & ~(size_t)15), 16) == NULL,
			  "size %zu align 16", sizes[i] & ~(size_t)15);
		CHECK_MSG(alloc_layout(sizes[i], 1) == NULL, "size %zu",
			  sizes[i]);
	}
	CHECK_EQ(host_alloc_live(), live);
	CHECK_EQ(host_alloc_count(), count);
}

TEST(host_alloc_huge_alignments_return_null)
{
	size_t live = host_alloc_live();
	/* the padding for the alignment alone is more than any heap */
	for (size_t align = (size_t)1 << 40; align != 0; align <<= 1) {
		CHECK_MSG(kmalloc(0, rt(align)) == NULL, "align %zu", align);
		CHECK_MSG(kmalloc(1, rt(align)) == NULL, "align %zu", align);
		CHECK_MSG(alloc_layout(align, align) == NULL, "align %zu",
			  align);
		/* the largest size a layout allows for this alignment */
		CHECK_MSG(alloc_layout(SIZE_MAX - (align - 1), align) == NULL,
			  "align %zu", align);
	}
	CHECK_EQ(host_alloc_live(), live);
}

TEST(host_alloc_huge_realloc_keeps_the_old_block)
{
	size_t live = host_alloc_live();
	char *p = kmalloc(16, 8);
	CHECK(p != NULL);
	memcpy(p, "fifteen chars..", 16);
	CHECK(krealloc(p, 16, 8, rt(SIZE_MAX - 39)) == NULL);
	CHECK(krealloc(p, 16, 8, rt(SIZE_MAX - 7)) == NULL);
	CHECK_STR_EQ(p, "fifteen chars..");
	kfree(p, 16, 8);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(host_alloc_normal_sizes_and_alignments_work)
{
	size_t live = host_alloc_live();
	size_t sizes[] = {0, 1, 7, 32, 100, 4096, (size_t)1 << 20};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (size_t align = 1; align <= ((size_t)1 << 16);
		     align <<= 1) {
			char *p = kmalloc(rt(sizes[i]), rt(align));
			CHECK_MSG(p != NULL, "size %zu align %zu", sizes[i],
				  align);
			CHECK_MSG((uintptr_t)p % align == 0,
				  "%p not aligned to %zu", (void *)p, align);
			memset(p, 0xa5, sizes[i]); /* ASan: all of it is ours */
			CHECK_EQ(host_alloc_live(), live + 1);
			kfree(p, sizes[i], align);
		}
	}
	/* HOST_ALLOC_MAX counts the header and padding too */
	CHECK(kmalloc(rt(HOST_ALLOC_MAX), 1) == NULL);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(host_alloc_dealloc_checks_the_layout)
{
	size_t live = host_alloc_live();
	char *p = kmalloc(24, 8);
	CHECK(p != NULL);
	EXPECT_PANIC("host_dealloc: ", kfree(p, 16, 8));
	EXPECT_PANIC("allocated with size 24 align 8", kfree(p, 24, 16));
	kfree(p, 24, 8);
	CHECK_EQ(host_alloc_live(), live);
}
