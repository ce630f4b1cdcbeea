// A local that only fed remap_pfn_range()'s size is dead once the call is
// mmap_action_remap_full(), which does not take it: its declaration goes, or
// the rewritten file would warn (-Wunused-variable; an error under
// CONFIG_WERROR). The shapes are 7.3's drivers/tee/tee_shm.c (`size`) and
// drivers/soc/aspeed/aspeed-lpc-ctrl.c (`vsize`; its protection local, which
// becomes desc->page_prot, is a behaviour difference the model run refuses,
// and is left out here). A local that is still used stays.
// RUN: sed '/^\/\/ [A-Z-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags -Wall 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not='vsize ='
// The rewritten file has no warning the original did not have.
// RUN: clang-19 -fsyntax-only -Wall -Wno-unused-const-variable -Werror %kflags %t.c
// REPORT-DAG: remark: converted 'shm_mmap' to 'shm_mmap_prepare'
// REPORT-DAG: remark: converted 'lpc_mmap' to 'lpc_mmap_prepare'
// REPORT-DAG: remark: converted 'kept_mmap' to 'kept_mmap_prepare'
// REPORT: vmaprep: converted 3 of 3 legacy handlers
#include <linux/fs.h>
#include <linux/mm.h>

struct shm {
	phys_addr_t paddr;
	size_t size;
};

// FIXED: static int shm_mmap_prepare(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: struct shm *shm = desc->file->private_data;
// FIXED-EMPTY:
// FIXED-NEXT: if (desc->pgoff + vma_desc_pages(desc) > shm->size >> PAGE_SHIFT)
static int shm_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct shm *shm = filp->private_data;
	size_t size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff + vma_pages(vma) > shm->size >> PAGE_SHIFT)
		return -EINVAL;

	return remap_pfn_range(vma, vma->vm_start, shm->paddr >> PAGE_SHIFT,
			       size, vma->vm_page_prot);
}

static const struct file_operations shm_fops = {
	.mmap = shm_mmap,
};

// FIXED: static int lpc_mmap_prepare(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: struct shm *lpc = desc->file->private_data;
// FIXED-EMPTY:
// FIXED-NEXT: if (desc->pgoff + vma_desc_pages(desc) > lpc->size >> PAGE_SHIFT)
// FIXED: mmap_action_remap_full(desc, (lpc->paddr >> PAGE_SHIFT) + desc->pgoff);
static int lpc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct shm *lpc = file->private_data;
	unsigned long vsize = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff + vma_pages(vma) > lpc->size >> PAGE_SHIFT)
		return -EINVAL;

	if (remap_pfn_range(vma, vma->vm_start,
		(lpc->paddr >> PAGE_SHIFT) + vma->vm_pgoff,
		vsize, vma->vm_page_prot))
		return -EAGAIN;

	return 0;
}

static const struct file_operations lpc_fops = {
	.mmap = lpc_mmap,
};

// FIXED: static int kept_mmap_prepare(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: struct shm *shm = desc->file->private_data;
// FIXED-NEXT: size_t size = vma_desc_size(desc);
static int kept_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct shm *shm = filp->private_data;
	size_t size = vma->vm_end - vma->vm_start;

	if (size > shm->size)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, shm->paddr >> PAGE_SHIFT,
			       size, vma->vm_page_prot);
}

static const struct file_operations kept_fops = {
	.mmap = kept_mmap,
};
