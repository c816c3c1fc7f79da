// sources: common/multiboot2.c
/*
 * test_multiboot2.c - the Multiboot2 boot information parser, on synthetic
 * buffers.  Every parse runs on a heap copy of exactly the bytes it may
 * read, so AddressSanitizer turns any read past buf + avail into a failure.
 */
#include "harness.h"

#include <stdlib.h>

#include "mb2_builder.h"
#include "multiboot2.h"

/* ------------------------------------------------------------- builder */

/* A heap copy of exactly len bytes (malloc aligns to at least 8). */
static uint8_t *exact_copy(const void *src, size_t len)
{
	uint8_t *p = malloc(len == 0 ? 1 : len);
	if (p == NULL)
		abort();
	memcpy(p, src, len);
	return p;
}

/* Parses a heap copy of the first `len` bytes, with avail = len. */
static enum mb2_error parse_len(struct mb_builder *b, size_t len)
{
	uint8_t *p = exact_copy(mb_bytes(b), len);
	struct mb2_info info;
	enum mb2_error err = mb2_parse(p, len, &info);
	free(p);
	return err;
}

static enum mb2_error parse_built(struct mb_builder *b)
{
	return parse_len(b, b->len);
}

/* A typical GRUB-on-QEMU structure, with unknown tags in between. */
static const struct mb_entry qemu_map[] = {
	{0x0, 0x9fc00, MB2_MEM_AVAILABLE},
	{0x9fc00, 0x400, MB2_MEM_RESERVED},
	{0xf0000, 0x10000, MB2_MEM_RESERVED},
	{0x100000, 0x7ee0000, MB2_MEM_AVAILABLE},
	{0x7fe0000, 0x20000, MB2_MEM_ACPI_RECLAIMABLE},
	{0xfffc0000, 0x40000, MB2_MEM_RESERVED},
	{0x100000000ull, 0x80000000ull, MB2_MEM_AVAILABLE},
	{0x180000000ull, 0x1000, 7},
};
#define QEMU_MAP_N (sizeof(qemu_map) / sizeof(qemu_map[0]))

/* A type-8 tag as GRUB writes it under OVMF: 640x480, 32 bpp, blue in the
 * low byte (GOP's BGRX), the colours at offset 32 after a u16 reserved. */
static size_t mb_framebuffer(struct mb_builder *b, uint8_t fb_type,
			     size_t data_len)
{
	uint8_t d[40] = {0};
	uint64_t addr = 0x80000000ull;
	uint32_t pitch = 2560, width = 640, height = 480;
	memcpy(d + 0, &addr, 8);
	memcpy(d + 8, &pitch, 4);
	memcpy(d + 12, &width, 4);
	memcpy(d + 16, &height, 4);
	d[20] = 32;	 /* bpp */
	d[21] = fb_type; /* then the u16 reserved at 22 */
	static const uint8_t bgrx[6] = {16, 8, 8, 8, 0, 8};
	memcpy(d + 24, bgrx, 6); /* tag offset 32 */
	return mb_tag(b, MB2_TAG_FRAMEBUFFER, d, data_len);
}

static void build_valid(struct mb_builder *b)
{
	static const uint8_t junk[13] = {0, 0, 0, 0, 8, 0, 0, 0, 1, 2, 3, 4, 5};
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "console=ttyS0 quiet");
	mb_tag(b, 21, junk, 4); /* load base address, unknown here */
	mb_string(b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
	mb_tag(b, 4, junk, 13); /* looks like an end tag inside, odd size */
	mb_mmap(b, 24, qemu_map, QEMU_MAP_N);
	mb_framebuffer(b, MB2_FB_RGB, 30);
	mb_tag(b, 0xffffffffu, NULL, 0);
	mb_end(b);
}

static void check_map(const struct mb2_info *info, const struct mb_entry *want,
		      size_t n)
{
	CHECK_EQ(info->mmap_count, n);
	for (size_t i = 0; i < n; i++) {
		struct mb2_mmap_entry e;
		CHECK(mb2_mmap_get(info, i, &e));
		CHECK_EQ(e.base, want[i].base);
		CHECK_EQ(e.length, want[i].length);
		CHECK_EQ(e.type, want[i].type);
	}
	struct mb2_mmap_entry untouched = {1, 2, 3};
	CHECK(!mb2_mmap_get(info, n, &untouched));
	CHECK(!mb2_mmap_get(info, (size_t)-1, &untouched));
	CHECK_EQ(untouched.base, 1);
	CHECK_EQ(untouched.length, 2);
	CHECK_EQ(untouched.type, 3);
}

