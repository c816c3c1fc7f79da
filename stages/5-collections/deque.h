/*
 * deque.h - VecDeque: a growable ring buffer, push and pop at both ends.
 *
 * Theory of operation
 * -------------------
 * The elements live in one heap block used as a circle: logical element i
 * is stored in slot (head + i) & (cap - 1).  The capacity is always a power
 * of two so that "& (cap - 1)" is the modulo.  The used part may wrap
 * around the end of the block:
 *
 *     not wrapped: head = 1, len = 3      wrapped: head = 6, len = 4
 *     slot  0   1   2   3   4 ... 7       slot  0   1   2 ... 6   7
 *         +---+---+---+---+---+--+---+       +---+---+---+--+---+---+
 *         |   | a | b | c |   |  |   |       | c | d |   |  | a | b |
 *         +---+---+---+---+---+--+---+       +---+---+---+--+---+---+
 *               ^head                                         ^head
 *
 * push_back writes slot (head + len); push_front moves head back by one
 * (wrapping to cap - 1); the pops do the reverse.  Nothing is shifted.
 *
 * Allocation pattern: nothing until the first push.  A push into a full
 * deque allocates a block of twice the capacity (at least DEQUE_MIN_CAP),
 * copies the elements into it in logical order starting at slot 0, and
 * frees the old block.  Copying in order "unwraps" the ring:
 *
 *     old (full, wrapped)      | c | d | a | b |          head = 2
 *     new                      | a | b | c | d |   |   |   |   |   head = 0
 *
 * (A plain realloc would not do: it would keep c, d at the front, out of
 * order.)  A failed growth returns false and leaves the deque unchanged.
 *
 * Cost:  push/pop at either end     O(1) amortized (growth is O(len))
 *        get/set by index            O(1)
 *        insert/remove in the middle not provided (use a Vec or a list)
 *
 * What it cannot do: the elements are not contiguous in memory (no single
 * pointer + length view of them), pointers to elements are invalid after a
 * push, and the block never shrinks (drop frees it).
 *
 * The generic strategy is the same as Vec's (see vec.h): an untyped core,
 * struct raw_deque, and DEQUE_DEFINE(name, T) for type-checked wrappers.
 */
#ifndef DEQUE_H
#define DEQUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEQUE_MIN_CAP 4

/*
 * Invariants (checked by raw_deque_check):
 *   cap is 0 or a power of two; buf == NULL iff cap == 0;
 *   head < cap (head == 0 when cap == 0);  len <= cap.
 */
struct raw_deque {
	void *buf;
	size_t head; /* slot of logical element 0 */
	size_t len;
	size_t cap;
};

#define RAW_DEQUE_INIT ((struct raw_deque){NULL, 0, 0, 0})

void raw_deque_init(struct raw_deque *d);
/* Room for `additional` more elements; false (deque unchanged) on failure. */
bool raw_deque_reserve(struct raw_deque *d, size_t additional, size_t size,
		       size_t align);
/* Copy *elem in at the back / the front; false (unchanged) on failure. */
bool raw_deque_push_back(struct raw_deque *d, const void *elem, size_t size,
			 size_t align);
bool raw_deque_push_front(struct raw_deque *d, const void *elem, size_t size,
			  size_t align);
/* Move the back / front element to *out (if not NULL); false if empty. */
bool raw_deque_pop_back(struct raw_deque *d, void *out, size_t size);
bool raw_deque_pop_front(struct raw_deque *d, void *out, size_t size);
/* Address of logical element `index`; panics with "index out of bounds:
 * the len is L but the index is I" unless index < len. */
void *raw_deque_at(const struct raw_deque *d, size_t index, size_t size);
/* For iteration: the element after the one at `elem` (an address from
 * raw_deque_at or raw_deque_next), or NULL if `elem` is the back. */
void *raw_deque_next(const struct raw_deque *d, const void *elem, size_t size);
/* Frees the block; the deque is empty (and reusable) afterwards. */
void raw_deque_drop(struct raw_deque *d, size_t size, size_t align);
/* Panics with "deque_check: <reason>" if an invariant is broken. */
void raw_deque_check(const struct raw_deque *d, size_t size, size_t align);

#ifndef COLLECTION_FN
/* The functions the *_DEFINE macros generate: inline, and no warning for
 * the ones a user of the macro does not call. */
#define COLLECTION_FN static inline __attribute__((unused))
#endif

