// A static helper that writes the VMA, called only by the handler, is
// converted with it: kernel/relay.c (6.12) relay_file_mmap() hands the VMA to
// relay_mmap_buf(), which checks the size and sets vm_ops, a flag and the
// private data. Upstream (7.3) made it relay_mmap_prepare_buf(buf, desc)
// with the same body on the desc; vmaprep keeps the helper's name.
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.c
// RUN: %vmaprep fix %t.c -- %kflags 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.c --check-prefix=FIXED --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// REPORT: remark: converted 'relay_file_mmap' to 'relay_file_mmap_prepare'
// REPORT: vmaprep: converted 1 of 1 legacy handlers
// check promises the same rewrite (one planMigration() call).
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.check.c
// RUN: not %vmaprep check %t.check.c -- %kflags | FileCheck %s --check-prefix=OUTLOOK
// OUTLOOK: note: vmaprep fix rewrites it as 'relay_file_mmap_prepare'
#include <linux/fs.h>
#include <linux/mm.h>

struct rchan { size_t alloc_size; };
struct rchan_buf { struct rchan *chan; void *start; };

static const struct vm_operations_struct relay_file_mmap_ops = { };

// FIXED: static int relay_mmap_buf(struct rchan_buf *buf, struct vm_area_desc *desc)
static int relay_mmap_buf(struct rchan_buf *buf, struct vm_area_struct *vma)
{
// FIXED-NEXT: {
// FIXED-NEXT: unsigned long length = vma_desc_size(desc);
	unsigned long length = vma->vm_end - vma->vm_start;

	if (!buf)
		return -EBADF;

	if (length != (unsigned long)buf->chan->alloc_size)
		return -EINVAL;

// FIXED: desc->vm_ops = &relay_file_mmap_ops;
// FIXED-NEXT: vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT);
// FIXED-NEXT: desc->private_data = buf;
	vma->vm_ops = &relay_file_mmap_ops;
	vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_private_data = buf;

	return 0;
}

// FIXED: static int relay_file_mmap_prepare(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: struct rchan_buf *buf = desc->file->private_data;
// FIXED-EMPTY:
// FIXED-NEXT: return relay_mmap_buf(buf, desc);
static int relay_file_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct rchan_buf *buf = filp->private_data;
	return relay_mmap_buf(buf, vma);
}

// FIXED: .mmap_prepare = relay_file_mmap_prepare,
const struct file_operations relay_file_operations = {
	.mmap = relay_file_mmap,
};
