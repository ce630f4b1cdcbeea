// The mmap_prepare contract (docs/kernel-api.md 1), in clang-tidy: state taken in
// the hook (the afs open-mmap count; the hugetlbfs per-VMA lock allocation),
// writes to immutable desc fields or to the raw action, a protection change
// after an action captured it, and ->mapped installed from a legacy hook.
// RUN: %clang_tidy --checks='-*,vmaprep-prepare-contract' %s -- %kflags | FileCheck %s --implicit-check-not='warning:'
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>

struct afs_vnode { atomic_t cb_nr_mmap; };
static const struct vm_operations_struct afs_vm_ops = { };

// The afs bug: a count that says a mapping exists, taken before the mapping
// may merge or fail.
static int afs_file_mmap_prepare(struct vm_area_desc *desc)
{
	struct afs_vnode *vnode = desc->file->private_data;

	// CHECK: :[[@LINE+1]]:2: warning: 'afs_file_mmap_prepare' breaks the mmap_prepare contract: acquires state in the hook (reference: atomic_inc); the mapping may still merge or fail: move it to vm_ops->mapped [vmaprep-prepare-contract]
	atomic_inc(&vnode->cb_nr_mmap);
	desc->vm_ops = &afs_vm_ops;
	return 0;
}

// The hugetlbfs bug shape: a per-mapping allocation in a helper of the hook.
struct lock_holder { int owners; };
static int alloc_lock(struct vm_area_desc *desc)
{
	// CHECK: :[[@LINE+1]]:26: warning: 'huge_mmap_prepare' breaks the mmap_prepare contract: acquires state in the hook (allocation: kzalloc) (in alloc_lock()); the mapping may still merge or fail: move it to vm_ops->mapped [vmaprep-prepare-contract]
	struct lock_holder *l = kzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return -ENOMEM;
	desc->private_data = l;
	return 0;
}
static int huge_mmap_prepare(struct vm_area_desc *desc)
{
	return alloc_lock(desc);
}

static int bad_fields_mmap_prepare(struct vm_area_desc *desc)
{
	mmap_action_remap_full(desc, 42);
	// CHECK: :[[@LINE+1]]:2: warning: 'bad_fields_mmap_prepare' breaks the mmap_prepare contract: changes desc->page_prot after an action captured it; the action maps with the old protection [vmaprep-prepare-contract]
	desc->page_prot = pgprot_writecombine(desc->page_prot);
	// CHECK: :[[@LINE+1]]:2: warning: 'bad_fields_mmap_prepare' breaks the mmap_prepare contract: writes desc->action.type directly; set actions with the mmap_action_*() helpers [vmaprep-prepare-contract]
	desc->action.type = MMAP_NOTHING;
	// The two the contract allows:
	desc->action.error_override = -EAGAIN;
	desc->action.hide_from_rmap_until_complete = true;
	return 0;
}

// Correct conversions keep the contract: no finding.
static int good_mmap_prepare(struct vm_area_desc *desc)
{
	desc->page_prot = pgprot_writecombine(desc->page_prot);
	vma_desc_set_flags(desc, VMA_IO_BIT);
	mmap_action_remap_full(desc, 42);
	desc->action.error_override = -EAGAIN;
	return 0;
}

static int mapped_cb(unsigned long start, unsigned long end, pgoff_t pgoff,
		     const struct file *file, void **vm_private_data)
{
	return 0;
}
static const struct vm_operations_struct ops_with_mapped = { .mapped = mapped_cb };
static int legacy_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+1]]:2: warning: 'legacy_mmap' breaks the mmap_prepare contract: installs a vm_ops with ->mapped from a legacy .mmap hook; the core calls ->mapped only for mmap_prepare [vmaprep-prepare-contract]
	vma->vm_ops = &ops_with_mapped;
	return 0;
}

static const struct file_operations fops[] = {
	{ .mmap_prepare = afs_file_mmap_prepare },
	{ .mmap_prepare = huge_mmap_prepare },
	{ .mmap_prepare = bad_fields_mmap_prepare },
	{ .mmap_prepare = good_mmap_prepare },
	{ .mmap = legacy_mmap },
};