/* --------------------------------------------------------- valid input */

TEST(valid_info_reads_back_exactly)
{
	struct mb_builder b;
	build_valid(&b);
	uint8_t *p = exact_copy(mb_bytes(&b), b.len);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(p, b.len, &info), MB2_OK);
	CHECK(info.start == p);
	CHECK_EQ(info.total_size, b.len);
	CHECK(info.cmdline != NULL);
	CHECK_STR_EQ(info.cmdline, "console=ttyS0 quiet");
	CHECK(info.bootloader_name != NULL);
	CHECK_STR_EQ(info.bootloader_name, "GRUB 2.06");
	/* The pointers point into the buffer, not at copies. */
	CHECK((const uint8_t *)info.cmdline == p + 16);
	CHECK(info.mmap_entries != NULL);
	CHECK((const uint8_t *)info.mmap_entries > p);
	CHECK((const uint8_t *)info.mmap_entries + 24 * QEMU_MAP_N < p + b.len);
	CHECK_EQ(info.mmap_entry_size, 24);
	check_map(&info, qemu_map, QEMU_MAP_N);
	CHECK(info.has_framebuffer);
	CHECK_EQ(info.framebuffer.width, 640);
	free(p);
}

TEST(valid_info_with_generous_avail)
{
	/* The kernel passes a bound larger than the structure. */
	struct mb_builder b;
	build_valid(&b);
	uint8_t *p = calloc(1, 4 * b.len);
	CHECK(p != NULL);
	memcpy(p, mb_bytes(&b), b.len);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(p, 4 * b.len, &info), MB2_OK);
	CHECK_EQ(info.total_size, b.len);
	check_map(&info, qemu_map, QEMU_MAP_N);
	free(p);
}

TEST(larger_mmap_entries_are_stepped_over)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_mmap(&b, 40, qemu_map, QEMU_MAP_N);
	mb_end(&b);
	uint8_t *p = exact_copy(mb_bytes(&b), b.len);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(p, b.len, &info), MB2_OK);
	CHECK_EQ(info.mmap_entry_size, 40);
	check_map(&info, qemu_map, QEMU_MAP_N);
	free(p);
}

TEST(absent_tags_are_null)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_end(&b);
	CHECK_EQ(b.len, 16);
	uint8_t *p = exact_copy(mb_bytes(&b), b.len);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(p, b.len, &info), MB2_OK);
	CHECK(info.cmdline == NULL);
	CHECK(info.bootloader_name == NULL);
	CHECK(info.mmap_entries == NULL);
	CHECK_EQ(info.mmap_entry_size, 0);
	CHECK_EQ(info.mmap_count, 0);
	struct mb2_mmap_entry e;
	CHECK(!mb2_mmap_get(&info, 0, &e));
	free(p);
}

TEST(empty_strings_and_empty_mmap)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_string(&b, MB2_TAG_CMDLINE, "");
	mb_string(&b, MB2_TAG_BOOTLOADER_NAME, "");
	mb_mmap(&b, 24, NULL, 0);
	mb_end(&b);
	uint8_t *p = exact_copy(mb_bytes(&b), b.len);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(p, b.len, &info), MB2_OK);
	CHECK_STR_EQ(info.cmdline, "");
	CHECK_STR_EQ(info.bootloader_name, "");
	CHECK(info.mmap_entries != NULL);
	CHECK_EQ(info.mmap_count, 0);
	free(p);
}