/*
 * DEQUE_DEFINE(name, T) defines `struct name` and:
 *
 *   void   name_init(d);  size_t name_len(d), name_capacity(d)
 *   bool   name_is_empty(d)
 *   bool   name_push_back(d, T x), name_push_front(d, T x)  false: no memory
 *   bool   name_pop_back(d, T *out), name_pop_front(d, T *out) false: empty
 *   T      name_get(d, i);  T *name_at(d, i);  void name_set(d, i, T x)
 *                                                 checked: panic if i >= len
 *   bool   name_reserve(d, n);  void name_clear(d)
 *   T     *name_first(d), *name_next(d, T *p)     for deque_for_each
 *   void   name_drop(d);  void name_check(d)
 */
#define DEQUE_DEFINE(name, T)                                                  \
	struct name {                                                          \
		struct raw_deque raw;                                          \
	};                                                                     \
	COLLECTION_FN void name##_init(struct name *d)                         \
	{                                                                      \
		raw_deque_init(&d->raw);                                       \
	}                                                                      \
	COLLECTION_FN size_t name##_len(const struct name *d)                  \
	{                                                                      \
		return d->raw.len;                                             \
	}                                                                      \
	COLLECTION_FN size_t name##_capacity(const struct name *d)             \
	{                                                                      \
		return d->raw.cap;                                             \
	}                                                                      \
	COLLECTION_FN bool name##_is_empty(const struct name *d)               \
	{                                                                      \
		return d->raw.len == 0;                                        \
	}                                                                      \
	COLLECTION_FN bool name##_push_back(struct name *d, T x)               \
	{                                                                      \
		return raw_deque_push_back(&d->raw, &x, sizeof(T),             \
					   _Alignof(T));                       \
	}                                                                      \
	COLLECTION_FN bool name##_push_front(struct name *d, T x)              \
	{                                                                      \
		return raw_deque_push_front(&d->raw, &x, sizeof(T),            \
					    _Alignof(T));                      \
	}                                                                      \
	COLLECTION_FN bool name##_pop_back(struct name *d, T *out)             \
	{                                                                      \
		return raw_deque_pop_back(&d->raw, out, sizeof(T));            \
	}                                                                      \
	COLLECTION_FN bool name##_pop_front(struct name *d, T *out)            \
	{                                                                      \
		return raw_deque_pop_front(&d->raw, out, sizeof(T));           \
	}                                                                      \
	COLLECTION_FN T *name##_at(const struct name *d, size_t i)             \
	{                                                                      \
		return (T *)raw_deque_at(&d->raw, i, sizeof(T));               \
	}                                                                      \
	COLLECTION_FN T name##_get(const struct name *d, size_t i)             \
	{                                                                      \
		return *name##_at(d, i);                                       \
	}                                                                      \
	COLLECTION_FN void name##_set(struct name *d, size_t i, T x)           \
	{                                                                      \
		*name##_at(d, i) = x;                                          \
	}                                                                      \
	COLLECTION_FN bool name##_reserve(struct name *d, size_t n)            \
	{                                                                      \
		return raw_deque_reserve(&d->raw, n, sizeof(T), _Alignof(T));  \
	}                                                                      \
	COLLECTION_FN void name##_clear(struct name *d)                        \
	{                                                                      \
		d->raw.head = 0;                                               \
		d->raw.len = 0;                                                \
	}                                                                      \
	COLLECTION_FN T *name##_first(const struct name *d)                    \
	{                                                                      \
		return d->raw.len == 0 ? NULL : name##_at(d, 0);               \
	}                                                                      \
	COLLECTION_FN T *name##_next(const struct name *d, T *p)               \
	{                                                                      \
		return (T *)raw_deque_next(&d->raw, p, sizeof(T));             \
	}                                                                      \
	COLLECTION_FN void name##_drop(struct name *d)                         \
	{                                                                      \
		raw_deque_drop(&d->raw, sizeof(T), _Alignof(T));               \
	}                                                                      \
	COLLECTION_FN void name##_check(const struct name *d)                  \
	{                                                                      \
		raw_deque_check(&d->raw, sizeof(T), _Alignof(T));              \
	}                                                                      \
	struct name /* so that DEQUE_DEFINE(...); takes a semicolon */

/* Visits the elements front to back: `it` is a T * to each in turn.
 * The deque must not be pushed to or popped from inside the loop. */
#define deque_for_each(name, it, d)                                            \
	for (__typeof__(name##_first(d)) it = name##_first(d); it != NULL;     \
	     it = name##_next(d, it))

#endif
