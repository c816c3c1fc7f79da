# Stage 6: a free-list allocator: freed blocks are reused, neighbours merge.
STAGE_TITLE := a free-list allocator

# The free list replaces the bump allocator as the global allocator; this
# stage's kernel_heap.c (the same interface) takes over from stage 4's.
KERNEL_SOURCES := $(filter-out bump_alloc.c,$(KERNEL_SOURCES)) freelist.c

DEMO_SOURCES := freelist_demo.c churn.c collections_demo.c
# heap_tests.c (stage 4), the contract of every kernel heap, runs on the
# free list; what was particular to the bump heap does not.
TEST_SOURCES := $(filter-out bump_heap_tests.c box_copy_tests.c,$(TEST_SOURCES)) \
	freelist_tests.c churn.c
