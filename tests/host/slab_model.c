// stage: 7
/* slab_model.c - see slab_model.h. */
#include "slab_model.h"

#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* Formats what broke into m->msg; returns it.  Addresses are printed as
 * offsets from the heap's start (+0 is its first byte). */
__attribute__((format(printf, 2, 3))) static const char *
broken(struct slab_model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->msg, sizeof m->msg, fmt, ap);
	va_end(ap);
	return m->msg;
}

static size_t off(const struct slab_model *m, uintptr_t at)
{
	return at - m->h->fallback->start;
}

void slab_model_init(struct slab_model *m, struct slab_heap *h,
		     struct slab_model_growth *growth)
{
	memset(m, 0, sizeof *m);
	m->h = h;
	m->growth = growth;
	m->next_fill = 1;
}

/* ---------------------------------------- what the model works out itself */

int slab_model_class(size_t size, size_t align)
{
	size_t need = size > align ? size : align;
	for (int i = 0; i < SLAB_CLASSES; i++)
		if (need <= (size_t)8 << i)
			return i;
	return -1;
}

static size_t class_block(int i)
{
	return (size_t)8 << i;
}

/* At least 8 blocks, at least a page. */
static size_t class_slab_size(int i)
{
	size_t size = class_block(i) * 8;
	return size > 4096 ? size : 4096;
}

/* The first block: the first multiple of the block size past the header. */
static size_t class_first(int i)
{
	size_t b = class_block(i);
	return (sizeof(struct slab) + b - 1) / b * b;
}

/* A live block at `at` with layout l: its class and the bytes it covers
 * (its class's block, or its size as the free list rounds it). */
static struct slab_model_block block_at(uintptr_t at, struct layout l,
					unsigned char fill)
{
	int i = slab_model_class(l.size, l.align);
	return (struct slab_model_block){
		.at = at,
		.layout = l,
		.class = i,
		.extent = i >= 0 ? class_block(i) : freelist_block_size(l.size),
		.fill = fill};
}

size_t slab_model_kept(const struct slab_heap *h)
{
	size_t bytes = 0;
	for (int i = 0; i < SLAB_CLASSES; i++)
		bytes += h->classes[i].slabs * class_slab_size(i);
	return bytes;
}

/* Where first fit must put size bytes at align in the free list (as in
 * freelist_model.c, in 128 bits, where nothing wraps); 0 if nowhere. */
static uintptr_t first_fit(const struct freelist_heap *fl, size_t size,
			   size_t align)
{
	u128 need = ((u128)size + FREELIST_UNIT - 1) / FREELIST_UNIT *
		    FREELIST_UNIT;
	if (need == 0)
		need = FREELIST_UNIT;
	for (const struct free_block *b = fl->head; b != NULL; b = b->next) {
		u128 at = ((u128)(uintptr_t)b + align - 1) / align * align;
		if (at + need <= (u128)(uintptr_t)b + b->size)
			return (uintptr_t)at;
	}
	return 0;
}

/* Where memory added at the end joins the free list: the start of the
 * free block that reaches the end, else the old end itself. */
static uintptr_t tail_start(const struct freelist_heap *fl)
{
	for (const struct free_block *b = fl->head; b != NULL; b = b->next)
		if ((uintptr_t)b + b->size == fl->end)
			return (uintptr_t)b;
	return fl->end;
}

/* ------------------------------------------------------ the fake growth */

void slab_model_growth_init(struct slab_model_growth *g,
			    struct freelist_heap *fallback, uintptr_t limit)
{
	*g = (struct slab_model_growth){.fallback = fallback,
					.limit = limit & ~(FREELIST_UNIT - 1)};
	ASAN_POISON_MEMORY_REGION((void *)fallback->end,
				  g->limit - fallback->end);
}

bool slab_model_grow(void *ctx, size_t bytes)
{
	struct slab_model_growth *g = ctx;
	g->calls++;
	g->last_ask = bytes;
	size_t room = g->limit - g->fallback->end;
	size_t add = bytes > room ? 0
				  : (bytes + FREELIST_UNIT - 1) &
					    ~(FREELIST_UNIT - 1);
	if (g->refuse || add == 0 || add > room) {
		g->refused++;
		return false;
	}
	ASAN_UNPOISON_MEMORY_REGION((void *)g->fallback->end, add);
	if (!freelist_extend(g->fallback, add)) {
		g->refused++;
		return false;
	}
	g->grown += add;
	return true;
}

