/*
 * collections_demo.c - lesson 5: each collection doing a kernel's job, with
 * the heap shown after each, and the workload that exhausts a bump heap.
 */
#include "kernel.h"

#include "collections_demo.h"

#include "alloc.h"
#include "binheap.h"
#include "btree.h"
#include "console.h"
#include "deque.h"
#include "kernel_heap.h"
#include "kstring.h"
#include "list.h"
#include "rc.h"
#include "vec.h"

/* ----------------------------------------------------------------- Vec */

VEC_DEFINE(vec_u32, uint32_t);

static void vec_tour(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- Vec: a growable array --\n");
	struct vec_u32 v;
	vec_u32_init(&v);
	size_t cap = 0;
	for (uint32_t i = 1; i <= 20; i++) {
		vec_u32_push_or_panic(&v, i * i);
		if (vec_u32_capacity(&v) != cap) {
			cap = vec_u32_capacity(&v);
			kprintf("  len %2zu: capacity now %zu\n",
				vec_u32_len(&v), cap);
		}
	}
	vec_u32_insert(&v, 0, 0);
	uint32_t removed = vec_u32_remove(&v, 5);
	uint64_t sum = 0;
	vec_for_each (vec_u32, x, &v)
		sum += *x;
	kprintf("  squares 0..20 without 25 (removed %u): len %zu, sum %lu\n",
		removed, vec_u32_len(&v), sum);
	kernel_heap_show("vec of 20 squares:");
	vec_u32_drop(&v);
}

/* ---------------------------------------------------------- LinkedList */

struct task {
	struct list_node link; /* in the task list */
	int id;
	const char *name;
};

static struct task *task_new(int id, const char *name)
{
	struct task *t = kmalloc_or_panic(sizeof *t, _Alignof(struct task));
	list_node_init(&t->link);
	t->id = id;
	t->name = name;
	return t;
}

static void task_release(struct list_node *n)
{
	struct task *t = container_of(n, struct task, link);
	kfree(t, sizeof *t, _Alignof(struct task));
}

static void list_tour(struct list *tasks)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- LinkedList: the list of tasks --\n");
	list_push_back(tasks, &task_new(1, "init")->link);
	list_push_back(tasks, &task_new(2, "shell")->link);
	list_push_back(tasks, &task_new(4, "logger")->link);
	struct task *net = task_new(3, "net");
	list_insert_before(tasks, list_back(tasks), &net->link);
	kprintf("  forward: ");
	list_for_each_entry (t, tasks, struct task, link)
		kprintf(" %d:%s", t->id, t->name);
	kprintf("\n  backward:");
	list_for_each_entry_reverse (t, tasks, struct task, link)
		kprintf(" %d:%s", t->id, t->name);
	kprintf("\n");
	list_remove(tasks, &net->link);
	task_release(&net->link);
	kprintf("  task 3 exited: %zu tasks left\n", list_len(tasks));
	kernel_heap_show("3 tasks in a list:");
}

/* ------------------------------------------------------------ VecDeque */

DEQUE_DEFINE(ready_queue, int);

static void deque_tour(struct list *tasks)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- VecDeque: a round-robin ready queue --\n");
	struct ready_queue rq;
	ready_queue_init(&rq);
	list_for_each_entry (t, tasks, struct task, link)
		ready_queue_push_back(&rq, t->id);
	kprintf("  run order:");
	for (int slice = 0; slice < 7; slice++) {
		int id;
		ready_queue_pop_front(&rq, &id);
		kprintf(" %d", id);
		ready_queue_push_back(&rq, id); /* back of the queue */
	}
	kprintf("\n  queue: len %zu, capacity %zu (a ring: the front moved, "
		"nothing was copied)\n",
		ready_queue_len(&rq), ready_queue_capacity(&rq));
	ready_queue_push_front(&rq, 9); /* an urgent task goes first */
	kprintf("  urgent task 9 pushed at the front: next is %d\n",
		ready_queue_get(&rq, 0));
	kernel_heap_show("ready queue:");
	ready_queue_drop(&rq);
}

/* ---------------------------------------------------------- BinaryHeap */

