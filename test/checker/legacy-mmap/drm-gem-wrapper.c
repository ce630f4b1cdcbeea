// Mirrors drivers/gpu/drm/panthor/panthor_drv.c (6.12) panthor_mmap(): the
// driver's own file_operations handler rewrites vm_pgoff for 32-bit callers,
// then maps either its MMIO page (panthor_device_mmap_io() in
// panthor_device.c, outside this file) or a GEM object through DRM's
// drm_gem_mmap(). The subsystem helper still takes a VMA: blocked, with both
// hand-offs cited.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>
#include <drm/drm_gem.h>

#define DRM_PANTHOR_USER_MMIO_OFFSET_64BIT (1ull << 56)
#define DRM_PANTHOR_USER_MMIO_OFFSET_32BIT (1ull << 43)
#define DRM_PANTHOR_USER_MMIO_OFFSET DRM_PANTHOR_USER_MMIO_OFFSET_64BIT
struct panthor_device;
int panthor_device_mmap_io(struct panthor_device *ptdev, struct vm_area_struct *vma);
extern bool compat_task(void);

// CHECK: :[[@LINE+1]]:12: warning: 'panthor_mmap' uses the deprecated file_operations->mmap hook; blocked: passes the VMA to panthor_device_mmap_io(), whose body is not in this file (and 1 more) [vmaprep-legacy-mmap]
static int panthor_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct panthor_device *ptdev = filp->private_data;
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	int ret;

	if (compat_task() && offset >= DRM_PANTHOR_USER_MMIO_OFFSET_32BIT) {
		offset += DRM_PANTHOR_USER_MMIO_OFFSET_64BIT -
			  DRM_PANTHOR_USER_MMIO_OFFSET_32BIT;
		// CHECK: :[[@LINE+1]]:3: note: writes vma->vm_pgoff: vma->vm_pgoff = offset >> PAGE_SHIFT
		vma->vm_pgoff = offset >> PAGE_SHIFT;
	}

	if (offset >= DRM_PANTHOR_USER_MMIO_OFFSET)
		// CHECK: :[[@LINE+1]]:9: note: passes the VMA to panthor_device_mmap_io(), whose body is not in this file: panthor_device_mmap_io(ptdev, vma)
		ret = panthor_device_mmap_io(ptdev, vma);
	else
		// CHECK: :[[@LINE+1]]:9: note: hands the VMA to the subsystem helper drm_gem_mmap(), which has no desc-based variant: drm_gem_mmap(filp, vma)
		ret = drm_gem_mmap(filp, vma);
	return ret;
}

static const struct file_operations panthor_drm_driver_fops = {
	.open = drm_open,
	.release = drm_release,
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'panthor_drm_driver_fops'
	.mmap = panthor_mmap,
};
// JSON: "detail": "unknown-callee"
// JSON: "name": "panthor_device_mmap_io"
// JSON: "detail": "subsystem"
// JSON: "name": "drm_gem_mmap"
// JSON: "id": "escape"
// JSON: "id": "subsystem-delegation"
// JSON: "verdict": "blocked"
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
