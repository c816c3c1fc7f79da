// expect-gcc: -Wint-conversion at line 16
// flag-gcc: -fanalyzer
/*
 * Selftest: a misspelled key, `flag-gcc`. The check itself would pass,
 * but the header is wrong, and a wrong header must fail the check, not
 * skip it.
 *
 * must fail with: unknown key flag-gcc
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}
