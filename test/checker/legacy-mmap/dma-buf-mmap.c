// Mirrors drivers/gpu/drm/etnaviv/etnaviv_gem_prime.c and
// drivers/gpu/drm/drm_gem_shmem_helper.c: an imported buffer is mapped by
// forwarding the VMA to its exporter with dma_buf_mmap(), which also swaps
// vma->vm_file. Here from a char device (as drivers/misc/fastrpc.c exposes
// its buffers). Blocked: the exporter's hook still takes a VMA.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/dma-buf.h>

struct etnaviv_gem_object { struct dma_buf *dma_buf; };

// CHECK: :[[@LINE+1]]:12: warning: 'etnaviv_gem_prime_mmap_obj' uses the deprecated file_operations->mmap hook; blocked: maps through dma_buf_mmap(), which takes a VMA [vmaprep-legacy-mmap]
static int etnaviv_gem_prime_mmap_obj(struct file *file, struct vm_area_struct *vma)
{
	struct etnaviv_gem_object *obj = file->private_data;
	int ret;

	// CHECK: :[[@LINE+1]]:8: note: maps through dma_buf_mmap(), which takes a VMA: dma_buf_mmap(obj->dma_buf, vma, 0)
	ret = dma_buf_mmap(obj->dma_buf, vma, 0);
	return ret;
}

static const struct file_operations etnaviv_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'etnaviv_fops'
	.mmap = etnaviv_gem_prime_mmap_obj,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
