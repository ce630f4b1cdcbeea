/* A legacy handler that walks its page tables (apply_to_page_range()), which the model cannot follow. */
#include <linux/fs.h>
#include <linux/mm.h>

static int walk_pte(void *pte, unsigned long addr, void *data)
{
	(void)pte;
	(void)addr;
	(void)data;
	return 0;
}

static int walk_mmap(struct file *file, struct vm_area_struct *vma)
{
	(void)file;
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	return apply_to_page_range(vma->vm_mm, vma->vm_start, vma->vm_end - vma->vm_start, walk_pte, NULL);
}

static const struct file_operations walk_fops = {
	.mmap = walk_mmap,
};
