// Mirrors drivers/xen/gntdev.c before 5.0 (`map->vma = vma;` so the
// notifier and unmap paths can find it) and drivers/misc/sgi-gru's
// gru_file_mmap() keeping the VMA in its thread data; the second handler
// keeps the last mapped VMA in a global, as drivers/char/... debug hooks did.
// A stored VMA pointer outlives the hook: blocked (the desc has no VMA yet).
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>

struct grant_map { struct vm_area_struct *vma; refcount_t users; int flags; };
struct gntdev_priv { struct grant_map *map; };
static const struct vm_operations_struct gntdev_vmops = {
};
static struct vm_area_struct *last_vma;

// CHECK: :[[@LINE+1]]:12: warning: 'gntdev_mmap' uses the deprecated file_operations->mmap hook; blocked: the VMA escapes: stored (map->vma = vma) [vmaprep-legacy-mmap]
static int gntdev_mmap(struct file *flip, struct vm_area_struct *vma)
{
	struct gntdev_priv *priv = flip->private_data;
	struct grant_map *map = priv->map;

	if (!map)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (reference): refcount_inc(&map->users)
	refcount_inc(&map->users);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &gntdev_vmops
	vma->vm_ops = &gntdev_vmops;
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP)
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = map
	vma->vm_private_data = map;
	// CHECK: :[[@LINE+2]]:2: note: acquires state (state-write): map->vma = vma
	// CHECK: :[[@LINE+1]]:2: note: the VMA escapes: stored (map->vma = vma): map->vma = vma
	map->vma = vma;
	return 0;
}

// CHECK: :[[@LINE+1]]:12: warning: 'trace_mmap' uses the deprecated file_operations->mmap hook; blocked: the VMA escapes: stored (last_vma = vma) [vmaprep-legacy-mmap]
static int trace_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+2]]:2: note: acquires state (state-write): last_vma = vma
	// CHECK: :[[@LINE+1]]:2: note: the VMA escapes: stored (last_vma = vma): last_vma = vma
	last_vma = vma;
	return 0;
}

// SITE: :[[@LINE+1]]:53: note: registered as .mmap in 'gntdev_fops'
static const struct file_operations gntdev_fops = { .mmap = gntdev_mmap };
// SITE: :[[@LINE+1]]:52: note: registered as .mmap in 'trace_fops'
static const struct file_operations trace_fops = { .mmap = trace_mmap };
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 2 blocked, 0 already mmap_prepare; 0 subsystem hooks
