// expect-gcc:
/*
 * Selftest: an expect line with no value.  The bug is real, but the
 * header is wrong, and a wrong header must fail the check, not skip it.
 *
 * must fail with: expect-gcc has no value
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}
