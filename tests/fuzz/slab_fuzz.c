// sources: stages/6-free-list/freelist.c stages/7-size-classes/slab.c tests/host/slab_model.c
// stage: 7
/*
 * slab_fuzz.c - libFuzzer drives the size classes of stage 7 over the
 * free list (scripts/fuzz builds and runs it; `make fuzz` for a minute,
 * `make test` for seconds).
 *
 * Each input is a small program of allocs, frees and reallocs, run on a
 * fresh heap that grows on demand, through the model of test_slab.c
 * (tests/host/slab_model.h): after every operation the whole heap is
 * checked (slab_check, each class's counts and slab_used, the slabs,
 * large blocks and free blocks tiling the heap, the exact address every
 * alloc must return, the empty slab a free must give back, contents
 * intact), and at the end everything is freed and the heap must hold
 * nothing but one empty slab per class at most.  Any failure aborts with
 * what broke, and libFuzzer keeps the input.
 *
 * The input, byte by byte (bytes past the end read as 0):
 *   first byte   where the heap starts in the buffer: byte * 67 bytes in,
 *                so most starts are on no slab size and many on no unit
 *   second byte  the heap's first size: (1 + byte % 16) * 4 KiB; it grows
 *                up to 256 KiB through the model's fake grow callback
 *   then operations, an opcode byte and its arguments:
 *     op % 8 = 0..2  alloc    size, align byte (1 << byte % 13: 1..4096)
 *              3..4  free     index byte (live block index % count)
 *              5..6  realloc  index byte, size
 *              7     one byte b: b < 128, a huge alloc (a layout that
 *                    wrapped in other allocators: it must fail); else
 *                    the grow callback starts or stops saying no
 *   a size is one byte s < 128 (s bytes: the small classes), or with
 *   s >= 128 two bytes: (s - 128) * 64 + next byte, up to 8 KiB and more.
 *
 * The seeds in tests/fuzz/corpus/slab/ are what a run found, merged down
 * to the inputs that each reach code the others do not (make fuzz
 * UPDATE_CORPUS=1 adds to them the same way), and one written by hand:
 * partial-before-empty, a class with a partial slab and an empty one
 * when it allocates.  Coverage cannot tell which of the two an alloc
 * takes (the same lines run), so the fuzzer does not find that state
 * by itself; the model then says which it must be.
 */
#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "freelist.h"
#include "slab.h"
#include "slab_model.h"

#define MAX_HEAP (256 * 1024)

static _Alignas(65536) unsigned char heap_mem[MAX_HEAP + 256 * 67];
static struct freelist_heap fallback;
static struct slab_heap heap;
static struct slab_model_growth growth;
static struct slab_model model;

/* The allocator panics only on a misuse the model never makes: a panic
 * here is a bug found. */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "slab_fuzz: panic at %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static void fail_if(const char *err, size_t op)
{
	if (err == NULL)
		return;
	fprintf(stderr, "slab_fuzz: operation %zu: %s\n", op, err);
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
	return s < 128 ? s : (s - 128) * 64 + byte(in);
}

/* Layouts no heap in this buffer can meet; some of them ask the grow
 * callback for more than the address space. */
static const struct layout huge[] = {
	{SIZE_MAX, 1},		 /* does not round up */
	{SIZE_MAX - 14, 1},	 /* rounds up to 2^64 */
	{SIZE_MAX - 15, 16},	 /* whole units, far too many */
	{SIZE_MAX / 2 + 1, 1},	 /* half the address space */
	{0, (size_t)1 << 62},	 /* no such multiple in the heap */
	{1, (size_t)1 << 63},	 /* the largest alignment */
	{SIZE_MAX - 4095, 4096}, /* aligning the end wraps */
	{MAX_HEAP + 1, 1},	 /* more than the heap ever holds */
};

static const char *huge_alloc(struct slab_model *m, unsigned pick)
{
	struct layout l = huge[pick % (sizeof huge / sizeof huge[0])];
	const char *err = slab_model_alloc(m, l.size, l.align);
	if (err == NULL && m->last != NULL)
		return "a huge layout was allocated";
	return err;
}

static const char *one_op(struct slab_model *m, struct input *in)
{
	unsigned op = byte(in) % 8;
	if (op <= 2 || (op <= 6 && m->n == 0)) {
		size_t size = size_from(in);
		return slab_model_alloc(m, size, (size_t)1 << byte(in) % 13);
	}
	if (op <= 4)
		return slab_model_free(m, byte(in) % m->n);
	if (op <= 6) {
		size_t i = byte(in) % m->n;
		return slab_model_realloc(m, i, size_from(in));
	}
	unsigned b = byte(in);
	if (b < 128)
		return huge_alloc(m, b);
	growth.refuse = !growth.refuse;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	/* the last input's growth left the buffer past its heap poisoned */
	ASAN_UNPOISON_MEMORY_REGION(heap_mem, sizeof heap_mem);
	uintptr_t start = (uintptr_t)heap_mem + byte(&in) * 67;
	size_t first = (1 + byte(&in) % 16) * 4096;
	if (freelist_init(&fallback, start, first) != FREELIST_OK)
		fail_if("freelist_init refused the heap", 0);
	slab_model_growth_init(&growth, &fallback, start + MAX_HEAP);
	slab_heap_init(&heap, &fallback, slab_model_grow, &growth);
	slab_model_init(&model, &heap, &growth);
	size_t op = 0;
	while (in.left > 0)
		fail_if(one_op(&model, &in), op++);
	growth.refuse = false;
	fail_if(slab_model_free_all(&model), op);
	return 0;
}
