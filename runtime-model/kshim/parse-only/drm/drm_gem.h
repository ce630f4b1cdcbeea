/* Parse-only: DRM GEM; DEFINE_DRM_GEM_FOPS puts `.mmap = drm_gem_mmap` in a
 * file_operations from a macro body. */
#ifndef _DRM_DRM_GEM_H
#define _DRM_DRM_GEM_H
#include <linux/fs.h>
struct drm_gem_object;
struct drm_gem_object_funcs {
	void (*free)(struct drm_gem_object *obj);
	int (*mmap)(struct drm_gem_object *obj, struct vm_area_struct *vma);
};
int drm_gem_mmap(struct file *filp, struct vm_area_struct *vma);
int drm_open(struct inode *inode, struct file *filp);
int drm_release(struct inode *inode, struct file *filp);
#define DRM_GEM_FOPS \
	.open = drm_open, \
	.release = drm_release, \
	.mmap = drm_gem_mmap
#define DEFINE_DRM_GEM_FOPS(name) \
	static const struct file_operations name = { \
		.owner = THIS_MODULE, \
		DRM_GEM_FOPS, \
	}
#endif
