// Helpers converted along a chain deeper than one: the handler hands the VMA
// to a helper that checks it and hands it on to one that sets it up; both take
// the desc, and so does every call between them.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// REPORT: remark: converted 'chain_mmap' to 'chain_mmap_prepare'
// A helper down the chain that other code calls too keeps its signature, and
// the handler stays legacy, saying which helper.
// RUN: sed 's|^// SHARED-LINE: ||' %s | sed '/^\/\/ [A-Z0-9-]*:/d' > %t.shared.c
// RUN: %vmaprep fix %t.shared.c -- %kflags 2>&1 | FileCheck %s --check-prefix=SHARED
// SHARED: 'chain_mmap' not converted: chain_setup() takes the VMA and is used elsewhere too, and cannot be split into a core that takes values: it does more with the VMA than read its fields (vma->vm_ops = &chain_vm_ops)
// SHARED: vmaprep: converted 0 of 1 legacy handlers
#include <linux/fs.h>
#include <linux/mm.h>

struct chain_dev { unsigned long size; unsigned long base; };

static const struct vm_operations_struct chain_vm_ops = { };

// FIXED: static void chain_setup(struct chain_dev *dev, struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: desc->vm_ops = &chain_vm_ops;
// FIXED-NEXT: desc->private_data = dev;
// FIXED-NEXT: vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
static void chain_setup(struct chain_dev *dev, struct vm_area_struct *vma)
{
	vma->vm_ops = &chain_vm_ops;
	vma->vm_private_data = dev;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
}

// FIXED: static int chain_check(struct chain_dev *dev, struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: if (vma_desc_size(desc) > dev->size)
// FIXED: chain_setup(dev, desc);
static int chain_check(struct chain_dev *dev, struct vm_area_struct *vma)
{
	if (vma->vm_end - vma->vm_start > dev->size)
		return -EINVAL;
	chain_setup(dev, vma);
	return 0;
}

// FIXED: static int chain_mmap_prepare(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: struct chain_dev *dev = desc->file->private_data;
// FIXED: return chain_check(dev, desc);
static int chain_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct chain_dev *dev = file->private_data;

	return chain_check(dev, vma);
}

// SHARED-LINE: void chain_reset(struct chain_dev *d, struct vm_area_struct *v) { chain_setup(d, v); }

static const struct file_operations chain_fops = {
	.mmap = chain_mmap,
};
