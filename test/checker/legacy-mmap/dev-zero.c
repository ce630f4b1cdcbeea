// Mirrors drivers/char/mem.c (6.12) mmap_zero(): a shared mapping of /dev/zero
// becomes shmem, a private one anonymous. Upstream converted it to
// shmem_zero_setup_desc()/vma_desc_set_anonymous(), which appeared in 6.19.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 6.18 %s -- %kflags -DVMAPREP_KAPI=61800 | grep -v -e 'note: registered as' -e 'note: vmaprep fix' | FileCheck %s --check-prefix=API618 --implicit-check-not=warning: --implicit-check-not=note:
// RUN: not %vmaprep check --show-reads %s -- %kflags | FileCheck %s --check-prefix=READS
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>

// CHECK: :[[@LINE+2]]:12: warning: 'mmap_zero' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API618: :[[@LINE+1]]:12: warning: 'mmap_zero' uses the deprecated file_operations->mmap hook; convertible from API level 6.19 (target 6.18) [vmaprep-legacy-mmap]
static int mmap_zero(struct file *file, struct vm_area_struct *vma)
{
	// READS: :[[@LINE+1]]:6: note: tests flags: vma->vm_flags & VM_SHARED
	if (vma->vm_flags & VM_SHARED)
		// CHECK: :[[@LINE+2]]:10: note: shmem_zero_setup() needs vma_desc_set_anonymous()/shmem_zero_setup_desc() (API level 6.19): shmem_zero_setup(vma)
		// API618: :[[@LINE+1]]:10: note: shmem_zero_setup() needs vma_desc_set_anonymous()/shmem_zero_setup_desc() (API level 6.19): shmem_zero_setup(vma)
		return shmem_zero_setup(vma);
	// CHECK: :[[@LINE+2]]:2: note: vma_set_anonymous() needs vma_desc_set_anonymous()/shmem_zero_setup_desc() (API level 6.19): vma_set_anonymous(vma)
	// API618: :[[@LINE+1]]:2: note: vma_set_anonymous() needs
	vma_set_anonymous(vma);
	return 0;
}

static const struct file_operations zero_fops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'zero_fops'
	.mmap		= mmap_zero,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible,
// API618: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 6.18): 0 auto-convertible, 0 convertible with vm_ops->mapped, 1 need a newer API level,

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: dev-zero.c:16:12: note: vmaprep fix rewrites it as 'mmap_zero_prepare'
