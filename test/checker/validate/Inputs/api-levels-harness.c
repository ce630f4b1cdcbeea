/* Device state for test/checker/fix/api-levels.c (open-dice): the backing file is the opened file
 * itself (the shim has no second file to hand out), so vma_set_file() swaps a reference for one. */
static struct dice vmaprep_dice;

int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	vmaprep_dice.backing = file;
	file->private_data = &vmaprep_dice;
	return 0;
}
