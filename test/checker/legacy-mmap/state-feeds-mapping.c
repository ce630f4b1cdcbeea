// State the hook acquires and then maps cannot move: ->mapped runs after the
// action has mapped it, and acquired in mmap_prepare it leaks when the mmap
// fails after the hook. An acquisition (an allocation, or a call whose body is
// not in this file that fills in driver state) whose value reaches the
// mapping call's pfn, size or page array blocks the handler, with the chain.
// Shapes: 7.3's drivers/firewire/core-cdev.c fw_device_op_mmap() (the pages
// filled in by a call in another file), drivers/xen/privcmd-buf.c
// privcmd_buf_mmap() (kzalloc'd page array of alloc_page()s),
// drivers/misc/genwqe/card_dev.c genwqe_mmap() (a kzalloc'd mapping whose
// buffer comes from another file).
// RUN: not %vmaprep check %s -- %kflags | FileCheck %s
// RUN: not %vmaprep check %s --format json -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

struct iso_buffer {
	struct page **pages;
	int page_count;
};
struct client {
	struct iso_buffer buffer;
};
extern int fw_iso_buffer_setup(struct iso_buffer *buffer, int page_count);

// CHECK: :[[@LINE+1]]:12: warning: 'fw_mmap' uses the deprecated file_operations->mmap hook; blocked: what vm_map_pages_zero() maps comes from state the hook acquires: fw_iso_buffer_setup() (line 35); ->mapped runs after the action has mapped it, and acquired in mmap_prepare it leaks when the mmap fails later
static int fw_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct client *client = file->private_data;
	int ret;

	if (client->buffer.pages)
		return -EBUSY;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	ret = fw_iso_buffer_setup(&client->buffer, vma_pages(vma));
	if (ret < 0)
		return ret;
	return vm_map_pages_zero(vma, client->buffer.pages, client->buffer.page_count);
}

extern struct page *alloc_pages_noprof(unsigned int gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages_noprof(gfp, 0)

struct buf_priv {
	unsigned int n_pages;
	struct page *pages[16];
};

// CHECK: :[[@LINE+1]]:12: warning: 'buf_mmap' uses the deprecated file_operations->mmap hook; blocked: what vm_map_pages_zero() maps comes from state the hook acquires: kzalloc_noprof() (line 57), alloc_pages_noprof() (line 61)
static int buf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct buf_priv *priv;
	unsigned int i, count = vma_pages(vma);

	if (count > 16)
		return -EINVAL;
	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		priv->pages[i] = alloc_page(GFP_KERNEL);
		if (!priv->pages[i])
			break;
		priv->n_pages++;
	}
	vma->vm_private_data = priv;
	return vm_map_pages_zero(vma, priv->pages, priv->n_pages);
}

struct dma_mapping {
	void *k_vaddr;
	dma_addr_t dma_addr;
};
extern void *__genwqe_alloc_consistent(void *cd, size_t size, dma_addr_t *dma_handle);

// CHECK: :[[@LINE+1]]:12: warning: 'dma_mmap' uses the deprecated file_operations->mmap hook; blocked: what remap_pfn_range() maps comes from state the hook acquires: kzalloc_noprof() (line 83), __genwqe_alloc_consistent() (line 86)
static int dma_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long vsize = vma->vm_end - vma->vm_start;
	struct dma_mapping *dma_map;
	unsigned long pfn;

	dma_map = kzalloc(sizeof(*dma_map), GFP_KERNEL);
	if (!dma_map)
		return -ENOMEM;
	dma_map->k_vaddr = __genwqe_alloc_consistent(file->private_data, vsize, &dma_map->dma_addr);
	if (!dma_map->k_vaddr)
		return -ENOMEM;
	pfn = virt_to_phys(dma_map->k_vaddr) >> PAGE_SHIFT;
	return remap_pfn_range(vma, vma->vm_start, pfn, vsize, vma->vm_page_prot);
}

static const struct file_operations fw_fops = { .mmap = fw_mmap };
static const struct file_operations buf_fops = { .mmap = buf_mmap };
static const struct file_operations dma_fops = { .mmap = dma_mmap };

// The chain is the mapping effect's fed_by; a blocked handler has no needed_api_level.
// JSON: "fed_by": [
// JSON-NEXT: {
// JSON-NEXT: "callee": "fw_iso_buffer_setup",
// JSON: "function": "fw_mmap",
// JSON: "needed_api_level": null,
// JSON: "id": "state-feeds-mapping",
