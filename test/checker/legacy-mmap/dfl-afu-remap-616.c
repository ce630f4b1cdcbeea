// Mirrors drivers/fpga/dfl-afu-main.c (6.12) afu_mmap(): a shared-only,
// uncached remap of an MMIO region over the whole VMA. At API level 6.16 the
// desc has no action, so the remap needs 6.19's mmap_action_remap().
// RUN: not %vmaprep check --api 6.16 %s -- %kflags -DVMAPREP_KAPI=61600 > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: not %vmaprep check --api 6.19 %s -- %kflags -DVMAPREP_KAPI=61900 | FileCheck %s --check-prefix=API619 --implicit-check-not=warning:
// RUN: not %vmaprep check --format json --api 6.16 %s -- %kflags -DVMAPREP_KAPI=61600 | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

struct dfl_afu_mmio_region {
	u64 offset;
	u64 size;
	u64 phys;
};

struct dfl_feature_platform_data;
int afu_mmio_region_get_by_offset(struct dfl_feature_platform_data *pdata,
				  u64 offset, u64 size, struct dfl_afu_mmio_region *pregion);

static const struct vm_operations_struct afu_vma_ops = {
};

// CHECK: :[[@LINE+2]]:12: warning: 'afu_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 6.19 (target 6.16) [vmaprep-legacy-mmap]
// API619: :[[@LINE+1]]:12: warning: 'afu_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int afu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct dfl_feature_platform_data *pdata = filp->private_data;
	struct dfl_afu_mmio_region region;
	u64 size = vma->vm_end - vma->vm_start;
	u64 offset;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	offset = vma->vm_pgoff << PAGE_SHIFT;
	ret = afu_mmio_region_get_by_offset(pdata, offset, size, &region);
	if (ret)
		return ret;

	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &afu_vma_ops
	vma->vm_ops = &afu_vma_ops;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);

	// CHECK: :[[@LINE+1]]:9: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, (region.phys + (offset - region.offset)) >> PAGE_SHIFT, size, vma->vm_page_prot)
	return remap_pfn_range(vma, vma->vm_start,
			(region.phys + (offset - region.offset)) >> PAGE_SHIFT,
			size, vma->vm_page_prot);
}

static const struct file_operations afu_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'afu_fops'
	.mmap = afu_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 6.16): 0 auto-convertible, 0 convertible with vm_ops->mapped, 1 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// JSON: "api_level": "6.16"
// JSON: "kind": "mapping"
// JSON-NEXT: "line": 49
// JSON: "name": "remap_pfn_range"
// JSON: "range": "whole-vma"
// JSON-NEXT: "result_use": "returned"
// JSON: "function": "afu_mmap"
// JSON: "needed_api_level": "6.19"
// JSON: "id": "remap-action"
// JSON: "verdict": "needs-api-level"
