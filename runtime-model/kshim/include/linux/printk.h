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

/*
 * include/linux/once_lite.h: the one-shot flag is a static local the macro
 * declares (the kernel puts it in .data..once).
 */
#define __ONCE_LITE_IF(condition)                                  \
	({                                                         \
		static bool __already_done;                        \
		bool __ret_cond = !!(condition);                   \
		bool __ret_once = false;                           \
		if (__builtin_expect(__ret_cond && !__already_done, 0)) { \
			__already_done = true;                     \
			__ret_once = true;                         \
		}                                                  \
		__ret_once;                                        \
	})
#define DO_ONCE_LITE_IF(condition, func, ...)                      \
	({                                                         \
		bool __ret_do_once = !!(condition);                \
		if (__ONCE_LITE_IF(__ret_do_once))                 \
			func(__VA_ARGS__);                         \
		__ret_do_once;                                     \
	})
#define DO_ONCE_LITE(func, ...) DO_ONCE_LITE_IF(true, func, ##__VA_ARGS__)
#define printk_once(fmt, ...) DO_ONCE_LITE(printk, fmt, ##__VA_ARGS__)
#define pr_err_once(fmt, ...) printk_once(fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...) printk_once(fmt, ##__VA_ARGS__)
#define pr_info_once(fmt, ...) printk_once(fmt, ##__VA_ARGS__)

__VMAPREP_END_DECLS

#endif
