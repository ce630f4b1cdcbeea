// Mirrors drivers/comedi/comedi_fops.c (6.12) comedi_mmap(): take a
// reference on the buffer map, then either dma_mmap_coherent() the DMA
// buffer or remap_pfn_range() it page by page in a loop, and finally call
// the VMA's own open callback by hand (`vma->vm_ops->open(vma)`), which
// takes the per-mapping reference. Blocked: DMA mmap, several mappings,
// mapping in a loop; the manual open would need vm_ops->mapped.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/dma-mapping.h>

struct comedi_buf_page { void *virt_addr; dma_addr_t dma_addr; };
struct comedi_buf_map { struct device *dma_hw_dev; struct comedi_buf_page *page_list; unsigned int n_pages; int dma_dir; struct kref refcount; };
extern struct comedi_buf_map *comedi_buf_map_from_subdev_get(struct file *file);
extern int comedi_buf_map_put(struct comedi_buf_map *bm);
static void comedi_vm_open(struct vm_area_struct *area)
{
	struct comedi_buf_map *bm = area->vm_private_data;

	kref_get(&bm->refcount);
}
static const struct vm_operations_struct comedi_vm_ops = {
	.open = comedi_vm_open,
};

// CHECK: :[[@LINE+1]]:12: warning: 'comedi_mmap' uses the deprecated file_operations->mmap hook; blocked: maps through dma_mmap_attrs(), which takes a VMA (and 2 more) [vmaprep-legacy-mmap]
static int comedi_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct comedi_buf_map *bm;
	struct comedi_buf_page *buf;
	unsigned long start = vma->vm_start;
	unsigned long size;
	int n_pages;
	int i;
	int retval;

	if (vma->vm_pgoff != 0)
		return -EINVAL;
	size = vma->vm_end - vma->vm_start;
	if (offset_in_page(size))
		return -EFAULT;
	n_pages = vma_pages(vma);

	bm = comedi_buf_map_from_subdev_get(file);
	if (!bm || n_pages > bm->n_pages) {
		retval = -EINVAL;
		goto done;
	}
	if (bm->dma_dir) {
		buf = &bm->page_list[0];
		// CHECK: :[[@LINE+1]]:12: note: maps through dma_mmap_attrs(), which takes a VMA: dma_mmap_coherent(bm->dma_hw_dev, vma, buf->virt_addr, buf->dma_addr, n_pages * PAGE_SIZE) (in expansion of macro 'dma_mmap_coherent')
		retval = dma_mmap_coherent(bm->dma_hw_dev, vma, buf->virt_addr,
					   buf->dma_addr, n_pages * PAGE_SIZE);
	} else {
		for (i = 0; i < n_pages; ++i) {
			unsigned long pfn;

			buf = &bm->page_list[i];
			pfn = page_to_pfn(virt_to_page(buf->virt_addr));
			// CHECK: :[[@LINE+2]]:13: note: calls remap_pfn_range() in a loop; an action maps one range: remap_pfn_range(vma, start, pfn, PAGE_SIZE, PAGE_SHARED)
			// CHECK: :[[@LINE+1]]:13: note: makes 2 mapping calls; a desc holds one action: remap_pfn_range(vma, start, pfn, PAGE_SIZE, PAGE_SHARED)
			retval = remap_pfn_range(vma, start, pfn, PAGE_SIZE, PAGE_SHARED);
			if (retval)
				break;
			start += PAGE_SIZE;
		}
	}

	if (retval == 0) {
		// CHECK: :[[@LINE+1]]:3: note: writes vma->vm_ops: vma->vm_ops = &comedi_vm_ops
		vma->vm_ops = &comedi_vm_ops;
		// CHECK: :[[@LINE+1]]:3: note: writes vma->vm_private_data: vma->vm_private_data = bm
		vma->vm_private_data = bm;
		// CHECK: :[[@LINE+1]]:3: note: calls vm_ops->open() by hand: vma->vm_ops->open(vma)
		vma->vm_ops->open(vma);
	}
done:
	comedi_buf_map_put(bm);
	return retval;
}

// SITE: :[[@LINE+1]]:53: note: registered as .mmap in 'comedi_fops'
static const struct file_operations comedi_fops = { .mmap = comedi_mmap };
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
