// SPDX-License-Identifier: GPL-2.0
/*
 * Example: a ring buffer mapped page by page, the shape of drivers/usb/mon/mon_bin.c
 * and many capture drivers. vmaprep: blocked (vm_insert_page in a loop).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>

struct ring {
	struct page **pages;
	unsigned long nr_pages;
};

static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring *ring = file->private_data;
	unsigned long addr = vma->vm_start;
	unsigned long i;
	int ret;

	if (vma_pages(vma) > ring->nr_pages)
		return -EINVAL;
	for (i = 0; i < vma_pages(vma); i++) {
		ret = vm_insert_page(vma, addr, ring->pages[i]);
		if (ret)
			return ret;
		addr += PAGE_SIZE;
	}
	vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

static const struct file_operations ring_fops = {
	.owner = THIS_MODULE,
	.mmap = ring_mmap,
};
