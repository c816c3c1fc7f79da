/*
 * ksyms.c - the symbol table scripts/ksyms writes into the kernel image.
 *
 * The table, as scripts/ksyms lays it out in ksyms_blob:
 *
 *   +-------+-------+--------------------------------+--------------+
 *   | magic | count | count x {addr, size, name_off} | names, NUL'd |
 *   +-------+-------+--------------------------------+--------------+
 *     u32     u32     u64, u32, u32: sorted by addr
 *
 * Until the script has run, the room is zeros (magic 0): no table.
 */
#include "ksyms.h"

#include "format.h"

#define KSYMS_BYTES (64 * 1024)
#define KSYMS_MAGIC 0x6b73796du /* "msyk" */

struct ksym {
	uint64_t addr;
	uint32_t size;
	uint32_t name; /* offset in the names, after the last entry */
};

struct ksyms_header {
	uint32_t magic;
	uint32_t count;
	struct ksym syms[];
};

/* In its own section, so that scripts/ksyms finds it by name. */
__attribute__((section(".ksyms"), used, aligned(8))) static const unsigned char
	ksyms_blob[KSYMS_BYTES] = {0};

static const struct ksyms_header *table(void)
{
	const struct ksyms_header *h = (const void *)ksyms_blob;
	/* The compiler saw the zeros above and would fold every read of
	 * them; passing the pointer through an empty asm hides where it
	 * points, so the table the script wrote is really read. */
	__asm__("" : "+r"(h));
	return h->magic == KSYMS_MAGIC ? h : NULL;
}

size_t ksyms_count(void)
{
	const struct ksyms_header *h = table();
	return h == NULL ? 0 : h->count;
}

const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
	const struct ksyms_header *h = table();
	if (h == NULL)
		return NULL;
	/* the last symbol that starts at or below addr: a binary search */
	size_t lo = 0, hi = h->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *s = &h->syms[lo - 1];
	if (addr - s->addr >= s->size)
		return NULL;
	*offset = addr - s->addr;
	return (const char *)&h->syms[h->count] + s->name;
}

const char *ksyms_format(uintptr_t addr, char *buf, size_t size)
{
	uintptr_t off;
	const char *name = ksyms_lookup(addr, &off);
	if (name != NULL)
		ksnprintf(buf, size, "%s+0x%lx", name, (unsigned long)off);
	else
		ksnprintf(buf, size, "0x%lx", (unsigned long)addr);
	return buf;
}
