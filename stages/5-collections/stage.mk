# Stage 5: the collections a heap makes possible.
STAGE_TITLE := the collections

KERNEL_SOURCES += vec.c kstring.c rc.c list.c deque.c binheap.c btree.c

DEMO_SOURCES := collections_demo.c
TEST_SOURCES += collections_tests.c
