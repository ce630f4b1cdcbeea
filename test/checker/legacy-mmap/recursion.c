// A helper that walks a chain of regions recursively, passing the VMA along
// (the shape of drivers/gpu/drm/i915/gem/i915_gem_mman.c's remap_io_sg()
// loop written as recursion, and of drivers/android/binder_alloc.c's
// nested range helpers). The analysis does not unroll recursion: the
// recursive call is reported as an escape, and the handler is blocked.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>

struct region { unsigned long pfn; unsigned long len; struct region *next; };

static int map_regions(struct vm_area_struct *vma, unsigned long addr, struct region *r)
{
	int ret;

	if (!r)
		return 0;
	ret = remap_pfn_range(vma, addr, r->pfn, r->len, vma->vm_page_prot);
	if (ret)
		return ret;
	return map_regions(vma, addr + r->len, r->next);
}

// CHECK: :[[@LINE+1]]:12: warning: 'chain_mmap' uses the deprecated file_operations->mmap hook; blocked: the VMA escapes: recursion (map_regions(vma, addr + r->len, r->next)) (in map_regions()) [vmaprep-legacy-mmap]
static int chain_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct region *first = file->private_data;

	// CHECK: :[[@LINE+3]]:2: note: changes flags: vm_flags_set(vma, VM_IO | VM_DONTEXPAND)
	// CHECK: :[[@LINE-12]]:8: note: maps memory (partial, result assigned): remap_pfn_range(vma, addr, r->pfn, r->len, vma->vm_page_prot) (via map_regions())
	// CHECK: :[[@LINE-10]]:9: note: the VMA escapes: recursion (map_regions(vma, addr + r->len, r->next)) (in map_regions()): map_regions(vma, addr + r->len, r->next)
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND);
	return map_regions(vma, vma->vm_start, first);
}

// SITE: :[[@LINE+1]]:52: note: registered as .mmap in 'chain_fops'
static const struct file_operations chain_fops = { .mmap = chain_mmap };
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
