# Stage 2: page mapping - frames from the memory map, the heap's pages.
STAGE_TITLE := page mapping

# The frame allocator and paging primitives (common/), the kernel's memory
# setup and the heap's pages (this stage).
KERNEL_SOURCES += frame.c paging.c memory.c heap.c

DEMO_SOURCES := paging_demo.c
TEST_SOURCES += paging_tests.c heap_map_tests.c
