/*
 * vmaprep kernel API shim: linux/pm_runtime.h.
 * Models runtime-PM usage counts per device; every get and put is counted in the resource ledger
 * (kind "pm_runtime"). The get variants succeed (return 1 when already active, as the kernel may).
 */
#ifndef VMAPREP_KSHIM_LINUX_PM_RUNTIME_H
#define VMAPREP_KSHIM_LINUX_PM_RUNTIME_H

#include <linux/device.h>

__VMAPREP_BEGIN_DECLS

int pm_runtime_get(struct device *dev) __VMAPREP_NOEXCEPT;
int pm_runtime_get_sync(struct device *dev) __VMAPREP_NOEXCEPT;
int pm_runtime_resume_and_get(struct device *dev) __VMAPREP_NOEXCEPT;
void pm_runtime_get_noresume(struct device *dev) __VMAPREP_NOEXCEPT;
int pm_runtime_put(struct device *dev) __VMAPREP_NOEXCEPT;
int pm_runtime_put_sync(struct device *dev) __VMAPREP_NOEXCEPT;
int pm_runtime_put_autosuspend(struct device *dev) __VMAPREP_NOEXCEPT;
void pm_runtime_put_noidle(struct device *dev) __VMAPREP_NOEXCEPT;

__VMAPREP_END_DECLS

#endif
