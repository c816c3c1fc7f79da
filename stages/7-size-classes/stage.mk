# Stage 7: size classes in slabs, over the free list; a heap that grows.
STAGE_TITLE := size classes and a growing heap

# Slabs in front of the free list; this stage's kernel_heap.c takes over.
KERNEL_SOURCES += slab.c heap_grow.c heap_show.c

DEMO_SOURCES := slab_demo.c churn.c
# The free list's kernel tests assume it is the global allocator, and
# fixed_heap_tests.c a heap that never grows: neither holds any more.
TEST_SOURCES := $(filter-out freelist_tests.c fixed_heap_tests.c,\
	$(TEST_SOURCES)) slab_tests.c
