// expect-msvc: -Wint-conversion at line 15
/*
 * Selftest: a compiler the checker does not know.  The bug is real, but
 * the header is wrong, and a wrong header must fail the check, not skip
 * it.
 *
 * must fail with: unknown compiler msvc in expect-msvc
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}
