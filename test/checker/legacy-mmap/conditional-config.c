// Mirrors CONFIG-dependent ops: drivers/char/mem.c picks its mmap handlers
// with #ifdef CONFIG_MMU; kernel code increasingly writes the same choice as
// `IS_ENABLED(CONFIG_X) ? f : NULL` (include/linux/kconfig.h) so both arms are
// compiled. The handler named by either arm is found, whatever the config.
// The handler is fs/aio.c's aio_ring_mmap() (6.12): flags and vm_ops only.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check %s -- %kflags -DCONFIG_AIO_RING_MMAP=1 | FileCheck %s --check-prefix=ENABLED
#include <linux/fs.h>
#include <linux/mm.h>

static const struct vm_operations_struct aio_ring_vm_ops = {
};

// CHECK: :[[@LINE+2]]:12: warning: 'aio_ring_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// ENABLED: :[[@LINE+1]]:12: warning: 'aio_ring_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int aio_ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_DONTEXPAND)
	vm_flags_set(vma, VM_DONTEXPAND);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &aio_ring_vm_ops
	vma->vm_ops = &aio_ring_vm_ops;
	return 0;
}

static const struct file_operations aio_ring_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'aio_ring_fops'
	.mmap = IS_ENABLED(CONFIG_AIO_RING_MMAP) ? aio_ring_mmap : NULL,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible,

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: conditional-config.c:30:45: note: vmaprep fix does not rewrite it: the handler is used outside ops tables (called or stored); its signature cannot change
