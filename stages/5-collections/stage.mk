# Stage 5: who frees (Box, freed at scope end), and the collections a heap
# makes possible.
STAGE_TITLE := Box and the collections

KERNEL_SOURCES += vec.c kstring.c rc.c list.c deque.c binheap.c btree.c \
	btree_node.c btree_insert.c btree_remove.c

# ownership_demo.c: the memory bugs, then Box; collections_demo.c: the tour.
DEMO_SOURCES := ownership_demo.c collections_demo.c
# box_copy_tests.c: boxes on the bump heap, its numbers and its double-free
# report (stage 6 leaves it out).
TEST_SOURCES += box_tests.c box_copy_tests.c collections_tests.c
# The console's scrollback and keyboard decoder (common/, in every stage),
# tested with the whole kernel.  (Not from stage 1 on: the lessons quote
# the earlier test kernels' output, test numbers and all.)
TEST_SOURCES += scrollback_tests.c
