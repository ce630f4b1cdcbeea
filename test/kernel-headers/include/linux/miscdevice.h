/* Parse-only: misc character devices. */
#ifndef _LINUX_MISCDEVICE_H
#define _LINUX_MISCDEVICE_H
#include <linux/fs.h>
struct miscdevice {
	int minor;
	const char *name;
	const struct file_operations *fops;
	struct device *this_device;
};
#define MISC_DYNAMIC_MINOR 255
int misc_register(struct miscdevice *misc);
#endif
