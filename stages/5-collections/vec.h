/*
 * vec.h - Vec: a growable array, type-checked at compile time.
 *
 * Theory of operation
 * -------------------
 * A vec is three words: a pointer to one heap block, how many elements are
 * in use, and how many fit.
 *
 *     struct raw_vec                 heap block (cap * elem_size bytes)
 *     +------+                       +----+----+----+----+----+----+
 *     | data |---------------------->| e0 | e1 | e2 | e3 |    |    |
 *     | len  | = 4                   +----+----+----+----+----+----+
 *     | cap  | = 6                   |<------ len ------>|
 *     +------+                       |<----------- cap ----------->|
 *
 * The generic strategy, shared by every value container of stage 5
 * (Vec, VecDeque, BinaryHeap, and String on top of Vec):
 *   - an untyped core (struct raw_vec, raw_vec_*) that moves elements as
 *     `size` bytes aligned to `align`, written and tested once;
 *   - VEC_DEFINE(name, T), which generates `struct name` and small static
 *     inline wrappers taking and returning a real T.  Pushing a value of
 *     the wrong type, or passing a `struct other_vec *`, is then a compile
 *     error, as it is with Rust's Vec<T>.
 *
 *     VEC_DEFINE(u32_vec, uint32_t)
 *     struct u32_vec v;
 *     u32_vec_init(&v);
 *     if (!u32_vec_push(&v, 7))
 *             return -ENOMEM;              // v is unchanged
 *     vec_for_each(u32_vec, p, &v)
 *             kprintf("%u\n", *p);
 *     u32_vec_drop(&v);
 *
 * Allocation pattern: nothing is allocated until the first push.  When a
 * push finds len == cap the block is replaced by one of twice the capacity
 * (at least VEC_MIN_CAP), through krealloc: allocate the larger block,
 * copy, free the old one (the interface's default realloc), unless the
 * allocator can grow the block in place (the stage-4 bump heap can, when
 * the vec's block is the last one handed out).  Doubling makes n pushes
 * cost O(n) copies in total: each element is copied once per doubling, and
 * the sizes of the copies form a geometric series.  A failed growth returns
 * false and leaves the vec exactly as it was.
 *
 * Cost:  push, pop, get, set           O(1) (push amortized)
 *        insert, remove at index i     O(len - i): the tail is shifted
 *        reserve, shrink_to_fit        O(len): one copy
 *
 * What it cannot do: elements move when the vec grows, so a pointer to an
 * element (name_at, name_begin) is invalid after any push, insert, reserve
 * or shrink_to_fit.  Elements are moved with memcpy, so T must not point
 * into itself.  There are no zero-size element types in C.
 */
#ifndef VEC_H
#define VEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The smallest capacity allocated, to avoid growing 1, 2, 3, ... */
#define VEC_MIN_CAP 4

/*
 * The untyped core.  Invariants (checked by raw_vec_check):
 *   data == NULL  iff  cap == 0 (nothing allocated);
 *   len <= cap;
 *   data is aligned to the element alignment, and cap * size bytes, the
 *   size of the block, does not overflow.
 */
struct raw_vec {
	void *data;
	size_t len;
	size_t cap;
};

#define RAW_VEC_INIT ((struct raw_vec){NULL, 0, 0})

void raw_vec_init(struct raw_vec *v);
/* Makes room for `additional` more elements; false (vec unchanged) if the
 * allocation fails or the size overflows. */
bool raw_vec_reserve(struct raw_vec *v, size_t additional, size_t size,
		     size_t align);
/* Appends a copy of *elem; false (vec unchanged) if growing fails. */
bool raw_vec_push(struct raw_vec *v, const void *elem, size_t size,
		  size_t align);
/* Like raw_vec_push, but a failed growth is an allocation error (panic). */
void raw_vec_push_or_panic(struct raw_vec *v, const void *elem, size_t size,
			   size_t align);
/* Moves the last element to *out; false if the vec is empty. */
bool raw_vec_pop(struct raw_vec *v, void *out, size_t size);
/* Address of element `index`; panics with "index out of bounds: the len is
 * L but the index is I" unless index < len. */
void *raw_vec_at(const struct raw_vec *v, size_t index, size_t size);
/* Inserts at `index` (0..len), shifting the tail up; false (vec unchanged)
 * if growing fails.  Panics if index > len. */
bool raw_vec_insert(struct raw_vec *v, size_t index, const void *elem,
		    size_t size, size_t align);
/* Moves element `index` to *out (if out != NULL) and shifts the tail down.
 * Panics if index >= len. */
void raw_vec_remove(struct raw_vec *v, size_t index, void *out, size_t size);
/* Reallocates to exactly len elements (freeing the block if len == 0);
 * false (vec unchanged) if the allocation fails. */
bool raw_vec_shrink_to_fit(struct raw_vec *v, size_t size, size_t align);
/* Frees the block; the vec is empty (and reusable) afterwards. */
void raw_vec_drop(struct raw_vec *v, size_t size, size_t align);
/* Panics with "vec_check: <reason>" if an invariant above is broken. */
void raw_vec_check(const struct raw_vec *v, size_t size, size_t align);

#ifndef COLLECTION_FN
/* The functions the *_DEFINE macros generate: inline, and no warning for
 * the ones a user of the macro does not call. */
