/* Parse-only: anonymous shared memory setup for /dev/zero-like handlers. */
#ifndef _LINUX_SHMEM_FS_H
#define _LINUX_SHMEM_FS_H
#include <linux/mm.h>
int shmem_zero_setup(struct vm_area_struct *vma);
#if VMAPREP_KAPI >= 61900
int shmem_zero_setup_desc(struct vm_area_desc *desc);
#endif
#endif