TEST(unknown_tags_are_skipped)
{
	/* Every size from 8 to 40 for unknown types, some of whose data
	 * looks like tags: the walk must use the size, not the contents. */
	static const uint8_t fake[32] = {0, 0, 0, 0, 8, 0, 0, 0,
					 1, 0, 0, 0, 9, 0, 0, 0};
	struct mb_builder b;
	mb_begin(&b);
	for (size_t n = 0; n <= 32; n++)
		mb_tag(&b, (uint32_t)(100 + n), fake, n);
	/* Types the specification defines but this parser does not read:
	 * modules, basic meminfo, boot device, framebuffer, ACPI. */
	mb_tag(&b, 3, fake, 16);
	mb_tag(&b, 4, fake, 8);
	mb_tag(&b, 5, fake, 12);
	mb_tag(&b, 8, fake, 31);
	mb_tag(&b, 15, fake, 20);
	mb_string(&b, MB2_TAG_CMDLINE, "root=/dev/sda1");
	mb_tag(&b, 0x7fffffff, fake, 5);
	mb_end(&b);
	uint8_t *p = exact_copy(mb_bytes(&b), b.len);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(p, b.len, &info), MB2_OK);
	CHECK_STR_EQ(info.cmdline, "root=/dev/sda1");
	CHECK(info.bootloader_name == NULL);
	CHECK(info.mmap_entries == NULL);
	free(p);
}

TEST(reserved_field_is_ignored)
{
	struct mb_builder b;
	build_valid(&b);
	mb_put32(&b, 4, 0xdeadbeef);
	CHECK_EQ(parse_built(&b), MB2_OK);
}

/* -------------------------------------------------- malformed: framing */

TEST(refuses_null)
{
	struct mb2_info info;
	CHECK_EQ(mb2_parse(NULL, 4096, &info), MB2_ERR_NULL);
}

TEST(refuses_misaligned_buffer)
{
	struct mb_builder b;
	build_valid(&b);
	for (size_t shift = 1; shift < 8; shift++) {
		uint8_t *p = malloc(b.len + shift);
		CHECK(p != NULL);
		memcpy(p + shift, mb_bytes(&b), b.len);
		struct mb2_info info;
		CHECK_EQ(mb2_parse(p + shift, b.len, &info),
			 MB2_ERR_MISALIGNED);
		free(p);
	}
}

TEST(refuses_avail_below_8)
{
	struct mb_builder b;
	build_valid(&b);
	for (size_t len = 0; len < 8; len++)
		CHECK_EQ(parse_len(&b, len), MB2_ERR_AVAIL_TOO_SMALL);
}

TEST(refuses_total_size_below_16)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_end(&b);
	for (uint32_t total = 0; total < 16; total++) {
		mb_put32(&b, 0, total);
		CHECK_EQ(parse_built(&b), MB2_ERR_TOTAL_SIZE_TOO_SMALL);
	}
}

TEST(refuses_total_size_above_avail)
{
	struct mb_builder b;
	build_valid(&b);
	/* Claims 8 bytes more than can be read. */
	mb_put32(&b, 0, (uint32_t)b.len + 8);
	CHECK_EQ(parse_built(&b), MB2_ERR_TOTAL_SIZE_TOO_BIG);
	mb_put32(&b, 0, 0xffffffff);
	CHECK_EQ(parse_built(&b), MB2_ERR_TOTAL_SIZE_TOO_BIG);
	/* The whole buffer, but avail one byte short. */
	build_valid(&b);
	CHECK_EQ(parse_len(&b, b.len - 1), MB2_ERR_TOTAL_SIZE_TOO_BIG);
}

TEST(refuses_truncated_tag_header)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_string(&b, MB2_TAG_CMDLINE, "hello");
	/* 4 bytes after the last tag: not enough for a tag header. */
	mb_put32(&b, 0, (uint32_t)b.len + 4);
	CHECK_EQ(parse_len(&b, b.len + 4), MB2_ERR_TAG_HEADER_TRUNCATED);
}

TEST(refuses_tag_smaller_than_header)
{
	for (uint32_t size = 0; size < 8; size++) {
		struct mb_builder b;
		mb_begin(&b);
		size_t off = mb_tag(&b, 77, NULL, 0);
		mb_end(&b);
		mb_put32(&b, off + 4, size);
		CHECK_EQ(parse_built(&b), MB2_ERR_TAG_TOO_SMALL);
	}
}

