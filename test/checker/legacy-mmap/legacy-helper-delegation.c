// Mirrors drivers/char/mem.c before 5.13, where /dev/kmem's mmap_kmem()
// translated the kernel virtual offset into a pfn and then called mmap_mem()
// -- another function with the legacy (file, vma) signature -- to do the
// work. The callee is analysed as part of the handler: its remap is
// attributed to mmap_kmem() "via mmap_mem()", and mmap_mem() is a finding of
// its own too, since /dev/mem registers it.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
#include <linux/fs.h>
#include <linux/mm.h>

// CHECK: :[[@LINE+1]]:12: warning: 'mmap_mem' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int mmap_mem(struct file *file, struct vm_area_struct *vma)
{
	size_t size = vma->vm_end - vma->vm_start;

	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	// CHECK: :[[@LINE+1]]:9: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, size, vma->vm_page_prot)
	return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, size,
			       vma->vm_page_prot);
}

// CHECK: :[[@LINE+1]]:12: warning: 'mmap_kmem' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int mmap_kmem(struct file *file, struct vm_area_struct *vma)
{
	unsigned long pfn;

	/* Turn a kernel-virtual address into a physical page frame */
	pfn = virt_to_phys((void *)(vma->vm_pgoff << PAGE_SHIFT)) >> PAGE_SHIFT;
	if (!pfn)
		return -EIO;

	// CHECK: :[[@LINE+3]]:2: note: writes vma->vm_pgoff: vma->vm_pgoff = pfn
	// CHECK: :[[@LINE-17]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot) (via mmap_mem())
	// CHECK: :[[@LINE-16]]:9: note: remap_pfn_range() (in mmap_mem()) needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, size, vma->vm_page_prot)
	vma->vm_pgoff = pfn;
	return mmap_mem(file, vma);
}

static const struct file_operations mem_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'mem_fops'
	.mmap = mmap_mem,
};
static const struct file_operations kmem_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'kmem_fops'
	.mmap = mmap_kmem,
};
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 2 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: legacy-helper-delegation.c:40:9: note: vmaprep fix does not rewrite it: the handler is used outside ops tables (called or stored); its signature cannot change
// FIX: legacy-helper-delegation.c:20:2: note: vmaprep fix does not rewrite it: mmap_mem() takes the VMA and is used elsewhere too, and cannot be split into a core that takes values: it does more with the VMA than read its fields (vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot))
