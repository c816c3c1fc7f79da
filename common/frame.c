/*
 * frame.c - the physical frame allocator.
 *
 * Theory of operation
 * -------------------
 * The boot loader's memory map says which physical addresses are RAM.  The
 * allocator keeps that as two small sorted tables of ranges, and a cursor:
 *
 *   address  0    1000          9f000   100000   200000   400000   7fe0000
 *            +------------------+-------+--------------------------+
 *   map      | available        | rsvd  | available (one entry)    |
 *            +------------------+-------+--------------------------+
 *   usable[]      [-------------)       [--------------------------)
 *   reserved[]                                   [########)  kernel image
 *   handed out    oooooooooooooo        ooooooooo         oo
 *                                                           ^
 *                                                     next (cursor)
 *
 *   - usable[] holds whole frames only: starts are rounded up and ends down
 *     to 4 KiB, frame 0 is cut off (a physical address of 0 looks like NULL),
 *     and overlapping or touching ranges are merged as they are added, so
 *     the table is always sorted, disjoint and normalized.  Normalizing
 *     eagerly, in add, means the invariants hold at every moment and
 *     frame_allocator_check() can verify them at any time.
 *   - reserved[] holds what must never be handed out (the kernel image,
 *     the boot information, regions the map marks as not available).  It is
 *     rounded outwards and merged the same way, but never subtracted from
 *     usable[]: frame_alloc() steps over it.
 *   - next only moves up.  frame_alloc() starts at next, skips to the first
 *     usable range ending above it, steps over any reserved range covering
 *     it, hands out that frame and moves next just past it.  Frames are
 *     thus handed out in ascending order, each once.
 *
 * Merging a new range into a sorted table (the same for both tables):
 *
 *   before   [a---)    [b----)  [c--)        [d---)
 *   add                  [x-------------)
 *   after    [a---)    [b+x+c-----------)    [d---)
 *
 * every range that overlaps or touches the new one is absorbed into one
 * slot, so adding may shrink the table; it needs a free slot only when the
 * new range touches nothing.
 *
 * Cost: frame_alloc is O(U + R) for U usable and R reserved ranges (at
 * most 64 and 16), free_frames O(U * R), add and reserve O(U) or O(R).
 * The struct is about 1.3 KiB, all inline: no heap (there is none yet).
 *
 * What it cannot do: free a frame.  It is a bump allocator over physical
 * memory, meant to feed the page tables and the first heap; a later
 * allocator (a bitmap or a free list) takes over the frames it leaves.
 */
#include "frame.h"

#include "mem.h"
#include "panic.h"

_Static_assert((FRAME_SIZE & (FRAME_SIZE - 1)) == 0,
	       "FRAME_SIZE must be a power of two");
_Static_assert(FRAME_ADDR_TOP % FRAME_SIZE == 0,
	       "FRAME_ADDR_TOP must be frame-aligned");

/* ------------------------------------------------------------- rounding */

static uint64_t frame_round_down(uint64_t addr)
{
	return addr & ~(uint64_t)(FRAME_SIZE - 1);
}

/* Rounds up, clamping to FRAME_ADDR_TOP (rounding up above it would wrap
 * to 0; nothing above FRAME_ADDR_TOP can ever be handed out anyway). */
static uint64_t frame_round_up(uint64_t addr)
{
	if (addr >= FRAME_ADDR_TOP)
		return FRAME_ADDR_TOP;
	return frame_round_down(addr + (FRAME_SIZE - 1));
}

/* The whole frames inside [start, end), frame 0 excluded; false if none. */
static bool usable_bounds(uint64_t start, uint64_t end, uint64_t *s,
			  uint64_t *e)
{
	if (end <= start)
		return false;
	*s = frame_round_up(start);
	if (*s < FRAME_SIZE)
		*s = FRAME_SIZE;
	*e = frame_round_down(end);
	return *s < *e;
}

/* The frames [start, end) touches, below FRAME_ADDR_TOP; false if none. */
static bool reserved_bounds(uint64_t start, uint64_t end, uint64_t *s,
			    uint64_t *e)
{
	if (end <= start)
		return false;
	*s = frame_round_down(start);
	*e = frame_round_up(end);
	return *s < *e;
}

/* --------------------------------------------------------- range tables */

/*
 * Merges [start, end) (aligned, non-empty) into the sorted table
 * ranges[0..*n): see the picture above.  Returns false, changing nothing,
 * when the range touches no existing one and the table is full.
 */
