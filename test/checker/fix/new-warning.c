// The verification parse keeps the TU's own warning flags (here -Wall) and
// compares the rewritten file's warnings with the original's: a rewrite that
// adds one is not written (under CONFIG_WERROR the file would not build).
// `size` is dead after the remap became mmap_action_remap_full(), and its
// initializer calls a function (vma_pages()), so the rewriter does not remove
// it.
// RUN: sed '/^\/\/ [A-Z-]*:/d' %s > %t.c && cp %t.c %t.orig.c
// RUN: not %vmaprep fix %t.c -- %kflags -Wall -Werror 2>&1 | FileCheck %s
// RUN: diff %t.c %t.orig.c
// Without the warning flag, there is no new warning, and the rewrite is made.
// RUN: %vmaprep fix --dry-run %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=QUIET
// CHECK: warning: 'win_mmap' not converted: rewrite not applied: the rewrite adds a compiler warning the original does not have (line [[#]] of the rewritten file): unused variable 'size' [-Wunused-variable]
// CHECK: vmaprep: converted 0 of 1 legacy handlers
// QUIET: remark: converted 'win_mmap' to 'win_mmap_prepare'
#include <linux/fs.h>
#include <linux/mm.h>

static int win_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma_pages(vma) << PAGE_SHIFT;

	return remap_pfn_range(vma, vma->vm_start, 0x1000, size, vma->vm_page_prot);
}

static const struct file_operations win_fops = {
	.mmap = win_mmap,
};

const struct file_operations *win_fops_ref = &win_fops;
