/* Parse-only: sysfs binary attributes (bin_attribute.mmap is a subsystem hook). */
#ifndef _LINUX_SYSFS_H
#define _LINUX_SYSFS_H
#include <linux/fs.h>
struct kobject;
struct attribute { const char *name; unsigned short mode; };
struct bin_attribute {
	struct attribute attr;
	size_t size;
	int (*mmap)(struct file *, struct kobject *, const struct bin_attribute *attr,
		    struct vm_area_struct *vma);
};
#endif
