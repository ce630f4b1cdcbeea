/* A rewrite of page-walk.c with no page-table walk. */
#include <linux/fs.h>
#include <linux/mm.h>

static int walk_mmap_prepare(struct vm_area_desc *desc)
{
	vma_desc_set_flags(desc, VMA_IO_BIT, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	return 0;
}

static const struct file_operations walk_fops = {
	.mmap_prepare = walk_mmap_prepare,
};
