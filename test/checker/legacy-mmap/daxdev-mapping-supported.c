// Mirrors fs/ext4/file.c (6.12) ext4_file_mmap(), which asks
// daxdev_mapping_supported(vma, dax_dev), an inline of include/linux/dax.h
// whose parameters followed the migration: the VMA (6.12, 6.16), the flags
// value with the inode (6.17), the desc with the inode (7.0). The catalogue
// has the twin per level, used only where the tree's dax.h declares it so: in
// a 6.16 tree dax.h still takes the VMA, so the handler is blocked naming that
// declaration; a tree from before mmap_prepare (6.12) is judged against the
// level asked for, where the twin exists. (A 6.12 handler put into a newer
// file does not compile: the call and its twin share a name.) Before the
// entry, either tree said "passes the VMA to daxdev_mapping_supported(), whose
// body is not in this file". A VMA handed to another header inline the
// catalogue does not know (range_in_vma()) is named as such.
// RUN: not %vmaprep check --api 6.16 %s -- %kflags -DVMAPREP_KAPI=61600 > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not='whose body'
// RUN: not %vmaprep check %s -- %kflags -DVMAPREP_KAPI=61200 | FileCheck %s --check-prefix=TREE612 --implicit-check-not=warning: --implicit-check-not='whose body'
// RUN: not %vmaprep check --api 6.16 --format json %s -- %kflags -DVMAPREP_KAPI=61600 | FileCheck %s --check-prefix=JSON
// JSON: "id": "twin-missing",
// JSON: "detail": "header-inline",
#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/mm.h>

struct ext4_sb_info {
	struct dax_device *s_daxdev;
};

static const struct vm_operations_struct ext4_file_vm_ops = {
};

// CHECK: :[[@LINE+2]]:12: warning: 'ext4_file_mmap' uses the deprecated file_operations->mmap hook; blocked: calls daxdev_mapping_supported(), which becomes daxdev_mapping_supported(desc->vm_flags, file_inode(desc->file), dax_dev) at API level 6.16, but in this tree daxdev_mapping_supported() is declared as bool (struct vm_area_struct *, struct dax_device *) at include/linux/dax.h:{{[0-9]+}} [vmaprep-legacy-mmap]
// TREE612: :[[@LINE+1]]:12: warning: 'ext4_file_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int ext4_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ext4_sb_info *sbi = file->private_data;
	struct dax_device *dax_dev = sbi->s_daxdev;

	/*
	 * We don't support synchronous mappings for non-DAX files and
	 * for DAX files if underneath dax_device is not synchronous.
	 */
	if (!daxdev_mapping_supported(vma, dax_dev))
		return -EOPNOTSUPP;

	file_accessed(file);
	vma->vm_ops = &ext4_file_vm_ops;
	return 0;
}

static const struct file_operations ext4_file_operations = {
	.mmap = ext4_file_mmap,
};

// CHECK: :[[@LINE+2]]:12: warning: 'ranged_mmap' uses the deprecated file_operations->mmap hook; blocked: passes the VMA to range_in_vma(), an inline function of a header that has no desc twin in vmaprep's kernel-API catalogue [vmaprep-legacy-mmap]
// TREE612: :[[@LINE+1]]:12: warning: 'ranged_mmap' uses the deprecated file_operations->mmap hook; blocked: passes the VMA to range_in_vma(), an inline function of a header
static int ranged_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!range_in_vma(vma, vma->vm_start, vma->vm_start + PAGE_SIZE))
		return -EINVAL;
	return 0;
}

static const struct file_operations ranged_fops = {
	.mmap = ranged_mmap,
};