TEST(refuses_tag_running_past_total_size)
{
	static const uint8_t data[16];
	struct mb_builder b;
	mb_begin(&b);
	size_t off = mb_tag(&b, 77, data, sizeof data);
	mb_end(&b);
	/* The tag and the end tag take b.len - off bytes; one more. */
	mb_put32(&b, off + 4, (uint32_t)(b.len - off + 1));
	CHECK_EQ(parse_built(&b), MB2_ERR_TAG_OVERRUNS);
	mb_put32(&b, off + 4, 0xffffffff);
	CHECK_EQ(parse_built(&b), MB2_ERR_TAG_OVERRUNS);
	/* A string tag overrunning is refused before its string is read. */
	mb_begin(&b);
	off = mb_string(&b, MB2_TAG_CMDLINE, "abcdefg");
	mb_end(&b);
	mb_put32(&b, off + 4, 0x10000);
	CHECK_EQ(parse_built(&b), MB2_ERR_TAG_OVERRUNS);
	/* So is a memory map tag. */
	mb_begin(&b);
	off = mb_mmap(&b, 24, qemu_map, 2);
	mb_end(&b);
	mb_put32(&b, off + 4, 16 + 3 * 24);
	CHECK_EQ(parse_built(&b), MB2_ERR_TAG_OVERRUNS);
}

TEST(refuses_missing_end_tag)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_string(&b, MB2_TAG_CMDLINE, "no end");
	mb_tag(&b, 77, NULL, 0);
	mb_put32(&b, 0, (uint32_t)b.len);
	CHECK_EQ(parse_built(&b), MB2_ERR_MISSING_END_TAG);

	/* A last tag whose padding would step past total_size. */
	static const uint8_t five[5] = {1, 2, 3, 4, 5};
	mb_begin(&b);
	mb_tag(&b, 77, five, sizeof five); /* size 13 */
	mb_put32(&b, 0, 8 + 13);
	CHECK_EQ(parse_len(&b, 8 + 13), MB2_ERR_MISSING_END_TAG);
}

TEST(refuses_bad_end_tag)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_end(&b);
	mb_put32(&b, 12, 16);
	mb_put32(&b, 0, 24);
	CHECK_EQ(parse_len(&b, 24), MB2_ERR_BAD_END_TAG);
}

TEST(refuses_data_after_end_tag)
{
	struct mb_builder b;
	build_valid(&b);
	/* Another tag after the end tag, counted by total_size. */
	mb_put32(&b, b.len, MB2_TAG_CMDLINE);
	mb_put32(&b, b.len + 4, 8);
	mb_put32(&b, 0, (uint32_t)b.len + 8);
	CHECK_EQ(parse_len(&b, b.len + 8), MB2_ERR_DATA_AFTER_END);
	/* Even a second end tag. */
	mb_put32(&b, b.len, MB2_TAG_END);
	CHECK_EQ(parse_len(&b, b.len + 8), MB2_ERR_DATA_AFTER_END);
}

TEST(refuses_duplicate_tags)
{
	static const uint32_t types[] = {MB2_TAG_CMDLINE,
					 MB2_TAG_BOOTLOADER_NAME, MB2_TAG_MMAP};
	for (size_t i = 0; i < 3; i++) {
		struct mb_builder b;
		mb_begin(&b);
		for (int k = 0; k < 2; k++) {
			if (types[i] == MB2_TAG_MMAP)
				mb_mmap(&b, 24, qemu_map, 1);
			else
				mb_string(&b, types[i], "twice");
		}
		mb_end(&b);
		CHECK_EQ(parse_built(&b), MB2_ERR_DUPLICATE_TAG);
	}
}

/* ------------------------------------------------------ framebuffer tag */

TEST(framebuffer_tag_reads_back_exactly)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_framebuffer(&b, MB2_FB_RGB, 30);
	mb_end(&b);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(mb_bytes(&b), b.len, &info), MB2_OK);
	CHECK(info.has_framebuffer);
	const struct mb2_framebuffer *f = &info.framebuffer;
	CHECK_EQ(f->addr, 0x80000000ull);
	CHECK_EQ(f->pitch, 2560);
	CHECK_EQ(f->width, 640);
	CHECK_EQ(f->height, 480);
	CHECK_EQ(f->bpp, 32);
	CHECK_EQ(f->type, MB2_FB_RGB);
	/* at 32, not at 31 as the specification's text would have it */
	CHECK_EQ(f->red_pos, 16);
	CHECK_EQ(f->red_size, 8);
	CHECK_EQ(f->green_pos, 8);
	CHECK_EQ(f->green_size, 8);
	CHECK_EQ(f->blue_pos, 0);
	CHECK_EQ(f->blue_size, 8);
}

