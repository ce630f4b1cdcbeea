// SPDX-License-Identifier: GPL-2.0
/*
 * Example: a driver already on mmap_prepare, the shape of drivers/char/mem.c's
 * /dev/zero after its conversion. vmaprep: already mmap_prepare (no finding).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/shmem_fs.h>

static int zero_mmap_prepare(struct vm_area_desc *desc)
{
	if (vma_desc_test(desc, VMA_SHARED_BIT))
		return shmem_zero_setup_desc(desc);
	vma_desc_set_anonymous(desc);
	return 0;
}

static const struct file_operations zero_fops = {
	.owner = THIS_MODULE,
	.mmap_prepare = zero_mmap_prepare,
};
