// Mirrors drivers that keep an explicit `.mmap = NULL` slot (e.g. tables
// written from a template, or #ifdef CONFIG_MMU alternatives as in
// drivers/char/mem.c): nothing is registered, nothing to report.
// RUN: %vmaprep check %s -- %kflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=error:
#include <linux/fs.h>
#include <linux/mm.h>

static int null_open(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations null_fops = {
	.owner = THIS_MODULE,
	.open = null_open,
	.mmap = NULL,
};

static const struct file_operations null_fops_zero = {
	.mmap = 0,
};
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks
