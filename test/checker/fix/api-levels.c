// The same handler at each API level: the desc's spelling follows the level
// (docs/api-levels.md). Shape of drivers/misc/open-dice.c and drivers/char/hpet.c.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.616.c
// RUN: %vmaprep fix %t.616.c --api 6.16 -- %kflags -DVMAPREP_KAPI=61600
// RUN: FileCheck %s --input-file=%t.616.c --check-prefix=L616
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.618.c
// RUN: %vmaprep fix %t.618.c --api 6.18 -- %kflags -DVMAPREP_KAPI=61800
// RUN: FileCheck %s --input-file=%t.618.c --check-prefix=L618
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.70.c
// RUN: %vmaprep fix %t.70.c --api 7.0 -- %kflags -DVMAPREP_KAPI=70000
// RUN: FileCheck %s --input-file=%t.70.c --check-prefix=L70
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.71.c
// RUN: %vmaprep fix %t.71.c -- %kflags
// RUN: FileCheck %s --input-file=%t.71.c --check-prefix=L71
#include <linux/fs.h>
#include <linux/mm.h>

struct dice { struct file *backing; };

// L616: static int dice_mmap_prepare(struct vm_area_desc *desc)
// L71: static int dice_mmap_prepare(struct vm_area_desc *desc)
static int dice_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dice *d = file->private_data;

// L616: if (desc->vm_flags & VM_MAYSHARE) {
// L618: if (desc->vm_flags & VM_MAYSHARE) {
// L70: if (vma_desc_test_flags(desc, VMA_MAYSHARE_BIT)) {
// L71: if (vma_desc_test(desc, VMA_MAYSHARE_BIT)) {
	if (vma->vm_flags & VM_MAYSHARE) {
// L616: desc->vm_flags &= ~(VM_MAYWRITE);
// L70: vma_desc_clear_flags(desc, VMA_MAYWRITE_BIT);
		vm_flags_clear(vma, VM_MAYWRITE);
	}
// L616: desc->vm_flags |= VM_DONTCOPY | VM_DONTDUMP;
// L618: desc->vm_flags |= VM_DONTCOPY | VM_DONTDUMP;
// L71: vma_desc_set_flags(desc, VMA_DONTCOPY_BIT, VMA_DONTDUMP_BIT);
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTDUMP);
// L616: desc->file = get_file(d->backing);
// L618: desc->vm_file = get_file(d->backing);
// L71: desc->vm_file = get_file(d->backing);
	vma_set_file(vma, d->backing);
// L616: return (((desc->end - desc->start) >> PAGE_SHIFT) > 16) ? -EINVAL : 0;
// L71: return (vma_desc_pages(desc) > 16) ? -EINVAL : 0;
	return (vma_pages(vma) > 16) ? -EINVAL : 0;
}

static const struct file_operations dice_fops = {
	.mmap = dice_mmap,
};
