// Mirrors arch/x86/kernel/cpu/sgx/driver.c (6.12) sgx_mmap(), which hands
// vma->vm_flags by value to sgx_encl_may_map() (in encl.c). The desc's flags
// are that value as desc->vm_flags before 7.0 and, with the bitmap,
// vma_flags_to_legacy(desc->vma_flags) (7.x's include/linux/mm_types.h, "for
// APIs that haven't migrated yet"), where the tree declares it. Before this,
// fix refused the 7.x rewrite ("reads the flags as a value"). sgx_mmap itself
// also hands vma->vm_mm to sgx_encl_mm_add(): still blocked, and the reason
// says that desc->mm, a pointer to a const mm_struct in 7.x's desc, could not
// take its place without dropping the qualifier.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning:
// RUN: rm -rf %t.d && mkdir %t.d && sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.d/orig.c
// RUN: cp %t.d/orig.c %t.d/f71.c && %vmaprep fix %t.d/f71.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.d/f71.c --check-prefix=FIXED71
// RUN: cp %t.d/orig.c %t.d/f619.c && %vmaprep fix --api 6.19 %t.d/f619.c -- %kflags -DVMAPREP_KAPI=61900 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.d/f619.c --check-prefix=FIXED619
// RUN: %vmaprep validate --interpret --table sgx_vepc_fops %t.d/orig.c %t.d/f71.c -- -I%kshim | FileCheck %s --check-prefix=VALID
// REPORT: remark: converted 'sgx_vepc_like_mmap' to 'sgx_vepc_like_mmap_prepare' (validated on the runtime model
// VALID: 'sgx_vepc_like_mmap' ({{.*}}orig.c) and 'sgx_vepc_like_mmap_prepare' ({{.*}}f71.c): equivalent over {{[0-9]+}} scenarios
#include <linux/fs.h>
#include <linux/mm.h>

struct sgx_encl {
	unsigned long base, size;
};

int sgx_encl_may_map(struct sgx_encl *encl, unsigned long start, unsigned long end, unsigned long vm_flags);
int sgx_encl_mm_add(struct sgx_encl *encl, struct mm_struct *mm);

static const struct vm_operations_struct sgx_vm_ops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'sgx_mmap' uses the deprecated file_operations->mmap hook; blocked: passes vma->vm_mm to sgx_encl_mm_add(); page-table work on the address space needs the VMA; and this tree's desc->mm points to a const mm_struct, which sgx_encl_mm_add() takes as non-const [vmaprep-legacy-mmap]
static int sgx_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct sgx_encl *encl = file->private_data;
	int ret;

	ret = sgx_encl_may_map(encl, vma->vm_start, vma->vm_end, vma->vm_flags);
	if (ret)
		return ret;

	ret = sgx_encl_mm_add(encl, vma->vm_mm);
	if (ret)
		return ret;

	vma->vm_ops = &sgx_vm_ops;
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_IO);
	vma->vm_private_data = encl;

	return 0;
}

static const struct file_operations sgx_encl_fops = {
	.mmap = sgx_mmap,
};

// The same without the mm: it converts.
// CHECK: :[[@LINE+1]]:12: warning: 'sgx_vepc_like_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int sgx_vepc_like_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct sgx_encl *encl = file->private_data;
	int ret;

// FIXED71: ret = sgx_encl_may_map(encl, desc->start, desc->end, vma_flags_to_legacy(desc->vma_flags));
// FIXED619: ret = sgx_encl_may_map(encl, desc->start, desc->end, desc->vm_flags);
	ret = sgx_encl_may_map(encl, vma->vm_start, vma->vm_end, vma->vm_flags);
	if (ret)
		return ret;

	vma->vm_ops = &sgx_vm_ops;
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_IO);
	vma->vm_private_data = encl;
	return 0;
}

static const struct file_operations sgx_vepc_fops = {
	.mmap = sgx_vepc_like_mmap,
};
