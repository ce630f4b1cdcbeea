/* Parse-only: I/O memory. */
#ifndef _LINUX_IO_H
#define _LINUX_IO_H
#include <linux/mm.h>
void __iomem *ioremap(phys_addr_t offset, size_t size);
void iounmap(void __iomem *addr);
#endif