struct timer {
	uint64_t deadline;
	const char *what;
};

/* The heap keeps the greatest on top; the earliest deadline must win. */
static int earlier_first(const struct timer *a, const struct timer *b)
{
	return a->deadline < b->deadline   ? 1
	       : a->deadline > b->deadline ? -1
					   : 0;
}

BINHEAP_DEFINE(timer_heap, struct timer, earlier_first);

static int int_cmp(const int *a, const int *b)
{
	return *a < *b ? -1 : *a > *b;
}

BINHEAP_DEFINE(int_heap, int, int_cmp);

static void binheap_tour(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- BinaryHeap: timers by deadline --\n");
	struct timer_heap timers;
	timer_heap_init(&timers);
	timer_heap_push(&timers, (struct timer){300, "flush disk cache"});
	timer_heap_push(&timers, (struct timer){100, "blink cursor"});
	timer_heap_push(&timers, (struct timer){250, "poll network"});
	timer_heap_push(&timers, (struct timer){50, "scheduler tick"});
	kprintf("  next: %s at %lu\n", timer_heap_peek(&timers)->what,
		timer_heap_peek(&timers)->deadline);
	kernel_heap_show("4 timers:");
	struct timer t;
	while (timer_heap_pop(&timers, &t))
		kprintf("  t=%3lu %s\n", t.deadline, t.what);
	timer_heap_drop(&timers);

	int a[] = {5, 3, 9, 1, 7, 2, 8};
	int_heap_sort(a, sizeof a / sizeof a[0]);
	kprintf("  heap sort:");
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
		kprintf(" %d", a[i]);
	kprintf("\n");
}

/* ------------------------------------------------------------ BTreeMap */

static void btree_tour(void)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- BTreeMap: a symbol table, sorted by address --\n");
	static const struct {
		uint64_t addr;
		const char *name;
	} syms[] = {
		{0x101000, "kmain"},	     {0x100400, "_start"},
		{0x102800, "kprintf"},	     {0x103c00, "panic_at"},
		{0x104200, "paging_map_to"}, {0x105000, "bump_alloc"},
		{0x102000, "idt_init"},	     {0x101800, "gdt_init"},
	};
	struct btree map;
	btree_init(&map);
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
		btree_insert(&map, syms[i].addr, (uintptr_t)syms[i].name, NULL);
	kprintf("  %zu symbols, in address order:\n", btree_len(&map));
	struct btree_iter it;
	uint64_t k;
	uintptr_t v;
	btree_iter_init(&it, &map);
	while (btree_iter_next(&it, &k, &v))
		kprintf("    0x%06lx %s\n", k, (const char *)v);
	/* Which function holds address 0x102abc?  The last symbol at or
	 * below it: a range query over [0, 0x102abc]. */
	uint64_t where = 0x102abc, best = 0;
	uintptr_t best_name = 0;
	btree_range(&it, &map, 0, where + 1);
	while (btree_iter_next(&it, &k, &v)) {
		best = k;
		best_name = v;
	}
	kprintf("  0x%lx is in %s+0x%lx\n", where, (const char *)best_name,
		where - best);
	kernel_heap_show("symbol table:");
	btree_drop(&map);

	struct btree_set pids;
	btree_set_init(&pids);
	for (uint64_t p = 10; p > 0; p--)
		btree_set_insert(&pids, p * 7 % 11);
	btree_set_remove(&pids, 3);
	kprintf("  BTreeSet of pids:");
	btree_set_iter_init(&it, &pids);
	while (btree_iter_next(&it, &k, NULL))
		kprintf(" %lu", k);
	kprintf(" (%zu)\n", btree_set_len(&pids));
	btree_set_drop(&pids);
}

/* -------------------------------------------------------------- Rc/Arc */

struct config {
	int verbosity;
};

static void config_dropped(void *payload)
{
	struct config *c = payload;
	kprintf("  config (verbosity %d) freed: the last owner let go\n",
		c->verbosity);
}

