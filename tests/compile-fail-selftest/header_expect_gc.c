// expect-gc: -Wint-conversion at line 14
/*
 * Selftest: a misspelled key, `expect-gc`. The bug is real, but the
 * header is wrong, and a wrong header must fail the check, not skip it.
 *
 * must fail with: unknown compiler gc in expect-gc
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}
