# Stage 8: a debugging allocator that catches memory errors at run time.
STAGE_TITLE := catching memory errors at run time

# Over chapter 7's heap: the debugging allocator, its guarded pages, and
# the kernel's symbol table for its reports.  This stage's kernel_heap.c
# takes over from stage 7's.
KERNEL_SOURCES += debug_alloc.c guard.c ksyms.c

DEMO_SOURCES := memory_errors_demo.c collections_demo.c
# Chapter 7's slab_tests.c stays, unchanged: it tests where the slabs
# put blocks and their own panics, so debug_tests.c has the runner
# switch the heap to the slabs alone around each of its tests
# (KTEST_AROUND, kernel_heap_undecorated).
TEST_SOURCES += debug_tests.c
# The compile-fail cases about the heap, run: what the compilers miss is
# caught here at run time (runtime_bugs_tests.c).
TEST_SOURCES += runtime_bugs_tests.c
RUNTIME_BUG_CASES := use_after_free double_free free_nonheap \
	mismatched_dealloc box_borrow_after_drop box_copy_double_free \
	box_reassign_leak
