// Mirrors drivers/usb/core/devio.c (6.12) usbdev_mmap(): account the memory,
// kzalloc a usb_memory, allocate the buffer, map it with remap_pfn_range()
// or dma_mmap_coherent() depending on whether DMA is available, and put the
// usb_memory on the device's memory_list. Blocked (DMA mmap, two mapping
// calls); the allocation and list insertion are listed as state changes.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/dma-mapping.h>

#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
struct usb_dev_state { spinlock_t lock; struct list_head memory_list; struct device *sysdev; };
struct usb_memory { struct list_head memlist; int vma_use_count; void *mem; dma_addr_t dma_handle; unsigned long vm_start; struct usb_dev_state *ps; };
extern void *hcd_buffer_alloc_pages(struct usb_dev_state *ps, size_t size, dma_addr_t *dma_handle);
static const struct vm_operations_struct usbdev_vm_ops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'usbdev_mmap' uses the deprecated file_operations->mmap hook; blocked: makes 2 mapping calls; a desc holds one action (and 2 more) [vmaprep-legacy-mmap]
static int usbdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct usb_memory *usbm = NULL;
	struct usb_dev_state *ps = file->private_data;
	size_t size = vma->vm_end - vma->vm_start;
	dma_addr_t dma_handle = DMA_MAPPING_ERROR;
	void *mem;

	// CHECK: :[[@LINE+1]]:9: note: acquires state (allocation): kzalloc(sizeof(struct usb_memory), GFP_KERNEL) (in expansion of macro 'kzalloc')
	usbm = kzalloc(sizeof(struct usb_memory), GFP_KERNEL);
	if (!usbm)
		return -ENOMEM;
	mem = hcd_buffer_alloc_pages(ps, size, &dma_handle);
	if (!mem) {
		kfree(usbm);
		return -ENOMEM;
	}
	// CHECK: :[[@LINE+1]]:2: note: acquires state (state-write): usbm->mem = mem
	usbm->mem = mem;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (state-write): usbm->dma_handle = dma_handle
	usbm->dma_handle = dma_handle;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (state-write): usbm->ps = ps
	usbm->ps = ps;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (state-write): usbm->vm_start = vma->vm_start
	usbm->vm_start = vma->vm_start;
	// CHECK: :[[@LINE+1]]:2: note: acquires state (state-write): usbm->vma_use_count = 1
	usbm->vma_use_count = 1;

	if (dma_handle == DMA_MAPPING_ERROR) {
		// CHECK: :[[@LINE+2]]:7: note: makes 2 mapping calls; a desc holds one action: remap_pfn_range(vma, vma->vm_start, virt_to_phys(usbm->mem) >> PAGE_SHIFT, size, vma->vm_page_prot)
		// CHECK: :[[@LINE+1]]:7: note: what remap_pfn_range() maps comes from state the hook acquires: kzalloc_noprof() (line 31), hcd_buffer_alloc_pages() (line 34); ->mapped runs after the action has mapped it, and acquired in mmap_prepare it leaks when the mmap fails later: remap_pfn_range(
		if (remap_pfn_range(vma, vma->vm_start,
				    virt_to_phys(usbm->mem) >> PAGE_SHIFT,
				    size, vma->vm_page_prot) < 0)
			return -EAGAIN;
	} else {
		// CHECK: :[[@LINE+1]]:7: note: maps through dma_mmap_attrs(), which takes a VMA: dma_mmap_coherent(ps->sysdev, vma, mem, dma_handle, size) (in expansion of macro 'dma_mmap_coherent')
		if (dma_mmap_coherent(ps->sysdev, vma, mem, dma_handle, size))
			return -EAGAIN;
	}

	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP)
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &usbdev_vm_ops
	vma->vm_ops = &usbdev_vm_ops;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = usbm
	vma->vm_private_data = usbm;

	spin_lock(&ps->lock);
	// CHECK: :[[@LINE+1]]:2: note: acquires state (list-insert): list_add_tail(&usbm->memlist, &ps->memory_list)
	list_add_tail(&usbm->memlist, &ps->memory_list);
	spin_unlock(&ps->lock);
	return 0;
}

// SITE: :[[@LINE+1]]:64: note: registered as .mmap in 'usbdev_file_operations'
static const struct file_operations usbdev_file_operations = { .mmap = usbdev_mmap };
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
