/*
 * guard.c - guarded blocks: a fault instead of silent corruption.
 *
 * Each guarded block gets pages of its own in a region the heap never
 * uses, placed so that it ends exactly where its last page ends:
 *
 *   GUARD_START ...
 *   | guard |  page: .......[block]| guard |  page  |  page: ..[block]|
 *    unmapped  ^ canary   ^ ptr      unmapped          (2 pages)
 *
 * One byte past the end is in the unmapped guard page: the CPU faults on
 * the access itself, read or write, and guard_page_fault turns the fault
 * into a report (padding up to the alignment, if any, holds a canary
 * checked on free).  On free, the block's pages are unmapped too (their
 * frames are kept for the next guarded block), and their addresses are
 * never handed out again: any later access through a stale pointer,
 * read or write, faults.  The bytes in front of the block, up to the
 * page's start, hold a canary checked on free (an underflow).
 *
 * The cost: a page or more a block, two page-table updates per alloc and
 * free, and a TLB flush.  So it is used for a sample of allocations
 * (KFENCE guards one allocation per sample interval, 100 ms by default), or for all of them while
 * hunting a bug.  The records are the state; the heap's lock guards them.
 */
#include "guard.h"

#include "debug_alloc.h"
#include "format.h"
#include "idt.h"
#include "ksyms.h"
#include "mem.h"
#include "memory.h"
#include "paging.h"
#include "panic.h"

static struct {
	struct guard_block slot[GUARD_SLOTS];
	size_t next_slot;   /* the ring of slots: the oldest is reused */
	uint64_t next_page; /* addresses go up, never reused */
	uint64_t frames[16]; /* frames of freed blocks, for the next ones */
	size_t nframes;
} guard = {.next_page = GUARD_START + PAGE_SIZE};

static bool take_frame(struct frame_allocator *fa, uint64_t *frame)
{
	if (guard.nframes > 0) {
		*frame = guard.frames[--guard.nframes];
		return true;
	}
	return frame_alloc(fa, frame);
}

static void unmap_pages(uint64_t page, size_t pages)
{
	for (size_t i = 0; i < pages; i++) {
		uint64_t frame;
		if (paging_unmap(page + i * PAGE_SIZE, &frame) == MAP_OK &&
		    guard.nframes < 16)
			guard.frames[guard.nframes++] = frame;
	}
}

/* Maps `pages` fresh pages at `page`; all or nothing. */
static bool map_pages(uint64_t page, size_t pages)
{
	uint64_t flags = PTE_PRESENT | PTE_WRITABLE | paging_nx_flag();
	uint64_t irq;
	struct frame_allocator *fa = memory_lock(&irq);
	size_t done = 0;
	for (; done < pages; done++) {
		uint64_t frame;
		if (!take_frame(fa, &frame) ||
		    paging_map_to(page + done * PAGE_SIZE, frame, flags, fa) !=
			    MAP_OK)
			break;
	}
	memory_unlock(irq);
	if (done == pages)
		return true;
	unmap_pages(page, done);
	return false;
}

/* A slot that holds no live block (the oldest record is forgotten). */
static struct guard_block *free_slot(void)
{
	for (size_t i = 0; i < GUARD_SLOTS; i++) {
		struct guard_block *b =
			&guard.slot[(guard.next_slot + i) % GUARD_SLOTS];
		if (!b->live) {
			guard.next_slot = (size_t)(b - guard.slot + 1) % GUARD_SLOTS;
			return b;
		}
	}
	return NULL;
}

