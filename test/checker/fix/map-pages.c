// A page array mapped whole (the shape of drivers/infiniband qib_fs and ring
// buffers): vm_map_pages() becomes mmap_action_map_kernel_pages_full() at 7.1.
// The action maps pages[i] from the start and checks nothing, so the rewrite
// offsets the array by pgoff and keeps vm_map_pages()'s -ENXIO bound check.
// Validated by execution in validate/map-pages.test.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// REPORT: converted 'ring_mmap' to 'ring_mmap_prepare'
// At 7.0 there is no such action.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.70.c
// RUN: %vmaprep fix %t.70.c --api 7.0 -- %kflags -DVMAPREP_KAPI=70000 2>&1 | FileCheck %s --check-prefix=AT70
// AT70: 'ring_mmap' not converted
#include <linux/fs.h>
#include <linux/mm.h>

struct ring { struct page **pages; unsigned long nr; };

static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring *r = file->private_data;

// FIXED: vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT);
// FIXED-NEXT: if (desc->pgoff >= r->nr || vma_desc_pages(desc) > r->nr - desc->pgoff)
// FIXED-NEXT: return -ENXIO;
// FIXED-NEXT: mmap_action_map_kernel_pages_full(desc, r->pages + desc->pgoff);
// FIXED-NEXT: return 0;
	vm_flags_set(vma, VM_DONTEXPAND);
	return vm_map_pages(vma, r->pages, r->nr);
}

static const struct file_operations ring_fops = {
	.mmap = ring_mmap,
};
