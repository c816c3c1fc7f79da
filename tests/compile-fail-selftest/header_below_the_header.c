// flags-gcc: -Wall
/*
 * Selftest: an expect line below the header, after this comment.  The
 * bug is real, but the header is wrong, and a wrong header must fail the
 * check, not skip it.
 *
 * must fail with: header line below the header
 */
// expect-gcc: -Wint-conversion at line 16
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}
