// Mirrors the stacked filesystems, which pass the VMA down to the lower
// file's hook: fs/coda/file.c before 6.12 (host_file->f_op->mmap(host_file,
// vma) after swapping vm_file), fs/coda/file.c and fs/ecryptfs in 6.12
// (call_mmap(), an inline over the same pointer call), and fs/overlayfs
// (vfs_mmap() in 7.x). docs/kernel-api.md 5: they stay on .mmap on purpose, since
// the lower file may still need a VMA. Blocked: mmap delegation.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>

struct coda_file_info { struct file *cfi_container; };

// CHECK: :[[@LINE+1]]:12: warning: 'coda_file_mmap' uses the deprecated file_operations->mmap hook; blocked: hands the VMA to another mmap hook (host_file->f_op->mmap(host_file, vma)) [vmaprep-legacy-mmap]
static int coda_file_mmap(struct file *coda_file, struct vm_area_struct *vma)
{
	struct coda_file_info *cfi = coda_file->private_data;
	struct file *host_file = cfi->cfi_container;

	if (!host_file->f_op->mmap)
		return -ENODEV;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_file: vma_set_file(vma, host_file)
	vma_set_file(vma, host_file);
	// CHECK: :[[@LINE+1]]:9: note: hands the VMA to another mmap hook (host_file->f_op->mmap(host_file, vma)): host_file->f_op->mmap(host_file, vma)
	return host_file->f_op->mmap(host_file, vma);
}

// CHECK: :[[@LINE+1]]:12: warning: 'ecryptfs_mmap' uses the deprecated file_operations->mmap hook; blocked: hands the VMA to another mmap hook (call_mmap(lower_file, vma)) [vmaprep-legacy-mmap]
static int ecryptfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *lower_file = file->private_data;

	if (!lower_file->f_op->mmap)
		return -ENODEV;
	// CHECK: :[[@LINE+1]]:9: note: hands the VMA to another mmap hook (call_mmap(lower_file, vma)): call_mmap(lower_file, vma)
	return call_mmap(lower_file, vma);
}

// CHECK: :[[@LINE+1]]:12: warning: 'ovl_mmap' uses the deprecated file_operations->mmap hook; blocked: hands the VMA to another mmap hook (vfs_mmap(realfile, vma)) [vmaprep-legacy-mmap]
static int ovl_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *realfile = file->private_data;

	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_file: vma_set_file(vma, realfile)
	vma_set_file(vma, realfile);
	// CHECK: :[[@LINE+1]]:9: note: hands the VMA to another mmap hook (vfs_mmap(realfile, vma)): vfs_mmap(realfile, vma)
	return vfs_mmap(realfile, vma);
}

// SITE: :[[@LINE+1]]:55: note: registered as .mmap in 'coda_file_operations'
const struct file_operations coda_file_operations = { .mmap = coda_file_mmap };
// SITE: :[[@LINE+1]]:53: note: registered as .mmap in 'ecryptfs_main_fops'
const struct file_operations ecryptfs_main_fops = { .mmap = ecryptfs_mmap };
// SITE: :[[@LINE+1]]:54: note: registered as .mmap in 'ovl_file_operations'
const struct file_operations ovl_file_operations = { .mmap = ovl_mmap };
// CHECK: vmaprep: 3 mmap handlers in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 3 blocked, 0 already mmap_prepare; 0 subsystem hooks
