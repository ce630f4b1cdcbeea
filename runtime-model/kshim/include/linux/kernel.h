/*
 * vmaprep kernel API shim: linux/kernel.h (with bits of linux/compiler.h, linux/container_of.h).
 * Models the general helpers mmap code leans on. WARN_ON() records a warning in the model instead of
 * printing a backtrace, so tests can see that a handler tripped one.
 */
#ifndef VMAPREP_KSHIM_LINUX_KERNEL_H
#define VMAPREP_KSHIM_LINUX_KERNEL_H

#include <linux/errno.h>
#include <linux/kconfig.h>
#include <linux/printk.h>
#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) (*(volatile __typeof__(x) *)&(x) = (val))

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#ifndef __cplusplus /* would break the C++ standard library, and C++ spells [[fallthrough]] */
#define fallthrough __attribute__((__fallthrough__))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

int __vmaprep_warn(const char *file, int line, const char *cond) __VMAPREP_NOEXCEPT;
#define WARN_ON(cond) ((cond) ? __vmaprep_warn(__FILE__, __LINE__, #cond) : 0)
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define WARN(cond, ...) WARN_ON(cond)
#define BUG_ON(cond) ((void)WARN_ON(cond))

__VMAPREP_END_DECLS

/*
 * What a handler may acquire (locks, counters, lists, allocations, module, device and runtime-PM
 * references): a driver gets these headers through linux/fs.h and linux/mm.h in a real tree, and so
 * does a fixture here.
 */
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#endif
