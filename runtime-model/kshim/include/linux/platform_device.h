/*
 * vmaprep kernel API shim: linux/platform_device.h.
 * Models struct platform_device (its struct device and name) and struct resource for drivers that keep
 * the physical range they map in a platform resource.
 */
#ifndef VMAPREP_KSHIM_LINUX_PLATFORM_DEVICE_H
#define VMAPREP_KSHIM_LINUX_PLATFORM_DEVICE_H
#include <linux/device.h>

struct resource {
	resource_size_t start;
	resource_size_t end;
	const char *name;
	unsigned long flags;
};

static inline resource_size_t resource_size(const struct resource *res) { return res->end - res->start + 1; }

struct platform_device {
	const char *name;
	int id;
	struct device dev;
	unsigned int num_resources;
	struct resource *resource;
};

#define to_platform_device(x) container_of((x), struct platform_device, dev)
static inline void *platform_get_drvdata(const struct platform_device *pdev) { return pdev->dev.driver_data; }
static inline void platform_set_drvdata(struct platform_device *pdev, void *data) { pdev->dev.driver_data = data; }
#endif
