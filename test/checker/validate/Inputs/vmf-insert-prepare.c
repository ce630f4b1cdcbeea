/* The same mapping as one remap action. */
#include <linux/fs.h>
#include <linux/mm.h>

#define INSERT_PFN 0xfed00UL

static int insert_mmap_prepare(struct vm_area_desc *desc)
{
	if (vma_desc_is_cow_mapping(desc))
		return -EINVAL;
	mmap_action_remap_full(desc, INSERT_PFN + desc->pgoff);
	return 0;
}

static const struct file_operations insert_fops = {
	.mmap_prepare = insert_mmap_prepare,
};
