// Mirrors drivers/dma-buf/dma-buf.c (6.12) dma_buf_mmap_internal(), the
// file_operations hook of every dma-buf file: it checks the exporter has an
// mmap op and the range fits, then calls dmabuf->ops->mmap(dmabuf, vma).
// A call of an mmap member through a pointer is delegation to another
// subsystem's VMA hook: blocked.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/dma-buf.h>

struct dma_buf_ext { const struct dma_buf_ops *ops; unsigned long size; };

// CHECK: :[[@LINE+1]]:12: warning: 'dma_buf_mmap_internal' uses the deprecated file_operations->mmap hook; blocked: hands the VMA to another mmap hook (dmabuf->ops->mmap((struct dma_buf *)dmabuf, vma)) [vmaprep-legacy-mmap]
static int dma_buf_mmap_internal(struct file *file, struct vm_area_struct *vma)
{
	struct dma_buf_ext *dmabuf = file->private_data;

	if (!dmabuf->ops->mmap)
		return -EINVAL;
	if (vma->vm_pgoff + vma_pages(vma) > dmabuf->size >> PAGE_SHIFT)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:9: note: hands the VMA to another mmap hook (dmabuf->ops->mmap((struct dma_buf *)dmabuf, vma)): dmabuf->ops->mmap((struct dma_buf *)dmabuf, vma)
	return dmabuf->ops->mmap((struct dma_buf *)dmabuf, vma);
}

static const struct file_operations dma_buf_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'dma_buf_fops'
	.mmap = dma_buf_mmap_internal,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
