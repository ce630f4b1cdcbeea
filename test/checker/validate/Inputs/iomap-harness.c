/* Device state for test/checker/fix/iomap.c (hpet): a page-aligned MMIO window. */
static struct hpet_dev vmaprep_hpet = { .phys = 0xfed00000UL };

int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	file->private_data = &vmaprep_hpet;
	return 0;
}
