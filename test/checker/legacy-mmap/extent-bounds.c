// The comparisons of the mapping's extent with integer constants (a
// field-read's or size-query's "bounds") and a mapping call's constant size
// ("size_value"): what test/kernel-vm/gen-cases.py makes the cases that try
// each side of a handler's checks from. A bound is (size * bytes + pages *
// vma_pages() + pgoff * vm_pgoff + constant) / divisor OP value; comparisons
// with driver state, and locals written after their initialisation, give none.
// (A one-page mapping at offset 0 gets through every check: fix converts it, as
// check says, fix/outlook-agreement.test.)
// RUN: not %vmaprep check --format json %s -- %kflags | grep -E '^ +"(text|op|value|size|pages|pgoff|constant|divisor|size_value)"' | FileCheck %s
#include <linux/fs.h>
#include <linux/mm.h>

struct bnd_dev { unsigned long size; unsigned long phys; };

static int bnd_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct bnd_dev *dev = file->private_data;
	unsigned long vsize = vma->vm_end - vma->vm_start;
	unsigned long count = vma_pages(vma);
	unsigned long grown = vma_pages(vma);

	grown += 1;
	if (vsize > 2 * PAGE_SIZE)
		return -EINVAL;
	if (vma->vm_pgoff > 65535)
		return -EINVAL;
	if (2 < (vma->vm_end - vma->vm_start) >> PAGE_SHIFT)
		return -EINVAL;
	if (vma->vm_pgoff + vma_pages(vma) > 16)
		return -EINVAL;
	if (count != 1 && count != 4)
		return -EINVAL;
	if (grown > 3)
		return -EINVAL;
	if (vma->vm_end - vma->vm_start > dev->size)
		return -EINVAL;
	if (vma->vm_pgoff * 0x100000000000 * 0x100000000000 > 5)
		return -EINVAL;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return vm_iomap_memory(vma, dev->phys, PAGE_SIZE);
}

static const struct file_operations bnd_fops = {
	.mmap = bnd_mmap,
};
void *bnd_fops_get(void) { return (void *)&bnd_fops; }

// vsize, a local never written, compared once: both reads carry the bound.
// CHECK:      "constant": 0,
// CHECK-NEXT: "divisor": 1,
// CHECK-NEXT: "op": ">",
// CHECK-NEXT: "pages": 0,
// CHECK-NEXT: "pgoff": 0,
// CHECK-NEXT: "size": 1,
// CHECK-NEXT: "value": 8192
// CHECK:      "text": "vma->vm_end",
// CHECK:      "op": ">",
// CHECK:      "value": 8192
// CHECK:      "text": "vma->vm_start",
// count, compared twice: two bounds.
// CHECK:      "op": "!=",
// CHECK-NEXT: "pages": 1,
// CHECK-NEXT: "pgoff": 0,
// CHECK-NEXT: "size": 0,
// CHECK-NEXT: "value": 1
// CHECK:      "op": "!=",
// CHECK-NEXT: "pages": 1,
// CHECK-NEXT: "pgoff": 0,
// CHECK-NEXT: "size": 0,
// CHECK-NEXT: "value": 4
// CHECK:      "text": "vma_pages(vma)",
// grown is written after its initialisation: no bound.
// CHECK-NOT:  "op"
// CHECK:      "text": "vma_pages(vma)",
// CHECK:      "op": ">",
// CHECK-NEXT: "pages": 0,
// CHECK-NEXT: "pgoff": 1,
// CHECK-NEXT: "size": 0,
// CHECK-NEXT: "value": 65535
// CHECK:      "text": "vma->vm_pgoff",
// The constant on the left: the operator turned around; the shift a divisor.
// CHECK:      "divisor": 4096,
// CHECK-NEXT: "op": ">",
// CHECK-NEXT: "pages": 0,
// CHECK-NEXT: "pgoff": 0,
// CHECK-NEXT: "size": 1,
// CHECK-NEXT: "value": 2
// CHECK:      "text": "vma->vm_end",
// CHECK:      "divisor": 4096,
// CHECK:      "text": "vma->vm_start",
// vm_pgoff + vma_pages(vma): one bound on both.
// CHECK:      "op": ">",
// CHECK-NEXT: "pages": 1,
// CHECK-NEXT: "pgoff": 1,
// CHECK-NEXT: "size": 0,
// CHECK-NEXT: "value": 16
// CHECK:      "text": "vma->vm_pgoff",
// CHECK:      "value": 16
// CHECK:      "text": "vma_pages(vma)",
// Compared with driver state: no bound.
// CHECK-NOT:  "op"
// CHECK:      "text": "vma->vm_end",
// CHECK-NOT:  "op"
// CHECK:      "text": "vma->vm_start",
// CHECK-NOT:  "op"
// A coefficient that would overflow: no bound.
// CHECK:      "text": "vma->vm_pgoff",
// CHECK-NOT:  "op"
// The mapping's constant size.
// CHECK:      "size_value": 4096,
// CHECK-NEXT: "text": "vm_iomap_memory(vma, dev->phys, PAGE_SIZE)",
