/* Device state for test/checker/fix/helper-reads.c: an aligned device. */
static struct dev_dax vmaprep_dax = { .align = 4096, .phys = 0x40000000UL };
int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	file->private_data = &vmaprep_dax;
	return 0;
}
