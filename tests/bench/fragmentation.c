/*
 * fragmentation.c - the size classes' waste, class by class, on the
 * random-actions script (fragmentation.h).
 *
 * The script is replayed on a slab heap of our own (not the contender's:
 * its state is needed at the end, before anything is freed), with the
 * calls the kernel's heap makes: slab_alloc, slab_dealloc, and a realloc
 * in place when slab_realloc_in_place can, else alloc, copy and free.
 */
#include "fragmentation.h"

#include <string.h>

#include "freelist.h"
#include "panic.h"

static struct freelist_heap fallback;
static struct slab_heap slabs;
static struct {
	void *ptr; /* NULL: the slot is empty */
	size_t size;
} table[RA_SLOTS];

static struct layout layout_of(size_t size)
{
	return (struct layout){size, RA_ALIGN};
}

/* The row that serves a request, and the bytes its block takes. */
static int row_of(size_t size)
{
	int c = slab_class_of(layout_of(size));
	return c < 0 ? SLAB_CLASSES : c;
}

static size_t given_for(size_t size)
{
	int c = slab_class_of(layout_of(size));
	return c < 0 ? freelist_block_size(size) : (size_t)SLAB_MIN_BLOCK << c;
}

static void *moved(void *ptr, size_t old, size_t size)
{
	void *p = slab_alloc(&slabs, layout_of(size));
	ASSERT(p != NULL, "fragmentation: the heap is full");
	memcpy(p, ptr, old < size ? old : size);
	slab_dealloc(&slabs, ptr, layout_of(old));
	return p;
}

/* One action; a request is counted in its row. */
static void replay(const struct ra_action *a, struct frag_row *rows)
{
	void **ptr = &table[a->slot].ptr;
	size_t old = table[a->slot].size;
	if (a->kind == RA_FREE) {
		slab_dealloc(&slabs, *ptr, layout_of(old));
		*ptr = NULL;
		return;
	}
	if (a->kind == RA_ALLOC)
		*ptr = slab_alloc(&slabs, layout_of(a->size));
	else if (slab_realloc_in_place(&slabs, *ptr, layout_of(old), a->size) ==
		 NULL)
		*ptr = moved(*ptr, old, a->size);
	ASSERT(*ptr != NULL, "fragmentation: the heap is full");
	table[a->slot].size = a->size;
	struct frag_row *r = &rows[row_of(a->size)];
	r->requests++;
	r->asked += a->size;
	r->given += given_for(a->size);
}

/* The state at the end: live blocks, and what each row holds. */
static void at_the_end(struct frag_row *rows)
{
	for (int i = 0; i < SLAB_CLASSES; i++) {
		struct slab_class_stats st;
		slab_class_stats(&slabs, i, &st);
		rows[i].live = st.live;
		rows[i].held = st.bytes;
	}
	rows[SLAB_CLASSES].live = slabs.large_live;
	rows[SLAB_CLASSES].held = slabs.large_bytes;
	for (size_t i = 0; i < RA_SLOTS; i++)
		if (table[i].ptr != NULL)
			rows[row_of(table[i].size)].live_asked += table[i].size;
}

void fragmentation(const struct ra_script *s, void *heap, size_t heap_bytes,
		   struct frag_row rows[FRAG_ROWS])
{
	if (freelist_init(&fallback, (uintptr_t)heap, heap_bytes) !=
	    FREELIST_OK)
		panic("fragmentation: freelist_init refused the heap");
	slab_heap_init(&slabs, &fallback, NULL, NULL);
	memset(table, 0, sizeof table);
	for (int i = 0; i < FRAG_ROWS; i++)
		rows[i] = (struct frag_row){
			.block = i < SLAB_CLASSES ? (size_t)SLAB_MIN_BLOCK << i
						  : 0};
	for (size_t i = 0; i < s->len; i++)
		replay(&s->v[i], rows);
	slab_assert(&slabs);
	at_the_end(rows);
}
