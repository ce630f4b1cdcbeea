// Not kernel code: a userspace program that happens to use the words
// "file", "mmap" and a struct named file_operations of its own, with a
// callback whose parameters are not the kernel's struct file / struct
// vm_area_struct (the shape of teaching kernels and userspace VFS layers,
// e.g. xv6 derivatives, that borrow the kernel's names). No kernel headers,
// no findings, no crash.
// RUN: %vmaprep check %s -- -std=c11 | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=error:
struct file { int fd; };
struct vm_area { unsigned long start, end; };
struct file_operations { int (*mmap)(struct file *, struct vm_area *); };

static int my_mmap(struct file *f, struct vm_area *area)
{
	area->end = area->start + 4096;
	return f->fd;
}

static const struct file_operations my_ops = { .mmap = my_mmap };

int main(void)
{
	struct file f = { 3 };
	struct vm_area a = { 0, 0 };
	return my_ops.mmap(&f, &a);
}
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files