TEST(ega_text_framebuffer_has_no_colour_fields)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_framebuffer(&b, MB2_FB_EGA_TEXT, 24); /* the common part only */
	mb_end(&b);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(mb_bytes(&b), b.len, &info), MB2_OK);
	CHECK(info.has_framebuffer);
	CHECK_EQ(info.framebuffer.type, MB2_FB_EGA_TEXT);
	CHECK_EQ(info.framebuffer.red_size + info.framebuffer.blue_pos, 0);
}

TEST(no_framebuffer_tag_means_none)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_string(&b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
	mb_end(&b);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(mb_bytes(&b), b.len, &info), MB2_OK);
	CHECK(!info.has_framebuffer);
}

TEST(refuses_framebuffer_tag_too_small)
{
	/* 31 bytes: the common part cut short; 37: RGB without blue size */
	static const struct {
		uint8_t type;
		size_t data_len;
	} cut[] = {{MB2_FB_EGA_TEXT, 23}, {MB2_FB_RGB, 24}, {MB2_FB_RGB, 29}};
	for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
		struct mb_builder b;
		mb_begin(&b);
		mb_framebuffer(&b, cut[i].type, cut[i].data_len);
		mb_end(&b);
		CHECK_EQ(parse_built(&b), MB2_ERR_FB_TOO_SMALL);
	}
}

TEST(efi_system_table_tag_says_uefi)
{
	for (uint32_t type = MB2_TAG_EFI32; type <= MB2_TAG_EFI64; type++) {
		struct mb_builder b;
		mb_begin(&b);
		uint64_t table = 0x7f9ee018;
		mb_tag(&b, type, &table, type == MB2_TAG_EFI64 ? 8 : 4);
		mb_end(&b);
		struct mb2_info info;
		CHECK_EQ(mb2_parse(mb_bytes(&b), b.len, &info), MB2_OK);
		CHECK(info.booted_on_uefi);
	}
	struct mb_builder b;
	build_valid(&b); /* a BIOS boot's tags: no EFI table */
	struct mb2_info info;
	CHECK_EQ(mb2_parse(mb_bytes(&b), b.len, &info), MB2_OK);
	CHECK(!info.booted_on_uefi);
}

TEST(refuses_two_framebuffer_tags)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_framebuffer(&b, MB2_FB_RGB, 30);
	mb_framebuffer(&b, MB2_FB_EGA_TEXT, 24);
	mb_end(&b);
	CHECK_EQ(parse_built(&b), MB2_ERR_DUPLICATE_TAG);
}

/* --------------------------------------------------- malformed: strings */

TEST(refuses_unterminated_strings)
{
	static const uint32_t types[] = {MB2_TAG_CMDLINE,
					 MB2_TAG_BOOTLOADER_NAME};
	for (size_t i = 0; i < 2; i++) {
		struct mb_builder b;
		/* "abc" without its NUL. */
		mb_begin(&b);
		mb_tag(&b, types[i], "abc", 3);
		mb_end(&b);
		CHECK_EQ(parse_built(&b), MB2_ERR_STRING_UNTERMINATED);
		/* No data at all. */
		mb_begin(&b);
		mb_tag(&b, types[i], NULL, 0);
		mb_end(&b);
		CHECK_EQ(parse_built(&b), MB2_ERR_STRING_UNTERMINATED);
		/* Size 12: the NUL is in the padding, outside the tag. */
		mb_begin(&b);
		mb_tag(&b, types[i], "abcd", 4);
		mb_end(&b);
		CHECK_EQ(mb_bytes(&b)[8 + 12], 0);
		CHECK_EQ(parse_built(&b), MB2_ERR_STRING_UNTERMINATED);
		/* The same string with its NUL is fine. */
		mb_begin(&b);
		mb_tag(&b, types[i], "abcd", 5);
		mb_end(&b);
		CHECK_EQ(parse_built(&b), MB2_OK);
	}
}

TEST(string_with_early_nul_is_accepted)
{
	struct mb_builder b;
	mb_begin(&b);
	mb_tag(&b, MB2_TAG_CMDLINE, "ab\0cdef", 7); /* no final NUL */
	mb_end(&b);
	uint8_t *p = exact_copy(mb_bytes(&b), b.len);
	struct mb2_info info;
	CHECK_EQ(mb2_parse(p, b.len, &info), MB2_OK);
	CHECK_STR_EQ(info.cmdline, "ab");
	free(p);
}