/* --------------------------------------------------------- the live blocks */

/* Puts b in the table at its address; it must overlap neither neighbour. */
static const char *insert(struct slab_model *m, struct slab_model_block b)
{
	size_t i = m->n;
	while (i > 0 && m->live[i - 1].at > b.at)
		i--;
	if (i > 0 && m->live[i - 1].at + m->live[i - 1].extent > b.at)
		return broken(m, "block +%zu overlaps live block +%zu",
			      off(m, b.at), off(m, m->live[i - 1].at));
	if (i < m->n && b.at + b.extent > m->live[i].at)
		return broken(m, "block +%zu overlaps live block +%zu",
			      off(m, b.at), off(m, m->live[i].at));
	memmove(&m->live[i + 1], &m->live[i], (m->n - i) * sizeof b);
	m->live[i] = b;
	m->n++;
	return NULL;
}

static void remove_at(struct slab_model *m, size_t i)
{
	memmove(&m->live[i], &m->live[i + 1],
		(m->n - i - 1) * sizeof m->live[0]);
	m->n--;
}

static size_t index_of(const struct slab_model *m, uintptr_t at)
{
	size_t i = 0;
	while (i < m->n && m->live[i].at != at)
		i++;
	return i;
}

/* Fills b with the next fill byte (1..255, never 0). */
static void fill(struct slab_model *m, struct slab_model_block *b)
{
	b->fill = m->next_fill;
	m->next_fill = m->next_fill == 255 ? 1 : m->next_fill + 1;
	memset((void *)b->at, b->fill, b->layout.size);
}

/* Do the first n bytes of b still hold its fill byte? */
static bool intact(const struct slab_model_block *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)b->at;
	return n == 0 || (p[0] == b->fill && memcmp(p, p + 1, n - 1) == 0);
}

/* ------------------------------------------------------------- checking */

/* Each class's live blocks, the large ones, slab_used, and the free
 * list's view: one live block per slab and per large block. */
static const char *counts(struct slab_model *m)
{
	const struct slab_heap *h = m->h;
	size_t live[SLAB_CLASSES] = {0}, large = 0, large_bytes = 0, used = 0;
	for (size_t k = 0; k < m->n; k++) {
		const struct slab_model_block *b = &m->live[k];
		if (b->class >= 0)
			live[b->class]++;
		else
			large++, large_bytes += b->extent;
		used += b->extent;
	}
	size_t slabs = 0;
	for (int i = 0; i < SLAB_CLASSES; i++) {
		if (h->classes[i].live != live[i])
			return broken(
				m, "class %zu: %zu live, the model has %zu",
				class_block(i), h->classes[i].live, live[i]);
		slabs += h->classes[i].slabs;
	}
	if (h->large_live != large || h->large_bytes != large_bytes)
		return broken(m,
			      "%zu large blocks of %zu bytes; the model "
			      "has %zu of %zu",
			      h->large_live, h->large_bytes, large,
			      large_bytes);
	if (slab_used(h) != used)
		return broken(m, "slab_used is %zu, the model says %zu",
			      slab_used(h), used);
	if (h->fallback->live != large + slabs ||
	    h->fallback->used != large_bytes + slab_model_kept(h))
		return broken(m,
			      "the free list has %zu blocks of %zu bytes "
			      "live; slabs and large blocks are %zu of %zu",
			      h->fallback->live, h->fallback->used,
			      large + slabs, large_bytes + slab_model_kept(h));
	return NULL;
}

static int by_address(const void *a, const void *b)
{
	uintptr_t x = ((const struct slab_model_span *)a)->at;
	uintptr_t y = ((const struct slab_model_span *)b)->at;
	return x < y ? -1 : x > y;
}

/* Every slab on every list, in address order, into m->slabs; how many,
 * or SIZE_MAX if they do not fit there. */
