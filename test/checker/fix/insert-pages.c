// A page array inserted from the start of the VMA (the shape of
// io_uring/memmap.c io_uring_mmap_pages() and kernel/trace/ring_buffer.c in
// 6.12): vm_insert_pages() becomes mmap_action_map_kernel_pages() at 7.1. The
// count is passed by address because the call writes back the pages it did
// not insert; the action takes its value and gives nothing back, so the
// rewrite needs a local count the hook does not read after the call. Both
// vm_insert_pages() and the action's prepare step fail with -EFAULT when the
// pages do not fit in the VMA; where the hook turns the error into another
// errno, the rewrite checks the fit itself, because error_override does not
// apply to the prepare step (mm/vma.c call_action_prepare(), 7.3).
// Validated by execution in validate/insert-pages.test.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// REPORT: converted 'rings_mmap' to 'rings_mmap_prepare'
// REPORT: converted 'sqes_mmap' to 'sqes_mmap_prepare'
// At 7.0 there is no such action; check's verdict names the level.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.70.c
// RUN: %vmaprep fix %t.70.c --api 7.0 -- %kflags -DVMAPREP_KAPI=70000 2>&1 | FileCheck %s --check-prefix=AT70
// AT70: 'rings_mmap' not converted: the verdict is needs-api-level, not auto-convertible at API level 7.0 (vm_insert_pages() needs mmap_action_map_kernel_pages() (API level 7.1))
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s --check-prefix=CHECK70
// CHECK70: warning: 'rings_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 7.1 (target 7.0)
#include <linux/fs.h>
#include <linux/mm.h>

struct ring { struct page **pages; unsigned long nr; };

// FIXED: static int rings_mmap_prepare(struct vm_area_desc *desc)
static int rings_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring *r = file->private_data;
	unsigned long nr_pages = r->nr;

// FIXED: vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT);
// FIXED-NEXT: mmap_action_map_kernel_pages(desc, desc->start, r->pages, nr_pages);
// FIXED-NEXT: return 0;
	vm_flags_set(vma, VM_DONTEXPAND);
	return vm_insert_pages(vma, vma->vm_start, r->pages, &nr_pages);
}

// The error becomes -EAGAIN: the fit is checked in the hook, the insertion's
// own errors get the action's error_override.
// FIXED: static int sqes_mmap_prepare(struct vm_area_desc *desc)
static int sqes_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring *r = file->private_data;
	unsigned long num = r->nr;

// FIXED: if (num > vma_desc_pages(desc))
// FIXED-NEXT: return -EAGAIN;
// FIXED-NEXT: mmap_action_map_kernel_pages(desc, desc->start, r->pages, num);
// FIXED-NEXT: desc->action.error_override = -EAGAIN;
// FIXED-NEXT: return 0;
	if (vm_insert_pages(vma, vma->vm_start, r->pages, &num))
		return -EAGAIN;
	return 0;
}

// FIXED: .mmap_prepare = rings_mmap_prepare,
static const struct file_operations rings_fops = {
	.mmap = rings_mmap,
};

// FIXED: .mmap_prepare = sqes_mmap_prepare,
static const struct file_operations sqes_fops = {
	.mmap = sqes_mmap,
};
