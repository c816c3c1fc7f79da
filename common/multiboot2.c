/*
 * multiboot2.c - a defensive parser for the Multiboot2 boot information.
 *
 * The walk keeps one number, `offset`, the position of the next tag, and
 * one invariant: every byte read lies in [0, total_size), and total_size
 * was checked against avail before anything past the fixed part was read.
 * Each tag is accepted only after its header and its declared size are
 * known to fit; its fields are read only after that.  Sizes are compared by
 * subtraction (size > total - offset), never by adding, so nothing wraps.
 *
 * Fields are read with memcpy: the buffer is a sequence of bytes, and
 * memcpy reads any byte sequence whatever its declared type (the compiler
 * turns a small fixed-size memcpy into a plain load).
 *
 * Cost: one pass over the tags, O(number of tags), plus a scan for the NUL
 * of each string tag.  Nothing is copied; the info points into the buffer.
 */
#include "multiboot2.h"

#include "mem.h"

#define MB2_FIXED_SIZE 8	/* u32 total_size, u32 reserved */
#define MB2_TAG_HEADER_SIZE 8	/* u32 type, u32 size */
#define MB2_MMAP_HEADER_SIZE 16 /* tag header, entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN 24	/* base, length, type, reserved */
#define MB2_ALIGN 8
#define MB2_FB_COMMON_SIZE 32 /* up to and with the u16 reserved */
#define MB2_FB_RGB_SIZE 38    /* and six u8 of colour fields */

static uint32_t load_u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint64_t load_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* Padded size of a tag: where the next tag starts, relative to this one. */
static size_t tag_padded_size(uint32_t size)
{
	return ((size_t)size + (MB2_ALIGN - 1)) & ~(size_t)(MB2_ALIGN - 1);
}

/*
 * A string tag (command line, boot loader name) holds a NUL-terminated
 * string in its data: returns the string, or NULL when no NUL lies inside
 * the tag's size - 8 data bytes.
 */
static const char *tag_string(const uint8_t *tag, uint32_t size)
{
	const char *s = (const char *)tag + MB2_TAG_HEADER_SIZE;
	for (size_t i = 0; i < size - MB2_TAG_HEADER_SIZE; i++)
		if (s[i] == '\0')
			return s;
	return NULL;
}

/* Reads the memory map tag (size already known to fit) into *info. */
static enum mb2_error parse_mmap(const uint8_t *tag, uint32_t size,
				 struct mb2_info *info)
{
	if (size < MB2_MMAP_HEADER_SIZE)
		return MB2_ERR_MMAP_TOO_SMALL;
	uint32_t entry_size = load_u32(tag + 8);
	if (entry_size < MB2_MMAP_ENTRY_MIN || entry_size % MB2_ALIGN != 0)
		return MB2_ERR_MMAP_BAD_ENTRY_SIZE;
	uint32_t bytes = size - MB2_MMAP_HEADER_SIZE;
	if (bytes % entry_size != 0)
		return MB2_ERR_MMAP_SIZE_MISMATCH;
	info->mmap_entries = tag + MB2_MMAP_HEADER_SIZE;
	info->mmap_entry_size = entry_size;
	info->mmap_count = bytes / entry_size;
	return MB2_OK;
}

/* Reads the framebuffer tag (size already known to fit) into *fb. */
static enum mb2_error parse_framebuffer(const uint8_t *tag, uint32_t size,
					struct mb2_framebuffer *fb)
{
	if (size < MB2_FB_COMMON_SIZE)
		return MB2_ERR_FB_TOO_SMALL;
	struct mb2_framebuffer f = {
		.addr = load_u64(tag + 8),
		.pitch = load_u32(tag + 16),
		.width = load_u32(tag + 20),
		.height = load_u32(tag + 24),
		.bpp = tag[28],
		.type = tag[29],
	};
	if (f.type == MB2_FB_RGB) {
		if (size < MB2_FB_RGB_SIZE)
			return MB2_ERR_FB_TOO_SMALL;
		f.red_pos = tag[32];
		f.red_size = tag[33];
		f.green_pos = tag[34];
		f.green_size = tag[35];
		f.blue_pos = tag[36];
		f.blue_size = tag[37];
	}
	*fb = f;
	return MB2_OK;
}

enum mb2_error mb2_parse(const void *buf, size_t avail, struct mb2_info *out)
{
	const uint8_t *p = buf;

	if (p == NULL)
		return MB2_ERR_NULL;
	if ((uintptr_t)p % MB2_ALIGN != 0)
		return MB2_ERR_MISALIGNED;
	if (avail < MB2_FIXED_SIZE)
		return MB2_ERR_AVAIL_TOO_SMALL;

	size_t total = load_u32(p);
	/* load_u32(p + 4), the reserved field, is ignored: see the header. */
	if (total < MB2_FIXED_SIZE + MB2_TAG_HEADER_SIZE)
		return MB2_ERR_TOTAL_SIZE_TOO_SMALL;
	if (total > avail)
		return MB2_ERR_TOTAL_SIZE_TOO_BIG;

	struct mb2_info info = {
		.start = p,
		.total_size = total,
	};
	bool have_mmap = false;

