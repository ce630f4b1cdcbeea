// Subsystem hooks of the media/graphics/sound stacks, each modelled on a real
// user: v4l2_file_operations.mmap (drivers/media/usb/uvc/uvc_v4l2.c, here
// naming vb2_fop_mmap), drm_gem_object_funcs.mmap
// (drivers/gpu/drm/drm_gem_dma_helper.c drm_gem_dma_mmap: vm_flags_mod and
// dma_mmap_wc), dma_buf_ops.mmap (drivers/dma-buf/heaps/system_heap.c), and
// snd_pcm_ops.mmap (sound/soc/... snd_pcm_lib_default_mmap users).
// RUN: %vmaprep check --show-hooks %s -- %kflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=remark:
// RUN: %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <drm/drm_gem.h>
#include <media/v4l2-dev.h>
#include <sound/pcm.h>

static const struct v4l2_file_operations uvc_fops = {
	.owner = THIS_MODULE,
	// CHECK: :[[@LINE+1]]:2: remark: 'vb2_fop_mmap' is a v4l2_file_operations.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem [vmaprep-subsystem-hook]
	.mmap = vb2_fop_mmap,
};

struct drm_gem_dma_object { struct device *dev; void *vaddr; dma_addr_t dma_addr; size_t size; };
extern struct drm_gem_dma_object *to_drm_gem_dma_obj(struct drm_gem_object *obj);

static int drm_gem_dma_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct drm_gem_dma_object *dma_obj = to_drm_gem_dma_obj(obj);

	vma->vm_pgoff = 0;
	vm_flags_mod(vma, VM_DONTEXPAND, VM_PFNMAP);
	return dma_mmap_wc(dma_obj->dev, vma, dma_obj->vaddr, dma_obj->dma_addr, vma->vm_end - vma->vm_start);
}

static const struct drm_gem_object_funcs drm_gem_dma_default_funcs = {
	// CHECK: :[[@LINE+1]]:2: remark: 'drm_gem_dma_mmap' is a drm_gem_object_funcs.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be blocked (maps through dma_mmap_wc(), which takes a VMA) [vmaprep-subsystem-hook]
	.mmap = drm_gem_dma_mmap,
};

static int system_heap_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	return remap_pfn_range(vma, vma->vm_start, 0, PAGE_SIZE, vma->vm_page_prot);
}

static const struct dma_buf_ops system_heap_buf_ops = {
	// CHECK: :[[@LINE+1]]:2: remark: 'system_heap_mmap' is a dma_buf_ops.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	.mmap = system_heap_mmap,
};

static int fsl_dma_mmap(struct snd_pcm_substream *substream, struct vm_area_struct *vma)
{
	return 0;
}

static const struct snd_pcm_ops fsl_pcm_ops = {
	// CHECK: :[[@LINE+1]]:2: remark: 'fsl_dma_mmap' is a snd_pcm_ops.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	.mmap = fsl_dma_mmap,
};
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files {{.*}}; 4 subsystem hooks

// The body of vb2_fop_mmap is in another file: no verdict. drm_gem_dma_mmap
// would be blocked, and says why.
// JSON: "subsystem_hooks": [
// JSON-NEXT: {
// JSON-NEXT: "body_visible": false,
// JSON: "function": "vb2_fop_mmap",
// JSON: "reasons": [],
// JSON: "verdict": null
// JSON: "body_visible": true,
// JSON: "function": "drm_gem_dma_mmap",
// JSON: "reasons": [
// JSON-NEXT: {
// JSON-NEXT: "id": "dma-mmap",
// JSON-NEXT: "text": "maps through dma_mmap_wc(), which takes a VMA"
// JSON: "verdict": "blocked"
