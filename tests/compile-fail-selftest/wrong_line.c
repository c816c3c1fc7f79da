// expect-gcc: -Wuse-after-free at line 19
/*
 * Selftest: the right diagnostic at the wrong line.  GCC reports the use
 * after free where *p is read, one line below the line the header names
 * (the kfree).
 *
 * must fail with: reported at line 20, expected at line 19
 */
#include "alloc.h"

int read_after_free(void);

int read_after_free(void)
{
	int *p = kmalloc(sizeof(int), _Alignof(int));
	if (p == NULL)
		return -1;
	*p = 42;
	kfree(p, sizeof(int), _Alignof(int));
	return *p;
}
