/*
 * vmaprep kernel API shim: linux/dax.h.
 *
 * Models daxdev_mapping_supported(), whose parameters follow the mmap_prepare migration: the VMA (6.12),
 * the flags value once ext4 and xfs took mmap_prepare (6.17, the shim's 6.18), the desc with the bitmap
 * flags (7.0). Without CONFIG_FS_DAX, the shim's configuration, a mapping is supported unless it asks for
 * MAP_SYNC.
 */
#ifndef VMAPREP_KSHIM_LINUX_DAX_H
#define VMAPREP_KSHIM_LINUX_DAX_H

#include <linux/fs.h>
#include <linux/mm.h>

__VMAPREP_BEGIN_DECLS

struct dax_device;

#if VMAPREP_KAPI >= VMAPREP_KAPI_7_1
static inline bool daxdev_mapping_supported(const struct vm_area_desc *desc, const struct inode *inode,
					    struct dax_device *dax_dev)
{
	(void)inode;
	(void)dax_dev;
	return !vma_desc_test(desc, VMA_SYNC_BIT);
}
#elif VMAPREP_KAPI >= VMAPREP_KAPI_7_0
static inline bool daxdev_mapping_supported(const struct vm_area_desc *desc, const struct inode *inode,
					    struct dax_device *dax_dev)
{
	(void)inode;
	(void)dax_dev;
	return !vma_desc_test_flags(desc, VMA_SYNC_BIT);
}
#elif VMAPREP_KAPI >= VMAPREP_KAPI_6_18
static inline bool daxdev_mapping_supported(vm_flags_t vm_flags, const struct inode *inode,
					    struct dax_device *dax_dev)
{
	(void)inode;
	(void)dax_dev;
	return !(vm_flags & VM_SYNC);
}
#else
static inline bool daxdev_mapping_supported(struct vm_area_struct *vma, struct dax_device *dax_dev)
{
	(void)dax_dev;
	return !(vma->vm_flags & VM_SYNC);
}
#endif

__VMAPREP_END_DECLS

#endif
