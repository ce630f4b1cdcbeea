// Mirrors sound/core/pcm_native.c (6.12) snd_pcm_lib_default_mmap(), here
// from a file_operations hook the way sound/core/compress_offload.c-style
// character devices would map an ALSA DMA buffer: VM_DONTEXPAND |
// VM_DONTDUMP, then snd_dma_buffer_mmap(). Blocked: the helper takes a VMA.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v 'note: registered as' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
#include <linux/fs.h>
#include <linux/mm.h>
#include <sound/pcm.h>

struct snd_compr_stream { struct snd_dma_buffer *dma_buffer_p; };

// CHECK: :[[@LINE+1]]:12: warning: 'snd_compr_mmap' uses the deprecated file_operations->mmap hook; blocked: maps through snd_dma_buffer_mmap(), which takes a VMA [vmaprep-legacy-mmap]
static int snd_compr_mmap(struct file *f, struct vm_area_struct *area)
{
	struct snd_compr_stream *stream = f->private_data;

	// CHECK: :[[@LINE+1]]:2: note: changes flags: vm_flags_set(area, VM_DONTEXPAND | VM_DONTDUMP)
	vm_flags_set(area, VM_DONTEXPAND | VM_DONTDUMP);
	if (!stream->dma_buffer_p)
		return -ENXIO;
	// CHECK: :[[@LINE+1]]:9: note: maps through snd_dma_buffer_mmap(), which takes a VMA: snd_dma_buffer_mmap(stream->dma_buffer_p, area)
	return snd_dma_buffer_mmap(stream->dma_buffer_p, area);
}

static const struct file_operations snd_compr_file_ops = {
	// SITE: :[[@LINE+1]]:2: note: registered as .mmap in 'snd_compr_file_ops'
	.mmap = snd_compr_mmap,
};
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks
