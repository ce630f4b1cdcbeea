// Mirrors drivers/char/mem.c (6.12) mmap_mem(): /dev/mem maps the physical
// page at vm_pgoff, asks the arch about the page protection through
// &vma->vm_page_prot, and turns any remap failure into -EAGAIN. Upstream
// converted it with desc->action.error_override = -EAGAIN, so it needs 7.1.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 7.0 %s -- %kflags | grep -v -e 'note: registered as' -e 'note: vmaprep fix' | FileCheck %s --check-prefix=API70 --implicit-check-not=warning:
#include <linux/fs.h>
#include <linux/mm.h>

int phys_mem_access_prot_allowed(struct file *file, unsigned long pfn,
				 unsigned long size, pgprot_t *vma_prot);

static const struct vm_operations_struct mmap_mem_ops = {
};

static inline int private_mapping_ok(struct vm_area_struct *vma)
{
	return is_cow_mapping(vma->vm_flags);
}

// CHECK: :[[@LINE+2]]:12: warning: 'mmap_mem' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'mmap_mem' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int mmap_mem(struct file *file, struct vm_area_struct *vma)
{
	size_t size = vma->vm_end - vma->vm_start;
	phys_addr_t offset = (phys_addr_t)vma->vm_pgoff << PAGE_SHIFT;

	if (offset >> PAGE_SHIFT != vma->vm_pgoff)
		return -EINVAL;
	if (!private_mapping_ok(vma))
		return -ENOSYS;
	// CHECK: :[[@LINE+2]]:8: note: writes vma->vm_page_prot: &vma->vm_page_prot
	if (!phys_mem_access_prot_allowed(file, vma->vm_pgoff, size,
					  &vma->vm_page_prot))
		return -EINVAL;

	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &mmap_mem_ops
	vma->vm_ops = &mmap_mem_ops;

	// CHECK: :[[@LINE+3]]:6: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, size, vma->vm_page_prot)
	// CHECK: :[[@LINE+2]]:6: note: turning a mapping error into -EAGAIN needs desc->action.error_override (API level 7.1): remap_pfn_range(
	// API70: :[[@LINE+1]]:6: note: turning a mapping error into -EAGAIN needs desc->action.error_hook (API level 6.19): remap_pfn_range(
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
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'mem_fops'
	.mmap		= mmap_mem,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks
// API70: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.0): 1 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: dev-mem.c:26:12: note: vmaprep fix rewrites it as 'mmap_mem_prepare'
