// A hook that calls its own vm_ops->open by hand to count the mapping
// (drivers/target/target_core_user.c tcmu_mmap() and drivers/usb/mon/mon_bin.c
// mon_bin_mmap() in 6.12) gets a generated vm_ops->mapped callback with
// open's body, as upstream did for tcmu in 7.3 (tcmu_vma_mapped()): what open
// read through vma->vm_private_data, ->mapped reads through *vm_private_data,
// which holds what the hook left in desc->private_data. The core runs
// ->mapped once, for a mapping that did not merge and did not fail, where
// the legacy hook counted every mapping it set up; these drivers map by fault
// (no action), so nothing can fail after ->mapped is due. mon_bin's shape is
// legacy-mmap/mon-bin-direct-open.c. Validated by execution in
// validate/mapped-open.test.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not='_open(vma);' --implicit-check-not='->open(vma)'
// REPORT: converted 'tcmu_mmap' to 'tcmu_mmap_prepare'
// REPORT: converted 'comedi_mmap' to 'comedi_mmap_prepare'
// At 7.0 there is no ->mapped: nothing changes.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.70.c
// RUN: %vmaprep fix %t.70.c --api 7.0 -- %kflags -DVMAPREP_KAPI=70000 2>&1 | FileCheck %s --check-prefix=AT70
// AT70: 'tcmu_mmap' not converted: the verdict is needs-api-level
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/kref.h>
#include <linux/printk.h>

/* tcmu: a kref per mapping, taken by open and dropped by close. */
struct tcmu_dev { struct kref kref; unsigned long mmap_pages; };

static void tcmu_dev_kref_release(struct kref *kref)
{
}

static void tcmu_vma_open(struct vm_area_struct *vma)
{
	struct tcmu_dev *udev = vma->vm_private_data;

	pr_debug("vma_open\n");

	kref_get(&udev->kref);
}

static void tcmu_vma_close(struct vm_area_struct *vma)
{
	struct tcmu_dev *udev = vma->vm_private_data;

	pr_debug("vma_close\n");

	/* release ref from tcmu_vma_open */
	kref_put(&udev->kref, tcmu_dev_kref_release);
}

// FIXED: static int tcmu_mmap_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
// FIXED-NEXT: const struct file *file, void **vm_private_data)
// FIXED-NEXT: {
// FIXED-NEXT: struct tcmu_dev *udev = *vm_private_data;
// FIXED-EMPTY:
// FIXED-NEXT: pr_debug("vma_open\n");
// FIXED-EMPTY:
// FIXED-NEXT: kref_get(&udev->kref);
// FIXED-NEXT: return 0;
// FIXED-NEXT: }
// FIXED-EMPTY:
// FIXED-NEXT: static const struct vm_operations_struct tcmu_vm_ops = {
// FIXED-NEXT: .mapped = tcmu_mmap_mapped,
// FIXED-NEXT: .open = tcmu_vma_open,
static const struct vm_operations_struct tcmu_vm_ops = {
	.open = tcmu_vma_open,
	.close = tcmu_vma_close,
};

// FIXED: static int tcmu_mmap_prepare(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: struct tcmu_dev *udev = desc->file->private_data;
// FIXED-EMPTY:
// FIXED-NEXT: vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
// FIXED-NEXT: desc->vm_ops = &tcmu_vm_ops;
// FIXED-EMPTY:
// FIXED-NEXT: desc->private_data = udev;
// FIXED-EMPTY:
// FIXED-NEXT: /* Ensure the mmap is exactly the right size */
// FIXED-NEXT: if (vma_desc_pages(desc) != udev->mmap_pages)
// FIXED-NEXT: return -EINVAL;
// FIXED-EMPTY:
// FIXED-NEXT: return 0;
// FIXED-NEXT: }
static int tcmu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct tcmu_dev *udev = file->private_data;

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &tcmu_vm_ops;

	vma->vm_private_data = udev;

	/* Ensure the mmap is exactly the right size */
	if (vma_pages(vma) != udev->mmap_pages)
		return -EINVAL;

	tcmu_vma_open(vma);

	return 0;
}

/* comedi's spelling of the call: through the ops the hook just installed. */
struct comedi_buf_map { struct kref refcount; };

static void comedi_vm_open(struct vm_area_struct *area)
{
	struct comedi_buf_map *bm = area->vm_private_data;

	kref_get(&bm->refcount);
}

static void comedi_buf_map_kref_release(struct kref *kref)
{
}

static void comedi_vm_close(struct vm_area_struct *area)
{
	struct comedi_buf_map *bm = area->vm_private_data;

	kref_put(&bm->refcount, comedi_buf_map_kref_release);
}

static const struct vm_operations_struct comedi_vm_ops = {
	.open = comedi_vm_open,
	.close = comedi_vm_close,
};

// FIXED: static int comedi_mmap_prepare(struct vm_area_desc *desc)
static int comedi_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct comedi_buf_map *bm = file->private_data;

	if (vma->vm_pgoff != 0)
		return -EINVAL;
	vma->vm_ops = &comedi_vm_ops;
	vma->vm_private_data = bm;
	vm_flags_set(vma, VM_DONTEXPAND);
// FIXED: vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT);
// FIXED-NEXT: return 0;
	vma->vm_ops->open(vma);
	return 0;
}

// FIXED: .mmap_prepare = tcmu_mmap_prepare,
static const struct file_operations tcmu_fops = {
	.mmap = tcmu_mmap,
};

// FIXED: .mmap_prepare = comedi_mmap_prepare,
static const struct file_operations comedi_fops = {
	.mmap = comedi_mmap,
};
