// expect-gcc: -Wint-conversion at line 16
// flags-gcc: -Wno-error=int-conversion
/*
 * Selftest: the expected diagnostic only as a warning.  -Wno-error keeps
 * -Wint-conversion a warning, and the build fails only because of an
 * undeclared name in another function.
 *
 * must fail with: only as a warning
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
	return names;
}