static bool range_table_add(struct frame_range *ranges, size_t *n, size_t max,
			    uint64_t start, uint64_t end)
{
	size_t i = 0;
	/* Skip the ranges that end strictly before the new one starts. */
	while (i < *n && ranges[i].end < start)
		i++;
	/* Absorb the run ranges[i..j) that overlaps or touches it. */
	size_t j = i;
	while (j < *n && ranges[j].start <= end) {
		if (ranges[j].start < start)
			start = ranges[j].start;
		if (ranges[j].end > end)
			end = ranges[j].end;
		j++;
	}

	if (i == j) {
		if (*n == max)
			return false;
		memmove(&ranges[i + 1], &ranges[i],
			(*n - i) * sizeof(ranges[0]));
		(*n)++;
	} else if (j - i > 1) {
		memmove(&ranges[i + 1], &ranges[j],
			(*n - j) * sizeof(ranges[0]));
		*n -= j - i - 1;
	}
	ranges[i].start = start;
	ranges[i].end = end;
	return true;
}

/* Frames in [start, end) (aligned) that also lie in a reserved range. */
static uint64_t reserved_frames_in(const struct frame_allocator *fa,
				   uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	for (size_t i = 0; i < fa->n_reserved; i++) {
		uint64_t s = fa->reserved[i].start;
		uint64_t e = fa->reserved[i].end;
		if (s < start)
			s = start;
		if (e > end)
			e = end;
		if (s < e)
			n += (e - s) / FRAME_SIZE;
	}
	return n;
}

/* ---------------------------------------------------------------- setup */

void frame_allocator_init(struct frame_allocator *fa)
{
	memset(fa, 0, sizeof(*fa));
}

bool frame_allocator_add_usable(struct frame_allocator *fa, uint64_t start,
				uint64_t end)
{
	if (fa->allocating)
		panic("frame_allocator_add_usable: called after frame_alloc");
	uint64_t s, e;
	if (!usable_bounds(start, end, &s, &e))
		return true;
	return range_table_add(fa->usable, &fa->n_usable, FRAME_MAX_USABLE, s,
			       e);
}

bool frame_allocator_reserve(struct frame_allocator *fa, uint64_t start,
			     uint64_t end)
{
	if (fa->allocating)
		panic("frame_allocator_reserve: called after frame_alloc");
	uint64_t s, e;
	if (!reserved_bounds(start, end, &s, &e))
		return true;
	return range_table_add(fa->reserved, &fa->n_reserved,
			       FRAME_MAX_RESERVED, s, e);
}

/* Does the frame-rounded [s, e) overlap a usable range? */
static bool overlaps_usable(const struct frame_allocator *fa, uint64_t s,
			    uint64_t e)
{
	for (size_t i = 0; i < fa->n_usable; i++)
		if (fa->usable[i].start < e && s < fa->usable[i].end)
			return true;
	return false;
}

/* The end of a map entry, clamped where base + length wraps past 2^64. */
static uint64_t mmap_entry_end(const struct mb2_mmap_entry *e)
{
	uint64_t end;
	if (__builtin_add_overflow(e->base, e->length, &end))
		return UINT64_MAX;
	return end;
}

enum mb2_error frame_allocator_init_from_mb2(struct frame_allocator *fa,
					     const struct mb2_info *info)
{
	struct mb2_mmap_entry e;

	frame_allocator_init(fa);
	if (info->mmap_entries == NULL)
		return MB2_ERR_NO_MMAP;

	/* Pass 1: all available memory, so that pass 2 knows what a
	 * non-available region could take away. */
	for (size_t i = 0; mb2_mmap_get(info, i, &e); i++) {
		if (e.type != MB2_MEM_AVAILABLE)
			continue;
		if (!frame_allocator_add_usable(fa, e.base, mmap_entry_end(&e)))
			return MB2_ERR_TOO_MANY_REGIONS;
	}

	/* Pass 2: every other type wins over available memory it overlaps. */
	for (size_t i = 0; mb2_mmap_get(info, i, &e); i++) {
		uint64_t s, end;
		if (e.type == MB2_MEM_AVAILABLE)
			continue;
		if (!reserved_bounds(e.base, mmap_entry_end(&e), &s, &end) ||
		    !overlaps_usable(fa, s, end))
			continue;
		if (!frame_allocator_reserve(fa, s, end))
			return MB2_ERR_TOO_MANY_REGIONS;
	}
	return MB2_OK;
}

