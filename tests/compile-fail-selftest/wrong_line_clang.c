// expect-clang: -Wreturn-stack-address at line 13
/*
 * Selftest: the right diagnostic at the wrong line, for clang.  Clang
 * reports the returned address on the `return` line, not on the line
 * that declares the local.
 *
 * must fail with: reported at line 14, expected at line 13
 */
int *make_counter(void);

int *make_counter(void)
{
	int counter = 0;
	return &counter;
}
