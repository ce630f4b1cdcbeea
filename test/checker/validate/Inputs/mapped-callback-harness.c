/* Device state for test/checker/fix/mapped-callback.c (stm): the PM get/put pair is in the ledger. */
static struct stm_device vmaprep_stm = { .phys = 0x20000000UL };
static struct stm_file vmaprep_stmf = { .stm = &vmaprep_stm };

int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	file->private_data = &vmaprep_stmf;
	return 0;
}
