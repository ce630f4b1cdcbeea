/* Includes every header of the parse-only overlay (runtime-model/kshim/parse-only) over the kernel header
 * tree, for the per-level compile checks without the C library, as the lit fixtures parse them. */
#include <drm/drm_gem.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fb.h>
#include <linux/net.h>
#include <linux/proc_fs.h>
#include <linux/sysfs.h>
#include <linux/uio_driver.h>
#include <linux/vfio.h>
#include <media/v4l2-dev.h>
#include <sound/hwdep.h>
#include <sound/pcm.h>

int parse_only_headers_use(struct vm_area_struct *vma);
int parse_only_headers_use(struct vm_area_struct *vma)
{
	return dma_mmap_coherent(NULL, vma, NULL, 0, vma->vm_end - vma->vm_start);
}
