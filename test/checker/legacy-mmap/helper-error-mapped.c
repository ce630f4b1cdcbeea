// Mirrors drivers/char/mem.c's mmap_mem() error mapping with the remap moved
// into a static helper, as drivers/uio/uio.c (uio_mmap_physical()) and
// drivers/char/hpet.c-style drivers factor it: the helper returns the
// remap's result, and the handler turns any failure into -EAGAIN. The caller
// sees -EAGAIN, so the action needs desc->action.error_override (7.1) or, at
// 6.19 and 7.0, an error hook that returns it.
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s
#include <linux/fs.h>
#include <linux/mm.h>

static int phys_remap(struct vm_area_struct *vma, unsigned long pfn)
{
	return remap_pfn_range(vma, vma->vm_start, pfn, vma->vm_end - vma->vm_start,
			       vma->vm_page_prot);
}

// CHECK: :[[@LINE+1]]:12: warning: 'phys_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int phys_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	if (phys_remap(vma, vma->vm_pgoff))
		return -EAGAIN;
	return 0;
}

static const struct file_operations phys_fops = { .mmap = phys_mmap };
// CHECK: turning a mapping error into -EAGAIN (in phys_remap()) needs desc->action.error_hook (API level 6.19)
