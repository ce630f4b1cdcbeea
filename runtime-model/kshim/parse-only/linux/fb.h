/* Parse-only: frame buffer devices (fb_ops.fb_mmap is a subsystem hook). */
#ifndef _LINUX_FB_H
#define _LINUX_FB_H
#include <linux/fs.h>
struct fb_info;
struct fb_fix_screeninfo { unsigned long smem_start; u32 smem_len; };
struct fb_ops {
	struct module *owner;
	int (*fb_open)(struct fb_info *info, int user);
	int (*fb_mmap)(struct fb_info *info, struct vm_area_struct *vma);
};
struct fb_info { struct fb_fix_screeninfo fix; const struct fb_ops *fbops; void *par; char *screen_base; };
int fb_deferred_io_mmap(struct fb_info *info, struct vm_area_struct *vma);
#endif
