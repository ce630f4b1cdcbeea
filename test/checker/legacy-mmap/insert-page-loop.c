// Mirrors drivers/media/usb/usbvision (removed in 5.15) and
// drivers/staging/media/... capture drivers, and sound/core/oss's
// snd_pcm_oss_mmap-era code: a vmalloc'ed ring mapped page by page with
// vm_insert_page() in a loop. No action inserts individual pages: blocked.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>

struct usb_usbvision { void *fbuf; unsigned long fbuf_size; };

// CHECK: :[[@LINE+1]]:12: warning: 'usbvision_mmap' uses the deprecated file_operations->mmap hook; blocked: inserts pages one by one (vm_insert_page); no action does that [vmaprep-legacy-mmap]
static int usbvision_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct usb_usbvision *usbvision = file->private_data;
	unsigned long start = vma->vm_start;
	unsigned long size = vma->vm_end - vma->vm_start;
	void *pos;

	if (size > usbvision->fbuf_size)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP)
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	pos = usbvision->fbuf;
	while (size > 0) {
		// CHECK: :[[@LINE+1]]:7: note: inserts pages one by one (vm_insert_page); no action does that: vm_insert_page(vma, start, vmalloc_to_page(pos))
		if (vm_insert_page(vma, start, vmalloc_to_page(pos)))
			return -EAGAIN;
		start += PAGE_SIZE;
		pos += PAGE_SIZE;
		size -= PAGE_SIZE;
	}
	return 0;
}

static const struct file_operations usbvision_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'usbvision_fops'
	.mmap = usbvision_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
