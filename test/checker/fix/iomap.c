// hpet before its conversion (drivers/char/hpet.c, 6.12): vm_iomap_memory()
// becomes mmap_action_simple_ioremap() at 7.1; at 6.19 it cannot.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.619.c
// RUN: %vmaprep fix %t.619.c --api 6.19 -- %kflags -DVMAPREP_KAPI=61900 2>&1 | FileCheck %s --check-prefix=AT619
// AT619: 'hpet_mmap' not converted: the verdict is needs-api-level
#include <linux/fs.h>
#include <linux/mm.h>

struct hpet_dev { unsigned long phys; };
static int hpet_mmap_enabled = 1;

static int hpet_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hpet_dev *devp;
	unsigned long addr;

	if (!hpet_mmap_enabled)
		return -EACCES;
	devp = file->private_data;
	addr = devp->phys;
	if (addr & (PAGE_SIZE - 1))
		return -ENOSYS;
// FIXED: desc->page_prot = pgprot_noncached(desc->page_prot);
// FIXED-NEXT: mmap_action_simple_ioremap(desc, addr, PAGE_SIZE);
// FIXED-NEXT: return 0;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return vm_iomap_memory(vma, addr, PAGE_SIZE);
}

static const struct file_operations hpet_fops = {
	.mmap = hpet_mmap,
};