/* ------------------------------------------------------ malformed: mmap */

TEST(refuses_mmap_tag_too_small)
{
	static const uint8_t eight[8] = {24, 0, 0, 0, 0, 0, 0, 0};
	for (size_t n = 0; n < 8; n++) {
		struct mb_builder b;
		mb_begin(&b);
		mb_tag(&b, MB2_TAG_MMAP, eight, n);
		mb_end(&b);
		CHECK_EQ(parse_built(&b), MB2_ERR_MMAP_TOO_SMALL);
	}
}

TEST(refuses_bad_mmap_entry_size)
{
	static const uint32_t bad[] = {0, 1, 8, 16, 20, 23, 25, 28, 30, 36};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct mb_builder b;
		mb_begin(&b);
		size_t off = mb_mmap(&b, 24, qemu_map, 3);
		mb_end(&b);
		mb_put32(&b, off + 8, bad[i]);
		CHECK_MSG(parse_built(&b) == MB2_ERR_MMAP_BAD_ENTRY_SIZE,
			  "entry_size %u", bad[i]);
	}
}

TEST(refuses_mmap_entries_not_filling_tag)
{
	struct mb_builder b;
	/* Three 24-byte entries in a tag one entry plus 8 bytes short. */
	mb_begin(&b);
	size_t off = mb_mmap(&b, 24, qemu_map, 3);
	mb_end(&b);
	mb_put32(&b, off + 4, 16 + 2 * 24 + 8);
	CHECK_EQ(parse_built(&b), MB2_ERR_MMAP_SIZE_MISMATCH);
	/* Entries of 32 bytes declared over 24-byte data. */
	mb_begin(&b);
	off = mb_mmap(&b, 24, qemu_map, 3);
	mb_end(&b);
	mb_put32(&b, off + 8, 32);
	CHECK_EQ(parse_built(&b), MB2_ERR_MMAP_SIZE_MISMATCH);
	/* A mmap tag of size 20: the header and 4 stray bytes. */
	mb_begin(&b);
	off = mb_mmap(&b, 24, qemu_map, 1);
	mb_end(&b);
	mb_put32(&b, off + 4, 20);
	mb_put32(&b, 0, (uint32_t)(off + 24 + 8));
	mb_put32(&b, off + 24, MB2_TAG_END);
	mb_put32(&b, off + 28, 8);
	CHECK_EQ(parse_len(&b, off + 32), MB2_ERR_MMAP_SIZE_MISMATCH);
}

TEST(out_is_untouched_on_error)
{
	struct mb_builder b;
	build_valid(&b);
	mb_put32(&b, 0, (uint32_t)b.len + 8);
	uint8_t *p = exact_copy(mb_bytes(&b), b.len);
	struct mb2_info info, before;
	memset(&info, 0x5a, sizeof info);
	before = info;
	CHECK_EQ(mb2_parse(p, b.len, &info), MB2_ERR_TOTAL_SIZE_TOO_BIG);
	CHECK(memcmp(&info, &before, sizeof info) == 0);
	free(p);
}

/* ---------------------------------------------------------------- names */

TEST(error_strings_are_distinct)
{
	for (int i = MB2_OK; i <= MB2_ERR_TOO_MANY_REGIONS; i++) {
		const char *s = mb2_error_str((enum mb2_error)i);
		CHECK(s != NULL && s[0] != '\0');
		CHECK(strcmp(s, "unknown multiboot2 error") != 0);
		for (int j = MB2_OK; j < i; j++)
			CHECK(strcmp(s, mb2_error_str((enum mb2_error)j)) != 0);
	}
	CHECK_STR_EQ(mb2_error_str((enum mb2_error)999),
		     "unknown multiboot2 error");
}

TEST(memory_type_names)
{
	CHECK_STR_EQ(mb2_mem_type_name(MB2_MEM_AVAILABLE), "available");
	CHECK_STR_EQ(mb2_mem_type_name(MB2_MEM_RESERVED), "reserved");
	CHECK_STR_EQ(mb2_mem_type_name(MB2_MEM_ACPI_RECLAIMABLE),
		     "ACPI reclaimable");
	CHECK_STR_EQ(mb2_mem_type_name(MB2_MEM_NVS), "ACPI NVS");
	CHECK_STR_EQ(mb2_mem_type_name(MB2_MEM_BADRAM), "bad RAM");
	CHECK_STR_EQ(mb2_mem_type_name(0), "type 0");
	CHECK_STR_EQ(mb2_mem_type_name(7), "type 7");
	CHECK_STR_EQ(mb2_mem_type_name(20), "type 20");
	CHECK_STR_EQ(mb2_mem_type_name(4294967295u), "type 4294967295");
}