static size_t collect_slabs(struct slab_model *m)
{
	size_t n = 0;
	for (int i = 0; i < SLAB_CLASSES; i++) {
		const struct size_class *c = &m->h->classes[i];
		const struct slab *const heads[] = {c->partial, c->empty,
						    c->full};
		for (int l = 0; l < 3; l++)
			for (const struct slab *s = heads[l]; s != NULL;
			     s = s->next) {
				if (n == SLAB_MODEL_MAX_SLABS)
					return SIZE_MAX;
				m->slabs[n++] = (struct slab_model_span){
					(uintptr_t)s, class_slab_size(i)};
			}
	}
	qsort(m->slabs, n, sizeof m->slabs[0], by_address);
	return n;
}

/* The slabs, the large live blocks and the free blocks, each in address
 * order, must each start where the one before ended, start to end. */
static const char *tiling(struct slab_model *m)
{
	const struct freelist_heap *fl = m->h->fallback;
	size_t slabs = collect_slabs(m), j = 0, i = 0;
	if (slabs == SIZE_MAX)
		return broken(m, "test bug: more than %d slabs",
			      SLAB_MODEL_MAX_SLABS);
	const struct free_block *f = fl->head;
	uintptr_t at = fl->start;
	while (at < fl->end) {
		while (i < m->n && m->live[i].class >= 0)
			i++; /* small blocks are inside their slabs */
		if (f != NULL && (uintptr_t)f == at) {
			at += f->size;
			f = f->next;
		} else if (j < slabs && m->slabs[j].at == at) {
			at += m->slabs[j++].size;
		} else if (i < m->n && m->live[i].at == at) {
			at += m->live[i++].extent;
		} else {
			return broken(m,
				      "+%zu is the start of no slab, large "
				      "block or free block",
				      off(m, at));
		}
	}
	if (at != fl->end || f != NULL || j != slabs)
		return broken(m, "a block runs past the heap end (+%zu)",
			      off(m, at));
	return NULL;
}

const char *slab_model_check(struct slab_model *m)
{
	struct slab_fault fault;
	if (!slab_check(m->h, &fault))
		return broken(m, "slab_check: %s at %#lx", fault.what,
			      (unsigned long)fault.at);
	const char *err = counts(m);
	return err != NULL ? err : tiling(m);
}

/* The heap's state, kept to see that an operation that must change
 * nothing (a refused alloc or realloc, a realloc within a class) did not. */
struct snapshot {
	struct slab_heap h;
	struct freelist_heap fl;
	size_t free_blocks;
};

static struct snapshot snap(const struct slab_model *m)
{
	return (struct snapshot){*m->h, *m->h->fallback,
				 freelist_stats(m->h->fallback).free_blocks};
}

static bool unchanged(const struct slab_model *m, const struct snapshot *s)
{
	struct snapshot now = snap(m);
	return memcmp(&now.h, &s->h, sizeof now.h) == 0 &&
	       memcmp(&now.fl, &s->fl, sizeof now.fl) == 0 &&
	       now.free_blocks == s->free_blocks;
}

/* ---------------------------------------------------------------- alloc */

/*
 * What an alloc must do, worked out before it runs.  A small block comes
 * from the class's partial slab, else its empty one (at is that slab's
 * first free block); failing both, and for a large block, the free list
 * is asked (fits_asked) for fit_size bytes at fit_align: a new slab, or
 * the large block itself.  fit is where first fit puts that, 0 if
 * nowhere: then the heap must grow, and the room it gets joins the free
 * list at tail.
 */
struct expect {
	int class;    /* -1: a large block */
	uintptr_t at; /* the block's address, or 0 */
	bool fits_asked;
	size_t fit_size, fit_align;
	uintptr_t fit, tail;
	struct snapshot was; /* the heap before */
	size_t calls;	     /* growth requests before */
};

static struct expect expect_alloc(const struct slab_model *m, size_t size,
				  size_t align)
{
	struct expect e = {.class = slab_model_class(size, align),
			   .was = snap(m),
			   .calls = m->growth ? m->growth->calls : 0};
	const struct freelist_heap *fl = m->h->fallback;
	if (e.class >= 0) {
		const struct size_class *c = &m->h->classes[e.class];
		const struct slab *s = c->partial ? c->partial : c->empty;
		if (s != NULL) { /* partial first, so that empties stay empty */
			e.at = (uintptr_t)s->free;
			return e;
		}
		e.fit_size = e.fit_align = class_slab_size(e.class);
		e.fits_asked = true;
	} else {
		e.fits_asked = true;
		e.fit_size = size;
		e.fit_align = align;
	}
	e.fit = first_fit(fl, e.fit_size, e.fit_align);
	e.tail = tail_start(fl);
	if (e.fit != 0)
		e.at = e.fit + (e.class >= 0 ? class_first(e.class) : 0);
	return e;
}

