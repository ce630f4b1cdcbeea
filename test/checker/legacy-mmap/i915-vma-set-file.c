// Mirrors drivers/gpu/drm/i915/gem/i915_gem_mman.c (6.12) i915_gem_mmap():
// after the lookup the VMA is re-pointed at the object's anonymous file with
// vma_set_file() (which takes a reference on the new file and drops the old)
// and gets driver vm_ops and private data. Upstream's equivalent is desc->vm_file =
// get_file(file) (6.18; the core takes that reference over); at 6.16 the mutable desc->file.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 6.16 %s -- %kflags -DVMAPREP_KAPI=61600 | FileCheck %s --check-prefix=API616
#include <linux/fs.h>
#include <linux/mm.h>

struct drm_i915_gem_object { struct file *filp; };
struct i915_mmap_offset { struct drm_i915_gem_object *obj; struct file *anon; };
extern struct i915_mmap_offset *i915_lookup_mmo(struct file *filp, unsigned long pgoff);
static const struct vm_operations_struct vm_ops_cpu = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'i915_gem_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int i915_gem_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct i915_mmap_offset *mmo = i915_lookup_mmo(filp, vma->vm_pgoff);

	if (!mmo)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_file: vma_set_file(vma, mmo->anon)
	vma_set_file(vma, mmo->anon);
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = mmo
	vma->vm_private_data = mmo;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &vm_ops_cpu
	vma->vm_ops = &vm_ops_cpu;
	return 0;
}

static const struct file_operations i915_driver_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'i915_driver_fops'
	.mmap = i915_gem_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks
// API616: warning: 'i915_gem_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: i915-vma-set-file.c:21:12: note: vmaprep fix rewrites it as 'i915_gem_mmap_prepare'
