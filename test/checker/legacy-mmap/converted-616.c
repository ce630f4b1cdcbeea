// Mirrors the first conversions in 6.16 spelling (mm/secretmem.c and
// fs/ext4/file.c as merged for 6.16): `desc->vm_flags |=` masks, the mutable
// desc->file, no actions yet. Parsed with the 6.16 headers and checked at
// API level 6.16: already mmap_prepare, no finding.
// RUN: %vmaprep check --api 6.16 %s -- %kflags -DVMAPREP_KAPI=61600 | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=error:
#include <linux/fs.h>
#include <linux/mm.h>

static const struct vm_operations_struct secretmem_vm_ops = {
};
static const struct vm_operations_struct ext4_file_vm_ops = {
};

static int secretmem_mmap_prepare(struct vm_area_desc *desc)
{
	const unsigned long len = desc->end - desc->start;

	if ((desc->vm_flags & (VM_SHARED | VM_MAYSHARE)) == 0)
		return -EINVAL;
	if (!len)
		return -EAGAIN;
	desc->vm_flags |= VM_LOCKED | VM_DONTDUMP;
	desc->vm_ops = &secretmem_vm_ops;
	return 0;
}

static int ext4_file_mmap_prepare(struct vm_area_desc *desc)
{
	struct file *file = desc->file;

	file_accessed(file);
	desc->vm_ops = &ext4_file_vm_ops;
	return 0;
}

static const struct file_operations secretmem_fops = {
	.mmap_prepare = secretmem_mmap_prepare,
};
const struct file_operations ext4_file_operations = {
	.mmap_prepare = ext4_file_mmap_prepare,
};
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 6.16): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 2 already mmap_prepare; 0 subsystem hooks
