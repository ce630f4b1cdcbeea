// A remap whose error path prints a message and then returns another errno:
// drivers/char/uv_mmtimer.c (6.12) uv_mmtimer_mmap(). At 6.19 and 7.0 an
// action's error goes through desc->action.error_hook, a function the core
// calls with the error after the hook has returned, so the path becomes a
// generated uv_mmtimer_mmap_error() that prints the message and returns
// -EAGAIN (placed before the handler and its comment). From 7.1 only
// error_override remains, which keeps the errno but not the message: blocked
// there (error-mapped-with-message.c). The hook cannot take what names the
// handler's locals (addr_mmap's message) nor anything but messages (6.12's
// resctrl pseudo_lock unlocks a mutex on that path): blocked at every level.
// A path that only returns an errno gets a hook that only returns it.
// Without the error hook, the first and the last were "convertible from API
// level 7.1" at 6.19 and 7.0.
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning:
// RUN: rm -rf %t.d && mkdir %t.d && sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.d/orig.c
// RUN: cp %t.d/orig.c %t.d/f70.c && %vmaprep fix --api 7.0 %t.d/f70.c -- %kflags -DVMAPREP_KAPI=70000 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.d/f70.c --check-prefix=FIXED
// RUN: cp %t.d/orig.c %t.d/f619.c && %vmaprep fix --api 6.19 %t.d/f619.c -- %kflags -DVMAPREP_KAPI=61900 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.d/f619.c --check-prefix=FIXED
// RUN: not %vmaprep check %s -- %kflags | FileCheck %s --check-prefix=API71
// REPORT-DAG: remark: converted 'uv_mmtimer_mmap' to 'uv_mmtimer_mmap_prepare' (validated on the runtime model
// REPORT-DAG: remark: converted 'plain_mmap' to 'plain_mmap_prepare' (validated on the runtime model
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>

#define UV_LOCAL_MMR_BASE 0xf4000000UL
#define UVH_RTC 0x340000UL

// FIXED: static int uv_mmtimer_mmap_error(int err)
// FIXED-NEXT: {
// FIXED-NEXT: printk("remap_pfn_range failed in uv_mmtimer_mmap\n");
// FIXED-NEXT: return -EAGAIN;
// FIXED-NEXT: }
// FIXED-EMPTY:
// FIXED-NEXT: /*
/*
 * uv_mmtimer_mmap - maps the RTC MMR into userspace
 */
// CHECK: :[[@LINE+2]]:12: warning: 'uv_mmtimer_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API71: :[[@LINE+1]]:12: warning: 'uv_mmtimer_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() prints a message before it returns -EAGAIN; from API level 7.1 desc->action.error_override keeps the errno but not the message (6.19 to 7.0 had desc->action.error_hook, which can) [vmaprep-legacy-mmap]
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

// FIXED: mmap_action_remap(desc, desc->start, uv_mmtimer_addr >> PAGE_SHIFT, PAGE_SIZE);
// FIXED-NEXT: desc->action.error_hook = uv_mmtimer_mmap_error;
	if (remap_pfn_range(vma, vma->vm_start, uv_mmtimer_addr >> PAGE_SHIFT,
					PAGE_SIZE, vma->vm_page_prot)) {
		printk("remap_pfn_range failed in uv_mmtimer_mmap\n");
		return -EAGAIN;
	}
	return 0;
}

static const struct file_operations uv_mmtimer_fops = { .mmap = uv_mmtimer_mmap };

// CHECK: :[[@LINE+2]]:12: warning: 'addr_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() does more than print a message and return -EAGAIN: its message names the hook's 'addr'; an error hook, which runs after the hook has returned, cannot do that in its place [vmaprep-legacy-mmap]
// API71: :[[@LINE+1]]:12: warning: 'addr_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() does more than print a message and return -EAGAIN: its message names the hook's 'addr'
static int addr_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long addr = UV_LOCAL_MMR_BASE;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (remap_pfn_range(vma, vma->vm_start, addr >> PAGE_SHIFT,
			    PAGE_SIZE, vma->vm_page_prot)) {
		printk("remap of %lx failed\n", addr);
		return -EAGAIN;
	}
	return 0;
}

static const struct file_operations addr_fops = { .mmap = addr_mmap };

static DEFINE_MUTEX(rdtgroup_mutex);

// CHECK: :[[@LINE+2]]:12: warning: 'pseudo_lock_dev_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() does more than print a message and return -EAGAIN: it calls mutex_unlock(); an error hook, which runs after the hook has returned, cannot do that in its place [vmaprep-legacy-mmap]
// API71: :[[@LINE+1]]:12: warning: 'pseudo_lock_dev_mmap' uses the deprecated file_operations->mmap hook; blocked: the error path of remap_pfn_range() does more than print a message and return -EAGAIN: it calls mutex_unlock()
static int pseudo_lock_dev_mmap(struct file *filp, struct vm_area_struct *vma)
{
	unsigned long vsize = vma->vm_end - vma->vm_start;

	mutex_lock(&rdtgroup_mutex);
	if (remap_pfn_range(vma, vma->vm_start, 0x1000 + vma->vm_pgoff,
			    vsize, vma->vm_page_prot)) {
		mutex_unlock(&rdtgroup_mutex);
		return -EAGAIN;
	}
	mutex_unlock(&rdtgroup_mutex);
	return 0;
}

static const struct file_operations pseudo_lock_fops = { .mmap = pseudo_lock_dev_mmap };

// CHECK: :[[@LINE+2]]:12: warning: 'plain_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API71: :[[@LINE+1]]:12: warning: 'plain_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int plain_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
// FIXED: desc->action.error_hook = plain_mmap_error;
	if (remap_pfn_range(vma, vma->vm_start, 0x2000, PAGE_SIZE, vma->vm_page_prot))
		return -EAGAIN;
	return 0;
}

static const struct file_operations plain_fops = { .mmap = plain_mmap };
