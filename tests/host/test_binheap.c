// sources: stages/5-collections/binheap.c stages/5-collections/vec.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
#include "binheap.h"
#include "harness.h"
#include "host_alloc.h"

static int int_cmp(const int *a, const int *b)
{
	return (*a > *b) - (*a < *b);
}
BINHEAP_DEFINE(int_heap, int, int_cmp);

/* A min-heap of tasks by priority: reverse the comparison. */
struct task {
	unsigned priority;
	const char *name;
};
static int task_cmp(const struct task *a, const struct task *b)
{
	return (a->priority < b->priority) - (a->priority > b->priority);
}
BINHEAP_DEFINE(task_queue, struct task, task_cmp);

TEST(binheap_empty)
{
	size_t live = host_alloc_live();
	struct int_heap h;
	int_heap_init(&h);
	int x = 3;
	CHECK(int_heap_is_empty(&h));
	CHECK(int_heap_peek(&h) == NULL);
	CHECK(!int_heap_pop(&h, &x));
	CHECK_EQ(x, 3);
	int_heap_check(&h);
	int_heap_drop(&h);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(binheap_pops_in_descending_order)
{
	struct int_heap h;
	int_heap_init(&h);
	int in[] = {5, 1, 9, 3, 7, 9, 0, -4, 8};
	for (size_t i = 0; i < 9; i++) {
		CHECK(int_heap_push(&h, in[i]));
		int_heap_check(&h);
	}
	CHECK_EQ(int_heap_len(&h), 9);
	CHECK_EQ(*int_heap_peek(&h), 9);
	int want[] = {9, 9, 8, 7, 5, 3, 1, 0, -4};
	for (size_t i = 0; i < 9; i++) {
		int x;
		CHECK(int_heap_pop(&h, &x));
		CHECK_EQ(x, want[i]);
		int_heap_check(&h);
	}
	CHECK(int_heap_is_empty(&h));
	int_heap_drop(&h);
}

TEST(binheap_min_heap_of_structs)
{
	struct task_queue q;
	task_queue_init(&q);
	CHECK(task_queue_push(&q, (struct task){3, "low"}));
	CHECK(task_queue_push(&q, (struct task){1, "urgent"}));
	CHECK(task_queue_push(&q, (struct task){2, "normal"}));
	struct task t;
	CHECK(task_queue_pop(&q, &t));
	CHECK_STR_EQ(t.name, "urgent");
	CHECK(task_queue_pop(&q, &t));
	CHECK_STR_EQ(t.name, "normal");
	CHECK_STR_EQ(task_queue_peek(&q)->name, "low");
	task_queue_check(&q);
	task_queue_drop(&q);
}

TEST(binheap_sort_demo)
{
	int a[] = {4, 10, 3, 5, 1, 10, -7, 0, 2, 2};
	int_heap_sort(a, 10);
	int want[] = {-7, 0, 1, 2, 2, 3, 4, 5, 10, 10};
	for (size_t i = 0; i < 10; i++)
		CHECK_EQ(a[i], want[i]);
	int one = 1;
	int_heap_sort(&one, 1);
	int_heap_sort(NULL, 0);
	CHECK_EQ(one, 1);

	uint64_t rng = 99;
	static int big[5000];
	for (size_t n = 0; n < 200; n++) {
		for (size_t i = 0; i < n; i++)
			big[i] = (int)(harness_rand(&rng) % 50);
		int_heap_sort(big, n);
		for (size_t i = 1; i < n; i++)
			CHECK(big[i - 1] <= big[i]);
	}
	for (size_t i = 0; i < 5000; i++)
		big[i] = (int)(harness_rand(&rng) >> 33);
	int_heap_sort(big, 5000);
	for (size_t i = 1; i < 5000; i++)
		CHECK(big[i - 1] <= big[i]);
}

TEST(binheap_check_detects_a_broken_heap)
{
	struct int_heap h;
	int_heap_init(&h);
	for (int i = 0; i < 5; i++)
		CHECK(int_heap_push(&h, i));
	((int *)h.raw.vec.data)[3] = 100;
	EXPECT_PANIC("binheap_check: element 3 is greater than its parent 1",
		     int_heap_check(&h));
	int_heap_drop(&h);
}

/* ------------------------------------------------ randomized vs. a model */

#define MODEL_MAX 4096

/* The model: the same multiset kept as a sorted array; max is the last. */
static struct {
	int a[MODEL_MAX];
	size_t len;
} model;

static void model_insert(int x)
{
	size_t lo = 0, hi = model.len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (model.a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&model.a[lo + 1], &model.a[lo], (model.len - lo) * sizeof(int));
	model.a[lo] = x;
	model.len++;
}

static void check_equal(const struct int_heap *h)
{
	static int copy[MODEL_MAX];
	int_heap_check(h);
	CHECK_EQ(int_heap_len(h), model.len);
	if (model.len == 0)
		return;
	memcpy(copy, h->raw.vec.data, model.len * sizeof(int));
	int_heap_sort(copy, model.len);
	CHECK(memcmp(copy, model.a, model.len * sizeof(int)) == 0);
}

static bool random_op(struct int_heap *h, uint64_t *rng, bool full)
{
	uint64_t r = harness_rand(rng);
	int x = (int)((r >> 32) % 1000) - 500;
	switch (r % 5) {
	case 0:
	case 1:
	case 2:
		if (model.len == MODEL_MAX)
			return true;
		if (!int_heap_push(h, x))
			return false;
		model_insert(x);
		break;
	case 3: {
		int got = 0;
		bool ok = int_heap_pop(h, &got);
		CHECK_EQ(ok, model.len > 0);
		if (ok)
			CHECK_EQ(got, model.a[--model.len]);
		break;
	}
	case 4:
		if (model.len == 0)
			CHECK(int_heap_peek(h) == NULL);
		else
			CHECK_EQ(*int_heap_peek(h), model.a[model.len - 1]);
		break;
	}
	if (full)
		check_equal(h);
	else
		int_heap_check(h);
	return true;
}

TEST(binheap_randomized_against_model)
{
	size_t live = host_alloc_live();
	uint64_t seeds[] = {11, 0x1234567887654321ULL};
	for (size_t s = 0; s < 2; s++) {
		uint64_t rng = seeds[s];
		struct int_heap h;
		int_heap_init(&h);
		model.len = 0;
		for (int n = 0; n < 60000; n++) {
			/* drain now and then so sizes vary */
			if (n % 5000 == 4999)
				while (int_heap_pop(&h, NULL))
					model.len--;
			CHECK(random_op(&h, &rng, n % 256 == 0));
		}
		check_equal(&h);
		int_heap_drop(&h);
	}
	CHECK_EQ(host_alloc_live(), live);
}

TEST(binheap_allocation_failure_injection)
{
	size_t live = host_alloc_live();
	for (size_t k = 0;; k++) {
		uint64_t rng = 5;
		struct int_heap h;
		int_heap_init(&h);
		model.len = 0;
		host_alloc_fail_after(k);
		bool failed_once = false;
		for (int n = 0; n < 300; n++) {
			int before = host_alloc_failure_injected();
			bool ok = random_op(&h, &rng, true);
			bool injected_now =
				!before && host_alloc_failure_injected();
			CHECK_EQ(ok, !injected_now);
			if (!ok) {
				failed_once = true;
				check_equal(&h);
			}
		}
		host_alloc_fail_after(SIZE_MAX);
		int_heap_drop(&h);
		CHECK_EQ(host_alloc_live(), live);
		if (!failed_once)
			break;
		CHECK(k < 1000);
	}
}
