// A static helper that only reads the VMA, called only by the handler, is
// converted with it, as upstream did for drivers/dax/device.c's check_vma():
// the helper takes the desc, and `(flags & M) != M` becomes !vma_desc_test().
// Validated by execution in validate/helper-reads.test.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// REPORT: converted 'dax_mmap' to 'dax_mmap_prepare'
// A helper other code also calls keeps its signature, and the handler stays.
// RUN: sed 's|^// SHARED-LINE: ||' %s | sed '/^\/\/ [A-Z0-9-]*:/d' > %t.shared.c
// RUN: %vmaprep fix %t.shared.c -- %kflags 2>&1 | FileCheck %s --check-prefix=SHARED
// SHARED: 'dax_mmap' not converted: check_vma() takes the VMA and is used elsewhere too, and cannot be split into a core that takes values: it reads vma->vm_flags, and at API level 7.1 the desc's flags are a bitmap that a value of the legacy flags cannot carry
#include <linux/fs.h>
#include <linux/mm.h>

struct dev_dax { unsigned long align; unsigned long phys; };

// FIXED: static int check_vma(struct dev_dax *dev_dax, struct vm_area_desc *desc, const char *func)
static int check_vma(struct dev_dax *dev_dax, struct vm_area_struct *vma, const char *func)
{
	unsigned long mask;

// FIXED: if (!vma_desc_test(desc, VMA_MAYSHARE_BIT))
	if ((vma->vm_flags & VM_MAYSHARE) != VM_MAYSHARE)
		return -EINVAL;
	mask = dev_dax->align - 1;
// FIXED: if (desc->start & mask || desc->end & mask)
	if (vma->vm_start & mask || vma->vm_end & mask)
		return -EINVAL;
// FIXED: if (vma_desc_size(desc) > 16 * PAGE_SIZE)
	if (vma->vm_end - vma->vm_start > 16 * PAGE_SIZE)
		return -ENOSPC;
	return 0;
}

static const struct vm_operations_struct dax_vm_ops = { };

// FIXED: static int dax_mmap_prepare(struct vm_area_desc *desc)
static int dax_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct dev_dax *dev_dax = filp->private_data;
	int rc;

// FIXED: rc = check_vma(dev_dax, desc, __func__);
	rc = check_vma(dev_dax, vma, __func__);
	if (rc)
		return rc;
	vma->vm_ops = &dax_vm_ops;
	vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

// SHARED-LINE: int dax_fault_check(struct dev_dax *d, struct vm_area_struct *v) { return check_vma(d, v, "fault"); }

static const struct file_operations dax_fops = {
	.mmap = dax_mmap,
};
