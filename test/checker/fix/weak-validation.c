// Validation strength is part of the result. A rewrite whose validation saw
// fewer than 10 successful calls of an original that can succeed was proved
// on error paths only (the shape of idxd_cdev_mmap, pfrt_log_mmap: the VMA is
// compared with device values the model's worlds do not hold): it is not
// written unless --accept-weak-validation is given, and then it says so. An
// original whose every return is an error (snd_compr_mmap) has nothing else
// to prove, and is written.
// RUN: sed '/^\/\/ [A-Z-]*:/d' %s > %t.c && cp %t.c %t.orig.c
// RUN: not %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED
// RUN: cp %t.orig.c %t.c
// RUN: %vmaprep fix %t.c --accept-weak-validation -- %kflags 2>&1 | FileCheck %s --check-prefix=ACCEPT
// CHECK-DAG: warning: 'weak_mmap' not converted: rewrite not applied: proved on error paths only: validation on the runtime model saw {{[0-9]+}} scenario runs, {{[0-9]}} hook calls succeeded (fewer than 10), so what the handler maps was not compared (--accept-weak-validation writes it)
// CHECK-DAG: remark: converted 'nothing_mmap' to 'nothing_mmap_prepare' (validated on the runtime model: {{[0-9]+}} scenario runs, 0 hook calls succeeded, every return of the original is an error)
// CHECK: vmaprep: converted 1 of 2 legacy handlers
// FIXED: static int weak_mmap(struct file *file, struct vm_area_struct *vma)
// ACCEPT-DAG: remark: converted 'weak_mmap' to 'weak_mmap_prepare' (proved on error paths only on the runtime model: {{[0-9]+}} scenario runs, {{[0-9]}} hook calls succeeded)
// ACCEPT: vmaprep: converted 2 of 2 legacy handlers
#include <linux/fs.h>
#include <linux/mm.h>

struct weak_dev {
	unsigned long id;
};

static int weak_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct weak_dev *d = file->private_data;

	if (vma->vm_pgoff != d->id * 3 + 12345)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

static const struct file_operations weak_fops = {
	.mmap = weak_mmap,
};

static int nothing_mmap(struct file *file, struct vm_area_struct *vma)
{
	return -ENXIO;
}

static const struct file_operations nothing_fops = {
	.mmap = nothing_mmap,
};
