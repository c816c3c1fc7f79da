/*
 * box.h - owned heap pointers, freed when their scope ends.
 *
 * Rust's Box<T> owns one T on the heap: Box::new(v) allocates and moves v
 * there, and when the box goes out of scope its Drop frees the memory.
 * Tying the release of a resource to the end of the owner's lifetime is
 * what C++ calls RAII ("resource acquisition is initialization").
 *
 * C has no destructors, but GCC and Clang have __attribute__((cleanup(f))):
 * f(&var) runs whenever var goes out of scope, on every path out of the
 * scope: falling off the end, return, break, continue, goto.
 *
 *   BOX_DEFINE(box_int, int);             // once per element type
 *
 *   {
 *       AUTO_BOX(box_int) a = box_int_new(41);
 *       *a.ptr += 1;                      // C has no Deref: say *a.ptr
 *   }                                     // box_int_drop(&a) runs here
 *
 * Moving a box out of its scope: box_int_take(&a) returns the pointer and
 * leaves `a` empty, so the cleanup frees nothing; the new owner must call
 * kfree (or wrap it again).  What C cannot do is Rust's borrow check: a
 * pointer copied out of a box still dangles after the box is dropped (see
 * tests/compile-fail/ and LESSONS.md, chapter 5).
 */
#ifndef BOX_H
#define BOX_H

#include <stdbool.h>

#include "alloc.h"

#define BOX_DEFINE(name, T)                                                    \
	struct name {                                                          \
		T *ptr; /* the owned value, or NULL once dropped/taken */      \
	};                                                                     \
	/* Box::new: infallible, panics with the layout if the heap is full */ \
	static inline __attribute__((unused)) struct name name##_new(T value)  \
	{                                                                      \
		T *p = kmalloc_or_panic(sizeof(T), _Alignof(T));               \
		*p = value;                                                    \
		return (struct name){p};                                       \
	}                                                                      \
	/* Box::try_new: false (and *out empty) if the heap is full */         \
	static inline __attribute__((unused)) bool name##_try_new(             \
		T value, struct name *out)                                     \
	{                                                                      \
		T *p = kmalloc(sizeof(T), _Alignof(T));                        \
		if (p != NULL)                                                 \
			*p = value;                                            \
		out->ptr = p;                                                  \
		return p != NULL;                                              \
	}                                                                      \
	/* drop: frees the value; safe to call on an empty box */              \
	static inline __attribute__((unused)) void name##_drop(struct name *b) \
	{                                                                      \
		kfree(b->ptr, sizeof(T), _Alignof(T));                         \
		b->ptr = NULL;                                                 \
	}                                                                      \
	/* move out: the caller owns the pointer, the box is left empty */     \
	static inline __attribute__((unused)) T *name##_take(struct name *b)   \
	{                                                                      \
		T *p = b->ptr;                                                 \
		b->ptr = NULL;                                                 \
		return p;                                                      \
	}                                                                      \
	_Static_assert(sizeof(T) > 0, #name ": T must be a complete type")

/* A box variable that is dropped automatically at the end of its scope. */
#define AUTO_BOX(name) __attribute__((cleanup(name##_drop))) struct name

#endif
