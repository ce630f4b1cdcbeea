// Mirrors drivers/xen/gntdev.c (6.12 and still 7.3) gntdev_mmap() on the
// use_ptemod path: besides vm_ops, flags and a reference on the grant map, it
// registers an MMU interval notifier on vma->vm_mm over the VMA's range and
// walks the page tables of that range with apply_to_page_range() to find the
// PTEs it hands to the hypervisor. That is page-table work on the VMA's
// address range, which cannot happen before the VMA exists: upstream keeps
// gntdev on .mmap, and the verdict must be blocked.
// RUN: not %vmaprep check %s -- %kflags | FileCheck %s
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>

struct mmu_interval_notifier { unsigned long start; };
struct mmu_interval_notifier_ops;
int mmu_interval_notifier_insert_locked(struct mmu_interval_notifier *interval_sub,
					struct mm_struct *mm, unsigned long start,
					unsigned long length,
					const struct mmu_interval_notifier_ops *ops);
struct gntdev_grant_map {
	struct mmu_interval_notifier notifier;
	refcount_t users;
	atomic_t in_use;
	unsigned long pages_vm_start;
	int count;
};
struct gntdev_priv { struct mutex lock; struct gntdev_grant_map *map; };
extern const struct mmu_interval_notifier_ops gntdev_mmu_ops;
extern int find_grant_ptes(void *pte, unsigned long addr, void *data);
extern int gntdev_map_grant_pages(struct gntdev_grant_map *map);
static const struct vm_operations_struct gntdev_vmops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'gntdev_mmap' uses the deprecated file_operations->mmap hook; blocked:
static int gntdev_mmap(struct file *flip, struct vm_area_struct *vma)
{
	struct gntdev_priv *priv = flip->private_data;
	struct gntdev_grant_map *map = priv->map;
	int err = -EINVAL;

	if ((vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	mutex_lock(&priv->lock);
	if (!atomic_add_unless(&map->in_use, 1, 1))
		goto unlock_out;
	refcount_inc(&map->users);
	vma->vm_ops = &gntdev_vmops;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP | VM_DONTCOPY);
	vma->vm_private_data = map;
	map->pages_vm_start = vma->vm_start;
	err = mmu_interval_notifier_insert_locked(&map->notifier, vma->vm_mm, vma->vm_start,
						  vma->vm_end - vma->vm_start, &gntdev_mmu_ops);
	if (err)
		goto unlock_out;
	mutex_unlock(&priv->lock);

	// CHECK: :[[@LINE+1]]:8: note: {{.*}}apply_to_page_range
	err = apply_to_page_range(vma->vm_mm, vma->vm_start,
				  vma->vm_end - vma->vm_start,
				  find_grant_ptes, map);
	if (err)
		return err;
	return gntdev_map_grant_pages(map);

unlock_out:
	mutex_unlock(&priv->lock);
	return err;
}

static const struct file_operations gntdev_fops = { .mmap = gntdev_mmap };
// CHECK: 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked
