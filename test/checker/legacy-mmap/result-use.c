// What a handler does with its remap's result decides how the action is
// written. Patterns, each from a real driver:
//  - returned: drivers/char/hpet.c-style `return remap_pfn_range(...)`;
//  - error mapped: drivers/char/mem.c mmap_mem(), `if (remap(...)) return
//    -EAGAIN;` -> error_override (7.1), an error hook (6.19, 7.0);
//  - ignored: drivers/hwtracing/stm/core.c stm_char_mmap() ignores
//    vm_iomap_memory()'s result; as an action a failure fails the mmap;
//  - assigned and propagated: drivers/sbus/char/flash.c-style `ret = ...;
//    return ret;`.
// At 7.0 the vm_iomap_memory() one needs 7.1 for its action; the others
// convert as they are.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' -e 'note: the rewrite differs' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | grep -v -e 'note: registered as' -e 'note: vmaprep fix' | FileCheck %s --check-prefix=API70 --implicit-check-not=warning: --implicit-check-not=note:
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

extern unsigned long dev_pfn;

// CHECK: :[[@LINE+2]]:12: warning: 'returned_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'returned_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int returned_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+2]]:9: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, dev_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	// API70: :[[@LINE+1]]:9: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, dev_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	return remap_pfn_range(vma, vma->vm_start, dev_pfn,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

// CHECK: :[[@LINE+2]]:12: warning: 'error_mapped_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'error_mapped_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int error_mapped_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+4]]:6: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, dev_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	// CHECK: :[[@LINE+3]]:6: note: turning a mapping error into -EAGAIN needs desc->action.error_override (API level 7.1): remap_pfn_range(vma, vma->vm_start, dev_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	// API70: :[[@LINE+2]]:6: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, dev_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	// API70: :[[@LINE+1]]:6: note: turning a mapping error into -EAGAIN needs desc->action.error_hook (API level 6.19): remap_pfn_range(vma, vma->vm_start, dev_pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot)
	if (remap_pfn_range(vma, vma->vm_start, dev_pfn,
			    vma->vm_end - vma->vm_start, vma->vm_page_prot))
		return -EAGAIN;
	return 0;
}

// CHECK: :[[@LINE+2]]:12: warning: 'ignored_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'ignored_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 7.1 (target 7.0) [vmaprep-legacy-mmap]
static int ignored_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+4]]:2: note: ignores the result of vm_iomap_memory(); as an action, its failure will fail the mmap (upstream accepted this, e.g. for stm): vm_iomap_memory(vma, (phys_addr_t)dev_pfn << PAGE_SHIFT, vma->vm_end - vma->vm_start)
	// CHECK: :[[@LINE+3]]:2: note: vm_iomap_memory() needs mmap_action_simple_ioremap() (API level 7.1): vm_iomap_memory(vma, (phys_addr_t)dev_pfn << PAGE_SHIFT, vma->vm_end - vma->vm_start)
	// API70: :[[@LINE+2]]:2: note: ignores the result of vm_iomap_memory(); as an action, its failure will fail the mmap (upstream accepted this, e.g. for stm): vm_iomap_memory(vma, (phys_addr_t)dev_pfn << PAGE_SHIFT, vma->vm_end - vma->vm_start)
	// API70: :[[@LINE+1]]:2: note: vm_iomap_memory() needs mmap_action_simple_ioremap() (API level 7.1): vm_iomap_memory(vma, (phys_addr_t)dev_pfn << PAGE_SHIFT, vma->vm_end - vma->vm_start)
	vm_iomap_memory(vma, (phys_addr_t)dev_pfn << PAGE_SHIFT, vma->vm_end - vma->vm_start);
	return 0;
}

// CHECK: :[[@LINE+2]]:12: warning: 'assigned_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'assigned_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int assigned_mmap(struct file *file, struct vm_area_struct *vma)
{
	int ret;

	// CHECK: :[[@LINE+2]]:8: note: io_remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): io_remap_pfn_range(vma, vma->vm_start, dev_pfn, vma_pages(vma) << PAGE_SHIFT, vma->vm_page_prot)
	// API70: :[[@LINE+1]]:8: note: io_remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): io_remap_pfn_range(vma, vma->vm_start, dev_pfn, vma_pages(vma) << PAGE_SHIFT, vma->vm_page_prot)
	ret = io_remap_pfn_range(vma, vma->vm_start, dev_pfn,
				 vma_pages(vma) << PAGE_SHIFT, vma->vm_page_prot);
	return ret;
}

// SITE: :[[@LINE+1]]:55: note: registered as .mmap in 'returned_fops'
static const struct file_operations returned_fops = { .mmap = returned_mmap };
// SITE: :[[@LINE+1]]:59: note: registered as .mmap in 'error_mapped_fops'
static const struct file_operations error_mapped_fops = { .mmap = error_mapped_mmap };
// SITE: :[[@LINE+1]]:54: note: registered as .mmap in 'ignored_fops'
static const struct file_operations ignored_fops = { .mmap = ignored_mmap };
// SITE: :[[@LINE+1]]:55: note: registered as .mmap in 'assigned_fops'
static const struct file_operations assigned_fops = { .mmap = assigned_mmap };
// JSON: "name": "remap_pfn_range"
// JSON: "result_use": "returned"
// JSON: "function": "returned_mmap"
// JSON: "error_value": "-EAGAIN"
// JSON: "name": "remap_pfn_range"
// JSON: "result_use": "error-mapped"
// JSON: "function": "error_mapped_mmap"
// JSON: "id": "error-override"
// JSON: "name": "vm_iomap_memory"
// JSON: "result_use": "ignored"
// JSON: "function": "ignored_mmap"
// JSON: "id": "error-ignored"
// JSON: "differences": [
// JSON-NEXT: "a failure of vm_iomap_memory() now fails the mmap; the legacy hook ignored it (the action reports it)"
// JSON-NEXT: ],
// JSON-NEXT: "new_function": "ignored_mmap_prepare",
// JSON: "name": "io_remap_pfn_range"
// JSON: "range": "whole-vma"
// JSON-NEXT: "result_use": "assigned"
// JSON: "function": "assigned_mmap"
// CHECK: vmaprep: 4 mmap handlers in 1 of 1 analysed files (API level 7.1): 4 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks
// API70: vmaprep: 4 mmap handlers in 1 of 1 analysed files (API level 7.0): 3 auto-convertible, 0 convertible with vm_ops->mapped, 1 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: result-use.c:25:12: note: vmaprep fix rewrites it as 'returned_mmap_prepare'
// FIX: result-use.c:35:12: note: vmaprep fix rewrites it as 'error_mapped_mmap_prepare'
// FIX: result-use.c:49:12: note: vmaprep fix rewrites it as 'ignored_mmap_prepare'
// Every intended behaviour difference is named (in JSON too, above):
// FIX-NEXT: result-use.c:49:12: note: the rewrite differs on purpose: a failure of vm_iomap_memory() now fails the mmap; the legacy hook ignored it (the action reports it)
// FIX: result-use.c:67:8: note: vmaprep fix does not rewrite it: the result of io_remap_pfn_range() is assigned; only `return io_remap_pfn_range(...)`, `if (io_remap_pfn_range(...)) return -E...;` and an ignored result are rewritten
