/*
 * debug_alloc.c - catching heap misuse at run time.
 *
 * Theory of operation
 * -------------------
 * Rust rejects a use after free or a double free at compile time; C
 * compilers catch a few cases (chapter 3's compile-fail checks).  The
 * rest can be caught while the program runs, by an allocator that spends
 * memory and time on checking.  This one does four things (Linux's
 * SLUB debugging and KASAN, and xv6's junk fill, do the same):
 *
 * 1. Redzones.  Every block is allocated from the allocator below with
 *    room on both sides, filled with a canary byte (DBG_CANARY):
 *
 *      | header | canary |  block: size bytes  | canary ... |
 *                        ^ ptr
 *
 *    dealloc checks both canaries: a write just past the end (or before
 *    the start) of the block is reported with the byte's offset.
 *
 * 2. Poison and quarantine.  A freed block is filled with DBG_POISON and
 *    kept in a FIFO (the quarantine) instead of going back to the
 *    allocator below.  When it leaves the quarantine, its poison is
 *    checked: a byte that changed was written after the free, and the
 *    report names the block, who allocated it and who freed it.  While it
 *    waits, nobody else can be handed the block, so the stale pointer
 *    cannot corrupt another owner's data.
 *
 * 3. A shadow map: one byte per 16-byte granule of the heap says whether
 *    a block's header starts there and whether the block is live or in
 *    quarantine.  Only this allocator writes it, so a free is checked
 *    with certainty: a live header is a valid free; a quarantined one is a
 *    double free; anything else was never handed out (KASAN keeps a
 *    shadow of all memory; this one only marks headers).
 *
 * 4. Sites: the header records the return address of the alloc and of
 *    the free, and reports print them as function+offset.
 *
 * 5. A poisoned pointer.  A pointer read from a freed block is
 *    0x6b6b6b6b6b6b6b6b, which is not a canonical address: following it
 *    is a general protection fault.  The kernel's #GP hook looks for that
 *    value in the registers and reports it (debug_poisoned_pointer).
 *
 * What it cannot do: see a read of plain data from freed memory (reads
 * leave no trace; the program gets 0x6b bytes and goes on; the
 * guard-page mode, guard.c, catches those too), say which block a
 * poisoned pointer was read from, see a write that skips the redzone and
 * lands in another block, or catch a stale pointer used after its block
 * left the quarantine and was handed out again.  And it costs: 48 bytes
 * or more a block, a fill on every alloc and free.
 */
#include "debug_alloc.h"

#include "format.h"
#include "mem.h"
#include "panic.h"

/* ------------------------------------------------------------- layout */

static size_t align_of(struct layout l)
{
	return l.align > DBG_GRANULE ? l.align : DBG_GRANULE;
}

/* Where the block starts in the inner block: the header must fit in
 * front, and the block must be aligned. */
static size_t front_of(struct layout l)
{
	return l.align > DBG_FRONT ? l.align : DBG_FRONT;
}

/* The inner block for a block of layout l: its front, the block, and a
 * redzone of at least DBG_REDZONE bytes, rounded to a granule. */
static struct layout inner_layout(struct layout l)
{
	size_t bytes = front_of(l) + l.size + DBG_REDZONE;
	bytes = (bytes + DBG_GRANULE - 1) & ~(size_t)(DBG_GRANULE - 1);
	return (struct layout){.size = bytes, .align = align_of(l)};
}

static struct dbg_header *header_of(const void *ptr)
{
	return (struct dbg_header *)((uintptr_t)ptr - DBG_FRONT);
}

static struct layout layout_of(const struct dbg_header *hd)
{
	return (struct layout){hd->size, (size_t)1 << hd->align_log2};
}

/* ---------------------------------------------------------- the shadow */

/* The shadow byte of the header of the block at ptr, or NULL if ptr
 * cannot be a block (outside the range, or not on a granule). */
