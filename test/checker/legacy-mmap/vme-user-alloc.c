// Mirrors drivers/staging/vme_user/vme_user.c (6.12) vme_user_master_mmap():
// a per-mapping private struct is kmalloc'ed (here kzalloc) and stored in
// vm_private_data with a refcount, and the image's mmap_count is bumped.
// The upstream conversion moved the allocation into vm_ops->mapped. The
// window itself is mapped by vme_master_mmap() in vme.c (the bridge layer),
// here an in-file helper doing vm_iomap_memory().
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>

struct vme_user_vma_priv { unsigned int minor; refcount_t refcnt; };
struct image_desc { struct mutex mutex; unsigned int mmap_count; phys_addr_t phys; unsigned long size; };
static struct image_desc image[8];
static const struct vm_operations_struct vme_user_vm_ops = {
};

static int vme_master_mmap(struct image_desc *img, struct vm_area_struct *vma)
{
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return vm_iomap_memory(vma, img->phys, img->size);
}

// CHECK: :[[@LINE+3]]:12: warning: 'vme_user_mmap' uses the deprecated file_operations->mmap hook; blocked: the mapping action can fail after the VMA exists; the core then unmaps it and runs vm_ops->close without ->mapped having run, so the state cannot move to ->mapped (and 1 more) [vmaprep-legacy-mmap]
// CHECK: :[[@LINE-5]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot) (via vme_master_mmap())
// CHECK: :[[@LINE-5]]:9: note: the mapping action can fail after the VMA exists; the core then unmaps it and runs vm_ops->close without ->mapped having run, so the state cannot move to ->mapped: vm_iomap_memory(vma, img->phys, img->size)
static int vme_user_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned int minor = iminor(file_inode(file));
	struct vme_user_vma_priv *vma_priv;
	int err;

	mutex_lock(&image[minor].mutex);
	err = vme_master_mmap(&image[minor], vma);
	if (err) {
		mutex_unlock(&image[minor].mutex);
		return err;
	}
	// CHECK: :[[@LINE+1]]:13: note: allocates per-mapping state (kzalloc(sizeof(*vma_priv), GFP_KERNEL)); in ->mapped the allocation can fail, and the core then unmaps the VMA and runs vm_ops->close on private data ->mapped never set, so vmaprep does not move it: kzalloc(sizeof(*vma_priv), GFP_KERNEL) (in expansion of macro 'kzalloc')
	vma_priv = kzalloc(sizeof(*vma_priv), GFP_KERNEL);
	if (!vma_priv) {
		mutex_unlock(&image[minor].mutex);
		return -ENOMEM;
	}
	// CHECK: :[[@LINE+1]]:2: note: acquires state (state-write): vma_priv->minor = minor
	vma_priv->minor = minor;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (reference): refcount_set(&vma_priv->refcnt, 1)
	refcount_set(&vma_priv->refcnt, 1);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &vme_user_vm_ops
	vma->vm_ops = &vme_user_vm_ops;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = vma_priv
	vma->vm_private_data = vma_priv;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (state-write): image[minor].mmap_count++
	image[minor].mmap_count++;
	mutex_unlock(&image[minor].mutex);
	return 0;
}

// SITE: :[[@LINE+1]]:55: note: registered as .mmap in 'vme_user_fops'
static const struct file_operations vme_user_fops = { .mmap = vme_user_mmap };
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks

// The verdict makes both refusals fix made before it (mapped-state-with-action,
// allocation-in-mapped); a blocked verdict is itself fix's reason.
// FIX-NOT: vmaprep fix does not rewrite it
