// The operands of the 7.x variadic flag macros (include/linux/mm.h, 7.3:
// `#define vma_set_flags(vma, ...) vma_set_flags_mask(vma,
// mk_vma_flags(__VA_ARGS__))`), as fs/hugetlbfs/inode.c (7.3) uses them. A
// rewriter needs the bit list to write vma_desc_set_flags(desc, <bits>).
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s
#include <linux/fs.h>
#include <linux/mm.h>

static int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma_set_flags(vma, VMA_HUGETLB_BIT, VMA_DONTEXPAND_BIT);
	return 0;
}

const struct file_operations hugetlbfs_file_operations = {
	.mmap = hugetlbfs_file_mmap,
};
// CHECK: "end_column": 57,
// CHECK-NEXT: "end_line": 11,
// CHECK: "kind": "flags-change"
// CHECK-NEXT: "line": 11
// CHECK: "operands": [
// CHECK-NEXT: "VMA_HUGETLB_BIT, VMA_DONTEXPAND_BIT"
// CHECK-NEXT: ]
