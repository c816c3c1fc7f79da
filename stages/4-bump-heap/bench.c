/* bench.c - see bench.h. */
#include "bench.h"

#include "console.h"
#include "qemu.h"

void *volatile bench_sink;

static uintptr_t baseline_next;

void bench_baseline_at(uintptr_t at)
{
	baseline_next = at;
}

__attribute__((noinline)) void *bench_pointer_increment(size_t size)
{
	void *p = (void *)baseline_next;
	baseline_next += size;
	return p;
}

uint64_t bench_median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) /* insertion sort */
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

void bench_table(const char *const *names, int n, uint64_t (*run)(int b),
		 int ops)
{
	uint64_t base = run(0);
	kprintf("bench: guest (QEMU), %d rounds x %d ops, median ticks per op "
		"x100\n",
		BENCH_ROUNDS, ops);
	for (int b = 0; b < n; b++) {
		uint64_t m = b == 0 ? base : run(b);
		kprintf("bench-row: guest | %s | %lu | %lu\n", names[b],
			m * 100 / ops, m * 100 / base);
	}
	qemu_exit(QEMU_EXIT_SUCCESS);
}
