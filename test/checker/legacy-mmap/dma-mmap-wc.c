// Mirrors drivers/video/fbdev/sa1100fb.c / ep93xx-fb.c, whose mmap returns
// dma_mmap_wc() (a static inline over dma_mmap_attrs() with
// DMA_ATTR_WRITE_COMBINE), here from a character device's file_operations
// as drivers/gpu/drm/drm_gem_dma_helper.c does for GEM. Blocked: DMA mmap.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/dma-mapping.h>

struct sa1100fb_info { struct device *dev; void *map_cpu; dma_addr_t map_dma; size_t map_size; };

// CHECK: :[[@LINE+1]]:12: warning: 'sa1100fb_mmap' uses the deprecated file_operations->mmap hook; blocked: maps through dma_mmap_wc(), which takes a VMA [vmaprep-legacy-mmap]
static int sa1100fb_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct sa1100fb_info *fbi = file->private_data;
	unsigned long off = vma->vm_pgoff << PAGE_SHIFT;

	if (off < fbi->map_size)
		// CHECK: :[[@LINE+1]]:10: note: maps through dma_mmap_wc(), which takes a VMA: dma_mmap_wc(fbi->dev, vma, fbi->map_cpu, fbi->map_dma, fbi->map_size)
		return dma_mmap_wc(fbi->dev, vma, fbi->map_cpu, fbi->map_dma, fbi->map_size);
	return -EINVAL;
}

static const struct file_operations sa1100fb_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'sa1100fb_fops'
	.mmap = sa1100fb_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
