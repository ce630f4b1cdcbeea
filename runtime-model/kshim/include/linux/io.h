/* vmaprep kernel API shim: linux/io.h. Models virt_to_phys() and the I/O remap entry points (in linux/mm.h). */
#ifndef VMAPREP_KSHIM_LINUX_IO_H
#define VMAPREP_KSHIM_LINUX_IO_H
#include <asm/io.h>
#include <linux/mm.h>
#endif
