/*
 * Exercise 1.4: what protects `static const uint32_t Z[3]`?
 *
 * The student writes, in stack_demo.c (declared in stack_demo.h):
 *   void poke_Z(unsigned i, uint32_t value);   *(volatile uint32_t *)&Z[i] = value
 *   uint32_t peek_Z(unsigned i);               Z[i], read through a
 *                                              pointer to volatile
 */
#include "ktest.h"
#include "sections.h"
#include "stack_demo.h"

KTEST(Z_is_in_rodata)
{
	const char *z = (const char *)inner_static(0);
	KT_ASSERT(z >= __rodata_start && z < __rodata_end);
}

KTEST(writing_Z_through_a_cast_changes_it)
{
	KT_ASSERT_EQ(peek_Z(0), 1);
	poke_Z(0, 9); /* a page fault here fails the test */
	uint32_t now = peek_Z(0);
	poke_Z(0, 1); /* put it back for the other tests */
	KT_ASSERT_EQ(now, 9);
	KT_ASSERT_EQ(peek_Z(0), 1);
}
