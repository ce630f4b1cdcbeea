// A physical window mapped whole (drivers/char/hpet.c, drivers/fpga/dfl-afu-main.c):
// page protection, flag tests and changes, size, one remap returned.
// RUN: sed '/^\/\/ [A-Z-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// Running it again changes nothing.
// RUN: cp %t.c %t.first.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=AGAIN
// RUN: diff %t.c %t.first.c
// REPORT: remark: converted 'window_mmap' to 'window_mmap_prepare' (validated on the runtime model: {{[0-9]+}} scenario runs, {{[1-9][0-9]*}} hook calls succeeded) [vmaprep-legacy-mmap]
// REPORT: vmaprep: converted 1 of 1 legacy handlers (API level 7.1); changed 1 file; 0 left
// AGAIN: vmaprep: converted 0 of 0 legacy handlers
#include <linux/fs.h>
#include <linux/mm.h>

struct window_dev {
	phys_addr_t base;
	unsigned long size;
};

// FIXED: static int window_mmap_prepare(struct vm_area_desc *desc)
static int window_mmap(struct file *file, struct vm_area_struct *vma)
{
// FIXED: struct window_dev *win = desc->file->private_data;
	struct window_dev *win = file->private_data;
// FIXED-NEXT: unsigned long size = vma_desc_size(desc);
	unsigned long size = vma->vm_end - vma->vm_start;

	if (size > win->size)
		return -EINVAL;
// FIXED: if (!vma_desc_test(desc, VMA_SHARED_BIT))
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
// FIXED: if (vma_desc_test_any(desc, VMA_WRITE_BIT, VMA_EXEC_BIT) && !win->size)
	if ((vma->vm_flags & (VM_WRITE | VM_EXEC)) && !win->size)
		return -EPERM;
// FIXED: desc->pgoff = 0;
	vma->vm_pgoff = 0;
// FIXED-NEXT: desc->page_prot = pgprot_noncached(desc->page_prot);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
// FIXED-NEXT: vma_desc_set_flags(desc, VMA_IO_BIT, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
// FIXED-NEXT: vma_desc_clear_flags(desc, VMA_MAYEXEC_BIT);
	vm_flags_clear(vma, VM_MAYEXEC);
// FIXED-NEXT: mmap_action_remap_full(desc, win->base >> PAGE_SHIFT);
// FIXED-NEXT: return 0;
	return remap_pfn_range(vma, vma->vm_start, win->base >> PAGE_SHIFT, size,
			       vma->vm_page_prot);
}

static const struct file_operations window_fops = {
// FIXED: .mmap_prepare = window_mmap_prepare,
	.mmap = window_mmap,
};
