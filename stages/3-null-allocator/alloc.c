/*
 * alloc.c - layouts, the default allocator operations, and the kmalloc
 * family of entry points on top of the one global allocator.
 */
#include "alloc.h"

#include "mem.h"
#include "panic.h"

/* ---------------------------------------------------------------- layout */

static bool is_power_of_two(size_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

enum layout_error layout_new(size_t size, size_t align, struct layout *out)
{
	if (!is_power_of_two(align))
		return LAYOUT_ALIGN_NOT_POWER_OF_TWO;
	/* Rounding size up to align must not wrap: size + (align - 1) fits. */
	if (size > SIZE_MAX - (align - 1))
		return LAYOUT_SIZE_OVERFLOW;
	out->size = size;
	out->align = align;
	return LAYOUT_OK;
}

enum layout_error layout_array(size_t n, size_t elem_size, size_t align,
			       struct layout *out)
{
	size_t total;
	if (__builtin_mul_overflow(n, elem_size, &total))
		return LAYOUT_SIZE_OVERFLOW;
	return layout_new(total, align, out);
}

const char *layout_error_str(enum layout_error err)
{
	switch (err) {
	case LAYOUT_OK:
		return "ok";
	case LAYOUT_ALIGN_NOT_POWER_OF_TWO:
		return "alignment is not a power of two";
	case LAYOUT_SIZE_OVERFLOW:
		return "size overflows when rounded up to the alignment";
	}
	return "unknown layout error";
}

/* ------------------------------------------------- dispatch and defaults */

void *allocator_alloc(struct allocator *a, struct layout layout)
{
	return a->alloc(a, layout);
}

void allocator_dealloc(struct allocator *a, void *ptr, struct layout layout)
{
	a->dealloc(a, ptr, layout);
}

/* Default alloc_zeroed: alloc, then fill with zeroes. */
void *default_alloc_zeroed(struct allocator *a, struct layout layout)
{
	void *p = a->alloc(a, layout);
	if (p != NULL)
		memset(p, 0, layout.size);
	return p;
}

/* Default realloc: alloc a new block, copy the smaller of the two sizes,
 * free the old block.  On failure the old block is left as it was. */
void *default_realloc(struct allocator *a, void *ptr, struct layout layout,
		      size_t new_size)
{
	struct layout new_layout;
	if (layout_new(new_size, layout.align, &new_layout) != LAYOUT_OK)
		return NULL;
	void *new_ptr = a->alloc(a, new_layout);
	if (new_ptr == NULL)
		return NULL;
	memcpy(new_ptr, ptr, layout.size < new_size ? layout.size : new_size);
	a->dealloc(a, ptr, layout);
	return new_ptr;
}

void *allocator_alloc_zeroed(struct allocator *a, struct layout layout)
{
	if (a->alloc_zeroed != NULL)
		return a->alloc_zeroed(a, layout);
	return default_alloc_zeroed(a, layout);
}

void *allocator_realloc(struct allocator *a, void *ptr, struct layout layout,
			size_t new_size)
{
	if (a->realloc != NULL)
		return a->realloc(a, ptr, layout, new_size);
	return default_realloc(a, ptr, layout, new_size);
}

/* --------------------------------------------------------- entry points */

void *kmalloc(size_t size, size_t align)
{
	struct layout layout;
	if (layout_new(size, align, &layout) != LAYOUT_OK)
		return NULL;
	return allocator_alloc(global_allocator, layout);
}

void *kcalloc(size_t n, size_t size, size_t align)
{
	struct layout layout;
	if (layout_array(n, size, align, &layout) != LAYOUT_OK)
		return NULL;
	return allocator_alloc_zeroed(global_allocator, layout);
}

void *krealloc(void *ptr, size_t old_size, size_t align, size_t new_size)
{
	if (ptr == NULL)
		return kmalloc(new_size, align);
	struct layout layout;
	if (layout_new(old_size, align, &layout) != LAYOUT_OK)
		panic("krealloc: invalid layout of a live block: size %zu, "
		      "align %zu",
		      old_size, align);
	struct layout check;
	if (layout_new(new_size, align, &check) != LAYOUT_OK)
		return NULL;
	return allocator_realloc(global_allocator, ptr, layout, new_size);
}

void kfree(void *ptr, size_t size, size_t align)
{
	if (ptr == NULL)
		return;
	struct layout layout;
	if (layout_new(size, align, &layout) != LAYOUT_OK)
		panic("kfree: invalid layout: size %zu, align %zu", size,
		      align);
	allocator_dealloc(global_allocator, ptr, layout);
}

void alloc_error(struct layout layout)
{
	panic("allocation error: size %zu, align %zu", layout.size,
	      layout.align);
}

void *kmalloc_or_panic(size_t size, size_t align)
{
	struct layout layout;
	enum layout_error err = layout_new(size, align, &layout);
	if (err != LAYOUT_OK)
		panic("kmalloc_or_panic(%zu, %zu): invalid layout: %s", size,
		      align, layout_error_str(err));
	void *p = allocator_alloc(global_allocator, layout);
	if (p == NULL)
		alloc_error(layout);
	return p;
}

void *kcalloc_or_panic(size_t n, size_t size, size_t align)
{
	struct layout layout;
	enum layout_error err = layout_array(n, size, align, &layout);
	if (err != LAYOUT_OK)
		panic("kcalloc_or_panic: invalid layout (%zu x %zu, align "
		      "%zu): %s",
		      n, size, align, layout_error_str(err));
	void *p = allocator_alloc_zeroed(global_allocator, layout);
	if (p == NULL)
		alloc_error(layout);
	return p;
}
