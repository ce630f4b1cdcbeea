// Mirrors drivers/char/mem.c (6.12) mmap_mem()'s helpers and
// drivers/gpu/drm/... checks that compute values into the caller's locals:
// a static helper that takes the VMA and writes its results through
// out-pointers to the handler's local variables (`&pfn`, `&prot`), then the
// handler remaps. Writes through a pointer to a caller's local are not
// driver state: auto-convertible.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON --implicit-check-not=state-change
#include <linux/fs.h>
#include <linux/mm.h>

struct window { unsigned long base_pfn; unsigned long pages; bool wc; };

static int window_lookup(struct vm_area_struct *vma, struct window *win,
			 unsigned long *pfn, pgprot_t *prot)
{
	if (vma->vm_pgoff + vma_pages(vma) > win->pages)
		return -EINVAL;
	*pfn = win->base_pfn + vma->vm_pgoff;
	*prot = win->wc ? pgprot_writecombine(vma->vm_page_prot) : vma->vm_page_prot;
	return 0;
}

// CHECK: :[[@LINE+1]]:12: warning: 'window_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int window_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct window *win = file->private_data;
	unsigned long pfn;
	pgprot_t prot;
	int ret;

	ret = window_lookup(vma, win, &pfn, &prot);
	if (ret)
		return ret;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = prot
	vma->vm_page_prot = prot;
	// CHECK: :[[@LINE+1]]:9: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	return remap_pfn_range(vma, vma->vm_start, pfn, vma->vm_end - vma->vm_start,
			       vma->vm_page_prot);
}

// SITE: :[[@LINE+1]]:53: note: registered as .mmap in 'window_fops'
static const struct file_operations window_fops = { .mmap = window_mmap };
// JSON: "verdict": "auto-convertible"
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: out-pointer.c:28:12: note: vmaprep fix rewrites it as 'window_mmap_prepare'
