// Mirrors kernel/trace/ring_buffer.c (6.12) __rb_map_vma(), reached from
// tracing_buffers_mmap(): the meta page and the sub-buffers are inserted as
// one page array with vm_insert_pages() after VM_MAYWRITE is cleared. The
// page-array insert is what 7.1's mmap_action_map_kernel_pages() replaces.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s --check-prefix=API70
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

struct ring_buffer_per_cpu { struct page **pages; unsigned long nr_pages; };

// CHECK: :[[@LINE+1]]:12: warning: 'rb_map_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int rb_map_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct ring_buffer_per_cpu *cpu_buffer = filp->private_data;
	unsigned long num_pages = cpu_buffer->nr_pages;

	if (vma->vm_flags & VM_WRITE || vma->vm_flags & VM_EXEC ||
	    !(vma->vm_flags & VM_MAYSHARE))
		return -EPERM;
	if (vma_pages(vma) < num_pages)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_mod(vma, VM_DONTCOPY | VM_DONTDUMP, VM_MAYWRITE)
	vm_flags_mod(vma, VM_DONTCOPY | VM_DONTDUMP, VM_MAYWRITE);
	// CHECK: :[[@LINE+1]]:9: note: vm_insert_pages() needs mmap_action_map_kernel_pages() (API level 7.1): vm_insert_pages(vma, vma->vm_start, cpu_buffer->pages, &num_pages)
	return vm_insert_pages(vma, vma->vm_start, cpu_buffer->pages, &num_pages);
}

static const struct file_operations tracing_buffers_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'tracing_buffers_fops'
	.mmap = rb_map_mmap,
};
// JSON: "name": "vm_insert_pages"
// JSON-NEXT: "operands": [
// JSON-NEXT: "vma->vm_start",
// JSON-NEXT: "cpu_buffer->pages",
// JSON-NEXT: "&num_pages"
// JSON-NEXT: ],
// JSON-NEXT: "range": "unknown",
// JSON-NEXT: "result_use": "returned"
// JSON: "id": "map-kernel-pages-action"
// JSON: "verdict": "auto-convertible"
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks
// API70: warning: 'rb_map_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 7.1 (target 7.0) [vmaprep-legacy-mmap]
// API70: note: vm_insert_pages() needs mmap_action_map_kernel_pages() (API level 7.1)

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: vm-insert-pages.c:17:12: note: vmaprep fix rewrites it as 'rb_map_mmap_prepare'
