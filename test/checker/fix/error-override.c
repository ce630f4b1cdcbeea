// /dev/mem before its conversion (drivers/char/mem.c, 6.12): a field's address
// handed to a helper, the protection recomputed, and a remap whose error is
// turned into -EAGAIN, which becomes desc->action.error_override (7.1+).
// RUN: sed '/^\/\/ [A-Z-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// REPORT: converted 'mmap_mem' to 'mmap_mem_prepare'
// At 7.0 there is no error_override, but the action's error goes through an
// error hook: a generated mmap_mem_error() returns -EAGAIN (validated).
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.70.c
// RUN: %vmaprep fix %t.70.c --api 7.0 -- %kflags -DVMAPREP_KAPI=70000 2>&1 | FileCheck %s --check-prefix=AT70
// RUN: FileCheck %s --input-file=%t.70.c --check-prefix=FIXED70 --implicit-check-not='action.error_override ='
// AT70: remark: converted 'mmap_mem' to 'mmap_mem_prepare' (validated on the runtime model
// FIXED70: static int mmap_mem_error(int err)
// FIXED70-NEXT: {
// FIXED70-NEXT: return -EAGAIN;
// FIXED70-NEXT: }
// FIXED70: desc->action.error_hook = mmap_mem_error;
#include <linux/fs.h>
#include <linux/mm.h>

extern const struct vm_operations_struct mmap_mem_ops;
int phys_mem_access_prot_allowed(struct file *file, unsigned long pfn, unsigned long size,
				 pgprot_t *vma_prot);
pgprot_t phys_mem_access_prot(struct file *file, unsigned long pfn, unsigned long size,
			      pgprot_t vma_prot);

static int mmap_mem(struct file *file, struct vm_area_struct *vma)
{
	size_t size = vma->vm_end - vma->vm_start;

// FIXED: if (!phys_mem_access_prot_allowed(desc->file, desc->pgoff, size,
// FIXED-NEXT: &desc->page_prot))
	if (!phys_mem_access_prot_allowed(file, vma->vm_pgoff, size,
					  &vma->vm_page_prot))
		return -EINVAL;
// FIXED: desc->page_prot = phys_mem_access_prot(desc->file, desc->pgoff,
	vma->vm_page_prot = phys_mem_access_prot(file, vma->vm_pgoff,
						 size,
						 vma->vm_page_prot);
// FIXED: desc->vm_ops = &mmap_mem_ops;
	vma->vm_ops = &mmap_mem_ops;

// FIXED: mmap_action_remap_full(desc, desc->pgoff);
// FIXED-NEXT: desc->action.error_override = -EAGAIN;
// FIXED-NEXT: return 0;
	if (remap_pfn_range(vma,
			    vma->vm_start,
			    vma->vm_pgoff,
			    size,
			    vma->vm_page_prot)) {
		return -EAGAIN;
	}
	return 0;
}

static const struct file_operations mem_fops = {
	.mmap = mmap_mem,
};