static uint8_t *shadow_of(const struct debug_heap *h, const void *ptr)
{
	uintptr_t hd = (uintptr_t)ptr - DBG_FRONT;
	if ((uintptr_t)ptr < h->base + DBG_FRONT || hd % DBG_GRANULE != 0)
		return NULL;
	size_t g = (hd - h->base) / DBG_GRANULE;
	return g < h->granules ? &h->shadow[g] : NULL;
}

const struct dbg_header *debug_header_of(const struct debug_heap *h,
					 const void *ptr,
					 enum dbg_shadow *state)
{
	uint8_t *s = shadow_of(h, ptr);
	*state = s == NULL ? SHADOW_NONE : (enum dbg_shadow)*s;
	return *state == SHADOW_NONE ? NULL : header_of(ptr);
}

void debug_heap_init(struct debug_heap *h, struct dbg_inner inner,
		     uintptr_t base, uint8_t *shadow, size_t granules)
{
	*h = (struct debug_heap){.inner = inner,
				 .base = base,
				 .shadow = shadow,
				 .granules = granules};
}

/* ------------------------------------------------------------- reports */

/* "name+0xoff", or the bare address on the host. */
static const char *site(const struct debug_heap *h, uintptr_t at, char *buf,
			size_t size)
{
	if (h->site_name != NULL)
		return h->site_name(at, buf, size);
	ksnprintf(buf, size, "%#lx", (unsigned long)at);
	return buf;
}

/*
 * Panics with a report, one fact a line (each fits a screen line):
 *
 *   debug_alloc: use-after-free write to a 24-byte block
 *     0x0000444444440020, byte 4: 0x00, not 0x6b
 *     allocated by uaf_demo+0x1c
 *     freed by uaf_demo+0x44
 */
/* A report panics, unless h->on_report takes it (the demo's choice):
 * then the operation that found the bug is abandoned or finished as
 * safely as it can be, and the kernel goes on. */
static void raise_report(struct debug_heap *h, const char *msg)
{
	h->reports++;
	if (h->on_report == NULL)
		panic("%s", msg);
	h->on_report(msg);
}

static void report(struct debug_heap *h, const char *what, const char *detail,
		   const void *ptr, const struct dbg_header *hd, bool freed)
{
	static char msg[400];
	char a[64], f[80] = "";
	site(h, hd->alloc_site, a, sizeof a);
	if (freed) {
		char name[64];
		ksnprintf(f, sizeof f, "\n  freed by %s",
			  site(h, hd->free_site, name, sizeof name));
	}
	ksnprintf(msg, sizeof msg,
		  "debug_alloc: %s %u-byte block\n  %p%s\n  allocated by %s%s",
		  what, hd->size, ptr, detail, a, f);
	raise_report(h, msg);
}

/*
 *   debug_alloc: use-after-free read: a pointer read from freed memory
 *     (rax = 0x6b6b6b6b6b6b6b6b, the free poison) was dereferenced
 *     at next_value+0x4
 *
 * The fault says where, not from which block the pointer came: the
 * value is the same whatever block it was read from.
 */
void debug_poisoned_pointer(struct debug_heap *h, const char *reg, uintptr_t at)
{
	static char msg[200];
	char where[64];
	ksnprintf(msg, sizeof msg,
		  "debug_alloc: use-after-free read: a pointer read from "
		  "freed memory\n  (%s = %#llx, the free poison) was "
		  "dereferenced\n  at %s",
		  reg, DBG_POISON_POINTER, site(h, at, where, sizeof where));
	raise_report(h, msg);
}

/* The first byte of [p, p + n) that is not `value`, or -1. */
static long first_not(const uint8_t *p, size_t n, uint8_t value)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != value)
			return (long)i;
	return -1;
}

