// Mirrors drivers/usb/mon/mon_bin.c (6.12) mon_bin_mmap(): pages come from
// the fault handler; the hook sets vm_ops, refuses writable mappings,
// vm_flags_mod()s the flags, stores the reader in vm_private_data, and calls
// its own vm_ops open function directly, which counts the mapping
// (rp->mmap_active++). That count belongs in vm_ops->mapped.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --show-reads %s -- %kflags | FileCheck %s --check-prefix=READS
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s --check-prefix=API70
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/spinlock.h>

struct mon_reader_bin {
	spinlock_t b_lock;
	int mmap_active;
};

static void mon_bin_vma_open(struct vm_area_struct *vma)
{
	struct mon_reader_bin *rp = vma->vm_private_data;
	unsigned long flags;

	spin_lock(&rp->b_lock);
	rp->mmap_active++;
	spin_unlock(&rp->b_lock);
}

static void mon_bin_vma_close(struct vm_area_struct *vma)
{
	struct mon_reader_bin *rp = vma->vm_private_data;

	spin_lock(&rp->b_lock);
	rp->mmap_active--;
	spin_unlock(&rp->b_lock);
}

static const struct vm_operations_struct mon_bin_vm_ops = {
	.open = mon_bin_vma_open,
	.close = mon_bin_vma_close,
};

// CHECK: :[[@LINE+2]]:12: warning: 'mon_bin_mmap' uses the deprecated file_operations->mmap hook; convertible to mmap_prepare with a vm_ops->mapped callback [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'mon_bin_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 7.1 (target 7.0) [vmaprep-legacy-mmap]
static int mon_bin_mmap(struct file *filp, struct vm_area_struct *vma)
{
	/* don't do anything here: "fault" will set up page table entries */
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &mon_bin_vm_ops
	vma->vm_ops = &mon_bin_vm_ops;

	// READS: :[[@LINE+1]]:6: note: tests flags: vma->vm_flags & VM_WRITE
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;

	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE)
	vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = filp->private_data
	vma->vm_private_data = filp->private_data;
	// The count taken in the open callback, reached through the direct call:
	// CHECK: :{{[0-9]+}}:2: note: acquires per-mapping state (state-write: rp); mmap_prepare must be stateless (in mon_bin_vma_open()): rp->mmap_active++
	mon_bin_vma_open(vma);
	return 0;
}

static const struct file_operations mon_fops_binary = {
	.owner =	THIS_MODULE,
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'mon_fops_binary'
	.mmap =		mon_bin_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 1 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked,
// API70: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.0): 0 auto-convertible, 0 convertible with vm_ops->mapped, 1 need a newer API level,

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: mon-bin-direct-open.c:48:12: note: vmaprep fix rewrites it as 'mon_bin_mmap_prepare'
