/*
 * binheap.h - BinaryHeap: a priority queue over a comparator.
 *
 * Theory of operation
 * -------------------
 * A complete binary tree stored level by level in a Vec, with no pointers:
 * the children of element i are 2i+1 and 2i+2, its parent is (i-1)/2.
 *
 *                  9                 index   0   1   2   3   4   5
 *                /   \                     +---+---+---+---+---+---+
 *               7     8                    | 9 | 7 | 8 | 3 | 5 | 1 |
 *              / \   /                     +---+---+---+---+---+---+
 *             3   5 1
 *
 * The heap property: no element is greater (by the comparator) than its
 * parent, so the greatest element is at index 0.  It is a max-heap, as
 * Rust's BinaryHeap is; reverse the comparator for a min-heap.
 *
 *   push: append at the end, then "sift up": swap with the parent while
 *         greater than it.
 *   pop:  take the root, move the last element to the root, then "sift
 *         down": swap with the greater child while smaller than it.
 *
 * Both walk one root-to-leaf path: O(log n) comparisons and swaps.
 *
 * Allocation pattern: exactly Vec's (doubling, see vec.h); pop never
 * allocates.  A failed push returns false and leaves the heap unchanged.
 *
 * Cost:  push, pop  O(log n);  peek, len  O(1);
 *        binheap_sort: O(n log n), in place, no allocation.
 *
 * What it cannot do: find or remove anything but the greatest element
 * (that needs a search, O(n)); iterate in order (the array is only
 * partially ordered); it is not stable (equal elements come out in any
 * order).
 *
 * The generic strategy is Vec's: an untyped core over struct raw_vec, and
 * BINHEAP_DEFINE(name, T, cmp) for type-checked wrappers, where cmp is
 *     int cmp(const T *a, const T *b)    < 0, 0, > 0 as a <, ==, > b.
 */
#ifndef BINHEAP_H
#define BINHEAP_H

#include <stdbool.h>
#include <stddef.h>

#include "vec.h"

/* Returns < 0, 0 or > 0 as *a is less than, equal to or greater than *b. */
typedef int (*binheap_cmp)(const void *a, const void *b);

/* Invariant: vec is a valid raw_vec and has the heap property by cmp. */
struct raw_binheap {
	struct raw_vec vec;
	binheap_cmp cmp;
};

void raw_binheap_init(struct raw_binheap *h, binheap_cmp cmp);
/* Adds a copy of *elem; false (heap unchanged) if out of memory. */
bool raw_binheap_push(struct raw_binheap *h, const void *elem, size_t size,
		      size_t align);
/* Moves the greatest element to *out (if not NULL); false if empty. */
bool raw_binheap_pop(struct raw_binheap *h, void *out, size_t size);
/* The greatest element, or NULL if empty; valid until the next push/pop. */
const void *raw_binheap_peek(const struct raw_binheap *h);
void raw_binheap_drop(struct raw_binheap *h, size_t size, size_t align);
/* Panics with "binheap_check: <reason>" if the vec is broken or an element
 * is greater than its parent. */
void raw_binheap_check(const struct raw_binheap *h, size_t size, size_t align);

/* Sorts n elements at base into ascending order by cmp: heap sort, in
 * place, O(n log n), no allocation.  The demo of the heap operations. */
void binheap_sort(void *base, size_t n, size_t size, binheap_cmp cmp);

#ifndef COLLECTION_FN
/* The functions the *_DEFINE macros generate: inline, and no warning for
 * the ones a user of the macro does not call. */
#define COLLECTION_FN static inline __attribute__((unused))
#endif

/*
 * BINHEAP_DEFINE(name, T, cmp) defines `struct name` and:
 *
 *   void      name_init(h)
 *   size_t    name_len(h);  bool name_is_empty(h)
 *   bool      name_push(h, T x)          false if out of memory
 *   bool      name_pop(h, T *out)        false if empty
 *   const T  *name_peek(h)               NULL if empty
 *   bool      name_reserve(h, n)
 *   void      name_drop(h);  void name_check(h)
 *   void      name_sort(T *array, size_t n)   heap sort, ascending
 */
#define BINHEAP_DEFINE(name, T, cmp)                                           \
	struct name {                                                          \
		struct raw_binheap raw;                                        \
	};                                                                     \
	/* The typed comparator, seen by the core through void pointers. */    \
	COLLECTION_FN int name##_cmp_(const void *a, const void *b)            \
	{                                                                      \
		return cmp((const T *)a, (const T *)b);                        \
	}                                                                      \
	COLLECTION_FN void name##_init(struct name *h)                         \
	{                                                                      \
		raw_binheap_init(&h->raw, name##_cmp_);                        \
	}                                                                      \
	COLLECTION_FN size_t name##_len(const struct name *h)                  \
	{                                                                      \
		return h->raw.vec.len;                                         \
	}                                                                      \
	COLLECTION_FN bool name##_is_empty(const struct name *h)               \
	{                                                                      \
		return h->raw.vec.len == 0;                                    \
	}                                                                      \
	COLLECTION_FN bool name##_push(struct name *h, T x)                    \
	{                                                                      \
		return raw_binheap_push(&h->raw, &x, sizeof(T), _Alignof(T));  \
	}                                                                      \
	COLLECTION_FN bool name##_pop(struct name *h, T *out)                  \
	{                                                                      \
		return raw_binheap_pop(&h->raw, out, sizeof(T));               \
	}                                                                      \
	COLLECTION_FN const T *name##_peek(const struct name *h)               \
	{                                                                      \
		return (const T *)raw_binheap_peek(&h->raw);                   \
	}                                                                      \
	COLLECTION_FN bool name##_reserve(struct name *h, size_t n)            \
	{                                                                      \
		return raw_vec_reserve(&h->raw.vec, n, sizeof(T),              \
				       _Alignof(T));                           \
	}                                                                      \
	COLLECTION_FN void name##_drop(struct name *h)                         \
	{                                                                      \
		raw_binheap_drop(&h->raw, sizeof(T), _Alignof(T));             \
	}                                                                      \
	COLLECTION_FN void name##_check(const struct name *h)                  \
	{                                                                      \
		raw_binheap_check(&h->raw, sizeof(T), _Alignof(T));            \
	}                                                                      \
	COLLECTION_FN void name##_sort(T *array, size_t n)                     \
	{                                                                      \
		binheap_sort(array, n, sizeof(T), name##_cmp_);                \
	}                                                                      \
	struct name /* so that BINHEAP_DEFINE(...); takes a semicolon */

#endif
