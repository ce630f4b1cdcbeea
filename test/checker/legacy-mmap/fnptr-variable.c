// Mirrors drivers/video/fbdev/core/fb_chrdev.c-style indirection taken one
// step further: the table's mmap slot holds a function-pointer variable
// chosen at boot (as platform code does with `ops->mmap = pick_mmap()`), so no
// handler can be named. vmaprep reports the slot instead of guessing.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not=note:
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

extern int (*const platform_mmap)(struct file *, struct vm_area_struct *);
int (*pick_mmap(void))(struct file *, struct vm_area_struct *);

int misc_register_fops(const struct file_operations *fops);
static struct file_operations late_fops;

void late_setup(void)
{
	struct file_operations plat_fops = {
		// CHECK: :[[@LINE+1]]:3: warning: .mmap in 'plat_fops' is set to 'platform_mmap', which vmaprep cannot resolve to a function [vmaprep-legacy-mmap]
		.mmap = platform_mmap,
	};

	misc_register_fops(&plat_fops);
	// CHECK: :[[@LINE+1]]:2: warning: .mmap in 'late_fops' is set to 'pick_mmap()', which vmaprep cannot resolve to a function [vmaprep-legacy-mmap]
	late_fops.mmap = pick_mmap();
}
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// JSON: "unresolved": [
// JSON: "expression": "platform_mmap"
// JSON: "form": "designated-initializer"
// JSON: "table": "plat_fops"
// JSON: "expression": "pick_mmap()"
// JSON: "form": "assignment"
// JSON: "table": "late_fops"
