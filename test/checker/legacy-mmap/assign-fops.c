// Mirrors drivers that build their file_operations at probe time instead of
// declaring a const table: drivers/hv/hv_utils_transport.c fills
// hvt->fops member by member, drivers/target/target_core_user.c sets
// info->mmap = tcmu_mmap. Here both assignment forms set the mmap member:
// through a struct (`fops.mmap = f`) and through a pointer (`p->mmap = f`).
// The handlers are aio_ring_mmap()-like (fs/aio.c): flags and vm_ops only.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>

struct hvutil_transport {
	int mode;
	struct file_operations fops;
};

static const struct vm_operations_struct ring_vm_ops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'ring_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_DONTEXPAND)
	vm_flags_set(vma, VM_DONTEXPAND);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &ring_vm_ops
	vma->vm_ops = &ring_vm_ops;
	return 0;
}

// CHECK: :[[@LINE+1]]:12: warning: 'ctl_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int ctl_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND)
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND);
	return 0;
}

static struct file_operations ring_fops;

int hvt_create(struct hvutil_transport *hvt)
{
	hvt->fops.owner = THIS_MODULE;
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'hvt->fops'
	hvt->fops.mmap = ring_mmap;
	return 0;
}

void ring_setup(struct file_operations *p)
{
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'ring_fops'
	ring_fops.mmap = ring_mmap;
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'p'
	p->mmap = ctl_mmap;
}
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 2 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// JSON: "function": "ring_mmap"
// JSON: "form": "assignment"
// JSON: "table": "hvt->fops"
// JSON: "form": "assignment"
// JSON: "table": "ring_fops"
// JSON: "function": "ctl_mmap"
// JSON: "form": "assignment"
// JSON: "table": "p"

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: assign-fops.c:24:12: note: vmaprep fix rewrites it as 'ring_mmap_prepare'
// FIX: assign-fops.c:34:12: note: vmaprep fix rewrites it as 'ctl_mmap_prepare'
