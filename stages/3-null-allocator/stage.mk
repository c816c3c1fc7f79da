# Stage 3: the allocator interface and a null allocator that always fails.
STAGE_TITLE := the allocator interface and a null allocator

# alloc.c: layouts, the interface's default operations, kmalloc & co.
# null_alloc.c: this stage's global allocator.
KERNEL_SOURCES += alloc.c null_alloc.c

DEMO_SOURCES := alloc_demo.c
# The heap is mapped at boot from now on: the "before mapping" tests of
# stage 2 no longer apply.
TEST_SOURCES := $(filter-out heap_map_tests.c,$(TEST_SOURCES)) \
	null_alloc_tests.c
