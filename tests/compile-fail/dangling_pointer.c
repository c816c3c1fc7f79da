// expect-gcc: -Wdangling-pointer at line 21
// flags-clang: --analyze -Xclang -analyzer-werror
// expect-clang: core.StackAddressEscape at line 22
/*
 * Stage 1: the address of a local is stored in a pointer that outlives it.
 *
 * `last_reading` is a global: it lives as long as the kernel, `reading`
 * only until remember_reading returns.  After that the global points at
 * whatever the stack holds there next.
 *
 * GCC's -Wdangling-pointer catches it; clang's compiler does not warn at
 * all, but clang's static analyzer (--analyze) does.
 */
int *last_reading;

void remember_reading(int value);

void remember_reading(int value)
{
	int reading = value * 2;
	last_reading = &reading;
}
