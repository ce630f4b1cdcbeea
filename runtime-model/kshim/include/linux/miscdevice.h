/*
 * vmaprep kernel API shim: linux/miscdevice.h.
 * Models struct miscdevice so drivers that register their file_operations through it compile; the model
 * never registers anything (tests open the file_operations directly).
 */
#ifndef VMAPREP_KSHIM_LINUX_MISCDEVICE_H
#define VMAPREP_KSHIM_LINUX_MISCDEVICE_H
#include <linux/device.h>
#include <linux/fs.h>

#define MISC_DYNAMIC_MINOR 255

struct miscdevice {
	int minor;
	const char *name;
	const struct file_operations *fops;
	struct device *this_device;
	unsigned short mode;
};

static inline int misc_register(struct miscdevice *misc) { (void)misc; return 0; }
static inline void misc_deregister(struct miscdevice *misc) { (void)misc; }
#endif
