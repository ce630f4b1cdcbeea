// Mirrors fs/afs/file.c (6.12) afs_file_mmap(): count the open mmaps on the
// vnode (afs_add_open_mmap(), which also puts the vnode on the cell's
// list), then call generic_file_mmap() and set afs_vm_ops. This is the
// conversion upstream got wrong once (the count taken in the stateless hook
// leaked when the mapping failed later): the count belongs in vm_ops->mapped.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/list.h>

struct afs_vnode { atomic_t cb_nr_mmap; struct list_head cb_mmap_link; struct list_head *cell_mmaps; };
extern struct afs_vnode *AFS_FS_I(struct inode *inode);
static const struct vm_operations_struct afs_vm_ops = {
};

static void afs_add_open_mmap(struct afs_vnode *vnode)
{
	if (atomic_inc_return(&vnode->cb_nr_mmap) == 1)
		list_add_tail(&vnode->cb_mmap_link, vnode->cell_mmaps);
}

static void afs_drop_open_mmap(struct afs_vnode *vnode)
{
	atomic_dec(&vnode->cb_nr_mmap);
}

// On the hook's paths, `return ret` fails only where generic_file_mmap()
// failed, and there afs_drop_open_mmap(vnode) gave the count back: the
// error path's give-back of what moves (it goes with the move), so the
// verdict is convertible with ->mapped (was blocked, fails-after-state).
// CHECK: :[[@LINE+3]]:12: warning: 'afs_file_mmap' uses the deprecated file_operations->mmap hook; convertible to mmap_prepare with a vm_ops->mapped callback [vmaprep-legacy-mmap]
// CHECK: :[[@LINE-14]]:6: note: acquires per-mapping state (reference: atomic_inc_return); mmap_prepare must be stateless (in afs_add_open_mmap()): atomic_inc_return(&vnode->cb_nr_mmap)
// CHECK: :[[@LINE-14]]:3: note: acquires per-mapping state (list-insert: list_add_tail); mmap_prepare must be stateless (in afs_add_open_mmap()): list_add_tail(&vnode->cb_mmap_link, vnode->cell_mmaps)
static int afs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct afs_vnode *vnode = AFS_FS_I(file_inode(file));
	int ret;

	afs_add_open_mmap(vnode);

	// CHECK: :[[@LINE+1]]:8: note: delegates: generic_file_mmap(file, vma)
	ret = generic_file_mmap(file, vma);
	if (ret == 0)
		// CHECK: :[[@LINE+1]]:3: note: writes vma->vm_ops: vma->vm_ops = &afs_vm_ops
		vma->vm_ops = &afs_vm_ops;
	else
		afs_drop_open_mmap(vnode);
	return ret;
}

const struct file_operations afs_file_operations = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'afs_file_operations'
	.mmap = afs_file_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 1 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// Here AFS_FS_I() is extern, so ->mapped could not recompute the vnode
// without calling it again; upstream's is a static inline over
// container_of(), which fix/mapped-state-idioms.test converts.
// FIX: note: vmaprep fix does not rewrite it: 'vnode' is computed by a call; ->mapped would call it again
