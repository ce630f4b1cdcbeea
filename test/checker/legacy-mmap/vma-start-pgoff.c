// Mirrors 7.3's kernel/trace/ring_buffer.c and kernel/events/core.c, which
// read the mapping's page offset through vma_start_pgoff(), a one-line inline
// in include/linux/mm.h (`return vma->vm_pgoff;`). It is a read of the VMA,
// an entry of the kernel-API catalogue (docs/adding-an-idiom.md): without it
// the handler was blocked as "passes the VMA to vma_start_pgoff(), whose body
// is not in this file". vmaprep fix does not rewrite the call yet (the rewriter
// does not read the catalogue), and says so.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not='blocked:' --implicit-check-not='whose body'
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

struct ring { unsigned long nr_pages; };

// CHECK: :[[@LINE+1]]:12: warning: 'ring_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int ring_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct ring *r = filp->private_data;

	// CHECK: :[[@LINE+1]]:6: note: vmaprep fix does not rewrite it: a VMA query the rewriter does not handle: vma_start_pgoff(vma)
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
