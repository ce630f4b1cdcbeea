// Mirrors drivers/dax/device.c (6.12) dax_mmap() with its static check_vma(),
// which asks vma_is_dax() about the VMA, a one-line inline of linux/fs.h. Its
// desc twin is file_is_dax(desc->file) (vma->vm_file is the file being mapped
// until the hook returns), as upstream converted dax, but only where the
// tree's own headers declare file_is_dax(): at 6.16 and 6.18 the shim's fs.h
// does not, and the handler is blocked naming what the tree lacks (the twin is
// detected from the TU, not assumed from the level). Without the entry's twin
// the rewriter refused the query ("a VMA query the rewriter does not handle").
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not='whose body'
// RUN: rm -rf %t.d && mkdir %t.d && sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.d/orig.c && cp %t.d/orig.c %t.d/new.c
// RUN: %vmaprep fix %t.d/new.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.d/new.c --check-prefix=FIXED --implicit-check-not='vma_is_dax(vma)' --implicit-check-not='struct vm_area_struct'
// RUN: not %vmaprep check --api 6.18 %s -- %kflags -DVMAPREP_KAPI=61800 > %t.618
// RUN: FileCheck %s --input-file %t.618 --check-prefix=API618 --implicit-check-not=warning:
// RUN: FileCheck %s --input-file %t.618 --check-prefix=NOTE618
// RUN: not %vmaprep check --api 6.18 --format json %s -- %kflags -DVMAPREP_KAPI=61800 | FileCheck %s --check-prefix=JSON618
// REPORT: converted 'dax_mmap' to 'dax_mmap_prepare' (validated on the runtime model: {{[0-9]+}} scenario runs, {{[0-9]+}} hook calls succeeded, {{[1-9][0-9]*}} differing only by the intended merge)
// JSON618: "id": "twin-missing",
#include <linux/fs.h>
#include <linux/mm.h>

struct dev_dax {
	unsigned long align;
	bool alive;
};

static const struct vm_operations_struct dax_vm_ops = {
};

// FIXED: static int check_vma(struct dev_dax *dev_dax, struct vm_area_desc *desc)
static int check_vma(struct dev_dax *dev_dax, struct vm_area_struct *vma)
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

	/* the device's own memory, never a filesystem's DAX mapping */
// FIXED: if (file_is_dax(desc->file))
// NOTE618: :[[@LINE+1]]:6: note: calls vma_is_dax() (in check_vma()), which becomes file_is_dax(desc->file) at API level 6.18, but in this tree file_is_dax() is not declared: vma_is_dax(vma)
	if (vma_is_dax(vma))
		return -EINVAL;

	return 0;
}

// CHECK: :[[@LINE+2]]:12: warning: 'dax_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API618: :[[@LINE+1]]:12: warning: 'dax_mmap' uses the deprecated file_operations->mmap hook; blocked: calls vma_is_dax() (in check_vma()), which becomes file_is_dax(desc->file) at API level 6.18, but in this tree file_is_dax() is not declared [vmaprep-legacy-mmap]
static int dax_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct dev_dax *dev_dax = filp->private_data;
	int rc;

// FIXED: rc = check_vma(dev_dax, desc);
	rc = check_vma(dev_dax, vma);
	if (rc)
		return rc;

	vma->vm_ops = &dax_vm_ops;
	vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

static const struct file_operations dax_fops = {
	.mmap = dax_mmap,
};
