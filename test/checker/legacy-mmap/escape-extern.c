// Mirrors kernel/trace/trace.c (6.12) tracing_buffers_mmap(), which hands
// the VMA to ring_buffer_map() in kernel/trace/ring_buffer.c -- a function
// whose body is not in this translation unit -- and the shape of
// drivers/infiniband/core/ib_core_uverbs.c callers that pass the address of
// their vma pointer to a tracking helper. Either way the VMA escapes.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

struct trace_buffer;
struct ftrace_buffer_info { struct trace_buffer *buffer; int cpu; };
int ring_buffer_map(struct trace_buffer *buffer, int cpu, struct vm_area_struct *vma);
void rdma_track_vma(struct vm_area_struct **vmap);
static const struct vm_operations_struct tracing_buffers_vmops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'tracing_buffers_mmap' uses the deprecated file_operations->mmap hook; blocked: passes the VMA to ring_buffer_map(), whose body is not in this file [vmaprep-legacy-mmap]
static int tracing_buffers_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct ftrace_buffer_info *info = filp->private_data;
	int ret;

	// CHECK: :[[@LINE+1]]:8: note: passes the VMA to ring_buffer_map(), whose body is not in this file: ring_buffer_map(info->buffer, info->cpu, vma)
	ret = ring_buffer_map(info->buffer, info->cpu, vma);
	if (ret)
		return ret;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &tracing_buffers_vmops
	vma->vm_ops = &tracing_buffers_vmops;
	return 0;
}

// CHECK: :[[@LINE+1]]:12: warning: 'uverbs_like_mmap' uses the deprecated file_operations->mmap hook; blocked: the VMA escapes: address-taken (&vma) [vmaprep-legacy-mmap]
static int uverbs_like_mmap(struct file *filp, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+1]]:17: note: the VMA escapes: address-taken (&vma): &vma
	rdma_track_vma(&vma);
	return 0;
}

// SITE: :[[@LINE+1]]:62: note: registered as .mmap in 'tracing_buffers_fops'
static const struct file_operations tracing_buffers_fops = { .mmap = tracing_buffers_mmap };
// SITE: :[[@LINE+1]]:58: note: registered as .mmap in 'uverbs_like_fops'
static const struct file_operations uverbs_like_fops = { .mmap = uverbs_like_mmap };
// JSON: "detail": "unknown-callee"
// JSON: "kind": "escape"
// JSON: "name": "ring_buffer_map"
// JSON: "function": "tracing_buffers_mmap"
// JSON: "detail": "address-taken"
// JSON: "kind": "escape"
// JSON: "text": "&vma"
// JSON: "function": "uverbs_like_mmap"
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 2 blocked, 0 already mmap_prepare; 0 subsystem hooks
