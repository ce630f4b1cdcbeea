// Mirrors 7.3's kernel/trace/ring_buffer.c and kernel/events/core.c, which
// read the mapping's page offset through vma_start_pgoff(), a one-line inline
// in include/linux/mm.h (`return vma->vm_pgoff;`). It is a read of the VMA,
// an entry of the kernel-API catalogue (docs/adding-an-idiom.md): without it
// the handler was blocked as "passes the VMA to vma_start_pgoff(), whose body
// is not in this file". vmaprep fix rewrites the call to the entry's desc
// twin, desc->pgoff, and the rewrite runs equivalent to the original on the
// model (the interpreter binds vma_start_pgoff() to the model's VMA).
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not='blocked:' --implicit-check-not='whose body' --implicit-check-not='does not rewrite'
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
// RUN: rm -rf %t.d && mkdir %t.d && sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.d/orig.c && cp %t.d/orig.c %t.d/new.c
// RUN: %vmaprep fix %t.d/new.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.d/new.c --check-prefix=FIXED --implicit-check-not='vma_start_pgoff(vma)' --implicit-check-not=vm_area_struct
// RUN: %vmaprep validate --interpret %t.d/orig.c %t.d/new.c -- -I%kshim | FileCheck %s --check-prefix=VALID
// REPORT: converted 'ring_mmap' to 'ring_mmap_prepare'
// VALID: 'ring_mmap' ({{.*}}orig.c) and 'ring_mmap_prepare' ({{.*}}new.c): equivalent over {{[0-9]+}} scenarios
#include <linux/fs.h>
#include <linux/mm.h>

struct ring { unsigned long nr_pages; };

// CHECK: :[[@LINE+2]]:12: warning: 'ring_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// FIXED: static int ring_mmap_prepare(struct vm_area_desc *desc)
static int ring_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct ring *r = filp->private_data;

// FIXED: if (desc->pgoff + vma_desc_pages(desc) > r->nr_pages)
	if (vma_start_pgoff(vma) + vma_pages(vma) > r->nr_pages)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

static const struct file_operations ring_fops = {
	.mmap = ring_mmap,
};

// JSON: "kind": "field-read",
// JSON-NEXT: "line": {{[0-9]+}},
// JSON-NEXT: "macro": null,
// JSON-NEXT: "name": "vma_start_pgoff",
// JSON: "verdict": "auto-convertible"
