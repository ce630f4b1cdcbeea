/* Parse-only: userspace I/O drivers (uio_info.mmap is a subsystem hook). */
#ifndef _LINUX_UIO_DRIVER_H
#define _LINUX_UIO_DRIVER_H
#include <linux/fs.h>
struct uio_mem { phys_addr_t addr; resource_size_t size; int memtype; };
struct uio_info {
	const char *name;
	struct uio_mem mem[5];
	int (*mmap)(struct uio_info *info, struct vm_area_struct *vma);
	int (*open)(struct uio_info *info, struct inode *inode);
};
#endif
