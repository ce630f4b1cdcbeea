// Mirrors the prefault-in-mmap pattern of drivers/vfio/pci/vfio_pci_core.c
// (vfio_pci_mmap_huge_fault's pfn insertion, here done eagerly in the hook as
// drivers/misc/ocxl/context.c's map_afu_irq()/map_pp_mmio() helpers would
// if called up front): vmf_insert_pfn() per page. Blocked: page insertion.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>

struct ocxl_context { unsigned long pp_mmio_pfn; };

// CHECK: :[[@LINE+1]]:12: warning: 'ocxl_context_mmap' uses the deprecated file_operations->mmap hook; blocked: inserts pages one by one (vmf_insert_pfn); no action does that [vmaprep-legacy-mmap]
static int ocxl_context_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct ocxl_context *ctx = filp->private_data;
	unsigned long addr;
	vm_fault_t ret;

	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_IO | VM_PFNMAP)
	vm_flags_set(vma, VM_IO | VM_PFNMAP);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		// CHECK: :[[@LINE+1]]:9: note: inserts pages one by one (vmf_insert_pfn); no action does that: vmf_insert_pfn(vma, addr, ctx->pp_mmio_pfn + ((addr - vma->vm_start) >> PAGE_SHIFT))
		ret = vmf_insert_pfn(vma, addr, ctx->pp_mmio_pfn + ((addr - vma->vm_start) >> PAGE_SHIFT));
		if (ret)
			return -EFAULT;
	}
	return 0;
}

static const struct file_operations ocxl_afu_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'ocxl_afu_fops'
	.mmap = ocxl_context_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
