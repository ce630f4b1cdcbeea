/* Parse-only: ALSA hwdep devices; snd_hwdep_ops.mmap is not in vmaprep's
 * named list, only its type (int (*)(..., struct vm_area_struct *)) says it is
 * a subsystem hook. */
#ifndef _SOUND_HWDEP_H
#define _SOUND_HWDEP_H
#include <linux/fs.h>
struct snd_hwdep;
struct snd_hwdep_ops {
	long long (*llseek)(struct snd_hwdep *hw, struct file *file, long long offset, int orig);
	int (*open)(struct snd_hwdep *hw, struct file *file);
	int (*mmap)(struct snd_hwdep *hw, struct file *file, struct vm_area_struct *vma);
};
struct snd_hwdep { struct snd_hwdep_ops ops; void *private_data; };
#endif
