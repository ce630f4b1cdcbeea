// SPDX-License-Identifier: GPL-2.0
/*
 * Example: a handler that counts its mappings, the shape of
 * drivers/hwtracing/stm/core.c before its conversion (a runtime-PM get in the
 * hook, balanced in vm_ops->close). vmaprep: convertible with vm_ops->mapped.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>

struct counted_dev {
	struct device dev;
	atomic_t mmap_count;
};

static void counted_vm_close(struct vm_area_struct *vma)
{
	struct counted_dev *cdev = vma->vm_private_data;

	atomic_dec(&cdev->mmap_count);
	pm_runtime_put(&cdev->dev);
}

static const struct vm_operations_struct counted_vm_ops = {
	.close = counted_vm_close,
};

static int counted_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct counted_dev *cdev = file->private_data;

	pm_runtime_get_sync(&cdev->dev);
	atomic_inc(&cdev->mmap_count);
	vma->vm_ops = &counted_vm_ops;
	vma->vm_private_data = cdev;
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND);
	return 0;
}

static const struct file_operations counted_fops = {
	.owner = THIS_MODULE,
	.mmap = counted_mmap,
};
