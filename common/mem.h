/*
 * mem.h - the few C library memory and string functions the kernel needs.
 *
 * A freestanding kernel has no C library, so common/mem.c provides these.
 * Host unit tests build the same portable code against the real C library,
 * which is why this header only declares them when not hosted.
 */
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

#if __STDC_HOSTED__
#include <string.h>
#else
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

#endif