/* When nothing fits, the heap must ask to grow once, by enough for the
 * block at its alignment and not more than block + align; else never.
 * Sets e->at to where the block must go after a growth granted. */
static const char *check_growth(struct slab_model *m, struct expect *e)
{
	size_t asked = m->growth ? m->growth->calls - e->calls : 0;
	if (!e->fits_asked || e->fit != 0 || m->growth == NULL)
		return asked == 0 ? NULL
				  : broken(m, "the heap grew with room to "
					      "spare");
	size_t block = freelist_block_size(e->fit_size);
	if (block == 0 || block > SIZE_MAX - e->fit_align)
		return asked == 0 ? NULL
				  : broken(m, "asked to grow for a size that "
					      "cannot be met");
	size_t ask = m->growth->last_ask, align = e->fit_align;
	size_t least =
		block + (align > FREELIST_UNIT ? align - FREELIST_UNIT : 0);
	if (asked != 1 || ask < least || ask > block + align)
		return broken(m,
			      "asked to grow %zu times, last by %zu, for "
			      "%zu bytes at align %zu",
			      asked, ask, block, align);
	if (m->h->fallback->end == e->was.fl.end)
		return NULL; /* refused: the alloc must fail */
	u128 at = ((u128)e->tail + align - 1) / align * align;
	if (at + block > m->h->fallback->end)
		return broken(m, "grown by %zu, and still no room",
			      m->h->fallback->end - e->was.fl.end);
	e->at = (uintptr_t)at + (e->class >= 0 ? class_first(e->class) : 0);
	m->grows++;
	return NULL;
}

/* A new small block is a block of a slab of its class, and no longer on
 * that slab's free list. */
static const char *in_its_slab(struct slab_model *m, uintptr_t p, int i)
{
	const struct slab *s =
		(const struct slab *)(p & ~(class_slab_size(i) - 1));
	size_t at = p - (uintptr_t)s;
	if (s->magic != SLAB_MAGIC || s->block != class_block(i) ||
	    at < class_first(i) || (at - class_first(i)) % class_block(i) ||
	    at + class_block(i) > class_slab_size(i))
		return broken(m, "block +%zu is not a block of a %zu-byte slab",
			      off(m, p), class_block(i));
	for (void *b = s->free; b != NULL; b = *(void **)b)
		if ((uintptr_t)b == p)
			return broken(m, "block +%zu is handed out and free",
				      off(m, p));
	return NULL;
}

/* slab_alloc, checked against where the block must go.  *out is it. */
static const char *checked_alloc(struct slab_model *m, size_t size,
				 size_t align, void **out)
{
	struct expect e = expect_alloc(m, size, align);
	void *p = slab_alloc(m->h, (struct layout){size, align});
	*out = p;
	const char *err = check_growth(m, &e);
	if (err != NULL)
		return err;
	if ((uintptr_t)p != e.at)
		return broken(m,
			      "alloc(%zu, align %zu) returned %p (+%zu); "
			      "expected %s+%zu",
			      size, align, p, p ? off(m, (uintptr_t)p) : 0,
			      e.at ? "" : "none, not ",
			      e.at ? off(m, e.at) : 0);
	if (p == NULL)
		return unchanged(m, &e.was)
			       ? NULL
			       : broken(m,
					"a failed alloc(%zu, align %zu) "
					"changed the heap",
					size, align);
	if ((uintptr_t)p % align != 0 ||
	    (e.class >= 0 && (uintptr_t)p % class_block(e.class) != 0))
		return broken(m, "block +%zu is misaligned", off(m, e.at));
	if (e.class < 0) {
		m->large_allocs++;
		return NULL;
	}
	m->small_allocs++;
	m->slabs_made += e.fits_asked;
	return in_its_slab(m, (uintptr_t)p, e.class);
}

const char *slab_model_alloc(struct slab_model *m, size_t size, size_t align)
{
	m->last = NULL;
	if (m->n == SLAB_MODEL_MAX_LIVE)
		return NULL;
	void *p;
	const char *err = checked_alloc(m, size, align, &p);
	if (err != NULL)
		return err;
	m->last = p;
	if (p == NULL) {
		m->alloc_fails++;
		return slab_model_check(m);
	}
	struct slab_model_block b =
		block_at((uintptr_t)p, (struct layout){size, align}, 0);
	fill(m, &b);
	err = insert(m, b);
	return err != NULL ? err : slab_model_check(m);
}

