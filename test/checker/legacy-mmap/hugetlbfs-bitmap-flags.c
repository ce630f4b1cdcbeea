// Mirrors fs/hugetlbfs/inode.c (7.3) hugetlbfs_file_mmap(), written against
// the 7.x bitmap flag API: vma_set_flags() (a variadic macro over
// vma_set_flags_mask()), vma_test(), and here vma_clear_flags() for
// VMA_MAYSHARE on private mappings. It hands the VMA to
// hugetlb_reserve_pages(), which is in mm/hugetlb.c, not here: the VMA
// escapes, so the handler is blocked (upstream kept it on .mmap for now).
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: not %vmaprep check --show-reads %s -- %kflags | FileCheck %s --check-prefix=READS
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

static const struct vm_operations_struct hugetlb_vm_ops = {
};
long hugetlb_reserve_pages(struct inode *inode, long from, long to,
			   struct vm_area_struct *vma, vma_flags_t vma_flags);

// CHECK: :[[@LINE+1]]:12: warning: 'hugetlbfs_file_mmap' uses the deprecated file_operations->mmap hook; blocked: passes the VMA to hugetlb_reserve_pages(), whose body is not in this file [vmaprep-legacy-mmap]
static int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);
	loff_t len, vma_len;
	int ret;

	// CHECK: :[[@LINE+1]]:2: note: changes flags: vma_set_flags(vma, VMA_HUGETLB_BIT, VMA_DONTEXPAND_BIT) (in expansion of macro 'vma_set_flags')
	vma_set_flags(vma, VMA_HUGETLB_BIT, VMA_DONTEXPAND_BIT);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &hugetlb_vm_ops
	vma->vm_ops = &hugetlb_vm_ops;
	// READS: :[[@LINE+1]]:7: note: tests flags: vma_test(vma, VMA_SHARED_BIT)
	if (!vma_test(vma, VMA_SHARED_BIT))
		// CHECK: :[[@LINE+1]]:3: note: changes flags: vma_clear_flags(vma, VMA_MAYSHARE_BIT) (in expansion of macro 'vma_clear_flags')
		vma_clear_flags(vma, VMA_MAYSHARE_BIT);

	vma_len = (loff_t)(vma->vm_end - vma->vm_start);
	len = vma_len + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	if (len < vma_len)
		return -EINVAL;

	file_accessed(file);
	ret = -ENOMEM;
	// CHECK: :[[@LINE+1]]:6: note: passes the VMA to hugetlb_reserve_pages(), whose body is not in this file: hugetlb_reserve_pages(inode, vma->vm_pgoff, len >> PAGE_SHIFT, vma, mk_vma_flags(VMA_SHARED_BIT))
	if (hugetlb_reserve_pages(inode, vma->vm_pgoff, len >> PAGE_SHIFT, vma,
				  mk_vma_flags(VMA_SHARED_BIT)) < 0)
		goto out;
	ret = 0;
out:
	return ret;
}

const struct file_operations hugetlbfs_file_operations = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'hugetlbfs_file_operations'
	.mmap			= hugetlbfs_file_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked,

// The operands of the variadic flag macros are checked in
// bitmap-flags-operands.c.
// JSON: "kind": "flags-change"
// JSON-NEXT: "line": 28
// JSON-NEXT: "macro": "vma_set_flags"
// JSON-NEXT: "name": "vma_set_flags_mask"
// JSON: "kind": "flags-test"
// JSON: "name": "vma_test"
// JSON: "operands": [
// JSON-NEXT: "VMA_SHARED_BIT"
// JSON: "kind": "flags-change"
// JSON-NEXT: "line": 34
// JSON-NEXT: "macro": "vma_clear_flags"
// JSON-NEXT: "name": "vma_clear_flags_mask"
// JSON: "detail": "unknown-callee"
// JSON: "kind": "escape"
// JSON: "name": "hugetlb_reserve_pages"
// JSON: "id": "escape"
// JSON: "verdict": "blocked"
