// Mirrors drivers/video/fbdev/sbuslib.h's __FB_DEFAULT_SBUS_OPS_MMAP(prefix),
// which pastes the driver's prefix into `.fb_mmap = prefix ## _sbusfb_mmap`,
// here for a file_operations: the macro takes the handler's name (pasted or
// as a plain argument), so the handler is in the file and the registration
// is inside the macro body (reported at the expansion site). The handlers map
// the device's register page like sbusfb_mmap_helper() (one io_remap).
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
#include <linux/fs.h>
#include <linux/mm.h>

#define DEFINE_SBUS_CHAR_FOPS(__prefix) \
	static const struct file_operations __prefix##_fops = { \
		.owner = THIS_MODULE, \
		.mmap = __prefix##_mmap, \
	}
#define DEFINE_CHAR_FOPS_WITH(name, fn) \
	static const struct file_operations name = { .mmap = fn }

extern unsigned long cg6_regs_pfn;

// CHECK: :[[@LINE+1]]:12: warning: 'cg6_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int cg6_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP)
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	// CHECK: :[[@LINE+1]]:9: note: io_remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): io_remap_pfn_range(vma, vma->vm_start, cg6_regs_pfn, size, vma->vm_page_prot)
	return io_remap_pfn_range(vma, vma->vm_start, cg6_regs_pfn, size, vma->vm_page_prot);
}

// CHECK: :[[@LINE+1]]:12: warning: 'leo_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int leo_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+1]]:9: note: io_remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): io_remap_pfn_range(vma, vma->vm_start, cg6_regs_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	return io_remap_pfn_range(vma, vma->vm_start, cg6_regs_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

// SITE: :[[@LINE+1]]:1: note: registered as .mmap in 'cg6_fops' (in expansion of macro 'DEFINE_SBUS_CHAR_FOPS')
DEFINE_SBUS_CHAR_FOPS(cg6);
// The designator is in the macro body too: reported at the expansion site.
// SITE: :[[@LINE+1]]:1: note: registered as .mmap in 'leo_fops' (in expansion of macro 'DEFINE_CHAR_FOPS_WITH')
DEFINE_CHAR_FOPS_WITH(leo_fops, leo_mmap);
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 2 auto-convertible,

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: macro-handler-arg.c:43:1: note: vmaprep fix does not rewrite it: 'cg6_fops' is produced by the macro DEFINE_SBUS_CHAR_FOPS (in expansion of macro 'DEFINE_SBUS_CHAR_FOPS')
// FIX: macro-handler-arg.c:46:33: note: vmaprep fix does not rewrite it: 'leo_fops' is produced by the macro DEFINE_CHAR_FOPS_WITH
