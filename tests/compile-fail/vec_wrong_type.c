// expect-gcc: -Wint-conversion at line 21
// expect-clang: -Wint-conversion at line 21
// flags-gcc: -Istages/5-collections
// flags-clang: -Istages/5-collections
/*
 * Stage 5: a Vec is typed.  VEC_DEFINE(vec_u32, uint32_t) generates
 * vec_u32_push(struct vec_u32 *, uint32_t), so pushing a string into it is
 * a type error the compiler reports, as Vec<u32> would in Rust.  (A void *
 * based container would have accepted it silently.)
 */
#include <stdint.h>

#include "vec.h"

VEC_DEFINE(vec_u32, uint32_t);

int push_a_name(struct vec_u32 *v);

int push_a_name(struct vec_u32 *v)
{
	return vec_u32_push(v, "init");
}
