// Mirrors drivers/hwtracing/stm/core.c (6.12) stm_char_mmap(): checks,
// pm_runtime_get_sync() (balanced by the vm_ops close), uncached protection,
// IO flags, vm_ops, and vm_iomap_memory() whose result is ignored. Upstream
// moved the PM get to vm_ops->mapped and accepted that a failing action now
// fails the mmap.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s --check-prefix=API70
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pm_runtime.h>

struct stm_device { struct device dev; unsigned long (*mmio_addr)(unsigned int chans); unsigned long sw_mmiosz; };
struct stm_file { struct stm_device *stm; unsigned int nr_chans; };
static const struct vm_operations_struct stm_mmap_vmops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'stm_char_mmap' uses the deprecated file_operations->mmap hook; blocked: the mapping action can fail after the VMA exists; the core then unmaps it and runs vm_ops->close without ->mapped having run, so the state cannot move to ->mapped [vmaprep-legacy-mmap]
static int stm_char_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct stm_file *stmf = file->private_data;
	struct stm_device *stm = stmf->stm;
	unsigned long size, phys;

	if (!stm->mmio_addr)
		return -EOPNOTSUPP;
	if (vma->vm_pgoff)
		return -EINVAL;
	size = vma->vm_end - vma->vm_start;
	if (stmf->nr_chans * stm->sw_mmiosz != size)
		return -EINVAL;
	phys = stm->mmio_addr(stmf->nr_chans);
	if (!phys)
		return -EINVAL;

	// CHECK: :[[@LINE+1]]:2: note: acquires state (runtime-pm): pm_runtime_get_sync(&stm->dev)
	pm_runtime_get_sync(&stm->dev);

	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_page_prot: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP)
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &stm_mmap_vmops
	vma->vm_ops = &stm_mmap_vmops;
	// Upstream moved the PM get to ->mapped, but an action that fails after the
	// VMA exists makes the core run ->close without ->mapped (validation found
	// it): the Classifier blocks it (fix refused it before the verdict did).
	// CHECK: :[[@LINE+1]]:2: note: the mapping action can fail after the VMA exists; the core then unmaps it and runs vm_ops->close without ->mapped having run, so the state cannot move to ->mapped: vm_iomap_memory(vma, phys, size)
	vm_iomap_memory(vma, phys, size);

	return 0;
}

// SITE: :[[@LINE+1]]:50: note: registered as .mmap in 'stm_fops'
static const struct file_operations stm_fops = { .mmap = stm_char_mmap };
// API70: warning: 'stm_char_mmap' uses the deprecated file_operations->mmap hook; blocked: the mapping action can fail after the VMA exists; the core then unmaps it and runs vm_ops->close without ->mapped having run, so the state cannot move to ->mapped
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks

// A blocked verdict is itself fix's reason: check adds no rewrite note.
// FIX-NOT: vmaprep fix does not rewrite it
