// sources: stages/5-collections/rc.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
/*
 * Exercise 5.4: weak references to a boxed Rc (stages/5-collections/rc.c,
 * rc.h), Rust's Rc::downgrade and Weak::upgrade:
 *
 *   void *rc_box_downgrade(void *payload);  a weak reference (the same
 *                                           pointer, counted as weak)
 *   void *rc_box_upgrade(void *weak);       a new strong reference (the
 *                                           payload), or NULL once the
 *                                           value is gone
 *   bool rc_box_weak_put(void *weak);       drops a weak reference; true
 *                                           if that freed the block
 *   size_t rc_box_weak_count(const void *p);  weak references to the box
 *
 * The last strong put drops the value (calls drop) and returns true, as
 * before; the block, header and all, is freed only when no weak reference
 * is left either.  rc_box_weak_put with no weak reference panics with
 * "rc_box_weak_put: ".
 */
#include "harness.h"
#include "host_alloc.h"
#include "rc.h"

static int drops;

static void count_drop(void *payload)
{
	(void)payload;
	drops++;
}

TEST(a_weak_reference_keeps_the_block_not_the_value)
{
	size_t live = host_alloc_live();
	drops = 0;
	int *p = RC_NEW(int, count_drop);
	*p = 5;
	CHECK_EQ(rc_box_weak_count(p), 0);
	int *w = rc_box_downgrade(p);
	CHECK(w == p);
	CHECK_EQ(rc_box_weak_count(p), 1);
	CHECK_EQ(rc_box_strong_count(p), 1);
	CHECK(rc_box_put(p)); /* the value is dropped... */
	CHECK_EQ(drops, 1);
	CHECK_EQ(host_alloc_live(), live + 1); /* ...the block is not */
	CHECK(rc_box_upgrade(w) == NULL);
	CHECK(rc_box_weak_put(w)); /* now it is */
	CHECK_EQ(host_alloc_live(), live);
	CHECK_EQ(drops, 1);
}

TEST(upgrade_while_alive_is_a_strong_reference)
{
	size_t live = host_alloc_live();
	int *p = RC_NEW(int, NULL);
	*p = 7;
	int *w = rc_box_downgrade(p);
	int *q = rc_box_upgrade(w);
	CHECK(q == p);
	CHECK_EQ(*q, 7);
	CHECK_EQ(rc_box_strong_count(p), 2);
	CHECK(!rc_box_put(q));
	CHECK(!rc_box_weak_put(w)); /* a strong reference is left */
	CHECK(rc_box_put(p));
	CHECK_EQ(host_alloc_live(), live);
}

TEST(without_weak_references_the_last_put_frees_at_once)
{
	size_t live = host_alloc_live();
	drops = 0;
	int *p = RC_NEW(int, count_drop);
	rc_box_get(p);
	CHECK(!rc_box_put(p));
	CHECK(rc_box_put(p));
	CHECK_EQ(drops, 1);
	CHECK_EQ(host_alloc_live(), live);
}

/* A parent owns its child (strong); the child points back at its parent
 * (weak).  Dropping the last outside reference frees both: the cycle is
 * no longer a leak. */
struct parent;
struct child {
	struct parent *parent; /* weak */
	int id;
};
struct parent {
	struct child *child; /* strong */
	int id;
};

static int freed_parents, freed_children;

static void child_drop(void *payload)
{
	struct child *c = payload;
	rc_box_weak_put(c->parent);
	freed_children++;
}

static void parent_drop(void *payload)
{
	struct parent *p = payload;
	rc_box_put(p->child);
	freed_parents++;
}

TEST(a_parent_child_cycle_with_a_weak_back_pointer_is_freed)
{
	size_t live = host_alloc_live();
	freed_parents = freed_children = 0;
	struct parent *p = RC_NEW(struct parent, parent_drop);
	struct child *c = RC_NEW(struct child, child_drop);
	p->id = 1;
	c->id = 2;
	p->child = c;			  /* the parent owns the child */
	c->parent = rc_box_downgrade(p); /* the child only looks back */
	struct parent *seen = rc_box_upgrade(c->parent);
	CHECK(seen == p);
	CHECK(!rc_box_put(seen));
	CHECK(rc_box_put(p)); /* the last outside reference */
	CHECK_EQ(freed_parents, 1);
	CHECK_EQ(freed_children, 1);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(a_weak_put_without_a_weak_reference_panics)
{
	int *p = RC_NEW(int, NULL);
	EXPECT_PANIC("rc_box_weak_put: ", rc_box_weak_put(p));
	CHECK(rc_box_put(p));
}
