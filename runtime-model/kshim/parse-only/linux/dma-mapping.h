/* Parse-only: the DMA mmap API; dma_mmap_coherent() is a macro, dma_mmap_wc()
 * a static inline, both over dma_mmap_attrs(). */
#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H
#include <linux/mm.h>
int dma_mmap_attrs(struct device *dev, struct vm_area_struct *vma, void *cpu_addr,
		   dma_addr_t dma_addr, size_t size, unsigned long attrs);
#define dma_mmap_coherent(d, v, c, h, s) dma_mmap_attrs(d, v, c, h, s, 0)
#define DMA_ATTR_WRITE_COMBINE (1UL << 2)
static inline int dma_mmap_wc(struct device *dev, struct vm_area_struct *vma, void *cpu_addr,
			      dma_addr_t dma_addr, size_t size)
{
	return dma_mmap_attrs(dev, vma, cpu_addr, dma_addr, size, DMA_ATTR_WRITE_COMBINE);
}
void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);
#endif
