/*
 * alloc.h - the allocator interface, and the one global allocator.
 *
 * This is the C counterpart of Rust's `GlobalAlloc` trait and `Layout`.
 *
 *   struct layout      what is asked for: a size and an alignment
 *   struct allocator   how an allocator answers: alloc, dealloc, and
 *                      alloc_zeroed / realloc, which have default
 *                      implementations an allocator may override
 *   global_allocator   the single allocator the kernel uses, chosen by the
 *                      stage at build time with GLOBAL_ALLOCATOR(x)
 *   kmalloc / kfree    the entry points everything else calls
 *
 * Why Rust marks all of this `unsafe`: nothing in the types stops a caller
 * from freeing a pointer twice, or with the wrong layout, and nothing stops
 * an allocator from handing out the same memory twice.  These are contracts,
 * written below next to each operation; breaking one is undefined behaviour.
 */
#ifndef ALLOC_H
#define ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- layout */

/*
 * A layout describes a block of memory: `size` bytes at an address that is
 * a multiple of `align`.  Invariants (guaranteed by layout_new):
 *   - align is a power of two (1, 2, 4, ..., 2^63);
 *   - size rounded up to a multiple of align does not overflow size_t.
 * A size of zero is a valid layout.
 */
struct layout {
	size_t size;
	size_t align;
};

enum layout_error {
	LAYOUT_OK = 0,
	LAYOUT_ALIGN_NOT_POWER_OF_TWO,
	LAYOUT_SIZE_OVERFLOW,
};

/* Builds a layout; refuses (returns an error, *out untouched) an alignment
 * that is not a power of two, or a size that overflows when rounded up. */
enum layout_error layout_new(size_t size, size_t align, struct layout *out);

/* Layout of `n` elements of `elem_size` bytes each aligned to `align`;
 * refuses the same things as layout_new plus n * elem_size overflowing. */
enum layout_error layout_array(size_t n, size_t elem_size, size_t align,
			       struct layout *out);

/* A human-readable name for an error, for messages. */
const char *layout_error_str(enum layout_error err);

/* The layout of a C type; always valid, so no check is needed. */
#define LAYOUT_OF(type) ((struct layout){sizeof(type), _Alignof(type)})

/* --------------------------------------------------------- the interface */

/*
 * An allocator.  `alloc` and `dealloc` are required; `alloc_zeroed` and
 * `realloc` may be NULL, in which case allocator_alloc_zeroed() and
 * allocator_realloc() use the default implementations (see alloc.c).
 *
 * alloc(self, layout)
 *   caller:    layout is valid (see above).
 *   allocator: returns NULL, or a block of at least layout.size bytes,
 *              aligned to layout.align, that overlaps no other live block.
 *              A zero-size request may return any suitably aligned non-NULL
 *              pointer that must not be dereferenced (but must be freed).
 *
 * dealloc(self, ptr, layout)
 *   caller:    ptr came from alloc/alloc_zeroed/realloc of THIS allocator,
 *              has not been freed since, and layout is the one it was
 *              allocated with (for realloc: the new size).  Violations are
 *              the double-free and use-after-free bugs.
 *   allocator: the block may be reused for any later request.
 *
 * alloc_zeroed(self, layout)      same contract as alloc; the block is zeroed.
 *
 * realloc(self, ptr, layout, new_size)
 *   caller:    as for dealloc; new_size rounded up to layout.align does not
 *              overflow.
 *   allocator: returns a block of new_size bytes holding the first
 *              min(layout.size, new_size) bytes of the old one, and the old
 *              block is freed; or returns NULL and the old block is
 *              untouched and still owned by the caller.
 */
struct allocator {
	const char *name;
	void *(*alloc)(struct allocator *self, struct layout layout);
	void (*dealloc)(struct allocator *self, void *ptr,
			struct layout layout);
	void *(*alloc_zeroed)(struct allocator *self, struct layout layout);
	void *(*realloc)(struct allocator *self, void *ptr,
			 struct layout layout, size_t new_size);
};

