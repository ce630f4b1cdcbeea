/* Parse-only: socket protocol ops (proto_ops.mmap is a subsystem hook). */
#ifndef _LINUX_NET_H
#define _LINUX_NET_H
#include <linux/fs.h>
struct socket;
struct proto_ops {
	int family;
	int (*mmap)(struct file *file, struct socket *sock, struct vm_area_struct *vma);
};
#endif
