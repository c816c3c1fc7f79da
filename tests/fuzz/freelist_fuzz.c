// sources: stages/6-free-list/freelist.c tests/host/freelist_model.c
// stage: 6
/*
 * freelist_fuzz.c - libFuzzer drives the free-list allocator (scripts/fuzz
 * builds and runs it; `make fuzz` for a minute, `make test` for seconds).
 *
 * Each input is a small program of allocs, frees and reallocs, run on a
 * fresh 16 KiB heap through the model of test_freelist.c
 * (tests/host/freelist_model.h): after every operation the whole heap is
 * checked (freelist_check, the live and free blocks tiling the heap, first
 * fit's exact address, contents intact), and at the end everything is
 * freed and the heap must be one free block again.  Any failure aborts
 * with what broke, and libFuzzer keeps the input.  Where the model
 * compares, libFuzzer searches: it mutates the inputs, keeping those that
 * reach new code, which a fixed random seed never does.
 *
 * The input, byte by byte (bytes past the end read as 0):
 *   first byte   where the heap starts in the buffer: 0..255 bytes in, so
 *                most starts are not on a unit and are rounded up
 *   then operations, an opcode byte and its arguments:
 *     op % 8 = 0..2  alloc    size, align byte (1 << byte % 13: 1..4096)
 *              3..4  free     index byte (live block index % count)
 *              5..6  realloc  index byte, size
 *              7     a huge alloc, one byte choosing a layout that
 *                    wrapped in other allocators: it must fail
 *   a size is one byte s < 128 (tiny: s bytes), or with s >= 128 two
 *   bytes: (s - 128) * 256 + next byte, up to 32 KiB, twice the heap.
 *
 * The seeds in tests/fuzz/corpus/freelist/ are what a minute's run found,
 * merged down to the inputs that each reach code the others do not
 * (make fuzz UPDATE_CORPUS=1 adds to them the same way).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "freelist.h"
#include "freelist_model.h"

#define HEAP_SIZE (16 * 1024)

static _Alignas(4096) unsigned char heap_mem[HEAP_SIZE + 256];
static struct freelist_model model;

/* The allocator panics only on a misuse the model never makes: a panic
 * here is a bug found. */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "freelist_fuzz: panic at %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static void fail_if(const char *err, size_t op)
{
	if (err == NULL)
		return;
	fprintf(stderr, "freelist_fuzz: operation %zu: %s\n", op, err);
	abort();
}

/* The input, read a byte at a time. */
struct input {
	const uint8_t *p;
	size_t left;
};

static unsigned byte(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static size_t size_from(struct input *in)
{
	unsigned s = byte(in);
	return s < 128 ? s : (s - 128) * 256 + byte(in);
}

/* Layouts whose arithmetic wrapped in other allocators (blog_os
 * #726/#727): none can be met, by any heap in this buffer. */
static const struct layout huge[] = {
	{SIZE_MAX, 1},		 /* does not round up */
	{SIZE_MAX - 14, 1},	 /* rounds up to 2^64 */
	{SIZE_MAX - 15, 16},	 /* whole units, far too many */
	{SIZE_MAX / 2 + 1, 1},	 /* half the address space */
	{0, (size_t)1 << 62},	 /* no such multiple in the heap */
	{1, (size_t)1 << 63},	 /* the largest alignment */
	{SIZE_MAX - 4095, 4096}, /* aligning the end wraps */
	{HEAP_SIZE + 1, 1},	 /* a byte more than the heap */
};

static const char *huge_alloc(struct freelist_model *m, unsigned pick)
{
	struct layout l = huge[pick % (sizeof huge / sizeof huge[0])];
	const char *err = model_alloc(m, l.size, l.align);
	if (err == NULL && m->last != NULL)
		return "a huge layout was allocated";
	return err;
}

static const char *one_op(struct freelist_model *m, struct input *in)
{
	unsigned op = byte(in) % 8;
	if (op <= 2 || (op <= 6 && m->n == 0)) {
		size_t size = size_from(in);
		return model_alloc(m, size, (size_t)1 << byte(in) % 13);
	}
	if (op <= 4)
		return model_free(m, byte(in) % m->n);
	if (op <= 6) {
		size_t i = byte(in) % m->n;
		return model_realloc(m, i, size_from(in));
	}
	return huge_alloc(m, byte(in));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct freelist_heap h;
	unsigned offset = byte(&in);
	if (freelist_init(&h, (uintptr_t)heap_mem + offset, HEAP_SIZE) !=
	    FREELIST_OK)
		fail_if("freelist_init refused the heap", 0);
	model_init(&model, &h);
	size_t op = 0;
	while (in.left > 0)
		fail_if(one_op(&model, &in), op++);
	fail_if(model_free_all(&model), op);
	return 0;
}
