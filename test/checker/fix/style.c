// The rewrite keeps kernel style on what it touches: parentheses that held
// `vma->vm_end - vma->vm_start` together are redundant around
// vma_desc_size(desc) and go (checkpatch --strict: "Unnecessary parentheses"),
// except sizeof's.
// RUN: sed '/^\/\/ [A-Z-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED
// REPORT: remark: converted 'win_mmap' to 'win_mmap_prepare'
// FIXED: if (vma_desc_size(desc) > win->size)
// FIXED: if (sizeof(vma_desc_size(desc)) != sizeof(unsigned long))
// FIXED: if ((unsigned long)vma_desc_size(desc) & ~PAGE_MASK)
#include <linux/fs.h>
#include <linux/mm.h>

struct win {
	unsigned long size;
};

static int win_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct win *win = file->private_data;

	if ((vma->vm_end - vma->vm_start) > win->size)
		return -EINVAL;
	if (sizeof(vma->vm_end - vma->vm_start) != sizeof(unsigned long))
		return -EINVAL;
	if ((unsigned long)(vma->vm_end - vma->vm_start) & ~PAGE_MASK)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

static const struct file_operations win_fops = {
	.mmap = win_mmap,
};
