/* vmaprep kernel API shim: linux/export.h. Models it by way of linux/kernel.h (likely/unlikely, __init, EXPORT_SYMBOL, pr_*, WARN_ON/BUG_ON). */
#ifndef VMAPREP_KSHIM_LINUX_EXPORT_H
#define VMAPREP_KSHIM_LINUX_EXPORT_H
#include <linux/kernel.h>
#include <linux/module.h>
#endif