void *guard_alloc(struct layout l, uintptr_t site)
{
	size_t bytes = (l.size + l.align - 1) & ~(l.align - 1);
	bytes = bytes == 0 ? l.align : bytes;
	size_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	if (l.align > PAGE_SIZE || pages > GUARD_MAX_PAGES ||
	    guard.next_page + (pages + 1) * PAGE_SIZE > GUARD_START + GUARD_SPAN)
		return NULL;
	struct guard_block *b = free_slot();
	if (b == NULL || !map_pages(guard.next_page, pages))
		return NULL;
	*b = (struct guard_block){.page = guard.next_page,
				  .pages = (uint32_t)pages,
				  .size = (uint32_t)l.size,
				  .ptr = guard.next_page + pages * PAGE_SIZE - bytes,
				  .alloc_site = site,
				  .live = true};
	guard.next_page += (pages + 1) * PAGE_SIZE; /* and a guard page */
	/* canaries in front, and in the padding up to the alignment */
	memset((void *)b->page, DBG_CANARY, b->ptr - b->page);
	memset((void *)b->ptr, DBG_FRESH, l.size);
	memset((void *)(b->ptr + l.size), DBG_CANARY, bytes - l.size);
	return (void *)b->ptr;
}

/* The record of the block at ptr (live or freed), or NULL. */
static struct guard_block *find(uintptr_t ptr)
{
	for (size_t i = 0; i < GUARD_SLOTS; i++)
		if (guard.slot[i].ptr == ptr && guard.slot[i].page != 0)
			return &guard.slot[i];
	return NULL;
}

static const char *name(uintptr_t at, char *buf)
{
	return ksyms_format(at, buf, 64);
}

/* Panics: `what` happened to block b, at byte `byte` of it. */
__attribute__((noreturn)) static void report(const struct guard_block *b,
					     const char *what, long byte)
{
	char a[64], f[64], freed[80] = "";
	if (!b->live)
		ksnprintf(freed, sizeof freed, "\n  freed by %s",
			  name(b->free_site, f));
	panic("debug_alloc: %s %u-byte block\n  %p, byte %ld (guarded)\n"
	      "  allocated by %s%s",
	      what, b->size, (void *)b->ptr, byte, name(b->alloc_site, a),
	      freed);
}

bool guard_free(void *ptr, struct layout l, uintptr_t site)
{
	struct guard_block *b = find((uintptr_t)ptr);
	if (b == NULL)
		return false;
	if (!b->live)
		report(b, "double free of a", 0);
	if (l.size != b->size)
		report(b, "free with the wrong layout of a", 0);
	const uint8_t *front = (const uint8_t *)b->page;
	for (uintptr_t i = 0; i < b->ptr - b->page; i++)
		if (front[i] != DBG_CANARY)
			report(b, "write before the start of a",
			       (long)(b->page + i - b->ptr));
	const uint8_t *pad = (const uint8_t *)b->ptr;
	for (uintptr_t i = b->size; b->ptr + i < b->page + b->pages * PAGE_SIZE;
	     i++)
		if (pad[i] != DBG_CANARY)
			report(b, "write past the end of a", (long)i);
	unmap_pages(b->page, b->pages);
	b->live = false;
	b->free_site = site;
	return true;
}

void guard_live(size_t *blocks, size_t *bytes)
{
	*blocks = *bytes = 0;
	for (size_t i = 0; i < GUARD_SLOTS; i++)
		if (guard.slot[i].live) {
			(*blocks)++;
			*bytes += guard.slot[i].size;
		}
}

void guard_page_fault(uint64_t addr, bool write)
{
	for (size_t i = 0; i < GUARD_SLOTS; i++) {
		const struct guard_block *b = &guard.slot[i];
		uint64_t end = b->page + b->pages * PAGE_SIZE;
		if (b->page == 0 || addr < b->page || addr >= end + PAGE_SIZE)
			continue;
		long byte = (long)(addr - b->ptr);
		if (addr >= end)
			report(b, write ? "write past the end of a"
					: "read past the end of a",
			       byte);
		report(b, write ? "use-after-free write to a"
				: "use-after-free read of a",
		       byte);
	}
}

/* The exceptions' hook (idt.c): this stage knows the guarded pages. */
void page_fault_hook(uint64_t addr, uint64_t error_code)
{
	guard_page_fault(addr, error_code & PF_WRITE);
}
