// stage: 6
/* freelist_model.c - see freelist_model.h. */
#include "freelist_model.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

/* Formats what broke into m->msg; returns it.  Addresses are printed as
 * offsets from the heap's start (+0 is its first byte). */
__attribute__((format(printf, 2, 3))) static const char *
broken(struct freelist_model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->msg, sizeof m->msg, fmt, ap);
	va_end(ap);
	return m->msg;
}

static size_t off(const struct freelist_model *m, uintptr_t at)
{
	return at - m->h->start;
}

void model_init(struct freelist_model *m, struct freelist_heap *h)
{
	memset(m, 0, sizeof *m);
	m->h = h;
	m->next_fill = 1;
}

/* ------------------------------------------------------ the live blocks */

/* Puts b in the table at its address. */
static void insert(struct freelist_model *m, struct model_block b)
{
	size_t i = m->n;
	while (i > 0 && m->live[i - 1].at > b.at)
		i--;
	memmove(&m->live[i + 1], &m->live[i], (m->n - i) * sizeof b);
	m->live[i] = b;
	m->n++;
}

static void remove_at(struct freelist_model *m, size_t i)
{
	memmove(&m->live[i], &m->live[i + 1],
		(m->n - i - 1) * sizeof m->live[0]);
	m->n--;
}

/* Fills b with the next fill byte (1..255, never 0: free memory is often
 * zero). */
static void fill(struct freelist_model *m, struct model_block *b)
{
	b->fill = m->next_fill;
	m->next_fill = m->next_fill == 255 ? 1 : m->next_fill + 1;
	memset((void *)b->at, b->fill, b->layout.size);
}

/* Do the first n bytes of b still hold its fill byte?  (A run of one byte
 * is equal to itself moved by one.) */
static bool intact(const struct model_block *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)b->at;
	return n == 0 || (p[0] == b->fill && memcmp(p, p + 1, n - 1) == 0);
}

/* ------------------------------------------------------------- checking */

/* The live blocks and the free blocks, both in address order, must each
 * start where the one before ended, from start to exactly end. */
static const char *tiling(struct freelist_model *m)
{
	const struct freelist_heap *h = m->h;
	const struct free_block *f = h->head;
	size_t i = 0, used = 0;
	uintptr_t at = h->start;
	while (at < h->end) {
		if (f != NULL && (uintptr_t)f == at) {
			at += f->size;
			f = f->next;
		} else if (i < m->n && m->live[i].at == at) {
			size_t size =
				freelist_block_size(m->live[i].layout.size);
			at += size;
			used += size;
			i++;
		} else {
			return broken(m,
				      "+%zu is the start of no block "
				      "(the next live block is at +%zu)",
				      off(m, at),
				      i < m->n ? off(m, m->live[i].at) : 0);
		}
	}
	if (at != h->end || f != NULL || i != m->n)
		return broken(m, "block at +%zu runs past the heap end",
			      i < m->n ? off(m, m->live[i].at) : 0);
	if (used != h->used)
		return broken(m, "used is %zu, the live blocks take %zu",
			      h->used, used);
	return NULL;
}

const char *model_check(struct freelist_model *m)
{
	struct freelist_fault fault;
	if (!freelist_check(m->h, &fault))
		return broken(m, "freelist_check: %s at +%zu", fault.what,
			      fault.at ? off(m, fault.at) : 0);
	if (m->h->live != m->n)
		return broken(m, "%zu blocks live, the model has %zu",
			      m->h->live, m->n);
	return tiling(m);
}

/* Where first fit must put a block of size bytes aligned to align: the
 * lowest free block that holds it.  0 if none does. */
static uintptr_t first_fit(const struct freelist_heap *h, size_t size,
			   size_t align)
{
	if (align == 0 || (align & (align - 1)) != 0)
		return 0;
	u128 need = ((u128)size + FREELIST_UNIT - 1) / FREELIST_UNIT *
		    FREELIST_UNIT;
	if (need == 0)
		need = FREELIST_UNIT;
	for (const struct free_block *b = h->head; b != NULL; b = b->next) {
		u128 at = ((u128)(uintptr_t)b + align - 1) / align * align;
		if (at + need <= (u128)(uintptr_t)b + b->size)
			return (uintptr_t)at;
	}
	return 0;
}

/* Can the block at `at` become new_size bytes without moving?  Yes if it
 * shrinks, or if the free block right after it has the room. */
static bool fits_in_place(const struct freelist_heap *h, uintptr_t at,
			  size_t old_size, size_t new_size)
{
	size_t old = freelist_block_size(old_size);
	size_t new = freelist_block_size(new_size);
	if (new == 0)
		return false;
	if (new <= old)
		return true;
	for (const struct free_block *b = h->head; b != NULL; b = b->next)
		if ((uintptr_t)b == at + old)
			return b->size >= new - old;
	return false;
}

/* What a refused operation must leave as it was. */
static bool unchanged(const struct freelist_heap *before, size_t free_blocks,
		      const struct freelist_heap *h)
{
	return before->head == h->head && before->free_bytes == h->free_bytes &&
	       before->used == h->used && before->live == h->live &&
	       before->start == h->start && before->end == h->end &&
	       freelist_stats(h).free_blocks == free_blocks;
}

/* ------------------------------------------------------------ operations */

