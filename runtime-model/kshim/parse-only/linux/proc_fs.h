/* Parse-only: /proc entries (proc_ops.proc_mmap is a subsystem hook). */
#ifndef _LINUX_PROC_FS_H
#define _LINUX_PROC_FS_H
#include <linux/fs.h>
struct proc_ops {
	int (*proc_open)(struct inode *, struct file *);
	int (*proc_mmap)(struct file *, struct vm_area_struct *);
};
#endif
