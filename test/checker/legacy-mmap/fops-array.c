// Mirrors drivers/infiniband/hw/qib/qib_fs.c, which declares arrays of
// file_operations (driver_ops[], portcntr_ops[]) indexed by file kind; here
// one kind of file is mappable. The handler maps a per-port counter page
// with vm_map_pages(), which needs 7.1's mmap_action_map_kernel_pages().
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --api 7.0 %s -- %kflags -DVMAPREP_KAPI=70000 | FileCheck %s --check-prefix=API70
#include <linux/fs.h>
#include <linux/mm.h>

struct qibfs_port { struct page *pages[4]; unsigned long nr; };

static ssize_t portcntrs_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	return 0;
}

// CHECK: :[[@LINE+2]]:12: warning: 'portcntrs_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// API70: :[[@LINE+1]]:12: warning: 'portcntrs_mmap' uses the deprecated file_operations->mmap hook; convertible from API level 7.1 (target 7.0) [vmaprep-legacy-mmap]
static int portcntrs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct qibfs_port *port = file_inode(file)->i_private;

	// CHECK: :[[@LINE+2]]:9: note: vm_map_pages() needs mmap_action_map_kernel_pages() (API level 7.1): vm_map_pages(vma, port->pages, port->nr)
	// API70: :[[@LINE+1]]:9: note: vm_map_pages() needs mmap_action_map_kernel_pages() (API level 7.1): vm_map_pages(vma, port->pages, port->nr)
	return vm_map_pages(vma, port->pages, port->nr);
}

static const struct file_operations portcntr_ops[] = {
	{
		.read = portcntrs_read,
	},
	{
		.read = portcntrs_read,
		// SITE: :[[@LINE+1]]:3: note: registered as .mmap in 'portcntr_ops[1]'
		.mmap = portcntrs_mmap,
	},
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible,

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: fops-array.c:22:12: note: vmaprep fix rewrites it as 'portcntrs_mmap_prepare'
