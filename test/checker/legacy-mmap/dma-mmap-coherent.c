// Mirrors drivers/rapidio/devices/rio_mport_cdev.c (6.12) mport_cdev_mmap():
// find the DMA buffer for vm_pgoff and map it with dma_mmap_coherent(), a
// macro over dma_mmap_attrs() (reported under that name, at the macro's
// expansion site). The DMA API takes a VMA: blocked.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/dma-mapping.h>

struct rio_mport_mapping { void *virt_addr; dma_addr_t phys_addr; u64 size; struct kref ref; };
struct mport_dev { struct device *dev; struct rio_mport_mapping *map; };
static const struct vm_operations_struct vm_ops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'mport_cdev_mmap' uses the deprecated file_operations->mmap hook; blocked: maps through dma_mmap_attrs(), which takes a VMA [vmaprep-legacy-mmap]
static int mport_cdev_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct mport_dev *md = filp->private_data;
	size_t size = vma->vm_end - vma->vm_start;
	struct rio_mport_mapping *map = md->map;
	int ret;

	if (!map || size > map->size)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:8: note: maps through dma_mmap_attrs(), which takes a VMA: dma_mmap_coherent(md->dev, vma, map->virt_addr, map->phys_addr, map->size) (in expansion of macro 'dma_mmap_coherent')
	ret = dma_mmap_coherent(md->dev, vma, map->virt_addr, map->phys_addr, map->size);
	if (ret)
		return ret;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = map
	vma->vm_private_data = map;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &vm_ops
	vma->vm_ops = &vm_ops;
	return 0;
}

static const struct file_operations mport_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'mport_fops'
	.mmap = mport_cdev_mmap,
};
// JSON: "kind": "mapping"
// JSON: "macro": "dma_mmap_coherent"
// JSON-NEXT: "name": "dma_mmap_attrs"
// JSON: "range": "whole-vma"
// JSON-NEXT: "result_use": "assigned"
// JSON: "id": "dma-mmap"
// JSON: "verdict": "blocked"
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
