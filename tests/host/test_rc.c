// sources: stages/5-collections/rc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
#include "harness.h"
#include "host_alloc.h"
#include "rc.h"

#include "alloc.h"
#include "list.h" /* container_of */

/* The kref pattern: a count embedded in an object with its own release. */
struct inode {
	int number;
	struct rc ref;
};

static int released_number = -1;

static void inode_release(struct rc *ref)
{
	struct inode *i = container_of(ref, struct inode, ref);
	released_number = i->number;
	KFREE_OF(i);
}

TEST(rc_intrusive_get_put)
{
	size_t live = host_alloc_live();
	struct inode *i = KMALLOC_OF(struct inode);
	i->number = 7;
	rc_init(&i->ref);
	CHECK_EQ(rc_strong_count(&i->ref), 1);
	rc_get(&i->ref);
	rc_get(&i->ref);
	CHECK_EQ(rc_strong_count(&i->ref), 3);
	rc_check(&i->ref);
	released_number = -1;
	CHECK(!rc_put(&i->ref, inode_release));
	CHECK(!rc_put(&i->ref, inode_release));
	CHECK_EQ(released_number, -1);
	CHECK(rc_put(&i->ref, inode_release)); /* the last one frees */
	CHECK_EQ(released_number, 7);
	CHECK_EQ(host_alloc_live(), live);
}

static void no_release(struct rc *ref)
{
	(void)ref;
}

TEST(rc_misuse_panics)
{
	struct rc r;
	rc_init(&r);
	CHECK(rc_put(&r, no_release));
	EXPECT_PANIC("rc_put: count is already 0", rc_put(&r, no_release));
	EXPECT_PANIC("rc_get: count is 0", rc_get(&r));
	EXPECT_PANIC("rc_check: count is 0", rc_check(&r));
	r.count = SIZE_MAX;
	EXPECT_PANIC("rc_get: count overflow", rc_get(&r));
}

struct shared {
	int value;
	struct arc ref;
};

static int arc_releases;

static void shared_release(struct arc *ref)
{
	struct shared *s = container_of(ref, struct shared, ref);
	arc_releases++;
	KFREE_OF(s);
}

TEST(arc_intrusive_get_put)
{
	size_t live = host_alloc_live();
	struct shared *s = KMALLOC_OF(struct shared);
	arc_init(&s->ref);
	arc_get(&s->ref);
	CHECK_EQ(arc_strong_count(&s->ref), 2);
	arc_check(&s->ref);
	arc_releases = 0;
	CHECK(!arc_put(&s->ref, shared_release));
	CHECK(arc_put(&s->ref, shared_release));
	CHECK_EQ(arc_releases, 1);
	CHECK_EQ(host_alloc_live(), live);

	struct arc a;
	arc_init(&a);
	a.count = 0;
	EXPECT_PANIC("arc_get: count was 0", arc_get(&a));
	a.count = 0;
	EXPECT_PANIC("arc_put: count was already 0",
		     arc_put(&a, shared_release));
	a.count = 0;
	EXPECT_PANIC("arc_check: count is 0", arc_check(&a));
}

static int drops;
static int last_dropped;

static void point_drop(void *payload)
{
	drops++;
	last_dropped = *(int *)payload;
}

