// SPDX-License-Identifier: GPL-2.0
/*
 * Example: a device exposing a physical window, the shape of drivers/char/hpet.c
 * and drivers/fpga/dfl-afu-main.c: page protection, flags and one remap of the
 * whole VMA. vmaprep: auto-convertible (needs remap actions, API level 6.19+).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>

struct window_dev {
	phys_addr_t base;
	unsigned long size;
};

static int window_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct window_dev *win = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;

	if (size > win->size)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	return remap_pfn_range(vma, vma->vm_start, win->base >> PAGE_SHIFT, size,
			       vma->vm_page_prot);
}

static const struct file_operations window_fops = {
	.owner = THIS_MODULE,
	.mmap = window_mmap,
};