/* freelist_alloc, checked against first fit.  *out is the block. */
static const char *checked_alloc(struct freelist_model *m, size_t size,
				 size_t align, void **out)
{
	struct freelist_heap before = *m->h;
	size_t blocks = freelist_stats(m->h).free_blocks;
	uintptr_t want = first_fit(m->h, size, align);
	void *p = freelist_alloc(m->h, (struct layout){size, align});
	*out = p;
	if ((uintptr_t)p != want)
		return broken(m,
			      "alloc(%zu, align %zu) returned %p (+%zu); "
			      "first fit is %s+%zu",
			      size, align, p, p ? off(m, (uintptr_t)p) : 0,
			      want ? "" : "none, not ",
			      want ? off(m, want) : 0);
	if (p == NULL && !unchanged(&before, blocks, m->h))
		return broken(m,
			      "a failed alloc(%zu, align %zu) changed the "
			      "heap",
			      size, align);
	return NULL;
}

const char *model_alloc(struct freelist_model *m, size_t size, size_t align)
{
	m->last = NULL;
	if (m->n == MODEL_MAX_LIVE)
		return NULL;
	void *p;
	const char *err = checked_alloc(m, size, align, &p);
	if (err != NULL)
		return err;
	m->last = p;
	if (p == NULL) {
		m->alloc_fails++;
		return model_check(m);
	}
	m->allocs++;
	struct model_block b = {(uintptr_t)p, {size, align}, 0};
	fill(m, &b);
	insert(m, b);
	return model_check(m);
}

const char *model_free(struct freelist_model *m, size_t i)
{
	if (i >= m->n)
		return broken(m, "test bug: free of block %zu of %zu", i, m->n);
	struct model_block b = m->live[i];
	if (!intact(&b, b.layout.size))
		return broken(m,
			      "block +%zu (%zu bytes) was overwritten while "
			      "live",
			      off(m, b.at), b.layout.size);
	remove_at(m, i);
	freelist_dealloc(m->h, (void *)b.at, b.layout);
	m->frees++;
	return model_check(m);
}

/* Realloc's fallback, as default_realloc does it: a new block, the copy,
 * the old block freed; on failure the old block is left as it was. */
static const char *move_block(struct freelist_model *m, size_t i,
			      size_t new_size)
{
	struct model_block old = m->live[i];
	size_t keep = old.layout.size < new_size ? old.layout.size : new_size;
	void *q;
	const char *err = checked_alloc(m, new_size, old.layout.align, &q);
	if (err != NULL)
		return err;
	m->last = q;
	if (q == NULL) {
		m->realloc_fails++;
		if (!intact(&old, old.layout.size))
			return broken(m, "a failed realloc changed block +%zu",
				      off(m, old.at));
		return model_check(m);
	}
	memcpy(q, (void *)old.at, keep);
	remove_at(m, i);
	freelist_dealloc(m->h, (void *)old.at, old.layout);
	struct model_block b = {
		(uintptr_t)q, {new_size, old.layout.align}, old.fill};
	if (!intact(&b, keep))
		return broken(m,
			      "freeing the old block overwrote the new "
			      "one at +%zu",
			      off(m, b.at));
	fill(m, &b);
	insert(m, b);
	m->moved++;
	return model_check(m);
}

const char *model_realloc(struct freelist_model *m, size_t i, size_t new_size)
{
	if (i >= m->n)
		return broken(m, "test bug: realloc of block %zu of %zu", i,
			      m->n);
	struct model_block *b = &m->live[i];
	size_t old = b->layout.size, keep = old < new_size ? old : new_size;
	if (!intact(b, old))
		return broken(m,
			      "block +%zu (%zu bytes) was overwritten while "
			      "live",
			      off(m, b->at), old);
	struct freelist_heap before = *m->h;
	size_t blocks = freelist_stats(m->h).free_blocks;
	bool can = fits_in_place(m->h, b->at, old, new_size);
	void *p = freelist_realloc_in_place(m->h, (void *)b->at, b->layout,
					    new_size);
	m->last = p;
	if ((p != NULL) != can || (p != NULL && (uintptr_t)p != b->at))
		return broken(m,
			      "realloc in place of +%zu from %zu to %zu "
			      "bytes returned %p; expected %s",
			      off(m, b->at), old, new_size, p,
			      can ? "the same block" : "NULL");
	if (p == NULL) {
		if (!unchanged(&before, blocks, m->h))
			return broken(m, "a refused realloc in place changed "
					 "the heap");
		return move_block(m, i, new_size);
	}
	if (!intact(b, keep))
		return broken(m, "realloc in place of +%zu lost its contents",
			      off(m, b->at));
	if (freelist_block_size(new_size) > freelist_block_size(old))
		m->grown_in_place++;
	else if (freelist_block_size(new_size) < freelist_block_size(old))
		m->shrunk_in_place++;
	b->layout.size = new_size;
	fill(m, b);
	return model_check(m);
}

/* The heap is empty: one free block from start to end. */
static const char *one_whole_block(struct freelist_model *m)
{
	const struct freelist_heap *h = m->h;
	if (h->head == NULL || (uintptr_t)h->head != h->start ||
	    h->head->size != h->end - h->start || h->head->next != NULL ||
	    h->used != 0 || h->live != 0 || h->free_bytes != h->end - h->start)
		return broken(m,
			      "everything freed, but the heap is not one "
			      "free block (%zu free blocks, %zu bytes used)",
			      freelist_stats(h).free_blocks, h->used);
	return NULL;
}

const char *model_free_all(struct freelist_model *m)
{
	/* Every second block first, then the rest: those then merge with a
	 * free neighbour on both sides. */
	for (size_t i = 0; i < m->n; i++) {
		const char *err = model_free(m, i);
		if (err != NULL)
			return err;
	}
	while (m->n > 0) {
		const char *err = model_free(m, m->n - 1);
		if (err != NULL)
			return err;
	}
	return one_whole_block(m);
}
