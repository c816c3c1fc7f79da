/*
 * rc.c - Rc and Arc; see rc.h for the theory of operation.
 */
#include "rc.h"

#include <stdint.h>

#include "alloc.h"
#include "mem.h"
#include "panic.h"

/* An Arc count this large means a leak of references in a loop (or a
 * corrupted count); Rust's Arc aborts at isize::MAX for the same reason. */
#define ARC_MAX_COUNT (SIZE_MAX / 2)

/* ---------------------------------------------------- intrusive counts */

void rc_init(struct rc *rc)
{
	rc->count = 1;
}

void rc_get(struct rc *rc)
{
	if (rc->count == 0)
		panic("rc_get: count is 0 (object already released)");
	if (rc->count == SIZE_MAX)
		panic("rc_get: count overflow");
	rc->count++;
}

bool rc_put(struct rc *rc, rc_release_fn release)
{
	if (rc->count == 0)
		panic("rc_put: count is already 0 (put after release?)");
	if (--rc->count > 0)
		return false;
	release(rc);
	return true;
}

size_t rc_strong_count(const struct rc *rc)
{
	return rc->count;
}

void rc_check(const struct rc *rc)
{
	if (rc->count == 0)
		panic("rc_check: count is 0 (object already released)");
}

void arc_init(struct arc *arc)
{
	__atomic_store_n(&arc->count, 1, __ATOMIC_RELAXED);
}

void arc_get(struct arc *arc)
{
	/* Relaxed is enough: the caller already holds a reference, so the
	 * object cannot be released concurrently. */
	size_t old = __atomic_fetch_add(&arc->count, 1, __ATOMIC_RELAXED);
	if (old == 0)
		panic("arc_get: count was 0 (object already released)");
	if (old >= ARC_MAX_COUNT)
		panic("arc_get: count overflow");
}

