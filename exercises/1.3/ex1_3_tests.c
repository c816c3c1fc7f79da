/*
 * Exercise 1.3: a static variable inside a function.
 *
 * The student writes, in stack_demo.c (declared in stack_demo.h):
 *   unsigned *call_counter(void);
 * which adds one to a `static unsigned counter;` declared inside it and
 * returns the counter's address.
 */
#include "ktest.h"
#include "sections.h"
#include "stack_demo.h"

KTEST(call_counter_keeps_its_value_between_calls)
{
	unsigned *first = call_counter();
	unsigned before = *first;
	unsigned *second = call_counter();
	KT_ASSERT(first == second); /* one variable, at one address */
	KT_ASSERT_EQ(*second, before + 1);
	call_counter();
	KT_ASSERT_EQ(*first, before + 2);
}

KTEST(call_counter_lives_in_bss)
{
	char *p = (char *)call_counter();
	KT_ASSERT_MSG(p >= __bss_start && p < __bss_end,
		      "the counter is at %p, outside .bss (%p - %p)", p,
		      __bss_start, __bss_end);
	KT_ASSERT_MSG(!(p >= stack_bottom && p < stack_top),
		      "the counter is on the stack");
}
