/*
 * mb2_builder.h - multiboot2 boot information built in memory, for the
 * host tests of the parser and of the frame allocator.
 */
#ifndef MB2_BUILDER_H
#define MB2_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "multiboot2.h"

/*
 * Builds a boot information structure tag by tag, the way a boot loader
 * lays it out.  The malformed cases are built by patching the result.
 */
struct mb_builder {
	uint64_t words[1024]; /* 8 KiB, 8-byte aligned */
	size_t len;
};

static inline uint8_t *mb_bytes(struct mb_builder *b)
{
	return (uint8_t *)b->words;
}

static inline void mb_put32(struct mb_builder *b, size_t off, uint32_t v)
{
	memcpy(mb_bytes(b) + off, &v, sizeof v);
}

static inline void mb_put64(struct mb_builder *b, size_t off, uint64_t v)
{
	memcpy(mb_bytes(b) + off, &v, sizeof v);
}

static inline void mb_begin(struct mb_builder *b)
{
	memset(b, 0, sizeof(*b));
	b->len = 8;
}

/* Appends a tag of header size 8 + n and pads it to 8; returns its offset. */
static inline size_t mb_tag(struct mb_builder *b, uint32_t type,
			    const void *data, size_t n)
{
	size_t off = b->len;
	mb_put32(b, off, type);
	mb_put32(b, off + 4, (uint32_t)(8 + n));
	if (n > 0)
		memcpy(mb_bytes(b) + off + 8, data, n);
	b->len = off + ((8 + n + 7) & ~(size_t)7);
	return off;
}

static inline size_t mb_string(struct mb_builder *b, uint32_t type,
			       const char *s)
{
	return mb_tag(b, type, s, strlen(s) + 1);
}

struct mb_entry {
	uint64_t base, length;
	uint32_t type;
};

/* Appends a memory map tag; bytes of an entry past 24 are filled with 0xab
 * (a future field the parser must step over). */
static inline size_t mb_mmap(struct mb_builder *b, uint32_t entry_size,
			     const struct mb_entry *e, size_t n)
{
	size_t off = b->len;
	mb_put32(b, off, MB2_TAG_MMAP);
	mb_put32(b, off + 4, (uint32_t)(16 + n * entry_size));
	mb_put32(b, off + 8, entry_size);
	mb_put32(b, off + 12, 0);
	for (size_t i = 0; i < n; i++) {
		size_t p = off + 16 + i * entry_size;
		memset(mb_bytes(b) + p, 0xab, entry_size);
		mb_put64(b, p, e[i].base);
		mb_put64(b, p + 8, e[i].length);
		mb_put32(b, p + 16, e[i].type);
		mb_put32(b, p + 20, 0);
	}
	b->len = off + ((16 + n * entry_size + 7) & ~(size_t)7);
	return off;
}

/* Appends the end tag and sets total_size to cover everything. */
static inline void mb_end(struct mb_builder *b)
{
	mb_put32(b, b->len, MB2_TAG_END);
	mb_put32(b, b->len + 4, 8);
	b->len += 8;
	mb_put32(b, 0, (uint32_t)b->len);
}

#endif
