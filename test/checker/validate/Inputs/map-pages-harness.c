/* Device state for test/checker/fix/map-pages.c and insert-pages.c: four pages behind the ring. */
#include <linux/gfp.h>
static struct page *vmaprep_pages[4];
static struct ring vmaprep_ring = { .pages = vmaprep_pages, .nr = 4 };
int vmaprep_validate_setup(void)
{
	for (int i = 0; i < 4; i++)
		vmaprep_pages[i] = alloc_pages(GFP_KERNEL, 0);
	return 0;
}
int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	file->private_data = &vmaprep_ring;
	return 0;
}
