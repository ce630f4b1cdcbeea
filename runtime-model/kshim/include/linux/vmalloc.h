/* vmaprep kernel API shim: linux/vmalloc.h. Models vmalloc/vzalloc/vfree as ledger-counted allocations. */
#ifndef VMAPREP_KSHIM_LINUX_VMALLOC_H
#define VMAPREP_KSHIM_LINUX_VMALLOC_H

#include <linux/types.h>

__VMAPREP_BEGIN_DECLS
void *vmalloc(unsigned long size) __VMAPREP_NOEXCEPT;
void *vzalloc(unsigned long size) __VMAPREP_NOEXCEPT;
void *vmalloc_user(unsigned long size) __VMAPREP_NOEXCEPT;
void vfree(const void *addr) __VMAPREP_NOEXCEPT;
__VMAPREP_END_DECLS

#endif
