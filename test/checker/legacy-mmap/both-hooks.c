// A half-done conversion, the mistake can_mmap_file() WARNs about (mm/util.c,
// 7.x): the table keeps `.mmap = secretmem_mmap` next to the new
// `.mmap_prepare`, and mmap(2) fails with -ENODEV. The handler bodies follow
// mm/secretmem.c before and after its conversion.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

static const struct vm_operations_struct secretmem_vm_ops = {
};
bool mlock_future_ok(struct mm_struct *mm, unsigned long flags, unsigned long bytes);

// CHECK: :[[@LINE+1]]:12: warning: 'secretmem_mmap' uses the deprecated file_operations->mmap hook; 'secretmem_fops' also sets .mmap_prepare = secretmem_mmap_prepare; the kernel refuses such a file (mmap(2) fails with -ENODEV) [vmaprep-legacy-mmap]
static int secretmem_mmap(struct file *file, struct vm_area_struct *vma)
// CHECK-NEXT: :{{[0-9]+}}:2: note: registered as .mmap in 'secretmem_fops'
{
	unsigned long len = vma->vm_end - vma->vm_start;

	if ((vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) == 0)
		return -EINVAL;
	// CHECK-NEXT: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_LOCKED | VM_DONTDUMP)
	vm_flags_set(vma, VM_LOCKED | VM_DONTDUMP);
	// CHECK-NEXT: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &secretmem_vm_ops
	vma->vm_ops = &secretmem_vm_ops;
	return 0;
}

static int secretmem_mmap_prepare(struct vm_area_desc *desc)
{
	if (!vma_desc_test_any(desc, VMA_SHARED_BIT, VMA_MAYSHARE_BIT))
		return -EINVAL;
	vma_desc_set_flags(desc, VMA_LOCKED_BIT, VMA_DONTDUMP_BIT);
	desc->vm_ops = &secretmem_vm_ops;
	return 0;
}

static const struct file_operations secretmem_fops = {
	.mmap		= secretmem_mmap,
	.mmap_prepare	= secretmem_mmap_prepare,
};
// CHECK-NEXT: :[[@LINE-3]]:2: error: 'secretmem_fops' sets both .mmap (secretmem_mmap) and .mmap_prepare (secretmem_mmap_prepare); mmap(2) fails with -ENODEV [vmaprep-legacy-mmap]
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 1 already mmap_prepare, 1 in tables with both hooks; 0 subsystem hooks

// JSON: "function": "secretmem_mmap"
// JSON: "id": "both-hooks"
// JSON: "verdict": "invalid-both-hooks"
// JSON: "function": "secretmem_mmap_prepare"
// JSON: "hook": "mmap_prepare"
// JSON: "verdict": "already-mmap-prepare"
// JSON: "tables_with_both_hooks": [
// JSON: "mmap": "secretmem_mmap"
// JSON-NEXT: "mmap_prepare": "secretmem_mmap_prepare"
// JSON-NEXT: "table": "secretmem_fops"
