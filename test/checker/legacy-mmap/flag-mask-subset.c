// Mirrors drivers/ptp/ptp_vmclock.c (6.12) vmclock_miscdev_mmap(), which
// refuses any mapping but a read-only one by comparing a flag mask with a part
// of it: `(vma->vm_flags & (VM_READ|VM_WRITE)) != VM_READ`. With bitmap flags
// (7.0+) that is the part's bits set and the mask's others clear, spelled with
// the level's bit tests: `!vma_desc_test(desc, VMA_READ_BIT) ||
// vma_desc_test(desc, VMA_WRITE_BIT)` (`==` the negation, parenthesized where
// the comparison is an operand; several bits the all/any forms, which 7.0 does
// not have). Before 7.0 desc->vm_flags keeps the mask expression. A value with
// a bit outside the mask (a comparison that is always false) is not rewritten.
// Each rewrite runs equivalent to the original on the model (fix validates).
// Without the subset rule fix refused every one of these ("compares a flag mask
// with a value").
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --check-prefix=CHECK71 --implicit-check-not=warning:
// RUN: rm -rf %t.d && mkdir %t.d && sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.d/orig.c
// RUN: cp %t.d/orig.c %t.d/f71.c && %vmaprep fix %t.d/f71.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT71
// RUN: FileCheck %s --input-file=%t.d/f71.c --check-prefix=FIXED71
// RUN: cp %t.d/orig.c %t.d/f70.c && %vmaprep fix --api 7.0 %t.d/f70.c -- %kflags -DVMAPREP_KAPI=70000 2>&1 | FileCheck %s --check-prefix=REPORT70
// RUN: FileCheck %s --input-file=%t.d/f70.c --check-prefix=FIXED70
// RUN: cp %t.d/orig.c %t.d/f619.c && %vmaprep fix --api 6.19 %t.d/f619.c -- %kflags -DVMAPREP_KAPI=61900 2>&1 | FileCheck %s --check-prefix=REPORT619
// RUN: FileCheck %s --input-file=%t.d/f619.c --check-prefix=FIXED619
// REPORT71: remark: converted 'vmclock_miscdev_mmap' to 'vmclock_miscdev_mmap_prepare' (validated on the runtime model
// REPORT71: remark: converted 'roclock_mmap' to 'roclock_mmap_prepare' (validated on the runtime model
// REPORT71: remark: converted 'shared_only_mmap' to 'shared_only_mmap_prepare' (validated on the runtime model
// REPORT71: warning: 'outside_mmap' not converted: compares a flag mask with a value that is not made of the mask's own VM_* names: VM_READ
// REPORT70: remark: converted 'vmclock_miscdev_mmap' to 'vmclock_miscdev_mmap_prepare' (validated on the runtime model
// REPORT70: remark: converted 'roclock_mmap' to 'roclock_mmap_prepare' (validated on the runtime model
// REPORT70: warning: 'shared_only_mmap' not converted: API level 7.0 cannot test several flags at once
// REPORT619: remark: converted 'vmclock_miscdev_mmap' to 'vmclock_miscdev_mmap_prepare' (validated on the runtime model
// REPORT619: remark: converted 'roclock_mmap' to 'roclock_mmap_prepare' (validated on the runtime model
// REPORT619: remark: converted 'shared_only_mmap' to 'shared_only_mmap_prepare' (validated on the runtime model
#include <linux/fs.h>
#include <linux/mm.h>

struct vmclock_state {
	phys_addr_t start;
};

// CHECK71: :[[@LINE+1]]:12: warning: 'vmclock_miscdev_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int vmclock_miscdev_mmap(struct file *fp, struct vm_area_struct *vma)
{
	struct vmclock_state *st = fp->private_data;

// FIXED71: if (!vma_desc_test(desc, VMA_READ_BIT) || vma_desc_test(desc, VMA_WRITE_BIT))
// FIXED70: if (!vma_desc_test_flags(desc, VMA_READ_BIT) || vma_desc_test_flags(desc, VMA_WRITE_BIT))
// FIXED619: if ((desc->vm_flags & (VM_READ|VM_WRITE)) != VM_READ)
	if ((vma->vm_flags & (VM_READ|VM_WRITE)) != VM_READ)
		return -EROFS;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE || vma->vm_pgoff)
		return -EINVAL;

	if (io_remap_pfn_range(vma, vma->vm_start,
			       st->start >> PAGE_SHIFT, PAGE_SIZE,
			       vma->vm_page_prot))
		return -EAGAIN;

	return 0;
}

static const struct file_operations vmclock_fops = {
	.mmap = vmclock_miscdev_mmap,
};

struct roclock {
	bool strict;
};

// CHECK71: :[[@LINE+1]]:12: warning: 'roclock_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int roclock_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct roclock *rc = file->private_data;

// FIXED71: if (rc->strict && (vma_desc_test(desc, VMA_READ_BIT) && !vma_desc_test(desc, VMA_WRITE_BIT))) {
// FIXED70: if (rc->strict && (vma_desc_test_flags(desc, VMA_READ_BIT) && !vma_desc_test_flags(desc, VMA_WRITE_BIT))) {
// FIXED619: if (rc->strict && (desc->vm_flags & (VM_READ | VM_WRITE)) == VM_READ) {
	if (rc->strict && (vma->vm_flags & (VM_READ | VM_WRITE)) == VM_READ) {
		vm_flags_set(vma, VM_DONTEXPAND);
// FIXED71: } else if (!vma_desc_test(desc, VMA_READ_BIT) || vma_desc_test(desc, VMA_WRITE_BIT)) {
// FIXED70: } else if (!vma_desc_test_flags(desc, VMA_READ_BIT) || vma_desc_test_flags(desc, VMA_WRITE_BIT)) {
	} else if ((vma->vm_flags & (VM_WRITE | VM_READ)) != VM_READ) {
		return -EROFS;
	}
	return 0;
}

static const struct file_operations roclock_fops = {
	.mmap = roclock_mmap,
};

// CHECK71: :[[@LINE+1]]:12: warning: 'shared_only_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int shared_only_mmap(struct file *file, struct vm_area_struct *vma)
{
// FIXED71: if (vma_desc_test(desc, VMA_SHARED_BIT) && !vma_desc_test_any(desc, VMA_WRITE_BIT, VMA_EXEC_BIT))
// FIXED70: if ((vma->vm_flags & (VM_SHARED | VM_WRITE | VM_EXEC)) == VM_SHARED)
// FIXED619: if ((desc->vm_flags & (VM_SHARED | VM_WRITE | VM_EXEC)) == VM_SHARED)
	if ((vma->vm_flags & (VM_SHARED | VM_WRITE | VM_EXEC)) == VM_SHARED)
		return 0;
	return -EACCES;
}

static const struct file_operations shared_only_fops = {
	.mmap = shared_only_mmap,
};

// CHECK71: :[[@LINE+1]]:12: warning: 'outside_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int outside_mmap(struct file *file, struct vm_area_struct *vma)
{
// CHECK71: :[[@LINE+2]]:6: note: vmaprep fix does not rewrite it: compares a flag mask with a value that is not made of the mask's own VM_* names: VM_READ
// FIXED71: if ((vma->vm_flags & VM_WRITE) == VM_READ)
	if ((vma->vm_flags & VM_WRITE) == VM_READ)
		return -EINVAL;
	return 0;
}

static const struct file_operations outside_fops = {
	.mmap = outside_mmap,
};
