// Per-mapping state moves into a generated vm_ops->mapped callback (7.1+), as
// upstream did for drivers/hwtracing/stm/core.c: the PM get, balanced by the
// existing vm_ops close, runs once the mapping exists. This driver maps by
// fault (no action): with an action that can fail after the VMA exists the
// move is refused (mapped-refusals.test), since the core would then run
// ->close without ->mapped.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=pm_runtime_get_sync
// At 7.0 there is no ->mapped: nothing changes.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.70.c
// RUN: %vmaprep fix %t.70.c --api 7.0 -- %kflags -DVMAPREP_KAPI=70000 2>&1 | FileCheck %s --check-prefix=AT70
// AT70: 'stm_char_mmap' not converted: the verdict is needs-api-level
// REPORT: converted 'stm_char_mmap' to 'stm_char_mmap_prepare'
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pm_runtime.h>

struct stm_device { struct device dev; unsigned long phys; };
struct stm_file { struct stm_device *stm; };

static void stm_mmap_open(struct vm_area_struct *vma)
{
	struct stm_file *stmf = vma->vm_file->private_data;

	pm_runtime_get(&stmf->stm->dev);
}

static void stm_mmap_close(struct vm_area_struct *vma)
{
	struct stm_file *stmf = vma->vm_file->private_data;

	pm_runtime_put(&stmf->stm->dev);
}

// FIXED: static int stm_char_mmap_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
// FIXED-NEXT: const struct file *file, void **vm_private_data)
// FIXED-NEXT: {
// FIXED-NEXT: struct stm_file *stmf = file->private_data;
// FIXED-NEXT: struct stm_device *stm = stmf->stm;
// FIXED-EMPTY:
// FIXED-NEXT: pm_runtime_get_sync(&stm->dev);
// FIXED-NEXT: return 0;
// FIXED-NEXT: }
// FIXED-EMPTY:
// FIXED-NEXT: static const struct vm_operations_struct stm_mmap_vmops = {
// FIXED-NEXT: .mapped = stm_char_mmap_mapped,
// FIXED-NEXT: .open = stm_mmap_open,
// FIXED-NEXT: .close = stm_mmap_close,
static const struct vm_operations_struct stm_mmap_vmops = {
	.open = stm_mmap_open,
	.close = stm_mmap_close,
};

// FIXED: static int stm_char_mmap_prepare(struct vm_area_desc *desc)
static int stm_char_mmap(struct file *file, struct vm_area_struct *vma)
{
// FIXED-NEXT: {
// FIXED-NEXT: struct stm_file *stmf = desc->file->private_data;
// FIXED-NEXT: struct stm_device *stm = stmf->stm;
	struct stm_file *stmf = file->private_data;
	struct stm_device *stm = stmf->stm;

	if (!stm->phys)
		return -EINVAL;
// FIXED: return -EINVAL;
// FIXED-EMPTY:
// FIXED-NEXT: desc->page_prot = pgprot_noncached(desc->page_prot);
	pm_runtime_get_sync(&stm->dev);

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
// FIXED-NEXT: vma_desc_set_flags(desc, VMA_IO_BIT, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
// FIXED-NEXT: desc->vm_ops = &stm_mmap_vmops;
	vma->vm_ops = &stm_mmap_vmops;
	return 0;
}

static const struct file_operations stm_fops = { .mmap = stm_char_mmap };
