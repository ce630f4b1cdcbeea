// A message printed once (pr_warn_once, cifs_dbg's pr_*_once in
// fs/smb/client/file.c's cifs_file_mmap) writes a static flag the macro
// declares (`__already_done`, include/linux/once_lite.h): bookkeeping of the
// message, not state of the mapping, so the handler stays auto-convertible.
// A static the handler declares and writes itself is still state.
// RUN: not %vmaprep check %s -- %kflags | FileCheck %s --implicit-check-not=warning:
// fix converts it, and validation on the model agrees: the flag is not
// compared (a mapping that merges next to its neighbour never calls the
// legacy hook, so the original may not print where the rewrite does).
// RUN: %vmaprep fix --dry-run %s -- %kflags 2>&1 | FileCheck %s --check-prefix=FIX
// FIX: +static int once_mmap_prepare(struct vm_area_desc *desc)
// FIX: +		pr_warn_once("once: offset %lu ignored\n", desc->pgoff);
// FIX: converted 1 of 2 legacy handlers
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/printk.h>

static const struct vm_operations_struct once_vm_ops = { };

static int once_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff)
		pr_warn_once("once: offset %lu ignored\n", vma->vm_pgoff);
	vma->vm_ops = &once_vm_ops;
	return 0;
}
// CHECK: once-flag.c:[[@LINE-7]]:12: warning: 'once_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare

static int counted_mmap(struct file *file, struct vm_area_struct *vma)
{
	static bool mapped_before;

	mapped_before = true;
	vma->vm_ops = &once_vm_ops;
	return 0;
}
// CHECK: once-flag.c:[[@LINE-8]]:12: warning: 'counted_mmap' uses the deprecated file_operations->mmap hook; convertible to mmap_prepare with a vm_ops->mapped callback
// CHECK: note: acquires per-mapping state (state-write: mapped_before)

static const struct file_operations once_fops = {
	.mmap = once_mmap,
};
static const struct file_operations counted_fops = {
	.mmap = counted_mmap,
};
