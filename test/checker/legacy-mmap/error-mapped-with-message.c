// Mirrors drivers/char/uv_mmtimer.c (6.12) uv_mmtimer_mmap(): the remap's
// failure is logged and then turned into -EAGAIN inside a braced block,
// `if (remap(...)) { printk(...); return -EAGAIN; }` (drivers/usb/core/devio.c
// does the same with `< 0`). The errno the caller sees is -EAGAIN, not the
// remap's error, so a conversion would need desc->action.error_override
// (7.1), like /dev/mem's single-statement form (dev-mem.c); but the action's
// error_override keeps only the errno, not the message: blocked at every level
// (error-path-does-more, which vmaprep fix refused on its own before).
// RUN: not %vmaprep check %s -- %kflags | FileCheck %s --check-prefix=API71
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s
#include <linux/fs.h>
#include <linux/mm.h>

#define UV_LOCAL_MMR_BASE 0xf4000000UL
#define UVH_RTC 0x340000UL

// CHECK: :[[@LINE+2]]:12: warning: 'uv_mmtimer_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() does more than return -EAGAIN; an error_override cannot keep it [vmaprep-legacy-mmap]
// API71: :[[@LINE+1]]:12: warning: 'uv_mmtimer_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() does more than return -EAGAIN; an error_override cannot keep it [vmaprep-legacy-mmap]
static int uv_mmtimer_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long uv_mmtimer_addr;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);

	uv_mmtimer_addr = UV_LOCAL_MMR_BASE | UVH_RTC;
	uv_mmtimer_addr &= ~(PAGE_SIZE - 1);

	// CHECK: :[[@LINE+1]]:6: note: the error path of remap_pfn_range() does more than return -EAGAIN; an error_override cannot keep it: remap_pfn_range(
	if (remap_pfn_range(vma, vma->vm_start, uv_mmtimer_addr >> PAGE_SHIFT,
					PAGE_SIZE, vma->vm_page_prot)) {
		printk("remap_pfn_range failed in uv_mmtimer_mmap\n");
		return -EAGAIN;
	}
	return 0;
}

static const struct file_operations uv_mmtimer_fops = { .mmap = uv_mmtimer_mmap };
