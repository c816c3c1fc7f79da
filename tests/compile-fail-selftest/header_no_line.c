// expect-gcc: -Wint-conversion
/*
 * Selftest: an expect line without `at line N`. The bug is real, but the
 * header is wrong, and a wrong header must fail the check, not skip it.
 *
 * must fail with: must be `DIAGNOSTIC at line N`
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}
