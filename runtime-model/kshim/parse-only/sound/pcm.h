/* Parse-only: ALSA PCM (snd_pcm_ops.mmap is a subsystem hook). */
#ifndef _SOUND_PCM_H
#define _SOUND_PCM_H
#include <linux/fs.h>
struct snd_pcm_substream;
struct snd_dma_buffer { void *area; dma_addr_t addr; size_t bytes; };
struct snd_pcm_ops {
	int (*open)(struct snd_pcm_substream *substream);
	int (*mmap)(struct snd_pcm_substream *substream, struct vm_area_struct *vma);
};
int snd_dma_buffer_mmap(struct snd_dma_buffer *dmab, struct vm_area_struct *area);
#endif
