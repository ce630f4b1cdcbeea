/*
 * vmaprep kernel API shim: asm/page.h (x86-64, 4 KiB pages).
 * Models the page-size constants and the identity virt/phys conversion the model uses for host memory.
 */
#ifndef VMAPREP_KSHIM_ASM_PAGE_H
#define VMAPREP_KSHIM_ASM_PAGE_H

#include <linux/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PMD_SHIFT 21
#define PMD_SIZE (1UL << PMD_SHIFT)

#define ALIGN(x, a) (((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr) ((((unsigned long)(addr)) & (PAGE_SIZE - 1)) == 0)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x) ((phys_addr_t)(x) << PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)

/* The model's "physical" addresses are host virtual addresses, so kernel buffers have stable pfns. */
static inline phys_addr_t virt_to_phys(const volatile void *address) { return (phys_addr_t)(uintptr_t)address; }
static inline void *phys_to_virt(phys_addr_t address) { return (void *)(uintptr_t)address; }
#define __pa(x) virt_to_phys((const void *)(x))
#define __va(x) phys_to_virt((phys_addr_t)(x))

#endif
