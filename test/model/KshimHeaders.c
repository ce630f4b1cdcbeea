/* Includes every shim header and touches the level-specific API, for the per-level compile checks. */
#include <asm/io.h>
#include <asm/page.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/anon_inodes.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mman.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

int kshim_headers_use(struct vm_area_struct *vma);
int kshim_headers_use(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND);
	vm_flags_mod(vma, VM_DONTDUMP, VM_MAYWRITE);
	vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start, 0, vma_pages(vma) << PAGE_SHIFT, vma->vm_page_prot);
}

#if VMAPREP_KAPI >= VMAPREP_KAPI_6_16
int kshim_headers_prepare(struct vm_area_desc *desc);
int kshim_headers_prepare(struct vm_area_desc *desc)
{
	desc->page_prot = pgprot_writecombine(desc->page_prot);
#if VMAPREP_KAPI >= VMAPREP_KAPI_7_0
	vma_desc_set_flags(desc, VMA_IO_BIT, VMA_DONTEXPAND_BIT);
	vma_desc_clear_flags(desc, VMA_MAYWRITE_BIT);
	if (vma_desc_test_any(desc, VMA_SHARED_BIT, VMA_MAYSHARE_BIT) && !vma_desc_test_all(desc, VMA_READ_BIT))
		return -EINVAL;
#else
	desc->vm_flags |= VM_IO;
#endif
#if VMAPREP_KAPI >= VMAPREP_KAPI_7_1
	if (vma_desc_test(desc, VMA_WRITE_BIT))
		desc->action.error_override = -EAGAIN;
	mmap_action_simple_ioremap(desc, 0x1000, vma_desc_size(desc));
#elif VMAPREP_KAPI >= VMAPREP_KAPI_6_19
	mmap_action_ioremap_full(desc, 0x10);
#endif
	return 0;
}
#endif
