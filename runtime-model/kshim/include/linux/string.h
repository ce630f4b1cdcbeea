/*
 * vmaprep kernel API shim: linux/string.h. Models the kernel's string/memory helpers with the C library's
 * (hosted), or declares the ones drivers use (-nostdinc, as the kernel builds).
 */
#ifndef VMAPREP_KSHIM_LINUX_STRING_H
#define VMAPREP_KSHIM_LINUX_STRING_H
#if __has_include(<string.h>)
#include <string.h>
#else
#include <linux/types.h>
void *memcpy(void *dest, const void *src, size_t count);
void *memmove(void *dest, const void *src, size_t count);
void *memset(void *s, int c, size_t count);
int memcmp(const void *cs, const void *ct, size_t count);
size_t strlen(const char *s);
int strcmp(const char *cs, const char *ct);
char *strcpy(char *dest, const char *src);
#endif
#endif
