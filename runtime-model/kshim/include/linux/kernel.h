/*
 * vmaprep kernel API shim: linux/kernel.h (with bits of linux/compiler.h, linux/container_of.h, printk).
 * Models the general helpers mmap code leans on. WARN_ON() records a warning in the model instead of
 * printing a backtrace, so tests can see that a handler tripped one.
 */
#ifndef VMAPREP_KSHIM_LINUX_KERNEL_H
#define VMAPREP_KSHIM_LINUX_KERNEL_H

#include <linux/errno.h>
#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __maybe_unused __attribute__((unused))
#define __always_unused __attribute__((unused))
#define __must_check __attribute__((warn_unused_result))
#define __user
#define __iomem
#define __force
#define __init
#define __exit
#define fallthrough __attribute__((fallthrough))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) (*(volatile __typeof__(x) *)&(x) = (val))

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#ifndef __cplusplus /* would break the C++ standard library */
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

int printk(const char *fmt, ...) __VMAPREP_NOEXCEPT __attribute__((format(printf, 1, 2)));
#define KERN_ERR ""
#define KERN_WARNING ""
#define KERN_INFO ""
#define KERN_DEBUG ""
#define pr_err(...) printk(__VA_ARGS__)
#define pr_warn(...) printk(__VA_ARGS__)
#define pr_info(...) printk(__VA_ARGS__)
#define pr_debug(...) ((void)0)
#define pr_err_ratelimited(...) printk(__VA_ARGS__)

__VMAPREP_END_DECLS

#endif