/* Dispatch to an allocator's operations, falling back to the defaults. */
void *allocator_alloc(struct allocator *a, struct layout layout);
void allocator_dealloc(struct allocator *a, void *ptr, struct layout layout);
void *allocator_alloc_zeroed(struct allocator *a, struct layout layout);
void *allocator_realloc(struct allocator *a, void *ptr, struct layout layout,
			size_t new_size);

/* The default implementations, usable by an allocator that overrides one
 * operation but wants to delegate in some cases. */
void *default_alloc_zeroed(struct allocator *a, struct layout layout);
void *default_realloc(struct allocator *a, void *ptr, struct layout layout,
		      size_t new_size);

/*
 * The global allocator: exactly one per kernel.  A stage chooses it with
 *     GLOBAL_ALLOCATOR(my_allocator);
 * in one source file.  The macro defines the symbol `global_allocator`, so a
 * second definition anywhere is a "multiple definition" link error, the C
 * counterpart of Rust's "only one #[global_allocator]" rule.
 */
extern struct allocator *const global_allocator;
#define GLOBAL_ALLOCATOR(obj) struct allocator *const global_allocator = &(obj)

/* --------------------------------------------------------- entry points */

/*
 * These go through global_allocator.  They validate the layout (an invalid
 * one returns NULL, never a block), and they carry the compiler's allocator
 * attributes so GCC can pair allocations with their deallocator and warn
 * about use after free, double free and freeing a non-heap pointer.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define ATTR_DEALLOCATED_BY(f, i) __attribute__((malloc(f, i)))
#else
#define ATTR_DEALLOCATED_BY(f, i)
#endif

/* Frees a block from kmalloc/kcalloc/krealloc; size and align must be the
 * ones it was allocated with.  kfree(NULL, ...) does nothing. */
void kfree(void *ptr, size_t size, size_t align);

/* Fallible: NULL when the allocator cannot satisfy the request or the
 * layout is invalid. */
__attribute__((malloc, alloc_size(1), alloc_align(2)))
ATTR_DEALLOCATED_BY(kfree, 1) void *kmalloc(size_t size, size_t align);

/* n * size bytes, zeroed; NULL on overflow or failure. */
__attribute__((malloc, alloc_size(1, 2), alloc_align(3)))
ATTR_DEALLOCATED_BY(kfree, 1) void *kcalloc(size_t n, size_t size,
					    size_t align);

/* Resizes a block; on NULL the old block is untouched and still owned.
 * krealloc(NULL, 0, align, n) is kmalloc(n, align). */
__attribute__((alloc_size(4), alloc_align(3)))
ATTR_DEALLOCATED_BY(kfree, 1) void *krealloc(void *ptr, size_t old_size,
					     size_t align, size_t new_size);

/*
 * Infallible wrappers: like kmalloc/kcalloc, but a failure calls
 * alloc_error(), which panics with the layout, e.g.
 *     allocation error: size 4, align 4
 * An invalid layout panics with the reason.  Box and the collections'
 * convenience calls use these, as Rust's Box::new does.
 */
__attribute__((malloc, returns_nonnull, alloc_size(1), alloc_align(2)))
ATTR_DEALLOCATED_BY(kfree, 1) void *kmalloc_or_panic(size_t size, size_t align);

__attribute__((malloc, returns_nonnull, alloc_size(1, 2), alloc_align(3)))
ATTR_DEALLOCATED_BY(kfree, 1) void *kcalloc_or_panic(size_t n, size_t size,
						     size_t align);

/* The allocation-error handler (Rust's handle_alloc_error). */
__attribute__((noreturn)) void alloc_error(struct layout layout);

/* Typed helpers: one T on the heap, or n of them. */
#define KMALLOC_OF(T) ((T *)kmalloc(sizeof(T), _Alignof(T)))
#define KFREE_OF(p) kfree((p), sizeof(*(p)), _Alignof(__typeof__(*(p))))

#endif
