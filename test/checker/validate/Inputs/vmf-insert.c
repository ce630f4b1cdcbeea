/* A legacy handler that fills its VMA with vmf_insert_pfn(), as fault handlers do, up front. */
#include <linux/fs.h>
#include <linux/mm.h>

#define INSERT_PFN 0xfed00UL

static int insert_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long addr;

	(void)file;
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE)
		if (vmf_insert_pfn(vma, addr, INSERT_PFN + vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT)) !=
		    VM_FAULT_NOPAGE)
			return -EFAULT;
	return 0;
}

static const struct file_operations insert_fops = {
	.mmap = insert_mmap,
};
