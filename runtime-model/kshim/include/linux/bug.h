/* vmaprep kernel API shim: linux/bug.h. Models it by way of linux/kernel.h (likely/unlikely, __init, EXPORT_SYMBOL, pr_*, WARN_ON/BUG_ON). */
#ifndef VMAPREP_KSHIM_LINUX_BUG_H
#define VMAPREP_KSHIM_LINUX_BUG_H
#include <linux/kernel.h>
#include <linux/module.h>
#endif
