/* Parse-only: V4L2 file operations (a subsystem hook table). */
#ifndef _MEDIA_V4L2_DEV_H
#define _MEDIA_V4L2_DEV_H
#include <linux/fs.h>
struct v4l2_file_operations {
	struct module *owner;
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*open)(struct file *);
};
int vb2_fop_mmap(struct file *file, struct vm_area_struct *vma);
#endif