/* ----------------------------------------------------------------- free */

/* The empty slab that must go back to the free list when freeing the
 * block at p empties its slab: the highest of it and the empties its
 * class keeps, if it keeps SLAB_KEEP_EMPTY already.  0: none goes. */
static uintptr_t expect_release(const struct slab_model *m, int i, uintptr_t p)
{
	const struct size_class *c = &m->h->classes[i];
	const struct slab *s =
		(const struct slab *)(p & ~(class_slab_size(i) - 1));
	if (s->free_count + 1 != s->capacity || c->empties < SLAB_KEEP_EMPTY)
		return 0;
	uintptr_t top = (uintptr_t)s;
	for (const struct slab *e = c->empty; e != NULL; e = e->next)
		if ((uintptr_t)e > top)
			top = (uintptr_t)e;
	return top;
}

/* After a free of a small block: the slab to release went back (and is
 * on no list of its class), or, when none was to, the free list is as
 * it was. */
static const char *check_release(struct slab_model *m, int i, uintptr_t top,
				 const struct snapshot *was)
{
	const struct size_class *c = &m->h->classes[i];
	if (top == 0)
		return memcmp(&was->fl, m->h->fallback, sizeof was->fl) == 0 &&
				       c->slabs == was->h.classes[i].slabs
			       ? NULL
			       : broken(m, "a free that empties no slab "
					   "beyond the one kept changed the "
					   "free list");
	bool listed = false;
	for (const struct slab *e = c->empty; e != NULL; e = e->next)
		listed = listed || (uintptr_t)e == top;
	if (listed || c->slabs + 1 != was->h.classes[i].slabs ||
	    m->h->fallback->live + 1 != was->fl.live)
		return broken(m,
			      "the %zu-byte class kept %zu empty slabs; "
			      "the highest, +%zu, did not go back",
			      class_block(i), c->empties + 1, off(m, top));
	m->slabs_released++;
	return NULL;
}

/* Checks b's contents, frees it (it is no longer in the table), and
 * checks what the free did to the slabs. */
static const char *checked_free(struct slab_model *m,
				const struct slab_model_block *b)
{
	if (!intact(b, b->layout.size))
		return broken(m,
			      "block +%zu (%zu bytes) was overwritten while "
			      "live",
			      off(m, b->at), b->layout.size);
	int i = b->class;
	struct snapshot was = snap(m);
	uintptr_t top = i >= 0 ? expect_release(m, i, b->at) : 0;
	slab_dealloc(m->h, (void *)b->at, b->layout);
	m->frees++;
	if (i >= 0)
		return check_release(m, i, top, &was);
	if (m->h->fallback->live + 1 != was.fl.live)
		return broken(m, "large block +%zu did not go back",
			      off(m, b->at));
	return NULL;
}

const char *slab_model_free(struct slab_model *m, size_t i)
{
	if (i >= m->n)
		return broken(m, "test bug: free of block %zu of %zu", i, m->n);
	struct slab_model_block b = m->live[i];
	remove_at(m, i);
	const char *err = checked_free(m, &b);
	return err != NULL ? err : slab_model_check(m);
}

/* -------------------------------------------------------------- realloc */

/* Can live block b become new_size bytes without moving?  Within one
 * class, yes; between classes, or between a class and the free list,
 * no; a large block, if the free list can resize it (freelist_model.c). */
static bool fits_in_place(const struct slab_model *m,
			  const struct slab_model_block *b, size_t new_size)
{
	int from = b->class, to = slab_model_class(new_size, b->layout.align);
	if (from >= 0 || to >= 0)
		return from == to;
	size_t old = freelist_block_size(b->layout.size);
	size_t new = freelist_block_size(new_size);
	if (new == 0)
		return false;
	if (new <= old)
		return true;
	const struct free_block *f = m->h->fallback->head;
	while (f != NULL && (uintptr_t)f < b->at + old)
		f = f->next;
	return f != NULL && (uintptr_t)f == b->at + old && f->size >= new - old;
}

