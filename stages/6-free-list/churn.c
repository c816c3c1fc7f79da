/*
 * churn.c - processes come and go: chapter 5's process table, bounded.
 */
#include "churn.h"

#include "alloc.h"
#include "btree.h"

struct proc {
	uint64_t pid;
	char name[24];
};

#define PROC_LAYOUT sizeof(struct proc), _Alignof(struct proc)

/* Adds process `pid` to the table; false if the heap is full. */
static bool create(struct btree *table, uint64_t pid)
{
	struct proc *p = kmalloc(PROC_LAYOUT);
	if (p == NULL)
		return false;
	p->pid = pid;
	if (btree_insert(table, pid, (uintptr_t)p, NULL) == BTREE_NO_MEMORY) {
		kfree(p, PROC_LAYOUT);
		return false;
	}
	return true;
}

static void destroy(struct btree *table, uint64_t pid)
{
	uintptr_t p;
	if (btree_remove(table, pid, &p))
		kfree((void *)p, PROC_LAYOUT);
}

struct churn_result churn_run(uint64_t count, uint64_t alive)
{
	struct btree table;
	btree_init(&table);
	uint64_t pid = 0;
	while (pid < count && create(&table, pid + 1)) {
		pid++;
		if (pid > alive)
			destroy(&table, pid - alive);
	}
	struct churn_result r = {
		.created = pid,
		.alive = btree_len(&table),
		.heap = kernel_heap_stats(),
	};
	for (uint64_t old = pid > alive ? pid - alive + 1 : 1; old <= pid;
	     old++)
		destroy(&table, old);
	btree_drop(&table);
	return r;
}