/* ----------------------------------------------------------- allocation */

bool frame_alloc(struct frame_allocator *fa, uint64_t *frame)
{
	uint64_t addr = fa->next;

	fa->allocating = true;
	for (size_t i = 0; i < fa->n_usable; i++) {
		const struct frame_range *u = &fa->usable[i];
		if (u->end <= addr)
			continue; /* wholly below the cursor */
		if (addr < u->start)
			addr = u->start;
		/* Step over reserved ranges covering addr.  They are sorted
		 * and do not touch, so one forward pass suffices. */
		for (size_t r = 0; r < fa->n_reserved; r++) {
			const struct frame_range *res = &fa->reserved[r];
			if (res->end <= addr)
				continue;
			if (res->start > addr)
				break;
			addr = res->end;
		}
		if (addr < u->end) {
			*frame = addr;
			/* Cannot wrap: addr < u->end <= FRAME_ADDR_TOP. */
			fa->next = addr + FRAME_SIZE;
			return true;
		}
	}
	/* Every frame below addr is used, reserved or not RAM. */
	fa->next = addr;
	return false;
}

uint64_t frame_allocator_free_frames(const struct frame_allocator *fa)
{
	uint64_t n = 0;
	for (size_t i = 0; i < fa->n_usable; i++) {
		uint64_t s = fa->usable[i].start;
		uint64_t e = fa->usable[i].end;
		if (s < fa->next)
			s = fa->next;
		if (s >= e)
			continue;
		n += (e - s) / FRAME_SIZE - reserved_frames_in(fa, s, e);
	}
	return n;
}

uint64_t frame_allocator_usable_bytes(const struct frame_allocator *fa)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < fa->n_usable; i++)
		bytes += fa->usable[i].end - fa->usable[i].start;
	return bytes;
}

/* ---------------------------------------------------------------- check */

static void check_ranges(const char *table, const struct frame_range *ranges,
			 size_t n, uint64_t lowest)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long long s = ranges[i].start, e = ranges[i].end;
		if (s % FRAME_SIZE != 0 || e % FRAME_SIZE != 0)
			panic("frame_allocator_check: %s range %zu "
			      "[0x%llx, 0x%llx) is not frame-aligned",
			      table, i, s, e);
		if (s >= e)
			panic("frame_allocator_check: %s range %zu "
			      "[0x%llx, 0x%llx) is empty",
			      table, i, s, e);
		if (s < lowest)
			panic("frame_allocator_check: %s range %zu "
			      "[0x%llx, 0x%llx) includes frame 0",
			      table, i, s, e);
		if (e > FRAME_ADDR_TOP)
			panic("frame_allocator_check: %s range %zu "
			      "[0x%llx, 0x%llx) ends above the top frame",
			      table, i, s, e);
		if (i > 0 && ranges[i - 1].end >= s)
			panic("frame_allocator_check: %s ranges %zu and %zu "
			      "are not sorted, disjoint and apart",
			      table, i - 1, i);
	}
}

void frame_allocator_check(const struct frame_allocator *fa)
{
	if (fa->n_usable > FRAME_MAX_USABLE)
		panic("frame_allocator_check: %zu usable ranges, max %d",
		      fa->n_usable, FRAME_MAX_USABLE);
	if (fa->n_reserved > FRAME_MAX_RESERVED)
		panic("frame_allocator_check: %zu reserved ranges, max %d",
		      fa->n_reserved, FRAME_MAX_RESERVED);
	check_ranges("usable", fa->usable, fa->n_usable, FRAME_SIZE);
	check_ranges("reserved", fa->reserved, fa->n_reserved, 0);
	if (fa->next % FRAME_SIZE != 0)
		panic("frame_allocator_check: cursor 0x%llx is not "
		      "frame-aligned",
		      (unsigned long long)fa->next);
	if (fa->next > FRAME_ADDR_TOP)
		panic("frame_allocator_check: cursor 0x%llx is above the top "
		      "frame",
		      (unsigned long long)fa->next);
	if (!fa->allocating && fa->next != 0)
		panic("frame_allocator_check: cursor 0x%llx moved before the "
		      "first frame_alloc",
		      (unsigned long long)fa->next);
}
