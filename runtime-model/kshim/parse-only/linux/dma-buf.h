/* Parse-only: dma-buf exporters and importers. */
#ifndef _LINUX_DMA_BUF_H
#define _LINUX_DMA_BUF_H
#include <linux/fs.h>
struct dma_buf;
struct dma_buf_ops {
	int (*mmap)(struct dma_buf *, struct vm_area_struct *vma);
	void (*release)(struct dma_buf *);
};
struct dma_buf { const struct dma_buf_ops *ops; void *priv; struct file *file; };
int dma_buf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma, unsigned long pgoff);
#endif
