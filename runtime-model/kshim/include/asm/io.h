/* vmaprep kernel API shim: asm/io.h. Models virt_to_phys() by way of asm/page.h. */
#ifndef VMAPREP_KSHIM_ASM_IO_H
#define VMAPREP_KSHIM_ASM_IO_H
#include <asm/page.h>
#endif
