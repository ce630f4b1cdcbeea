// Mirrors drivers/net/wireless/marvell/libertas/debugfs.c: an array of
// `struct lbs_debugfs_files { const char *name; umode_t perm; struct
// file_operations fops; }` whose fops member is filled by the FOPS(read,
// write) macro. Here one entry also gets a mmap through a macro argument, so
// the table is nested in another struct, in an array, and built by a macro.
// The handler exposes a statistics page with remap_pfn_range().
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
#include <linux/fs.h>
#include <linux/mm.h>

struct lbs_debugfs_files {
	const char *name;
	unsigned short perm;
	struct file_operations fops;
};

extern unsigned long lbs_stats_pfn;

static ssize_t lbs_dev_info(struct file *file, char __user *userbuf, size_t count, loff_t *ppos)
{
	return 0;
}

// CHECK: :[[@LINE+1]]:12: warning: 'lbs_stats_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
static int lbs_stats_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma_pages(vma) != 1)
		return -EINVAL;
	// CHECK: :[[@LINE+1]]:9: note: remap_pfn_range() needs remap actions (mmap_action_remap) (API level 6.19): remap_pfn_range(vma, vma->vm_start, lbs_stats_pfn, PAGE_SIZE, vma->vm_page_prot)
	return remap_pfn_range(vma, vma->vm_start, lbs_stats_pfn, PAGE_SIZE, vma->vm_page_prot);
}

#define FOPS(fread, fwrite) { \
	.owner = THIS_MODULE, \
	.read = (fread), \
	.write = (fwrite), \
}
#define FOPS_MMAP(fread, fmmap) { \
	.owner = THIS_MODULE, \
	.read = (fread), \
	.mmap = (fmmap), \
}

static const struct lbs_debugfs_files debugfs_files[] = {
	{ "info", 0444, FOPS(lbs_dev_info, NULL), },
	// SITE: :[[@LINE+1]]:19: note: registered as .mmap in 'debugfs_files[1].fops' (in expansion of macro 'FOPS_MMAP')
	{ "stats", 0444, FOPS_MMAP(lbs_dev_info, lbs_stats_mmap), },
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 1 auto-convertible,

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: nested-table.c:50:19: note: vmaprep fix does not rewrite it: 'debugfs_files[1].fops' is produced by the macro FOPS_MMAP (in expansion of macro 'FOPS_MMAP')
