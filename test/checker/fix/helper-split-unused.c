// Helpers other code calls too that the split leaves alone, saying why, with
// nothing written: one that ignores its VMA (a core without it would need
// the configurations that read it), and one with another definition in code
// the preprocessor skipped, where the core would not exist.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c && cp %t.c %t.orig.c && %vmaprep fix --api 6.19 %t.c -- %kflags -DVMAPREP_KAPI=61900 -DCONFIG_MMU=1 2>&1 | FileCheck %s
// RUN: diff %t.c %t.orig.c
// CHECK: warning: 'foo_mmap' not converted: foo_ok() takes the VMA and is used elsewhere too, and cannot be split into a core that takes values: it does not use the VMA in this configuration, and a core without it would need the configurations that do
// CHECK: vmaprep: converted 0 of 1 legacy handlers
// RUN: sed 's|^// COND-LINE: ||' %s | sed '/^\/\/ [A-Z0-9-]*:/d' > %t.cond.c
// RUN: %vmaprep fix --api 6.19 %t.cond.c -- %kflags -DVMAPREP_KAPI=61900 -DCONFIG_MMU=1 2>&1 | FileCheck %s --check-prefix=COND
// COND: warning: 'foo_mmap' not converted: foo_ok() takes the VMA and is used elsewhere too, and cannot be split into a core that takes values: it is also declared or used in code under #ifndef CONFIG_MMU (line {{[0-9]+}}), which this parse did not compile, where the core would not exist
#include <linux/fs.h>
#include <linux/mm.h>

struct foo_dev { int ready; };

// COND-LINE: #ifndef CONFIG_MMU
// COND-LINE: static int foo_ok(struct foo_dev *dev, struct vm_area_struct *vma)
// COND-LINE: {
// COND-LINE: 	return dev->ready && (vma->vm_flags & VM_MAYSHARE);
// COND-LINE: }
// COND-LINE: #else
static int foo_ok(struct foo_dev *dev, struct vm_area_struct *vma)
{
	return dev->ready;
}
// COND-LINE: #endif

static vm_fault_t foo_fault(struct vm_fault *vmf)
{
	struct foo_dev *dev = vmf->vma->vm_private_data;

	return foo_ok(dev, vmf->vma) ? VM_FAULT_NOPAGE : VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct foo_vm_ops = {
	.fault = foo_fault,
};

static int foo_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct foo_dev *dev = file->private_data;

	if (!foo_ok(dev, vma))
		return -EINVAL;
	vma->vm_ops = &foo_vm_ops;
	vma->vm_private_data = dev;
	return 0;
}

static const struct file_operations foo_fops = {
	.mmap = foo_mmap,
};
