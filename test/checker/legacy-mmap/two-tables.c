// Mirrors drivers/uio/uio_hv_generic.c / drivers/char/mem.c style drivers
// where one handler serves two device nodes: here, like
// drivers/infiniband/core/uverbs_main.c's uverbs_fops / uverbs_mmap_fops
// pair, a plain and a compat table both name the same handler. One finding,
// two registrations. The handler is open-dice's (drivers/misc/open-dice.c,
// 6.12): a read-only write-combined view of reserved memory through
// vm_iomap_memory(), which needs 7.1's mmap_action_simple_ioremap().
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | grep -v -e 'note: registered as' -e 'note: vmaprep fix' | FileCheck %s --check-prefix=API70 --implicit-check-not=note:
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

struct reserved_mem { phys_addr_t base; phys_addr_t size; };
struct open_dice_drvdata { struct reserved_mem *rmem; };

// CHECK: :[[@LINE+2]]:12: warning: 'open_dice_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'open_dice_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 7.1 (target 7.0) [vmaprep-legacy-mmap]
static int open_dice_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct open_dice_drvdata *drvdata = filp->private_data;

	if (vma->vm_flags & VM_MAYSHARE) {
		/* Do not allow userspace to modify the underlying data. */
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		/* Ensure userspace cannot acquire VM_WRITE later. */
		// CHECK: :[[@LINE+2]]:3: note: changes flags: vm_flags_clear(vma, VM_MAYWRITE)
		// API70: :[[@LINE+1]]:3: note: changes flags: vm_flags_clear(vma, VM_MAYWRITE)
		vm_flags_clear(vma, VM_MAYWRITE);
	}

	/* Create write-combine mapping so all clients observe a wipe. */
	// CHECK: :[[@LINE+2]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot)
	// API70: :[[@LINE+1]]:2: note: writes vma->vm_page_prot:
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	// CHECK: :[[@LINE+2]]:2: note: changes flags: vm_flags_set(vma, VM_DONTCOPY | VM_DONTDUMP)
	// API70: :[[@LINE+1]]:2: note: changes flags:
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTDUMP);
	// CHECK: :[[@LINE+2]]:9: note: vm_iomap_memory() needs mmap_action_simple_ioremap() (API level 7.1): vm_iomap_memory(vma, drvdata->rmem->base, drvdata->rmem->size)
	// API70: :[[@LINE+1]]:9: note: vm_iomap_memory() needs mmap_action_simple_ioremap() (API level 7.1): vm_iomap_memory(
	return vm_iomap_memory(vma, drvdata->rmem->base, drvdata->rmem->size);
}

static const struct file_operations open_dice_fops = {
	.owner = THIS_MODULE,
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'open_dice_fops'
	.mmap = open_dice_mmap,
};

static const struct file_operations open_dice_compat_fops = {
	.owner = THIS_MODULE,
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'open_dice_compat_fops'
	.mmap = open_dice_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible,
// API70: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.0): 0 auto-convertible, 0 convertible with vm_ops->mapped, 1 need a newer API level,

// JSON: "detail": "pgprot_writecombine"
// JSON: "kind": "field-write"
// JSON: "name": "vm_page_prot"
// JSON: "name": "vm_iomap_memory"
// JSON: "range": "whole-vma"
// JSON-NEXT: "result_use": "returned"
// JSON: "function": "open_dice_mmap"
// JSON: "table": "open_dice_fops"
// JSON: "table": "open_dice_compat_fops"
// JSON: "verdict": "auto-convertible"
// JSON: "handlers": 1

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: two-tables.c:22:12: note: vmaprep fix rewrites it as 'open_dice_mmap_prepare'
