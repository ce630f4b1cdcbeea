// Mirrors drivers/uio/uio.c (6.12), where uio_mmap() picks the memory region
// and hands the VMA to static helpers in the same file: uio_mmap_physical()
// sets the protection and does the remap. The helper's effects are
// attributed to the handler "via uio_mmap_physical()". (The real uio_mmap()
// also calls info->mmap through a pointer; that case is in
// stacked-fptr.c/dmabuf-ops-fptr.c.) Also checked: a helper that only reads
// the VMA (uio_find_mem_index) adds nothing but reads.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/uio_driver.h>

struct uio_device { struct uio_info *info; };
static const struct vm_operations_struct uio_physical_vm_ops = {
};

static int uio_find_mem_index(struct vm_area_struct *vma)
{
	if (vma->vm_pgoff < 5)
		return (int)vma->vm_pgoff;
	return -1;
}

static int uio_mmap_physical(struct vm_area_struct *vma, struct uio_mem *mem)
{
	if (vma->vm_end - vma->vm_start > mem->size)
		return -EINVAL;
	vma->vm_ops = &uio_physical_vm_ops;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start, mem->addr >> PAGE_SHIFT,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

// CHECK: :[[@LINE+4]]:12: warning: 'uio_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// CHECK: :[[@LINE-7]]:2: note: writes vma->vm_ops: vma->vm_ops = &uio_physical_vm_ops (via uio_mmap_physical())
// CHECK: :[[@LINE-7]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot) (via uio_mmap_physical())
// CHECK: :[[@LINE-7]]:9: note: remap_pfn_range() (in uio_mmap_physical()) needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, mem->addr >> PAGE_SHIFT, vma->vm_end - vma->vm_start, vma->vm_page_prot)
static int uio_mmap(struct file *filep, struct vm_area_struct *vma)
{
	struct uio_device *idev = filep->private_data;
	int mi;

	if (vma->vm_end < vma->vm_start)
		return -EINVAL;
	mi = uio_find_mem_index(vma);
	if (mi < 0)
		return -EINVAL;
	return uio_mmap_physical(vma, &idev->info->mem[mi]);
}

// SITE: :[[@LINE+1]]:50: note: registered as .mmap in 'uio_fops'
static const struct file_operations uio_fops = { .mmap = uio_mmap };
// JSON: "name": "remap_pfn_range"
// JSON: "range": "whole-vma"
// JSON-NEXT: "result_use": "returned"
// JSON: "via": [
// JSON-NEXT: {
// JSON-NEXT: "callee": "uio_mmap_physical"
// JSON: "line": 52
// JSON: "function": "uio_mmap"
// JSON: "verdict": "auto-convertible"
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// Both helpers take the desc with it; the remap in uio_mmap_physical() becomes its action there.
// FIX: helper-via.c:42:12: note: vmaprep fix rewrites it as 'uio_mmap_prepare'
