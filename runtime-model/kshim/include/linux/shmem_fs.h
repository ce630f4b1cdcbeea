/*
 * vmaprep kernel API shim: linux/shmem_fs.h.
 * Models shmem_zero_setup() (legacy: the VMA becomes a shared anonymous mapping) and, from 6.19,
 * shmem_zero_setup_desc() for ->mmap_prepare: the shmem file is the size of the mapping and the offset
 * stays the caller's, so a read past the file's end (a mapping at an offset) gets SIGBUS.
 */
#ifndef VMAPREP_KSHIM_LINUX_SHMEM_FS_H
#define VMAPREP_KSHIM_LINUX_SHMEM_FS_H

#include <linux/mm.h>

__VMAPREP_BEGIN_DECLS
int shmem_zero_setup(struct vm_area_struct *vma) __VMAPREP_NOEXCEPT;
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
int shmem_zero_setup_desc(struct vm_area_desc *desc) __VMAPREP_NOEXCEPT;
#endif
__VMAPREP_END_DECLS

#endif
