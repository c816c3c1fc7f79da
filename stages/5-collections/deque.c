/*
 * deque.c - the untyped core of VecDeque; see deque.h for the theory of
 * operation.
 */
#include "deque.h"

#include "alloc.h"
#include "mem.h"
#include "panic.h"

void raw_deque_init(struct raw_deque *d)
{
	*d = RAW_DEQUE_INIT;
}

/* The slot holding logical element i.  Requires cap > 0. */
static size_t slot_of(const struct raw_deque *d, size_t i)
{
	return (d->head + i) & (d->cap - 1);
}

static char *slot_ptr(const struct raw_deque *d, size_t slot, size_t size)
{
	return (char *)d->buf + slot * size;
}

/*
 * Moves the elements into a new block of new_cap slots (a power of two,
 * >= len), in logical order from slot 0, and frees the old block.  The
 * used part of the old ring is at most two runs:
 *
 *     old   | c | d | . | . | a | b |      first run:  a b  (head .. cap)
 *                           ^head          second run: c d  (0 .. wrap)
 *
 * Returns false, with the deque untouched, if the allocation fails.
 */
static bool resize_block(struct raw_deque *d, size_t new_cap, size_t size,
			 size_t align)
{
	struct layout layout;
	if (layout_array(new_cap, size, align, &layout) != LAYOUT_OK)
		return false;
	char *buf = kmalloc(layout.size, align);
	if (buf == NULL)
		return false;
	if (d->len > 0) {
		size_t first = d->cap - d->head;
		if (first > d->len)
			first = d->len;
		memcpy(buf, slot_ptr(d, d->head, size), first * size);
		memcpy(buf + first * size, d->buf, (d->len - first) * size);
	}
	kfree(d->buf, d->cap * size, align);
	d->buf = buf;
	d->cap = new_cap;
	d->head = 0;
	return true;
}

bool raw_deque_reserve(struct raw_deque *d, size_t additional, size_t size,
		       size_t align)
{
	size_t needed;
	if (__builtin_add_overflow(d->len, additional, &needed))
		return false;
	if (needed <= d->cap)
		return true;
	size_t cap = d->cap == 0 ? DEQUE_MIN_CAP : d->cap;
	while (cap < needed) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	return resize_block(d, cap, size, align);
}

bool raw_deque_push_back(struct raw_deque *d, const void *elem, size_t size,
			 size_t align)
{
	if (!raw_deque_reserve(d, 1, size, align))
		return false;
	memcpy(slot_ptr(d, slot_of(d, d->len), size), elem, size);
	d->len++;
	return true;
}

bool raw_deque_push_front(struct raw_deque *d, const void *elem, size_t size,
			  size_t align)
{
	if (!raw_deque_reserve(d, 1, size, align))
		return false;
	/* head - 1, wrapping from slot 0 to slot cap - 1 */
	d->head = (d->head + d->cap - 1) & (d->cap - 1);
	memcpy(slot_ptr(d, d->head, size), elem, size);
	d->len++;
	return true;
}

bool raw_deque_pop_back(struct raw_deque *d, void *out, size_t size)
{
	if (d->len == 0)
		return false;
	d->len--;
	if (out != NULL)
		memcpy(out, slot_ptr(d, slot_of(d, d->len), size), size);
	return true;
}

bool raw_deque_pop_front(struct raw_deque *d, void *out, size_t size)
{
	if (d->len == 0)
		return false;
	if (out != NULL)
		memcpy(out, slot_ptr(d, d->head, size), size);
	d->head = slot_of(d, 1);
	d->len--;
	return true;
}

void *raw_deque_at(const struct raw_deque *d, size_t index, size_t size)
{
	if (index >= d->len)
		panic("index out of bounds: the len is %zu but the index is "
		      "%zu",
		      d->len, index);
	return slot_ptr(d, slot_of(d, index), size);
}

void *raw_deque_next(const struct raw_deque *d, const void *elem, size_t size)
{
	size_t offset = (size_t)((const char *)elem - (const char *)d->buf);
	size_t slot = offset / size;
	size_t index = (slot - d->head) & (d->cap - 1);
	if (index + 1 >= d->len)
		return NULL;
	return slot_ptr(d, slot_of(d, index + 1), size);
}

void raw_deque_drop(struct raw_deque *d, size_t size, size_t align)
{
	kfree(d->buf, d->cap * size, align);
	*d = RAW_DEQUE_INIT;
}

void raw_deque_check(const struct raw_deque *d, size_t size, size_t align)
{
	size_t bytes;
	if (size == 0)
		panic("deque_check: element size is zero");
	if ((d->cap & (d->cap - 1)) != 0)
		panic("deque_check: capacity %zu is not a power of two",
		      d->cap);
	if ((d->buf == NULL) != (d->cap == 0))
		panic("deque_check: buffer %p does not match capacity %zu",
		      d->buf, d->cap);
	if (d->len > d->cap)
		panic("deque_check: len %zu exceeds capacity %zu", d->len,
		      d->cap);
	if (d->cap == 0 ? d->head != 0 : d->head >= d->cap)
		panic("deque_check: head %zu outside capacity %zu", d->head,
		      d->cap);
	if ((uintptr_t)d->buf % align != 0)
		panic("deque_check: buffer %p is not aligned to %zu", d->buf,
		      align);
	if (__builtin_mul_overflow(d->cap, size, &bytes))
		panic("deque_check: capacity %zu overflows the block size",
		      d->cap);
}
