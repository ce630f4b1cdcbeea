// Mirrors the pre-C99 positional file_operations initializers of old
// character drivers (e.g. drivers/sbus/char/flash.c before its conversion to
// designated initializers): the mmap slot is found by position. The handler
// is flash_mmap(): an uncached io_remap of the flash window, which the
// window's size may cut short (a partial remap).
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

static struct {
	unsigned long read_base;
	unsigned long write_base;
	unsigned long read_size;
	unsigned long write_size;
} flash;

static long flash_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return 0;
}

// CHECK: :[[@LINE+1]]:12: warning: 'flash_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int flash_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long addr;
	unsigned long size;

	if (flash.read_base == flash.write_base) {
		addr = flash.read_base;
		size = flash.read_size;
	} else {
		if ((vma->vm_flags & VM_READ) && (vma->vm_flags & VM_WRITE))
			return -EINVAL;
		addr = (vma->vm_flags & VM_READ) ? flash.read_base : flash.write_base;
		size = (vma->vm_flags & VM_READ) ? flash.read_size : flash.write_size;
	}
	if ((vma->vm_pgoff << PAGE_SHIFT) > size)
		return -ENXIO;
	addr = vma->vm_pgoff + (addr >> PAGE_SHIFT);

	if (vma->vm_end - (vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT)) > size)
		size = vma->vm_end - (vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT));

	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);

	// CHECK: :[[@LINE+1]]:6: note: io_remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): io_remap_pfn_range(vma, vma->vm_start, addr, size, vma->vm_page_prot)
	if (io_remap_pfn_range(vma, vma->vm_start, addr, size, vma->vm_page_prot))
		return -EAGAIN;
	// CHECK: :[[@LINE-2]]:6: note: turning a mapping error into -EAGAIN needs desc->action.error_override (API level 7.1): io_remap_pfn_range(

	return 0;
}

// Positional: owner, llseek, read, write, poll, unlocked_ioctl, mmap.
static const struct file_operations flash_fops = {
	// SITE: :[[@LINE+1]]:59: note: registered as .mmap in 'flash_fops'
	THIS_MODULE, noop_llseek, NULL, NULL, NULL, flash_ioctl, flash_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// JSON: "name": "io_remap_pfn_range"
// JSON: "range": "partial"
// JSON-NEXT: "result_use": "error-mapped"
// JSON: "form": "positional-initializer"
// JSON: "member": "mmap"
// JSON-NEXT: "record": "file_operations"
// JSON-NEXT: "table": "flash_fops"
// JSON: "verdict": "auto-convertible"

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: positional-init.c:62:59: note: vmaprep fix does not rewrite it: entry 7 of 'flash_fops' sets .mmap = flash_mmap by position; vmaprep does not rewrite positional tables (struct file_operations is __designated_init in the kernel, and .mmap_prepare could be reached only by spelling every member before it): write 'flash_fops' with designated initializers (.mmap = flash_mmap) and run vmaprep fix again
