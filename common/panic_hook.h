/*
 * panic_hook.h - lets the test runner take over after a panic has been
 * printed.  The hook must not return (it resumes elsewhere or exits).
 */
#ifndef PANIC_HOOK_H
#define PANIC_HOOK_H

typedef void (*panic_hook_fn)(const char *msg);
extern panic_hook_fn panic_hook;

#endif
