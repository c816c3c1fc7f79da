/*
 * Exercise 2.5: after paging_init, the kernel image is mapped with the
 * permissions its sections need (stages/2-page-mapping/memory.c):
 *
 *   code   [_kernel_start, __rodata_start)  read-only, executable
 *   consts [__rodata_start, __data_start)   read-only, no-execute
 *   data   [__data_start, _kernel_end)      writable,  no-execute
 *
 * (no-execute where the CPU has NX), so that CR0.WP, which boot.S turns
 * on, makes a write to code or constants a page fault.
 */
#include "kernel.h"
#include "ktest.h"
#include "paging.h"
#include "sections.h"

static const uint32_t ex_constant = 1;
static uint32_t ex_variable = 1;

/* The byte before a linker symbol, as an address (not a pointer the
 * compiler would check against the symbol's array bounds). */
static const void *before(const char *sym)
{
	return (const void *)((uintptr_t)sym - 1);
}

static struct translation at(const void *p)
{
	struct translation t = {0, 0, 0};
	KT_ASSERT_MSG(paging_translate((uint64_t)(uintptr_t)p, &t),
		      "%p is not mapped", p);
	return t;
}

KTEST(code_is_read_only_and_executable)
{
	struct translation t = at((const void *)kernel_main);
	KT_ASSERT_MSG(!(t.flags & PTE_WRITABLE), "kernel_main is writable");
	KT_ASSERT_MSG(!(t.flags & PTE_NO_EXECUTE), "kernel_main is no-execute");
	t = at(_kernel_start); /* the multiboot2 header's page */
	KT_ASSERT(!(t.flags & PTE_WRITABLE));
}

KTEST(constants_are_read_only_and_no_execute)
{
	struct translation t = at(&ex_constant);
	KT_ASSERT_MSG(!(t.flags & PTE_WRITABLE), ".rodata is writable");
	KT_ASSERT_EQ(!!(t.flags & PTE_NO_EXECUTE), paging_nx_supported());
	t = at(before(__data_start)); /* the last page before .data */
	KT_ASSERT(!(t.flags & PTE_WRITABLE));
}

KTEST(data_bss_and_stack_are_writable_and_no_execute)
{
	volatile int local = 0;
	const void *where[] = {&ex_variable, __data_start, __bss_start,
			       (const void *)&local, before(_kernel_end)};
	for (unsigned i = 0; i < sizeof where / sizeof where[0]; i++) {
		struct translation t = at(where[i]);
		KT_ASSERT_MSG(t.flags & PTE_WRITABLE, "%p is read-only",
			      where[i]);
		KT_ASSERT_EQ(!!(t.flags & PTE_NO_EXECUTE),
			     paging_nx_supported());
	}
	ex_variable++;
}

KTEST_SHOULD_PANIC(writing_a_constant_is_a_page_fault,
		   "(protection violation, write)")
{
	/* the same value back: without the protection, nothing changes */
	volatile uint32_t *p = (volatile uint32_t *)&ex_constant;
	*p = *p;
}

KTEST_SHOULD_PANIC(writing_code_is_a_page_fault,
		   "(protection violation, write)")
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)kernel_main;
	*p = *p;
}
