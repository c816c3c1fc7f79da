# Stage 5: the collections a heap makes possible.
STAGE_TITLE := the collections

KERNEL_SOURCES += vec.c kstring.c rc.c list.c deque.c binheap.c btree.c \
	btree_node.c btree_insert.c btree_remove.c

DEMO_SOURCES := collections_demo.c
TEST_SOURCES += collections_tests.c
# The console's scrollback and keyboard decoder (common/, in every stage),
# tested with the whole kernel.  (Not from stage 1 on: the lessons quote
# the earlier test kernels' output, test numbers and all.)
TEST_SOURCES += scrollback_tests.c
