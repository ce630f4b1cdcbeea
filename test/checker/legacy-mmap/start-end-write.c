// Older drivers trimmed the VMA to what they could map instead of failing
// (2.6-era drivers/video/fbdev code and drivers/char/bsr.c's size clamp did
// it on the size; a few wrote vm_end directly). A desc's start and end are
// immutable: blocked. The second handler does it in a static helper, and the
// reason names the helper.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>

struct bsr_dev { unsigned long bsr_addr; unsigned long bsr_len; };

// CHECK: :[[@LINE+1]]:12: warning: 'bsr_mmap' uses the deprecated file_operations->mmap hook; blocked: writes vm_end, which a desc cannot change [vmaprep-legacy-mmap]
static int bsr_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct bsr_dev *dev = filp->private_data;

	if (vma->vm_end - vma->vm_start > dev->bsr_len)
		// CHECK: :[[@LINE+1]]:3: note: writes vm_end, which a desc cannot change: vma->vm_end = vma->vm_start + dev->bsr_len
		vma->vm_end = vma->vm_start + dev->bsr_len;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	// CHECK: :[[@LINE+1]]:9: note: maps memory (whole-vma, result returned): remap_pfn_range(vma, vma->vm_start, dev->bsr_addr >> PAGE_SHIFT, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	return remap_pfn_range(vma, vma->vm_start, dev->bsr_addr >> PAGE_SHIFT,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static void clamp_start(struct vm_area_struct *vma, unsigned long align)
{
	vma->vm_start = (vma->vm_start + align - 1) & ~(align - 1);
}

// CHECK: :[[@LINE+2]]:12: warning: 'aligned_mmap' uses the deprecated file_operations->mmap hook; blocked: writes vm_start, which a desc cannot change (in clamp_start()) [vmaprep-legacy-mmap]
// CHECK: :[[@LINE-4]]:2: note: writes vm_start, which a desc cannot change (in clamp_start()): vma->vm_start = (vma->vm_start + align - 1) & ~(align - 1)
static int aligned_mmap(struct file *filp, struct vm_area_struct *vma)
{
	clamp_start(vma, 1UL << 21);
	return 0;
}

// SITE: :[[@LINE+1]]:50: note: registered as .mmap in 'bsr_fops'
static const struct file_operations bsr_fops = { .mmap = bsr_mmap };
// SITE: :[[@LINE+1]]:54: note: registered as .mmap in 'aligned_fops'
static const struct file_operations aligned_fops = { .mmap = aligned_mmap };
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 2 blocked, 0 already mmap_prepare; 0 subsystem hooks