/* ----------------------------------------------------------------- fuzz */

/* Uses everything a successful parse describes, so that ASan sees any
 * pointer or count that reaches outside the buffer. */
static void use_info(const struct mb2_info *info, const uint8_t *p,
		     size_t avail)
{
	const uint8_t *end = p + avail;
	CHECK(info->start == p);
	CHECK(info->total_size <= avail);
	if (info->cmdline != NULL)
		CHECK((const uint8_t *)info->cmdline + strlen(info->cmdline) <
		      end);
	if (info->bootloader_name != NULL)
		CHECK((const uint8_t *)info->bootloader_name +
			      strlen(info->bootloader_name) <
		      end);
	if (info->mmap_entries != NULL)
		CHECK((const uint8_t *)info->mmap_entries +
			      info->mmap_count * info->mmap_entry_size <=
		      end);
	struct mb2_mmap_entry e;
	for (size_t i = 0; mb2_mmap_get(info, i, &e); i++)
		CHECK(i < info->mmap_count);
}

static enum mb2_error fuzz_one(const uint8_t *src, size_t len)
{
	uint8_t *p = exact_copy(src, len);
	struct mb2_info info;
	enum mb2_error err = mb2_parse(p, len, &info);
	CHECK_MSG(err >= MB2_OK && err <= MB2_ERR_FB_TOO_SMALL,
		  "mb2_parse returned %d", (int)err);
	if (err == MB2_OK)
		use_info(&info, p, len);
	free(p);
	return err;
}

TEST(fuzz_truncation_at_every_length)
{
	struct mb_builder b;
	build_valid(&b);
	size_t len = b.len;
	for (size_t n = 0; n <= len; n++) {
		/* As is: total_size still claims the full length. */
		enum mb2_error err = fuzz_one(mb_bytes(&b), n);
		CHECK_EQ(err == MB2_OK, n == len);
		/* With total_size patched to the truncated length, so that
		 * the walk runs into the cut. */
		if (n >= 8) {
			uint8_t copy[8192];
			memcpy(copy, mb_bytes(&b), len);
			uint32_t t = (uint32_t)n;
			memcpy(copy, &t, 4);
			err = fuzz_one(copy, n);
			CHECK_EQ(err == MB2_OK, n == len);
		}
	}
}

TEST(fuzz_byte_flips_at_every_offset)
{
	struct mb_builder b;
	build_valid(&b);
	size_t len = b.len;
	uint64_t seed = 0x6d6232667a7a31ull;
	static uint8_t copy[8192];
	int ok = 0;
	for (size_t off = 0; off < len; off++) {
		for (int k = 0; k < 16; k++) {
			memcpy(copy, mb_bytes(&b), len);
			uint8_t x = (uint8_t)harness_rand(&seed);
			if (k < 8)
				x = (uint8_t)(1u << k); /* every single bit */
			if (x == 0)
				x = 0xff;
			copy[off] ^= x;
			if (fuzz_one(copy, len) == MB2_OK)
				ok++;
		}
	}
	/* Flips inside strings and map values leave a valid structure. */
	CHECK(ok > 0);
}

TEST(fuzz_random_corruption)
{
	struct mb_builder b;
	build_valid(&b);
	size_t len = b.len;
	uint64_t seed = 12345;
	static uint8_t copy[8192];
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(copy, mb_bytes(&b), len);
		int flips = 1 + (int)(harness_rand(&seed) % 6);
		for (int f = 0; f < flips; f++) {
			size_t off = harness_rand(&seed) % len;
			/* Bias towards the size fields, the dangerous ones. */
			if (harness_rand(&seed) % 2)
				off = (off & ~(size_t)7) + 4;
			copy[off % len] = (uint8_t)harness_rand(&seed);
		}
		size_t n = len;
		if (harness_rand(&seed) % 4 == 0)
			n = harness_rand(&seed) % (len + 1);
		fuzz_one(copy, n);
	}
}
