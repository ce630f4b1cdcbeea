// The clang-tidy front door: the CLI's findings as clang-tidy diagnostics, the
// rewrite as the fix-its of one warning per handler, NOLINT honoured.
// RUN: sed '/^\/\/ [A-Z-]*:/d' %s > %t.c
// RUN: %clang_tidy --checks='-*,vmaprep-*' %s -- %kflags | FileCheck %s --check-prefix=MSG --implicit-check-not='warning:'
// RUN: %clang_tidy --checks='-*,vmaprep-*' --fix %t.c -- %kflags
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED
// RUN: %clang_tidy --checks='-*,vmaprep-*' --list-checks | FileCheck %s --check-prefix=LIST
// LIST: vmaprep-legacy-mmap
#include <linux/fs.h>
#include <linux/mm.h>

// MSG: :[[@LINE+3]]:12: warning: 'win_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// FIXED: static int win_mmap_prepare(struct vm_area_desc *desc)
// FIXED-NEXT: {
static int win_mmap(struct file *file, struct vm_area_struct *vma)
{
// FIXED-NEXT: vma_desc_set_flags(desc, VMA_IO_BIT, VMA_DONTEXPAND_BIT);
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND);
// FIXED-NEXT: mmap_action_ioremap_full(desc, 0x1000);
// FIXED-NEXT: return 0;
	return io_remap_pfn_range(vma, vma->vm_start, 0x1000, vma->vm_end - vma->vm_start,
				  vma->vm_page_prot);
}

// A blocked handler: a warning, no fix.
// MSG: :[[@LINE+3]]:12: warning: 'ring_mmap' uses the deprecated file_operations->mmap hook; blocked: inserts pages one by one (vm_insert_page); no action does that [vmaprep-legacy-mmap]
// FIXED: static int ring_mmap(struct file *file, struct vm_area_struct *vma)
// FIXED-NEXT: {
static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	return vm_insert_page(vma, vma->vm_start, 0);
}

// Suppressed with NOLINT, as any clang-tidy check.
// FIXED: static int quiet_mmap(struct file *file, struct vm_area_struct *vma) // NOLINT(vmaprep-legacy-mmap)
static int quiet_mmap(struct file *file, struct vm_area_struct *vma) // NOLINT(vmaprep-legacy-mmap)
{
	vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

static const struct file_operations win_fops = {
// FIXED: .mmap_prepare = win_mmap_prepare,
	.mmap = win_mmap,
};
static const struct file_operations ring_fops = {
// FIXED: .mmap = ring_mmap,
	.mmap = ring_mmap,
};
static const struct file_operations quiet_fops = {
// FIXED: .mmap = quiet_mmap,
	.mmap = quiet_mmap,
};
