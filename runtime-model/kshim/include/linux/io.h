/* vmaprep kernel API shim: linux/io.h. Models virt_to_phys() and the I/O remap entry points (in linux/mm.h); declares ioremap()/iounmap(). */
#ifndef VMAPREP_KSHIM_LINUX_IO_H
#define VMAPREP_KSHIM_LINUX_IO_H
#include <asm/io.h>
#include <linux/mm.h>

__VMAPREP_BEGIN_DECLS
/* Not modelled (a handler that maps what it ioremapped is validated by the mapping call alone). */
void __iomem *ioremap(phys_addr_t offset, size_t size) __VMAPREP_NOEXCEPT;
void iounmap(void __iomem *addr) __VMAPREP_NOEXCEPT;
__VMAPREP_END_DECLS
#endif
