// expect-gcc: -Wint-conversion at line 15
// expect-gcc: -Wuse-after-free at line 15
/*
 * Selftest: the same key twice.  The bug is real, but the header is
 * wrong, and a wrong header must fail the check, not skip it.
 *
 * must fail with: expect-gcc given twice
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}
