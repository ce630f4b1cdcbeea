/*
 * vmaprep kernel API shim: linux/slab.h (with vmalloc for convenience in linux/vmalloc.h).
 * Models kmalloc-family allocation: each call is counted in the resource ledger (so a handler that keeps
 * an allocation past a failed or merged mapping shows as a leak) and is a fault-injection point.
 */
#ifndef VMAPREP_KSHIM_LINUX_SLAB_H
#define VMAPREP_KSHIM_LINUX_SLAB_H

#include <linux/gfp.h>

__VMAPREP_BEGIN_DECLS

/* Since allocation profiling (6.10) the allocators are macros over their _noprof functions. */
void *kmalloc_noprof(size_t size, gfp_t flags) __VMAPREP_NOEXCEPT;
void *kzalloc_noprof(size_t size, gfp_t flags) __VMAPREP_NOEXCEPT;
void *kcalloc_noprof(size_t n, size_t size, gfp_t flags) __VMAPREP_NOEXCEPT;
void *kmalloc_array_noprof(size_t n, size_t size, gfp_t flags) __VMAPREP_NOEXCEPT;
#define kmalloc(...) kmalloc_noprof(__VA_ARGS__)
#define kzalloc(...) kzalloc_noprof(__VA_ARGS__)
#define kcalloc(...) kcalloc_noprof(__VA_ARGS__)
#define kmalloc_array(...) kmalloc_array_noprof(__VA_ARGS__)
void kfree(const void *ptr) __VMAPREP_NOEXCEPT;
void kvfree(const void *ptr) __VMAPREP_NOEXCEPT;
#define kvmalloc(size, flags) kmalloc(size, flags)
#define kvzalloc(size, flags) kzalloc(size, flags)

__VMAPREP_END_DECLS

#endif
