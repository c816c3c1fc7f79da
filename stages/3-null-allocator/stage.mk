# Stage 3: the allocator interface and a null allocator that always fails.
STAGE_TITLE := the allocator interface and a null allocator

# alloc.c: layouts, the interface's default operations, kmalloc & co.
# null_alloc.c: this stage's global allocator.
KERNEL_SOURCES += alloc.c null_alloc.c

DEMO_SOURCES := alloc_demo.c
# No init.c: the null allocator needs no memory, so stage 3 boots as stage
# 2 does (stage 4 maps the heap at boot), and stage 2's tests run on.
TEST_SOURCES += null_alloc_tests.c
