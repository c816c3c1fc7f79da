/*
 * rc.h - Rc and Arc: reference counts in the style of Linux's kref.
 *
 * Theory of operation
 * -------------------
 * A reference count is a counter embedded in a heap object, saying how
 * many owners the object has.  Each owner took a reference with get (Rust:
 * Rc::clone) and gives it back with put (Rust: drop); the put that takes
 * the count to zero calls the object's release function, which frees it.
 *
 *     struct inode {                          rc_init(&i->ref)    count 1
 *             struct rc ref;                  rc_get(&i->ref)     count 2
 *             ...                             rc_put(&i->ref, f)  count 1
 *     };                                      rc_put(&i->ref, f)  count 0:
 *                                                 f(&i->ref) frees the inode
 *
 * As with kref, put takes the release function and returns true iff it
 * released the object, and release finds its object with container_of.
 *
 * Rc counts with plain arithmetic: for objects that one CPU at a time
 * touches.  Arc counts with atomic read-modify-write instructions (lock
 * xadd on x86), so CPUs may get and put concurrently; the last put is
 * ordered after every other owner's use of the object (release ordering
 * on the decrement, an acquire fence before release), as in Rust's Arc.
 *
 * The boxed form allocates the count and a value together, like Rust's
 * Rc::new(value): rc_box_new returns a pointer to the payload, and the
 * header sits just below it, found by pointer arithmetic:
 *
 *      block from kmalloc (aligned to max(align, header alignment))
 *     +-----------+----------------------------+---------------------+
 *     |  padding  | struct rc_box header       | payload (size bytes)|
 *     |  (maybe)  | count, drop, size, align   |                     |
 *     +-----------+----------------------------+---------------------+
 *                 ^ payload - sizeof(header)   ^ rc_box_new returns this
 *
 * Allocation pattern: the intrusive form allocates nothing (the object's
 * owner does); the boxed form makes one kmalloc in rc_box_new (NULL when
 * out of memory) and one kfree in the put that releases.
 *
 * Cost: every operation O(1).  An Arc get/put is an atomic instruction
 * (tens of cycles, and cache-line traffic when CPUs share the object).
 *
 * What it cannot do: a cycle of references is never released (there are
 * no weak references here); the count does not protect the object's
 * contents from concurrent modification (that needs a lock); a get on an
 * object whose count already reached zero is a bug this catches only in
 * the window before the memory is reused.
 */
#ifndef RC_H
#define RC_H

#include <stdbool.h>
#include <stddef.h>

/* ---------------------------------------------------- intrusive counts */

/* Invariant: count >= 1 while the object is alive. */
struct rc {
	size_t count;
};

struct arc {
	size_t count; /* only accessed with __atomic builtins */
};

typedef void (*rc_release_fn)(struct rc *rc);
typedef void (*arc_release_fn)(struct arc *arc);

/* Starts the count at 1: the creator's reference. */
void rc_init(struct rc *rc);
/* Takes another reference.  Panics if the count is 0 (a get after the
 * last put) or would overflow. */
void rc_get(struct rc *rc);
/* Drops a reference; if it was the last, calls release(rc) and returns
 * true.  Panics if the count is already 0. */
bool rc_put(struct rc *rc, rc_release_fn release);
size_t rc_strong_count(const struct rc *rc);
/* Panics with "rc_check: <reason>" if the object is not alive. */
void rc_check(const struct rc *rc);

void arc_init(struct arc *arc);
void arc_get(struct arc *arc);
bool arc_put(struct arc *arc, arc_release_fn release);
/* A snapshot: other CPUs may change the count at any time. */
size_t arc_strong_count(const struct arc *arc);
void arc_check(const struct arc *arc);

/* ------------------------------------------------------- boxed values */

/* Called with the payload before its memory is freed; may be NULL. */
typedef void (*rc_drop_fn)(void *payload);

/*
 * Allocates `size` bytes aligned to `align` behind a count of 1, and
 * returns the payload (uninitialized), or NULL if out of memory or the
 * layout is invalid.  The payload is freed by the last rc_box_put.
 */
void *rc_box_new(size_t size, size_t align, rc_drop_fn drop);
/* Another reference to the same payload; returns payload (Rc::clone). */
void *rc_box_get(void *payload);
/* Drops a reference; the last one calls drop(payload), poisons and frees
 * the block, and returns true. */
bool rc_box_put(void *payload);
size_t rc_box_strong_count(const void *payload);
/* Panics with "rc_box_check: <reason>" if payload is not a live box. */
void rc_box_check(const void *payload);

/* The same with an atomic count. */
void *arc_box_new(size_t size, size_t align, rc_drop_fn drop);
void *arc_box_get(void *payload);
bool arc_box_put(void *payload);
size_t arc_box_strong_count(const void *payload);
void arc_box_check(const void *payload);

/* Typed allocation: T *p = RC_NEW(T, drop); NULL if out of memory. */
#define RC_NEW(T, drop) ((T *)rc_box_new(sizeof(T), _Alignof(T), (drop)))
#define ARC_NEW(T, drop) ((T *)arc_box_new(sizeof(T), _Alignof(T), (drop)))

#endif