TEST(rc_box_new_clone_drop)
{
	size_t live = host_alloc_live();
	int *p = RC_NEW(int, point_drop);
	CHECK(p != NULL);
	*p = 41;
	rc_box_check(p);
	CHECK_EQ(rc_box_strong_count(p), 1);
	int *q = rc_box_get(p);
	CHECK(q == p);
	CHECK_EQ(rc_box_strong_count(p), 2);
	drops = 0;
	CHECK(!rc_box_put(q));
	CHECK_EQ(drops, 0);
	CHECK_EQ(*p, 41);
	CHECK(rc_box_put(p));
	CHECK_EQ(drops, 1);
	CHECK_EQ(last_dropped, 41);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(rc_box_alignment_and_sizes)
{
	size_t live = host_alloc_live();
	size_t aligns[] = {1, 2, 8, 16, 64, 4096};
	for (size_t i = 0; i < 6; i++) {
		for (size_t size = 0; size < 70; size += 23) {
			char *p = rc_box_new(size, aligns[i], NULL);
			CHECK(p != NULL);
			CHECK_EQ((uintptr_t)p % aligns[i], 0);
			memset(p, 0xab, size);
			rc_box_check(p);
			CHECK(rc_box_put(p));
		}
	}
	CHECK(rc_box_new(8, 3, NULL) == NULL);		  /* bad alignment */
	CHECK(rc_box_new(SIZE_MAX - 8, 8, NULL) == NULL); /* overflow */
	CHECK_EQ(host_alloc_live(), live);
}

TEST(rc_box_misuse_panics)
{
	/* not a box: a plain kmalloc block with the wrong magic below */
	uint64_t *fake = kcalloc(8, sizeof(uint64_t), 8);
	EXPECT_PANIC("rc_box_get: ", rc_box_get(fake + 6));
	kfree(fake, 8 * sizeof(uint64_t), 8);
	/* an Rc box is not an Arc box */
	int *p = RC_NEW(int, NULL);
	EXPECT_PANIC("arc_box_put: ", arc_box_put(p));
	EXPECT_PANIC("is not a live Arc box", arc_box_check(p));
	CHECK(rc_box_put(p));
	EXPECT_PANIC("rc_box_get: NULL payload", rc_box_get(NULL));
}

TEST(arc_box_new_clone_drop)
{
	size_t live = host_alloc_live();
	long *p = ARC_NEW(long, NULL);
	CHECK(p != NULL);
	*p = 5;
	for (int i = 0; i < 10; i++)
		arc_box_get(p);
	CHECK_EQ(arc_box_strong_count(p), 11);
	arc_box_check(p);
	for (int i = 0; i < 10; i++)
		CHECK(!arc_box_put(p));
	CHECK(arc_box_put(p));
	CHECK_EQ(host_alloc_live(), live);
}

/* ------------------------------------------------ randomized vs. a model */

#define SLOTS 64

/* The model: for each slot, the box (or NULL) and its expected count. */
static struct {
	int *box[SLOTS];
	size_t count[SLOTS];
	bool atomic[SLOTS];
	int expected_drops;
} model;

static void slot_check(size_t s)
{
	if (model.box[s] == NULL)
		return;
	if (model.atomic[s]) {
		arc_box_check(model.box[s]);
		CHECK_EQ(arc_box_strong_count(model.box[s]), model.count[s]);
	} else {
		rc_box_check(model.box[s]);
		CHECK_EQ(rc_box_strong_count(model.box[s]), model.count[s]);
	}
	CHECK_EQ(*model.box[s], (int)s);
}

/* Returns false if rc_box_new / arc_box_new failed (nothing changed). */
static bool random_op(uint64_t *rng)
{
	uint64_t r = harness_rand(rng);
	size_t s = (size_t)(r >> 20) % SLOTS;
	if (model.box[s] == NULL) {
		bool atomic = (r >> 40) & 1;
		int *p = atomic ? ARC_NEW(int, point_drop)
				: RC_NEW(int, point_drop);
		if (p == NULL)
			return false;
		*p = (int)s;
		model.box[s] = p;
		model.count[s] = 1;
		model.atomic[s] = atomic;
	} else if (r % 2) {
		void *q = model.atomic[s] ? arc_box_get(model.box[s])
					  : rc_box_get(model.box[s]);
		CHECK(q == model.box[s]);
		model.count[s]++;
	} else {
		bool freed = model.atomic[s] ? arc_box_put(model.box[s])
					     : rc_box_put(model.box[s]);
		model.count[s]--;
		CHECK_EQ(freed, model.count[s] == 0);
		if (freed) {
			model.box[s] = NULL;
			model.expected_drops++;
			CHECK_EQ(last_dropped, (int)s);
		}
	}
	CHECK_EQ(drops, model.expected_drops);
	slot_check(s);
	return true;
}

static void release_all(void)
{
	for (size_t s = 0; s < SLOTS; s++) {
		while (model.box[s] != NULL) {
			bool freed = model.atomic[s] ? arc_box_put(model.box[s])
						     : rc_box_put(model.box[s]);
			if (--model.count[s] == 0) {
				CHECK(freed);
				model.box[s] = NULL;
			}
		}
	}
}

TEST(rc_randomized_against_model)
{
	size_t live = host_alloc_live();
	uint64_t seeds[] = {5, 0xabcdef0123456789ULL};
	for (size_t i = 0; i < 2; i++) {
		uint64_t rng = seeds[i];
		memset(&model, 0, sizeof model);
		drops = 0;
		for (int n = 0; n < 60000; n++) {
			CHECK(random_op(&rng));
			if (n % 1024 == 0)
				for (size_t s = 0; s < SLOTS; s++)
					slot_check(s);
		}
		release_all();
		CHECK_EQ(host_alloc_live(), live);
	}
}

TEST(rc_allocation_failure_injection)
{
	size_t live = host_alloc_live();
	for (size_t k = 0;; k++) {
		uint64_t rng = 8;
		memset(&model, 0, sizeof model);
		drops = 0;
		host_alloc_fail_after(k);
		bool failed_once = false;
		for (int n = 0; n < 300; n++) {
			int before = host_alloc_failure_injected();
			bool ok = random_op(&rng);
			bool injected_now =
				!before && host_alloc_failure_injected();
			CHECK_EQ(ok, !injected_now);
			if (!ok) {
				failed_once = true;
				for (size_t s = 0; s < SLOTS; s++)
					slot_check(s);
			}
		}
		host_alloc_fail_after(SIZE_MAX);
		release_all();
		CHECK_EQ(host_alloc_live(), live);
		if (!failed_once)
			break;
		CHECK(k < 1000);
	}
}
