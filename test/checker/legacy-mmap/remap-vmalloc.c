// Mirrors drivers/infiniband/sw/rxe/rxe_mmap.c (6.12) rxe_mmap(): find the
// pending mmap info for vm_pgoff on a list, take a reference on it, and map
// its vmalloc'ed queue with remap_vmalloc_range(). No action maps vmalloc
// memory yet: blocked (the kref_get would need vm_ops->mapped too).
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/kref.h>

struct rxe_mmap_info { struct list_head pending_mmaps; unsigned long offset; unsigned long size; struct kref ref; void *obj; };
extern struct rxe_mmap_info *rxe_find_pending(struct file *file, unsigned long offset);
static const struct vm_operations_struct rxe_vm_ops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'rxe_mmap' uses the deprecated file_operations->mmap hook; blocked: maps vmalloc memory (remap_vmalloc_range); no action does that yet [vmaprep-legacy-mmap]
static int rxe_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long offset = vma->vm_pgoff << PAGE_SHIFT;
	unsigned long size = vma->vm_end - vma->vm_start;
	struct rxe_mmap_info *ip;
	int ret;

	ip = rxe_find_pending(file, offset);
	if (!ip || size > ip->size)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:8: note: maps vmalloc memory (remap_vmalloc_range); no action does that yet: remap_vmalloc_range(vma, ip->obj, 0)
	ret = remap_vmalloc_range(vma, ip->obj, 0);
	if (ret)
		return ret;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &rxe_vm_ops
	vma->vm_ops = &rxe_vm_ops;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = ip
	vma->vm_private_data = ip;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (reference): kref_get(&ip->ref)
	kref_get(&ip->ref);
	return 0;
}

static const struct file_operations rxe_mmap_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'rxe_mmap_fops'
	.mmap = rxe_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
