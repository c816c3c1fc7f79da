// expect-gcc: -Wint-conversion at line 16
/*
 * Selftest: rejected for the wrong reason.  The expected error is there,
 * but so is an unrelated warning turned into an error (an unused
 * variable) in another function.  A case file must be clean apart from
 * its bug.
 *
 * must fail with: but also with an error elsewhere
 */
void take_number(unsigned int n);

void pass_a_name(void);

void pass_a_name(void)
{
	take_number("init");
}

void count_names(void);

void count_names(void)
{
	int unused;
}
