// A helper the handler hands the VMA to that the fault handler calls too:
// drivers/dax/device.c (6.12) check_vma(). Its signature cannot change, so it
// is split as upstream split it: a core that takes the values it reads
// (`__check_vma(dev_dax, vm_flags, start, end, file, func)`), and check_vma(),
// which keeps the VMA for the fault handler and hands the core what it read.
// The converted handler calls the core with the desc's values. One edit set;
// validated on the model by fix. Upstream's first split (6.18) took the
// legacy flags as a value; a bitmap level has no value of them to hand over,
// and the split is refused there, saying so.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c && %vmaprep fix --api 6.19 %t.c -- %kflags -DVMAPREP_KAPI=61900 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED
// REPORT: remark: converted 'dax_mmap' to 'dax_mmap_prepare'
// REPORT: vmaprep: converted 1 of 1 legacy handlers
// check promises the same.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.check.c
// RUN: not %vmaprep check --api 6.19 %t.check.c -- %kflags -DVMAPREP_KAPI=61900 | FileCheck %s --check-prefix=OUTLOOK
// OUTLOOK: note: vmaprep fix rewrites it as 'dax_mmap_prepare'
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.71.c
// RUN: %vmaprep fix %t.71.c -- %kflags 2>&1 | FileCheck %s --check-prefix=BITMAP
// BITMAP: warning: 'dax_mmap' not converted: check_vma() takes the VMA and is used elsewhere too, and cannot be split into a core that takes values: it reads vma->vm_flags, and at API level 7.1 the desc's flags are a bitmap that a value of the legacy flags cannot carry
#include <linux/fs.h>
#include <linux/mm.h>

struct dev_dax { unsigned long align; bool alive; };

// FIXED: static int __check_vma(struct dev_dax *dev_dax, vm_flags_t vm_flags, unsigned long start, unsigned long end, struct file *file,
// FIXED-NEXT: const char *func)
// FIXED-NEXT: {
// FIXED-NEXT: unsigned long mask;
// FIXED: if ((vm_flags & VM_MAYSHARE) != VM_MAYSHARE)
// FIXED: if (start & mask || end & mask)
// FIXED: if (!file)
// FIXED: return 0;
// FIXED-NEXT: }
// FIXED-EMPTY:
// FIXED-NEXT: static int check_vma(struct dev_dax *dev_dax, struct vm_area_struct *vma,
// FIXED-NEXT: const char *func)
// FIXED-NEXT: {
// FIXED-NEXT: return __check_vma(dev_dax, vma->vm_flags, vma->vm_start, vma->vm_end, vma->vm_file, func);
// FIXED-NEXT: }
static int check_vma(struct dev_dax *dev_dax, struct vm_area_struct *vma,
		     const char *func)
{
	unsigned long mask;

	if (!dev_dax->alive)
		return -ENXIO;

	/* prevent private mappings from being established */
	if ((vma->vm_flags & VM_MAYSHARE) != VM_MAYSHARE)
		return -EINVAL;

	mask = dev_dax->align - 1;
	if (vma->vm_start & mask || vma->vm_end & mask)
		return -EINVAL;

	if (!vma->vm_file)
		return -EBADF;

	return 0;
}

// The fault handler keeps calling check_vma() with its VMA.
// FIXED: if (check_vma(dev_dax, vmf->vma, __func__))
static vm_fault_t dev_dax_fault(struct vm_fault *vmf)
{
	struct dev_dax *dev_dax = vmf->vma->vm_file->private_data;

	if (check_vma(dev_dax, vmf->vma, __func__))
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct dax_vm_ops = {
	.fault = dev_dax_fault,
};

// FIXED: static int dax_mmap_prepare(struct vm_area_desc *desc)
// FIXED: rc = __check_vma(dev_dax, desc->vm_flags, desc->start, desc->end, desc->{{vm_file|file}}, __func__);
static int dax_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct dev_dax *dev_dax = filp->private_data;
	int rc;

	rc = check_vma(dev_dax, vma, __func__);
	if (rc)
		return rc;
	vma->vm_ops = &dax_vm_ops;
	vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

static const struct file_operations dax_fops = {
	.mmap = dax_mmap,
};
