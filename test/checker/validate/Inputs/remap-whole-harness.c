/* Device state for test/checker/fix/remap-whole.c: a four-page physical window. */
static struct window_dev vmaprep_window = { .base = 0x10000000UL, .size = 4 * PAGE_SIZE };

int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	file->private_data = &vmaprep_window;
	return 0;
}
