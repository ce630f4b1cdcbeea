// Mirrors drivers/infiniband/hw/hfi1/file_ops.c (6.12) hfi1_file_mmap(): it
// computes a whole new flag word from vma->vm_flags and writes it back with
// vm_flags_reset(). A desc can only set and clear named bits, so replacing
// the flag word blocks the conversion. The second handler does the same with
// vm_flags_init(), the helper meant for a VMA nobody else can see yet (the
// pattern fs/exec.c uses for the stack, misapplied in a driver).
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>

struct hfi1_filedata { unsigned long uregbase; unsigned long memlen; };

// CHECK: :[[@LINE+1]]:12: warning: 'hfi1_file_mmap' uses the deprecated file_operations->mmap hook; blocked: replaces every VMA flag (vm_flags_reset); the desc can only set and clear bits [vmaprep-legacy-mmap]
static int hfi1_file_mmap(struct file *fp, struct vm_area_struct *vma)
{
	struct hfi1_filedata *fd = fp->private_data;
	unsigned long flags, memlen = fd->memlen;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	flags = vma->vm_flags;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	flags |= VM_IO | VM_DONTEXPAND;
	flags &= ~VM_MAYWRITE;
	// CHECK: :[[@LINE+1]]:2: note: replaces every VMA flag (vm_flags_reset); the desc can only set and clear bits: vm_flags_reset(vma, flags)
	vm_flags_reset(vma, flags);
	// CHECK: :[[@LINE+1]]:8: note: maps memory (partial, result assigned): io_remap_pfn_range(vma, vma->vm_start, fd->uregbase >> PAGE_SHIFT, memlen, vma->vm_page_prot)
	ret = io_remap_pfn_range(vma, vma->vm_start, fd->uregbase >> PAGE_SHIFT,
				 memlen, vma->vm_page_prot);
	return ret;
}

// CHECK: :[[@LINE+1]]:12: warning: 'stack_like_mmap' uses the deprecated file_operations->mmap hook; blocked: replaces every VMA flag (vm_flags_init); the desc can only set and clear bits [vmaprep-legacy-mmap]
static int stack_like_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+1]]:2: note: replaces every VMA flag (vm_flags_init); the desc can only set and clear bits: vm_flags_init(vma, VM_READ | VM_WRITE | VM_DONTEXPAND)
	vm_flags_init(vma, VM_READ | VM_WRITE | VM_DONTEXPAND);
	return 0;
}

static const struct file_operations hfi1_file_ops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'hfi1_file_ops'
	.mmap = hfi1_file_mmap,
};
static const struct file_operations stack_like_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'stack_like_fops'
	.mmap = stack_like_mmap,
};
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 2 blocked,
