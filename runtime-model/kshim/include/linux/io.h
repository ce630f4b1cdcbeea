/* vmaprep kernel API shim: linux/io.h. Models virt_to_phys() and the I/O remap entry points (in linux/mm.h), and
 * ioremap()/iounmap() as host memory held in the ledger (kind "ioremap"). */
#ifndef VMAPREP_KSHIM_LINUX_IO_H
#define VMAPREP_KSHIM_LINUX_IO_H
#include <asm/io.h>
#include <linux/mm.h>

__VMAPREP_BEGIN_DECLS
void __iomem *ioremap(phys_addr_t offset, size_t size) __VMAPREP_NOEXCEPT;
void iounmap(void __iomem *addr) __VMAPREP_NOEXCEPT;
__VMAPREP_END_DECLS
#endif