/* Both redzones of the block at ptr intact, or a report. */
static void check_redzones(struct debug_heap *h, const void *ptr,
			   const struct dbg_header *hd)
{
	struct layout inner = inner_layout(layout_of(hd));
	size_t back = inner.size - front_of(layout_of(hd)) - hd->size;
	char detail[48];
	long bad = first_not(hd->canary, sizeof hd->canary, DBG_CANARY);
	if (bad >= 0) {
		ksnprintf(detail, sizeof detail, ", byte %ld: 0x%02x, not 0x%02x",
			  bad - (long)sizeof hd->canary, hd->canary[bad],
			  DBG_CANARY);
		report(h, "write before the start of a", detail, ptr, hd, false);
	}
	const uint8_t *end = (const uint8_t *)ptr + hd->size;
	bad = first_not(end, back, DBG_CANARY);
	if (bad >= 0) {
		ksnprintf(detail, sizeof detail, ", byte %zu: 0x%02x, not 0x%02x",
			  hd->size + (size_t)bad, end[bad], DBG_CANARY);
		report(h, "write past the end of a", detail, ptr, hd, false);
	}
}

/* ------------------------------------------------------------ quarantine */

/* Takes the oldest block out of the quarantine: its poison must be
 * intact; then it really goes back to the allocator below. */
static void evict(struct debug_heap *h)
{
	void *ptr = h->quarantine[h->q_first];
	struct dbg_header *hd = header_of(ptr);
	h->q_first = (h->q_first + 1) % DBG_QUARANTINE;
	h->q_count--;
	h->q_bytes -= hd->size;
	*shadow_of(h, ptr) = SHADOW_NONE;
	long bad = first_not(ptr, hd->size, DBG_POISON);
	if (bad >= 0) { /* out of the quarantine first: the report is final */
		char detail[48];
		ksnprintf(detail, sizeof detail, ", byte %ld: 0x%02x, not 0x%02x",
			  bad, ((uint8_t *)ptr)[bad], DBG_POISON);
		report(h, "use-after-free write to a", detail, ptr, hd, true);
	}
	struct layout l = layout_of(hd);
	h->inner.dealloc(h->inner.ctx, (uint8_t *)ptr - front_of(l),
			 inner_layout(l));
}

static void quarantine(struct debug_heap *h, void *ptr, size_t size)
{
	while (h->q_count == DBG_QUARANTINE ||
	       (h->q_count > 0 && h->q_bytes + size > DBG_QUARANTINE_BYTES))
		evict(h);
	h->quarantine[(h->q_first + h->q_count) % DBG_QUARANTINE] = ptr;
	h->q_count++;
	h->q_bytes += size;
}

void debug_flush(struct debug_heap *h)
{
	while (h->q_count > 0)
		evict(h);
}

/* ------------------------------------------------------ alloc, dealloc */

void *debug_alloc(struct debug_heap *h, struct layout layout, uintptr_t at)
{
	if (layout.size > UINT32_MAX ||
	    layout.size > SIZE_MAX - front_of(layout) - 2 * DBG_REDZONE)
		return NULL;
	struct layout inner = inner_layout(layout);
	uint8_t *mem = h->inner.alloc(h->inner.ctx, inner);
	if (mem == NULL && h->q_count > 0) {
		debug_flush(h); /* the quarantine must not cause an OOM */
		mem = h->inner.alloc(h->inner.ctx, inner);
	}
	if (mem == NULL)
		return NULL;
	uint8_t *ptr = mem + front_of(layout);
	uint8_t *shadow = shadow_of(h, ptr);
	if (shadow == NULL)
		panic("debug_alloc: block %p outside the shadow map", ptr);
	struct dbg_header *hd = header_of(ptr);
	*hd = (struct dbg_header){
		.size = (uint32_t)layout.size,
		.align_log2 = (uint8_t)__builtin_ctzll(layout.align),
		.alloc_site = at};
	memset(hd->canary, DBG_CANARY, sizeof hd->canary);
	memset(ptr, DBG_FRESH, layout.size);
	memset(ptr + layout.size, DBG_CANARY,
	       inner.size - front_of(layout) - layout.size);
	*shadow = SHADOW_LIVE;
	h->live++;
	h->live_bytes += layout.size;
	return ptr;
}

