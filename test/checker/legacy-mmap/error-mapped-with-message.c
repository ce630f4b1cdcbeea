// Mirrors drivers/char/uv_mmtimer.c (6.12) uv_mmtimer_mmap(): the remap's
// failure is logged and then turned into -EAGAIN inside a braced block,
// `if (remap(...)) { printk(...); return -EAGAIN; }` (drivers/usb/core/devio.c
// does the same with `< 0`). The errno the caller sees is -EAGAIN, not the
// remap's error. From 7.1 the only way to say so is
// desc->action.error_override, which keeps the errno but not the message:
// blocked there (error-path-does-more). 6.19 and 7.0 hand the action's error
// to desc->action.error_hook, a function that can print the message too: the
// handler converts there (error-hook.c has the rewrite).
// RUN: not %vmaprep check %s -- %kflags | FileCheck %s --check-prefix=API71
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s --check-prefix=API70
#include <linux/fs.h>
#include <linux/mm.h>

#define UV_LOCAL_MMR_BASE 0xf4000000UL
#define UVH_RTC 0x340000UL

// API71: :[[@LINE+2]]:12: warning: 'uv_mmtimer_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() prints a message before it returns -EAGAIN; from API level 7.1 desc->action.error_override keeps the errno but not the message (6.19 to 7.0 had desc->action.error_hook, which can) [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'uv_mmtimer_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
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

	// API71: :[[@LINE+2]]:6: note: the error path of remap_pfn_range() prints a message before it returns -EAGAIN; from API level 7.1 desc->action.error_override keeps the errno but not the message (6.19 to 7.0 had desc->action.error_hook, which can): remap_pfn_range(
	// API70: :[[@LINE+1]]:6: note: turning a mapping error into -EAGAIN needs desc->action.error_hook (API level 6.19): remap_pfn_range(
	if (remap_pfn_range(vma, vma->vm_start, uv_mmtimer_addr >> PAGE_SHIFT,
					PAGE_SIZE, vma->vm_page_prot)) {
		printk("remap_pfn_range failed in uv_mmtimer_mmap\n");
		return -EAGAIN;
	}
	return 0;
}

static const struct file_operations uv_mmtimer_fops = { .mmap = uv_mmtimer_mmap };
