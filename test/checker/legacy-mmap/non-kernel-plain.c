// Not kernel code: a userspace program with POSIX mmap() and functions named
// like kernel hooks, but no file_operations and no struct vm_area_struct
// (cf. tools/testing/selftests/mm/*.c, which exercise mmap from userspace).
// No findings, no crash, exit code 0.
// RUN: %vmaprep check %s -- -std=gnu11 | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=error:
typedef unsigned long size_t;
typedef long off_t;
void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t length);

struct file { int fd; };

static int dev_mmap(struct file *file, void **out)
{
	*out = mmap(0, 4096, 3, 1, file->fd, 0);
	return *out == (void *)-1;
}

struct ops { int (*map)(struct file *, void **); };
static const struct ops dev_ops = { .map = dev_mmap };

int main(void)
{
	struct file f = { 3 };
	void *p;

	if (dev_ops.map(&f, &p))
		return 1;
	return munmap(p, 4096);
}
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files
