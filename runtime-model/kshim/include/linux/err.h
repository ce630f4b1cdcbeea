/*
 * vmaprep kernel API shim: linux/err.h.
 * Models ERR_PTR / PTR_ERR / IS_ERR as the kernel defines them (pointers in the top 4095 bytes are errors).
 */
#ifndef VMAPREP_KSHIM_LINUX_ERR_H
#define VMAPREP_KSHIM_LINUX_ERR_H

#include <linux/errno.h>
#include <linux/types.h>

static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR_VALUE((unsigned long)ptr); }

#endif
