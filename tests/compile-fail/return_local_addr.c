// expect-gcc: -Wreturn-local-addr at line 16
// expect-clang: -Wreturn-stack-address at line 16
/*
 * Stage 1: a function returns the address of one of its locals.
 *
 * `counter` lives in make_counter's stack frame, which is popped by the
 * return; the caller gets a pointer into stack memory that the next call
 * overwrites.  (GCC goes further and makes the function return NULL.)
 * In Rust this is "borrowed value does not live long enough".
 */
int *make_counter(void);

int *make_counter(void)
{
	int counter = 0;
	return &counter;
}
