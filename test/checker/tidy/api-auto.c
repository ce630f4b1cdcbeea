// The plugin's ApiLevel: auto reads the level off the TU's headers, as
// `vmaprep check --api auto` does: at 6.16 the remap waits for 6.19, at 6.19 it
// converts (with 6.19's spelling when fixed), before mmap_prepare nothing is
// fixed. A bad value names auto among the choices.
// RUN: %clang_tidy --checks='-*,vmaprep-*' --config='{CheckOptions: {vmaprep-legacy-mmap.ApiLevel: auto}}' %s -- %kflags -DVMAPREP_KAPI=61600 2>/dev/null | FileCheck %s --check-prefix=AT616
// AT616: warning: 'a_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 6.19 (target 6.16)
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %clang_tidy --checks='-*,vmaprep-*' --config='{CheckOptions: {vmaprep-legacy-mmap.ApiLevel: auto}}' --fix %t.c -- %kflags -DVMAPREP_KAPI=61900
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED619
// FIXED619: desc->vm_flags |= VM_IO;
// FIXED619: mmap_action_remap_full(desc, 7);
// RUN: %clang_tidy --checks='-*,vmaprep-*' --config='{CheckOptions: {vmaprep-legacy-mmap.ApiLevel: auto}}' %s -- %kflags -DVMAPREP_KAPI=61200 2>/dev/null | FileCheck %s --check-prefix=OLD
// OLD: note: vmaprep fix does not rewrite it: the tree predates mmap_prepare
// RUN: %clang_tidy --checks='-*,vmaprep-*' --config='{CheckOptions: {vmaprep-legacy-mmap.ApiLevel: "8.0"}}' %s -- %kflags 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: invalid ApiLevel '8.0' (6.16, 6.18, 6.19, 7.0, 7.1, auto); using 7.1
#include <linux/fs.h>
#include <linux/mm.h>
static int a_mmap(struct file *file, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO);
	return remap_pfn_range(vma, vma->vm_start, 7, vma->vm_end - vma->vm_start, vma->vm_page_prot);
}
static const struct file_operations a_fops = { .mmap = a_mmap };
