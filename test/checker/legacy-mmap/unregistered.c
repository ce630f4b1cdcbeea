// Functions with the legacy signature that no file_operations names: an
// exported helper another module registers (drivers/gpu/drm/drm_gem.c's
// drm_gem_mmap() is the template, here in the file that defines it) and a
// leftover handler whose table was removed. Only registrations make
// handlers, so there is no finding here; a converted table in the same file
// is counted as already mmap_prepare. Exit code 0.
// RUN: %vmaprep check %s -- %kflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=error:
#include <linux/fs.h>
#include <linux/mm.h>

int foo_gem_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO | VM_PFNMAP);
	return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static int old_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_private_data = filp->private_data;
	return 0;
}

static int foo_mmap_prepare(struct vm_area_desc *desc)
{
	vma_desc_set_flags(desc, VMA_IO_BIT, VMA_PFNMAP_BIT);
	mmap_action_remap_full(desc, desc->pgoff);
	return 0;
}

static const struct file_operations foo_fops = { .mmap_prepare = foo_mmap_prepare };
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 1 already mmap_prepare; 0 subsystem hooks
