# Stage 4: a bump heap.
STAGE_TITLE := a bump heap

# The bump allocator replaces the null allocator as the global allocator.
KERNEL_SOURCES := $(filter-out null_alloc.c,$(KERNEL_SOURCES)) \
	bump_alloc.c kernel_heap.c

DEMO_SOURCES := bump_demo.c
# The heap is mapped at boot from now on (init.c): stage 2's "before
# mapping" tests no longer apply.
TEST_SOURCES := $(filter-out null_alloc_tests.c heap_map_tests.c,\
	$(TEST_SOURCES)) heap_tests.c fixed_heap_tests.c bump_heap_tests.c
# `make bench`: the allocator measured in the guest (bench.c: what every
# later stage's bench_kernel.c shares, and takes from here).
BENCH_SOURCES := bench_kernel.c bench.c
