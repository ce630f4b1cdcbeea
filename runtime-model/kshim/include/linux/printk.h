/*
 * vmaprep kernel API shim: linux/printk.h.
 * Models printk() (the model prints the message) and the pr_*() wrappers; pr_debug() without DEBUG
 * type-checks its arguments and prints nothing, as the kernel's no_printk() does.
 */
#ifndef VMAPREP_KSHIM_LINUX_PRINTK_H
#define VMAPREP_KSHIM_LINUX_PRINTK_H

#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

int printk(const char *fmt, ...) __VMAPREP_NOEXCEPT __attribute__((format(printf, 1, 2)));
#define KERN_ERR ""
#define KERN_WARNING ""
#define KERN_INFO ""
#define KERN_DEBUG ""
#define no_printk(fmt, ...) ({ if (0) printk(fmt, ##__VA_ARGS__); 0; })
#define pr_err(fmt, ...) printk(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) no_printk(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...) printk(fmt, ##__VA_ARGS__)

__VMAPREP_END_DECLS

#endif
