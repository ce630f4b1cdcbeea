/*
 * vmaprep kernel API shim: linux/gfp.h.
 * Models page allocation (alloc_pages, __get_free_pages, ...) on host memory; every allocation is counted
 * in the model's resource ledger and is a fault-injection point.
 */
#ifndef VMAPREP_KSHIM_LINUX_GFP_H
#define VMAPREP_KSHIM_LINUX_GFP_H

#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

struct page;

#define __GFP_ZERO 0x100u
#define __GFP_NOWARN 0x200u
#define __GFP_COMP 0x400u
#define GFP_KERNEL 0x0cc0u
#define GFP_ATOMIC 0x0820u
#define GFP_USER 0x0cc2u
#define GFP_HIGHUSER 0x0cc6u
#define GFP_DMA 0x01u
#define GFP_DMA32 0x04u

struct page *alloc_pages(gfp_t gfp, unsigned int order) __VMAPREP_NOEXCEPT;
void __free_pages(struct page *page, unsigned int order) __VMAPREP_NOEXCEPT;
unsigned long __get_free_pages(gfp_t gfp, unsigned int order) __VMAPREP_NOEXCEPT;
void free_pages(unsigned long addr, unsigned int order) __VMAPREP_NOEXCEPT;
#define alloc_page(gfp) alloc_pages(gfp, 0)
#define __free_page(page) __free_pages((page), 0)
#define __get_free_page(gfp) __get_free_pages((gfp), 0)
#define get_zeroed_page(gfp) __get_free_pages((gfp) | __GFP_ZERO, 0)
#define free_page(addr) free_pages((addr), 0)

__VMAPREP_END_DECLS

#endif