	/* Invariant: offset is 8-aligned and offset <= total is checked
	 * before the tag header at offset is read. */
	size_t offset = MB2_FIXED_SIZE;
	for (;;) {
		if (offset >= total)
			return MB2_ERR_MISSING_END_TAG;
		if (total - offset < MB2_TAG_HEADER_SIZE)
			return MB2_ERR_TAG_HEADER_TRUNCATED;

		const uint8_t *tag = p + offset;
		uint32_t type = load_u32(tag);
		uint32_t size = load_u32(tag + 4);
		if (size < MB2_TAG_HEADER_SIZE)
			return MB2_ERR_TAG_TOO_SMALL;
		if (size > total - offset)
			return MB2_ERR_TAG_OVERRUNS;
		/* From here on, [tag, tag + size) is inside the buffer. */

		enum mb2_error err = MB2_OK;
		switch (type) {
		case MB2_TAG_END:
			if (size != MB2_TAG_HEADER_SIZE)
				return MB2_ERR_BAD_END_TAG;
			if (offset + size != total)
				return MB2_ERR_DATA_AFTER_END;
			*out = info;
			return MB2_OK;
		case MB2_TAG_CMDLINE:
			if (info.cmdline != NULL)
				return MB2_ERR_DUPLICATE_TAG;
			info.cmdline = tag_string(tag, size);
			if (info.cmdline == NULL)
				return MB2_ERR_STRING_UNTERMINATED;
			break;
		case MB2_TAG_BOOTLOADER_NAME:
			if (info.bootloader_name != NULL)
				return MB2_ERR_DUPLICATE_TAG;
			info.bootloader_name = tag_string(tag, size);
			if (info.bootloader_name == NULL)
				return MB2_ERR_STRING_UNTERMINATED;
			break;
		case MB2_TAG_MMAP:
			if (have_mmap)
				return MB2_ERR_DUPLICATE_TAG;
			have_mmap = true;
			err = parse_mmap(tag, size, &info);
			break;
		case MB2_TAG_FRAMEBUFFER:
			if (info.has_framebuffer)
				return MB2_ERR_DUPLICATE_TAG;
			info.has_framebuffer = true;
			err = parse_framebuffer(tag, size, &info.framebuffer);
			break;
		case MB2_TAG_EFI32:
		case MB2_TAG_EFI64:
			info.booted_on_uefi = true;
			break;
		default:
			break; /* unknown tags are skipped */
		}
		if (err != MB2_OK)
			return err;

		/* May step past total (padding of a last, non-end tag): the
		 * check at the top of the loop then reports the missing end. */
		offset += tag_padded_size(size);
	}
}

bool mb2_mmap_get(const struct mb2_info *info, size_t i,
		  struct mb2_mmap_entry *out)
{
	if (i >= info->mmap_count)
		return false;
	const uint8_t *e =
		(const uint8_t *)info->mmap_entries + i * info->mmap_entry_size;
	out->base = load_u64(e);
	out->length = load_u64(e + 8);
	out->type = load_u32(e + 16);
	return true;
}

const char *mb2_error_str(enum mb2_error err)
{
	switch (err) {
	case MB2_OK:
		return "ok";
	case MB2_ERR_NULL:
		return "boot information pointer is NULL";
	case MB2_ERR_MISALIGNED:
		return "boot information is not 8-byte aligned";
	case MB2_ERR_AVAIL_TOO_SMALL:
		return "fewer than 8 readable bytes of boot information";
	case MB2_ERR_TOTAL_SIZE_TOO_SMALL:
		return "total_size is below 16 (fixed part and end tag)";
	case MB2_ERR_TOTAL_SIZE_TOO_BIG:
		return "total_size is larger than the readable bytes";
	case MB2_ERR_TAG_HEADER_TRUNCATED:
		return "a tag header does not fit before total_size";
	case MB2_ERR_TAG_TOO_SMALL:
		return "a tag's size is smaller than its 8-byte header";
	case MB2_ERR_TAG_OVERRUNS:
		return "a tag runs past total_size";
	case MB2_ERR_MISSING_END_TAG:
		return "the tags end without an end tag";
	case MB2_ERR_BAD_END_TAG:
		return "the end tag's size is not 8";
	case MB2_ERR_DATA_AFTER_END:
		return "total_size goes past the end tag";
	case MB2_ERR_DUPLICATE_TAG:
		return "a command line, boot loader name, memory map or "
		       "framebuffer tag appears twice";
	case MB2_ERR_STRING_UNTERMINATED:
		return "a string tag is not NUL-terminated inside the tag";
	case MB2_ERR_MMAP_TOO_SMALL:
		return "the memory map tag is shorter than its 16-byte header";
	case MB2_ERR_MMAP_BAD_ENTRY_SIZE:
		return "memory map entry_size is below 24 or not 8-aligned";
	case MB2_ERR_MMAP_SIZE_MISMATCH:
		return "memory map entries do not exactly fill the tag";
	case MB2_ERR_FB_TOO_SMALL:
		return "the framebuffer tag is shorter than its fields";
	case MB2_ERR_NO_MMAP:
		return "the boot information has no memory map";
	case MB2_ERR_TOO_MANY_REGIONS:
		return "the memory map has more regions than the table holds";
	}
	return "unknown multiboot2 error";
}

const char *mb2_mem_type_name(uint32_t type)
{
	/* "type " + up to 10 digits + NUL */
	static char unknown[sizeof("type 4294967295")];

	switch (type) {
	case MB2_MEM_AVAILABLE:
		return "available";
	case MB2_MEM_RESERVED:
		return "reserved";
	case MB2_MEM_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case MB2_MEM_NVS:
		return "ACPI NVS";
	case MB2_MEM_BADRAM:
		return "bad RAM";
	}

	char digits[10];
	size_t n = 0;
	do {
		digits[n++] = (char)('0' + type % 10);
		type /= 10;
	} while (type != 0);

	char *s = unknown;
	memcpy(s, "type ", 5);
	s += 5;
	while (n > 0)
		*s++ = digits[--n];
	*s = '\0';
	return unknown;
}
