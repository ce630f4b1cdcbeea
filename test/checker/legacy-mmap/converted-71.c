// Mirrors drivers/char/mem.c and drivers/char/hpet.c after their conversion
// (7.3): mmap_prepare hooks in 7.1 spelling (bitmap flag helpers, actions,
// error_override). Nothing to convert: no warning, exit code 0, and both are
// counted as already mmap_prepare.
// RUN: %vmaprep check %s -- %kflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=error:
// RUN: %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>

static int mmap_mem_prepare(struct vm_area_desc *desc)
{
	const unsigned long size = vma_desc_size(desc);

	desc->page_prot = pgprot_noncached(desc->page_prot);
	mmap_action_remap(desc, desc->start, desc->pgoff, size);
	desc->action.error_override = -EAGAIN;
	return 0;
}

static int mmap_zero_prepare(struct vm_area_desc *desc)
{
	if (vma_desc_test(desc, VMA_SHARED_BIT))
		return shmem_zero_setup_desc(desc);
	vma_desc_set_anonymous(desc);
	return 0;
}

static int hpet_mmap_prepare(struct vm_area_desc *desc)
{
	vma_desc_set_flags(desc, VMA_IO_BIT, VMA_DONTEXPAND_BIT);
	mmap_action_simple_ioremap(desc, 0xfed00000, PAGE_SIZE);
	return 0;
}

static const struct file_operations mem_fops = { .mmap_prepare = mmap_mem_prepare };
static const struct file_operations zero_fops = { .mmap_prepare = mmap_zero_prepare };
static const struct file_operations hpet_fops = { .mmap_prepare = hpet_mmap_prepare };
// CHECK: vmaprep: 3 mmap handlers in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 3 already mmap_prepare; 0 subsystem hooks

// JSON: "function": "mmap_mem_prepare"
// JSON-NEXT: "hook": "mmap_prepare"
// JSON: "member": "mmap_prepare"
// JSON: "verdict": "already-mmap-prepare"
// JSON: "function": "mmap_zero_prepare"
// JSON: "verdict": "already-mmap-prepare"
// JSON: "function": "hpet_mmap_prepare"
// JSON: "verdict": "already-mmap-prepare"
// JSON: "already-mmap-prepare": 3
