// expect-gcc: -Wuse-after-free at line 35
// flags-gcc: -Istages/5-collections
// flags-clang: -Istages/5-collections
/*
 * Stage 5: the study notes' E0597 example, in C.
 *
 *     let x = {
 *         let z = Box::new([1, 2, 3]);
 *         &z[1]
 *     }; // z goes out of scope and `deallocate` is called
 *     println!("{}", x);
 *
 * Rust rejects it: `z[_]` does not live long enough.  Here the box is
 * dropped at the end of its scope by AUTO_BOX, and x dangles.  GCC sees the
 * inlined kfree and reports the use after free; clang 14 does not.
 */
#include "box.h"

struct triple {
	int v[3];
};

BOX_DEFINE(box_triple, struct triple);

int borrow_after_drop(void);

int borrow_after_drop(void)
{
	int *x;
	{
		struct triple t = {{1, 2, 3}};
		AUTO_BOX(box_triple) z = box_triple_new(t);
		x = &z.ptr->v[1];
	} /* z is dropped here: box_triple_drop(&z) frees the array */
	return *x;
}
