/* Device state for test/checker/fix/api-levels.c (open-dice): the backing file is a second file, as the
 * driver's is, so vma_set_file() moves the VMA to it and the rewrite's desc->vm_file = get_file(...)
 * hands the core a reference of its own (with the opened file itself, get_file() would leak one: the
 * core re-gets a vm_file the hook did not change). */
#include <linux/anon_inodes.h>

static struct dice vmaprep_dice;

int vmaprep_validate_setup(void)
{
	vmaprep_dice.backing = anon_inode_getfile("dice-backing", NULL, NULL, 2 /* O_RDWR */);
	return vmaprep_dice.backing ? 0 : -ENOMEM;
}

void vmaprep_validate_teardown(void)
{
	fput(vmaprep_dice.backing);
	vmaprep_dice.backing = NULL;
}

int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	(void)inode;
	file->private_data = &vmaprep_dice;
	return 0;
}
