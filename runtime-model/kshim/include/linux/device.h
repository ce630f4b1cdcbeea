/*
 * vmaprep kernel API shim: linux/device.h.
 * Models struct device with a reference count; get_device/put_device are counted in the resource ledger
 * (kind "device"). dev_err() and friends print through printk.
 */
#ifndef VMAPREP_KSHIM_LINUX_DEVICE_H
#define VMAPREP_KSHIM_LINUX_DEVICE_H

#include <linux/printk.h>
#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

struct device {
	int __vmaprep_refs;
	int __vmaprep_pm_usage;
	void *driver_data;
	const char *init_name;
};

struct device *get_device(struct device *dev) __VMAPREP_NOEXCEPT;
void put_device(struct device *dev) __VMAPREP_NOEXCEPT;
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }
#define dev_err(dev, ...) printk(__VA_ARGS__)
#define dev_warn(dev, ...) printk(__VA_ARGS__)
#define dev_info(dev, ...) printk(__VA_ARGS__)
#define dev_dbg(dev, ...) ((void)(dev))

__VMAPREP_END_DECLS

#endif
