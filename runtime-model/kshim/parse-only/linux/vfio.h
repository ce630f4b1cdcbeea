/* Parse-only: VFIO devices (vfio_device_ops.mmap is a subsystem hook). */
#ifndef _LINUX_VFIO_H
#define _LINUX_VFIO_H
#include <linux/fs.h>
struct vfio_device;
struct vfio_device_ops {
	const char *name;
	int (*mmap)(struct vfio_device *vdev, struct vm_area_struct *vma);
};
#endif