#define COLLECTION_FN static inline __attribute__((unused))
#endif

/*
 * VEC_DEFINE(name, T) defines `struct name` and these functions:
 *
 *   void   name_init(struct name *v)              empty, allocates nothing
 *   size_t name_len(v), name_capacity(v);  bool name_is_empty(v)
 *   bool   name_push(v, T x)                      false if out of memory
 *   void   name_push_or_panic(v, T x)             panics if out of memory
 *   bool   name_pop(v, T *out)                    false if empty
 *   T      name_get(v, i);  T *name_at(v, i)      checked: panic if i >= len
 *   void   name_set(v, i, T x)                    checked
 *   bool   name_insert(v, i, T x)                 false if out of memory
 *   T      name_remove(v, i)                      checked
 *   bool   name_reserve(v, n), name_shrink_to_fit(v)
 *   void   name_clear(v)                          len = 0, keeps the block
 *   T     *name_begin(v), *name_end(v)            for iteration
 *   void   name_drop(v)                           frees; v is empty after
 *   void   name_check(v)                          panics on a broken invariant
 */
#define VEC_DEFINE(name, T)                                                    \
	struct name {                                                          \
		struct raw_vec raw;                                            \
	};                                                                     \
	COLLECTION_FN void name##_init(struct name *v)                         \
	{                                                                      \
		raw_vec_init(&v->raw);                                         \
	}                                                                      \
	COLLECTION_FN size_t name##_len(const struct name *v)                  \
	{                                                                      \
		return v->raw.len;                                             \
	}                                                                      \
	COLLECTION_FN size_t name##_capacity(const struct name *v)             \
	{                                                                      \
		return v->raw.cap;                                             \
	}                                                                      \
	COLLECTION_FN bool name##_is_empty(const struct name *v)               \
	{                                                                      \
		return v->raw.len == 0;                                        \
	}                                                                      \
	COLLECTION_FN bool name##_push(struct name *v, T x)                    \
	{                                                                      \
		return raw_vec_push(&v->raw, &x, sizeof(T), _Alignof(T));      \
	}                                                                      \
	COLLECTION_FN void name##_push_or_panic(struct name *v, T x)           \
	{                                                                      \
		raw_vec_push_or_panic(&v->raw, &x, sizeof(T), _Alignof(T));    \
	}                                                                      \
	COLLECTION_FN bool name##_pop(struct name *v, T *out)                  \
	{                                                                      \
		return raw_vec_pop(&v->raw, out, sizeof(T));                   \
	}                                                                      \
	COLLECTION_FN T *name##_at(const struct name *v, size_t i)             \
	{                                                                      \
		return (T *)raw_vec_at(&v->raw, i, sizeof(T));                 \
	}                                                                      \
	COLLECTION_FN T name##_get(const struct name *v, size_t i)             \
	{                                                                      \
		return *name##_at(v, i);                                       \
	}                                                                      \
	COLLECTION_FN void name##_set(struct name *v, size_t i, T x)           \
	{                                                                      \
		*name##_at(v, i) = x;                                          \
	}                                                                      \
	COLLECTION_FN bool name##_insert(struct name *v, size_t i, T x)        \
	{                                                                      \
		return raw_vec_insert(&v->raw, i, &x, sizeof(T), _Alignof(T)); \
	}                                                                      \
	COLLECTION_FN T name##_remove(struct name *v, size_t i)                \
	{                                                                      \
		T x;                                                           \
		raw_vec_remove(&v->raw, i, &x, sizeof(T));                     \
		return x;                                                      \
	}                                                                      \
	COLLECTION_FN bool name##_reserve(struct name *v, size_t n)            \
	{                                                                      \
		return raw_vec_reserve(&v->raw, n, sizeof(T), _Alignof(T));    \
	}                                                                      \
	COLLECTION_FN bool name##_shrink_to_fit(struct name *v)                \
	{                                                                      \
		return raw_vec_shrink_to_fit(&v->raw, sizeof(T), _Alignof(T)); \
	}                                                                      \
	COLLECTION_FN void name##_clear(struct name *v)                        \
	{                                                                      \
		v->raw.len = 0;                                                \
	}                                                                      \
	COLLECTION_FN T *name##_begin(const struct name *v)                    \
	{                                                                      \
		return (T *)v->raw.data;                                       \
	}                                                                      \
	COLLECTION_FN T *name##_end(const struct name *v)                      \
	{                                                                      \
		/* NULL + 0 is undefined behaviour in C: avoid it. */          \
		return v->raw.len == 0 ? (T *)v->raw.data                      \
				       : (T *)v->raw.data + v->raw.len;        \
	}                                                                      \
	COLLECTION_FN void name##_drop(struct name *v)                         \
	{                                                                      \
		raw_vec_drop(&v->raw, sizeof(T), _Alignof(T));                 \
	}                                                                      \
	COLLECTION_FN void name##_check(const struct name *v)                  \
	{                                                                      \
		raw_vec_check(&v->raw, sizeof(T), _Alignof(T));                \
	}                                                                      \
	struct name /* so that VEC_DEFINE(...); takes a semicolon */

/* for (T *it = first; it != end; it++), for a vec defined as `name`. */
#define vec_for_each(name, it, v)                                              \
	for (__typeof__(name##_begin(v)) it = name##_begin(v);                 \
	     it != name##_end(v); it++)

#endif
