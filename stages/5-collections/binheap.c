/*
 * binheap.c - BinaryHeap over a raw_vec; see binheap.h for the theory of
 * operation.
 */
#include "binheap.h"

#include "panic.h"

static char *elem(char *base, size_t i, size_t size)
{
	return base + i * size;
}

/* Exchanges two elements byte by byte (no temporary of unknown size). */
static void swap_elems(char *a, char *b, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		char t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/* Moves element i up while it is greater than its parent.
 * Requires: the heap property holds everywhere except between i and its
 * ancestors. */
static void sift_up(char *base, size_t i, size_t size, binheap_cmp cmp)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (cmp(elem(base, i, size), elem(base, parent, size)) <= 0)
			break;
		swap_elems(elem(base, i, size), elem(base, parent, size), size);
		i = parent;
	}
}

/* Moves element i down (within the first n) while a child is greater.
 * Requires: both subtrees of i are heaps. */
static void sift_down(char *base, size_t i, size_t n, size_t size,
		      binheap_cmp cmp)
{
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		/* the greater of the two children */
		if (child + 1 < n && cmp(elem(base, child + 1, size),
					 elem(base, child, size)) > 0)
			child++;
		if (cmp(elem(base, i, size), elem(base, child, size)) >= 0)
			break;
		swap_elems(elem(base, i, size), elem(base, child, size), size);
		i = child;
	}
}

void raw_binheap_init(struct raw_binheap *h, binheap_cmp cmp)
{
	raw_vec_init(&h->vec);
	h->cmp = cmp;
}

bool raw_binheap_push(struct raw_binheap *h, const void *e, size_t size,
		      size_t align)
{
	if (!raw_vec_push(&h->vec, e, size, align))
		return false;
	sift_up(h->vec.data, h->vec.len - 1, size, h->cmp);
	return true;
}

bool raw_binheap_pop(struct raw_binheap *h, void *out, size_t size)
{
	if (h->vec.len == 0)
		return false;
	char *base = h->vec.data;
	/* root <-> last, then the old root is popped off the end */
	swap_elems(base, elem(base, h->vec.len - 1, size), size);
	raw_vec_pop(&h->vec, out, size);
	sift_down(base, 0, h->vec.len, size, h->cmp);
	return true;
}

const void *raw_binheap_peek(const struct raw_binheap *h)
{
	return h->vec.len == 0 ? NULL : h->vec.data;
}

void raw_binheap_drop(struct raw_binheap *h, size_t size, size_t align)
{
	raw_vec_drop(&h->vec, size, align);
}

void raw_binheap_check(const struct raw_binheap *h, size_t size, size_t align)
{
	raw_vec_check(&h->vec, size, align);
	if (h->cmp == NULL)
		panic("binheap_check: no comparator");
	char *base = h->vec.data;
	for (size_t i = 1; i < h->vec.len; i++) {
		size_t parent = (i - 1) / 2;
		if (h->cmp(elem(base, i, size), elem(base, parent, size)) > 0)
			panic("binheap_check: element %zu is greater than its "
			      "parent %zu",
			      i, parent);
	}
}

/*
 * Heap sort:
 *   1. heapify: sift down every internal node, last first (O(n) total);
 *   2. n-1 times: swap the root (the greatest of the first k) with element
 *      k-1, which is then in its final place, and sift the new root down
 *      within the first k-1.
 *
 *     [ heap of k elements      | sorted, all >= the heap ]
 */
void binheap_sort(void *array, size_t n, size_t size, binheap_cmp cmp)
{
	char *base = array;
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(base, i, n, size, cmp);
	for (size_t k = n - 1; k > 0; k--) {
		swap_elems(base, elem(base, k, size), size);
		sift_down(base, 0, k, size, cmp);
	}
}