bool arc_put(struct arc *arc, arc_release_fn release)
{
	/* Release ordering: this owner's writes to the object happen before
	 * the decrement that another CPU may see as the last one. */
	size_t old = __atomic_fetch_sub(&arc->count, 1, __ATOMIC_RELEASE);
	if (old == 0)
		panic("arc_put: count was already 0 (put after release?)");
	if (old > 1)
		return false;
	/* Acquire: every other owner's writes happen before the release. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	release(arc);
	return true;
}

size_t arc_strong_count(const struct arc *arc)
{
	return __atomic_load_n(&arc->count, __ATOMIC_RELAXED);
}

void arc_check(const struct arc *arc)
{
	size_t count = arc_strong_count(arc);
	if (count == 0)
		panic("arc_check: count is 0 (object already released)");
	if (count >= ARC_MAX_COUNT)
		panic("arc_check: count %zu is implausible", count);
}

/* ------------------------------------------------------- boxed values */

#define RC_BOX_MAGIC 0x52634278u  /* "RcBx" */
#define ARC_BOX_MAGIC 0x41724278u /* "ArBx" */
#define RC_BOX_POISON 0x6b	  /* fills a freed block */

/* The header just below every boxed payload. */
struct rc_box {
	union {
		struct rc rc;	/* when magic == RC_BOX_MAGIC */
		struct arc arc; /* when magic == ARC_BOX_MAGIC */
	};
	uint32_t magic;
	rc_drop_fn drop;
	size_t size;  /* of the payload */
	size_t align; /* of the payload */
};

/* The block's alignment, and the payload's offset in it. */
static size_t box_align(size_t align)
{
	size_t header = _Alignof(struct rc_box);
	return align > header ? align : header;
}

static size_t box_offset(size_t align)
{
	size_t a = box_align(align);
	return (sizeof(struct rc_box) + a - 1) / a * a;
}

static struct rc_box *box_of(const void *payload)
{
	return (struct rc_box *)((uintptr_t)payload - sizeof(struct rc_box));
}

static void *payload_of(struct rc_box *box)
{
	return (char *)box + sizeof(struct rc_box);
}

static void *box_new(size_t size, size_t align, rc_drop_fn drop, uint32_t magic)
{
	struct layout check;
	size_t total;
	if (layout_new(size, align, &check) != LAYOUT_OK)
		return NULL;
	if (__builtin_add_overflow(box_offset(align), size, &total))
		return NULL;
	char *block = kmalloc(total, box_align(align));
	if (block == NULL)
		return NULL;
	char *payload = block + box_offset(align);
	struct rc_box *box = box_of(payload);
	box->magic = magic;
	box->drop = drop;
	box->size = size;
	box->align = align;
	if (magic == RC_BOX_MAGIC)
		rc_init(&box->rc);
	else
		arc_init(&box->arc);
	return payload;
}

/* The last put: drop the payload, poison and free the whole block. */
static void box_free(struct rc_box *box)
{
	void *payload = payload_of(box);
	size_t size = box->size, align = box->align;
	if (box->drop != NULL)
		box->drop(payload);
	char *block = (char *)payload - box_offset(align);
	size_t total = box_offset(align) + size;
	memset(block, RC_BOX_POISON, total);
	kfree(block, total, box_align(align));
}

/* The release callbacks: container_of from the count to its header. */
static void box_release_rc(struct rc *rc)
{
	box_free((struct rc_box *)((char *)rc - offsetof(struct rc_box, rc)));
}

static void box_release_arc(struct arc *arc)
{
	box_free((struct rc_box *)((char *)arc - offsetof(struct rc_box, arc)));
}

static struct rc_box *box_checked(const void *payload, uint32_t magic,
				  const char *who)
{
	if (payload == NULL)
		panic("%s: NULL payload", who);
	struct rc_box *box = box_of(payload);
	if (box->magic != magic)
		panic("%s: %p is not a live %s (magic 0x%x: freed, or never "
		      "allocated by %s_new)",
		      who, payload,
		      magic == RC_BOX_MAGIC ? "Rc box" : "Arc box", box->magic,
		      magic == RC_BOX_MAGIC ? "rc_box" : "arc_box");
	return box;
}

void *rc_box_new(size_t size, size_t align, rc_drop_fn drop)
{
	return box_new(size, align, drop, RC_BOX_MAGIC);
}

void *rc_box_get(void *payload)
{
	rc_get(&box_checked(payload, RC_BOX_MAGIC, "rc_box_get")->rc);
	return payload;
}

bool rc_box_put(void *payload)
{
	struct rc_box *box = box_checked(payload, RC_BOX_MAGIC, "rc_box_put");
	return rc_put(&box->rc, box_release_rc);
}

size_t rc_box_strong_count(const void *payload)
{
	return rc_strong_count(
		&box_checked(payload, RC_BOX_MAGIC, "rc_box_strong_count")->rc);
}

void rc_box_check(const void *payload)
{
	struct rc_box *box = box_checked(payload, RC_BOX_MAGIC, "rc_box_check");
	if (box->rc.count == 0)
		panic("rc_box_check: count is 0");
	if (box->align == 0 || (box->align & (box->align - 1)) != 0 ||
	    (uintptr_t)payload % box->align != 0)
		panic("rc_box_check: payload %p does not match its alignment "
		      "%zu",
		      payload, box->align);
}

void *arc_box_new(size_t size, size_t align, rc_drop_fn drop)
{
	return box_new(size, align, drop, ARC_BOX_MAGIC);
}

void *arc_box_get(void *payload)
{
	arc_get(&box_checked(payload, ARC_BOX_MAGIC, "arc_box_get")->arc);
	return payload;
}

bool arc_box_put(void *payload)
{
	struct rc_box *box = box_checked(payload, ARC_BOX_MAGIC, "arc_box_put");
	return arc_put(&box->arc, box_release_arc);
}

size_t arc_box_strong_count(const void *payload)
{
	return arc_strong_count(
		&box_checked(payload, ARC_BOX_MAGIC, "arc_box_strong_count")
			 ->arc);
}

void arc_box_check(const void *payload)
{
	struct rc_box *box =
		box_checked(payload, ARC_BOX_MAGIC, "arc_box_check");
	arc_check(&box->arc);
	if (box->align == 0 || (box->align & (box->align - 1)) != 0 ||
	    (uintptr_t)payload % box->align != 0)
		panic("arc_box_check: payload %p does not match its alignment "
		      "%zu",
		      payload, box->align);
}