/* Realloc's fallback, as default_realloc does it: a new block, the copy,
 * the old block freed; on failure the old block is left as it was. */
static const char *move_block(struct slab_model *m, size_t i, size_t new_size)
{
	struct slab_model_block old = m->live[i];
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
		return slab_model_check(m);
	}
	memcpy(q, (void *)old.at, keep);
	struct slab_model_block b =
		block_at((uintptr_t)q,
			 (struct layout){new_size, old.layout.align}, old.fill);
	if ((err = insert(m, b)) != NULL)
		return err;
	remove_at(m, index_of(m, old.at));
	if ((err = checked_free(m, &old)) != NULL)
		return err;
	struct slab_model_block *nb = &m->live[index_of(m, b.at)];
	if (!intact(nb, keep))
		return broken(m,
			      "freeing the old block overwrote the new one "
			      "at +%zu",
			      off(m, b.at));
	fill(m, nb);
	m->moved++;
	return slab_model_check(m);
}

const char *slab_model_realloc(struct slab_model *m, size_t i, size_t new_size)
{
	if (i >= m->n)
		return broken(m, "test bug: realloc of block %zu of %zu", i,
			      m->n);
	struct slab_model_block *b = &m->live[i];
	size_t old = b->layout.size, keep = old < new_size ? old : new_size;
	if (!intact(b, old))
		return broken(m,
			      "block +%zu (%zu bytes) was overwritten while "
			      "live",
			      off(m, b->at), old);
	struct snapshot was = snap(m);
	bool can = fits_in_place(m, b, new_size);
	bool small = b->class >= 0;
	void *p =
		slab_realloc_in_place(m->h, (void *)b->at, b->layout, new_size);
	m->last = p;
	if ((p != NULL) != can || (p != NULL && (uintptr_t)p != b->at))
		return broken(m,
			      "realloc in place of +%zu from %zu to %zu "
			      "bytes returned %p; expected %s",
			      off(m, b->at), old, new_size, p,
			      can ? "the same block" : "NULL");
	if ((p == NULL || small) && !unchanged(m, &was))
		return broken(m,
			      "realloc in place of +%zu from %zu to %zu "
			      "bytes changed the heap",
			      off(m, b->at), old, new_size);
	if (p == NULL)
		return move_block(m, i, new_size);
	if (!intact(b, keep))
		return broken(m, "realloc in place of +%zu lost its contents",
			      off(m, b->at));
	*b = block_at(b->at, (struct layout){new_size, b->layout.align}, 0);
	fill(m, b);
	m->in_place++;
	return slab_model_check(m);
}

/* ------------------------------------------------------------- the end */

/* Nothing live: each class keeps at most SLAB_KEEP_EMPTY empty slabs,
 * and all the rest of the heap is free, in at most one more piece than
 * there are slabs kept. */
static const char *only_kept_slabs(struct slab_model *m)
{
	const struct slab_heap *h = m->h;
	const struct freelist_heap *fl = h->fallback;
	size_t slabs = 0;
	for (int i = 0; i < SLAB_CLASSES; i++) {
		const struct size_class *c = &h->classes[i];
		if (c->live != 0 || c->slabs != c->empties ||
		    c->empties > SLAB_KEEP_EMPTY)
			return broken(m,
				      "everything freed, but the %zu-byte "
				      "class has %zu slabs, %zu empty",
				      class_block(i), c->slabs, c->empties);
		slabs += c->slabs;
	}
	size_t size = fl->end - fl->start;
	if (fl->live != slabs || fl->free_bytes != size - slab_model_kept(h) ||
	    freelist_stats(fl).free_blocks > slabs + 1)
		return broken(m,
			      "everything freed, but the free list has "
			      "%zu of %zu bytes in %zu blocks, with %zu "
			      "slabs kept",
			      fl->free_bytes, size,
			      freelist_stats(fl).free_blocks, slabs);
	return NULL;
}

const char *slab_model_free_all(struct slab_model *m)
{
	/* every second block first, then the rest from the top */
	for (size_t i = 0; i < m->n; i++) {
		const char *err = slab_model_free(m, i);
		if (err != NULL)
			return err;
	}
	while (m->n > 0) {
		const char *err = slab_model_free(m, m->n - 1);
		if (err != NULL)
			return err;
	}
	return only_kept_slabs(m);
}
