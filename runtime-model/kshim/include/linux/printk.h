/* vmaprep kernel API shim: linux/printk.h. Models it by way of linux/kernel.h (likely/unlikely, __init, EXPORT_SYMBOL, pr_*, WARN_ON/BUG_ON). */
#ifndef VMAPREP_KSHIM_LINUX_PRINTK_H
#define VMAPREP_KSHIM_LINUX_PRINTK_H
#include <linux/kernel.h>
#include <linux/module.h>
#endif