/* The free's pointer and layout are those of a live block, or a report. */
static struct dbg_header *check_free(struct debug_heap *h, void *ptr,
				     struct layout layout)
{
	enum dbg_shadow state;
	struct dbg_header *hd =
		(struct dbg_header *)debug_header_of(h, ptr, &state);
	if (state == SHADOW_QUARANTINED) {
		report(h, "double free of a", "", ptr, hd, true);
		return NULL; /* (if the kernel goes on: the free is ignored) */
	}
	if (state != SHADOW_LIVE) {
		char msg[96];
		ksnprintf(msg, sizeof msg,
			  "debug_alloc: invalid free of %p\n"
			  "  (no block from kmalloc starts there)",
			  ptr);
		raise_report(h, msg);
		return NULL;
	}
	if (layout.size != hd->size || layout.align != layout_of(hd).align) {
		char detail[80]; /* room for two 20-digit numbers and an align */
		ksnprintf(detail, sizeof detail, ", align %zu, freed as %zu/%zu",
			  layout_of(hd).align, layout.size, layout.align);
		report(h, "free with the wrong layout of a", detail, ptr, hd,
		       false);
		return NULL; /* the block stays live: a leak, not corruption */
	}
	return hd;
}

void debug_dealloc(struct debug_heap *h, void *ptr, struct layout layout,
		   uintptr_t at)
{
	struct dbg_header *hd = check_free(h, ptr, layout);
	if (hd == NULL)
		return;
	check_redzones(h, ptr, hd); /* the free goes on after a report */
	/* first: an eviction may report, and this block then stays live */
	quarantine(h, ptr, hd->size);
	hd->free_site = at;
	memset(ptr, DBG_POISON, hd->size);
	*shadow_of(h, ptr) = SHADOW_QUARANTINED;
	h->live--;
	h->live_bytes -= hd->size;
}

/* ----------------------------------------------------------- inspection */

size_t debug_each_live(const struct debug_heap *h,
		       void (*each)(void *ctx, const void *ptr, size_t size,
				    uintptr_t site),
		       void *ctx)
{
	size_t n = 0;
	for (size_t g = 0; g < h->granules; g++) {
		if (h->shadow[g] != SHADOW_LIVE)
			continue;
		const struct dbg_header *hd =
			(const void *)(h->base + g * DBG_GRANULE);
		if (each != NULL)
			each(ctx, (const uint8_t *)hd + DBG_FRONT, hd->size,
			     hd->alloc_site);
		n++;
	}
	return n;
}

/* Is ptr in the quarantine ring? */
static bool quarantined(const struct debug_heap *h, const void *ptr)
{
	for (size_t i = 0; i < h->q_count; i++)
		if (h->quarantine[(h->q_first + i) % DBG_QUARANTINE] == ptr)
			return true;
	return false;
}

bool debug_check(const struct debug_heap *h, const char **what)
{
	size_t live = 0, bytes = 0, in_q = 0;
	for (size_t g = 0; g < h->granules; g++) {
		if (h->shadow[g] == SHADOW_NONE)
			continue;
		const struct dbg_header *hd =
			(const void *)(h->base + g * DBG_GRANULE);
		const uint8_t *ptr = (const uint8_t *)hd + DBG_FRONT;
		if (first_not(hd->canary, sizeof hd->canary, DBG_CANARY) >= 0) {
			*what = "a block's front redzone is overwritten";
			return false;
		}
		if (h->shadow[g] == SHADOW_LIVE) {
			live++;
			bytes += hd->size;
		} else if (!quarantined(h, ptr)) {
			*what = "a freed block is marked but not quarantined";
			return false;
		} else {
			in_q++;
		}
	}
	if (live != h->live || bytes != h->live_bytes || in_q != h->q_count) {
		*what = "the counts do not match the shadow map";
		return false;
	}
	*what = NULL;
	return true;
}
