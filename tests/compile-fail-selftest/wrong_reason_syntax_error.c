// expect-gcc: -Wint-conversion at line 16
/*
 * Selftest: rejected for the wrong reason.  GCC does report the expected
 * -Wint-conversion error on the expected line, but the build also fails
 * on a syntax error (a missing `;`) in another function, so the case
 * proves nothing about the bug.
 *
 * must fail with: but also with an error elsewhere
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}

int count_names(void);

int count_names(void)
{
	return 1
}