static void rc_tour(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- Rc and Arc: shared ownership --\n");
	struct config *a = RC_NEW(struct config, config_dropped);
	a->verbosity = 2;
	kprintf("  created: strong count %zu\n", rc_box_strong_count(a));
	struct config *b = rc_box_get(a);
	kprintf("  cloned:  strong count %zu (a and b share one config)\n",
		rc_box_strong_count(a));
	bool freed = rc_box_put(b);
	kprintf("  b dropped: strong count %zu, freed: %s\n",
		rc_box_strong_count(a), freed ? "yes" : "no");
	freed = rc_box_put(a);
	kprintf("  a dropped: freed: %s\n", freed ? "yes" : "no");

	int *shared = ARC_NEW(int, NULL);
	*shared = 5;
	arc_box_get(shared);
	kprintf("  Arc: count %zu (atomic, for data shared between CPUs)\n",
		arc_box_strong_count(shared));
	arc_box_put(shared);
	arc_box_put(shared);
}

/* -------------------------------------------------------------- String */

static void string_tour(struct list *tasks)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- String: a formatted report --\n");
	struct kstring report = kstring_new();
	struct heap_stats s = kernel_heap_stats();
	kstring_format(&report, "%zu tasks:", list_len(tasks));
	list_for_each_entry (t, tasks, struct task, link)
		kstring_format(&report, " %s(%d)", t->name, t->id);
	kstring_format(&report, "; heap %zu/%d bytes", s.used, 102400);
	kprintf("  \"%s\"\n", kstring_as_cstr(&report));
	kprintf("  len %zu, \"shell\" found at %zu\n", kstring_len(&report),
		kstring_find(&report, "shell"));
	kernel_heap_show("report string:");
	kstring_drop(&report);
}

/* ---------------------------------------- where the bump heap gives out */

struct proc {
	uint64_t pid;
	char name[24];
};

/* A process table: pid -> struct proc on the heap.  Processes come and go;
 * at most 16 are alive at once. */
static void churn(void)
{
	kprintf_color(
		VGA_LIGHT_CYAN,
		"-- processes come and go: little live, heap exhausted --\n");
	struct btree table;
	btree_init(&table);
	uint64_t pid;
	for (pid = 1;; pid++) {
		struct proc *p = kmalloc(sizeof *p, _Alignof(struct proc));
		if (p == NULL)
			break;
		p->pid = pid;
		if (btree_insert(&table, pid, (uintptr_t)p, NULL) ==
		    BTREE_NO_MEMORY) {
			kfree(p, sizeof *p, _Alignof(struct proc));
			break;
		}
		uintptr_t old;
		if (pid > 16 && btree_remove(&table, pid - 16, &old))
			kfree((void *)old, sizeof *p, _Alignof(struct proc));
	}
	struct heap_stats s = kernel_heap_stats();
	kprintf("  process %lu could not be created with only %zu alive:\n"
		"    %zu bytes used, %zu free\n",
		pid, btree_len(&table), s.used, s.free);
	kprintf("  a bump heap reuses nothing until all is freed: a better "
		"allocator is needed\n");
	struct btree_iter it;
	uint64_t k;
	uintptr_t v;
	btree_iter_init(&it, &table);
	while (btree_iter_next(&it, &k, &v))
		kfree((void *)v, sizeof(struct proc), _Alignof(struct proc));
	btree_drop(&table);
}

/* The tour: each collection doing a kernel's job, and the heap shown
 * after each.  The demos of chapters 6 and 8 run it first, on their own
 * allocators. */
void collections_tour(void)
{
	size_t live_at_start = kernel_heap_stats().live;
	kernel_heap_show("start:");
	vec_tour();
	struct list tasks;
	list_init(&tasks);
	list_tour(&tasks);
	deque_tour(&tasks);
	binheap_tour();
	btree_tour();
	rc_tour();
	string_tour(&tasks);
	list_clear(&tasks, task_release);
	kernel_heap_show("tour done:");
	kprintf("live allocations: %zu at the start, %zu now\n", live_at_start,
		kernel_heap_stats().live);
}

/* Lesson 5's demo after its start (ownership_demo.c): the tour, then the
 * churn that the bump heap cannot serve. */
void collections_demo(void)
{
	collections_tour();
	churn();
	kernel_heap_show("after the churn:");
}
