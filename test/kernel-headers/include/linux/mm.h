/* Parse-only: the mm API mmap handlers use, legacy and mmap_prepare, with the
 * kernel's split between functions, static inlines and macros. */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H
#include <linux/kernel.h>
#include <linux/mm_types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))

#define VM_NONE 0x00000000UL
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_MAYREAD 0x00000010UL
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_PFNMAP 0x00000400UL
#define VM_LOCKED 0x00002000UL
#define VM_IO 0x00004000UL
#define VM_SEQ_READ 0x00008000UL
#define VM_RAND_READ 0x00010000UL
#define VM_DONTCOPY 0x00020000UL
#define VM_DONTEXPAND 0x00040000UL
#define VM_NORESERVE 0x00200000UL
#define VM_HUGETLB 0x00400000UL
#define VM_MIXEDMAP 0x10000000UL
#define VM_HUGEPAGE 0x20000000UL
#define VM_DONTDUMP 0x04000000UL

pgprot_t pgprot_writecombine(pgprot_t prot);
pgprot_t pgprot_device(pgprot_t prot);
extern int boot_cpu_x86;
/* x86 spells pgprot_noncached() as a macro, not a call. */
#define pgprot_noncached(prot) \
	((boot_cpu_x86 > 3) ? ((pgprot_t){ (prot).pgprot | 0x18 }) : (prot))
#define pgprot_val(x) ((x).pgprot)
#define __pgprot(x) ((pgprot_t){ (x) })

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}
#if VMAPREP_KAPI >= 70100
/* As 7.3's: the page offset of the start of the VMA. */
static inline pgoff_t vma_start_pgoff(const struct vm_area_struct *vma)
{
	return vma->vm_pgoff;
}
#endif
static inline bool is_cow_mapping(vm_flags_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}
static inline void vm_flags_init(struct vm_area_struct *vma, vm_flags_t flags) { vma->__vm_flags = flags; }
static inline void vm_flags_reset(struct vm_area_struct *vma, vm_flags_t flags) { vma->__vm_flags = flags; }
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags) { vma->__vm_flags |= flags; }
static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags) { vma->__vm_flags &= ~flags; }
static inline void vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set, vm_flags_t clear)
{
	vma->__vm_flags = (vma->__vm_flags | set) & ~clear;
}
void vma_set_file(struct vm_area_struct *vma, struct file *file);
static inline void vma_set_anonymous(struct vm_area_struct *vma) { vma->vm_ops = NULL; }
static inline bool vma_is_anonymous(struct vm_area_struct *vma) { return !vma->vm_ops; }

int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot);
static inline int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
				     unsigned long pfn, unsigned long size, pgprot_t prot)
{
	return remap_pfn_range(vma, addr, pfn, size, prot);
}
int vm_iomap_memory(struct vm_area_struct *vma, phys_addr_t start, unsigned long len);
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page);
int vm_insert_pages(struct vm_area_struct *vma, unsigned long addr, struct page **pages,
		    unsigned long *num);
int vm_map_pages(struct vm_area_struct *vma, struct page **pages, unsigned long num);
int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages, unsigned long num);
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn);
vm_fault_t vmf_insert_mixed(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn);
int remap_vmalloc_range(struct vm_area_struct *vma, void *addr, unsigned long pgoff);
struct page *virt_to_page(const void *addr);
struct page *vmalloc_to_page(const void *addr);
unsigned long virt_to_phys(const void *addr);
void get_page(struct page *page);
unsigned long page_to_pfn(const struct page *page);
#define PAGE_SHARED __pgprot(0x67)
typedef int (*pte_fn_t)(void *pte, unsigned long addr, void *data);
int apply_to_page_range(struct mm_struct *mm, unsigned long address, unsigned long size,
			pte_fn_t fn, void *data);
void zap_vma_ptes(struct vm_area_struct *vma, unsigned long address, unsigned long size);

#if VMAPREP_KAPI >= 61900
enum {
	VMA_READ_BIT, VMA_WRITE_BIT, VMA_EXEC_BIT, VMA_SHARED_BIT, VMA_MAYREAD_BIT,
	VMA_MAYWRITE_BIT, VMA_MAYEXEC_BIT, VMA_MAYSHARE_BIT, VMA_PFNMAP_BIT = 10,
	VMA_LOCKED_BIT = 13, VMA_IO_BIT, VMA_SEQ_READ_BIT, VMA_RAND_READ_BIT,
	VMA_DONTCOPY_BIT, VMA_DONTEXPAND_BIT, VMA_NORESERVE_BIT = 21, VMA_HUGETLB_BIT,
	VMA_DONTDUMP_BIT = 26, VMA_MIXEDMAP_BIT = 28,
	VMA_HUGEPAGE_BIT,
};
vma_flags_t mk_vma_flags_from(int n, ...);
#define mk_vma_flags(...) mk_vma_flags_from(0, __VA_ARGS__)
#endif

#if VMAPREP_KAPI >= 70000
void vma_set_flags_mask(struct vm_area_struct *vma, vma_flags_t flags);
void vma_clear_flags_mask(struct vm_area_struct *vma, vma_flags_t flags);
#define vma_set_flags(vma, ...) vma_set_flags_mask(vma, mk_vma_flags(__VA_ARGS__))
#define vma_clear_flags(vma, ...) vma_clear_flags_mask(vma, mk_vma_flags(__VA_ARGS__))
bool vma_test(const struct vm_area_struct *vma, vma_flag_t bit);
void vma_desc_set_flags_mask(struct vm_area_desc *desc, vma_flags_t flags);
void vma_desc_clear_flags_mask(struct vm_area_desc *desc, vma_flags_t flags);
#define vma_desc_set_flags(desc, ...) vma_desc_set_flags_mask(desc, mk_vma_flags(__VA_ARGS__))
#define vma_desc_clear_flags(desc, ...) vma_desc_clear_flags_mask(desc, mk_vma_flags(__VA_ARGS__))
bool vma_desc_is_cow_mapping(const struct vm_area_desc *desc);
#if VMAPREP_KAPI >= 70100
bool vma_desc_test(const struct vm_area_desc *desc, vma_flag_t bit);
bool vma_desc_test_any_mask(const struct vm_area_desc *desc, vma_flags_t flags);
bool vma_desc_test_all_mask(const struct vm_area_desc *desc, vma_flags_t flags);
#define vma_desc_test_any(desc, ...) vma_desc_test_any_mask(desc, mk_vma_flags(__VA_ARGS__))
#define vma_desc_test_all(desc, ...) vma_desc_test_all_mask(desc, mk_vma_flags(__VA_ARGS__))
#else
bool vma_desc_test_flags(const struct vm_area_desc *desc, vma_flag_t bit);
#endif
#endif

#if VMAPREP_KAPI >= 61900
static inline unsigned long vma_desc_size(const struct vm_area_desc *desc)
{
	return desc->end - desc->start;
}
static inline unsigned long vma_desc_pages(const struct vm_area_desc *desc)
{
	return vma_desc_size(desc) >> PAGE_SHIFT;
}
void vma_desc_set_anonymous(struct vm_area_desc *desc);
void mmap_action_remap(struct vm_area_desc *desc, unsigned long start,
		       unsigned long start_pfn, unsigned long size);
void mmap_action_remap_full(struct vm_area_desc *desc, unsigned long start_pfn);
void mmap_action_ioremap(struct vm_area_desc *desc, unsigned long start,
			 unsigned long start_pfn, unsigned long size);
void mmap_action_ioremap_full(struct vm_area_desc *desc, unsigned long start_pfn);
#endif
#if VMAPREP_KAPI >= 70100
void mmap_action_simple_ioremap(struct vm_area_desc *desc, phys_addr_t start_phys_addr,
				unsigned long size);
void mmap_action_map_kernel_pages(struct vm_area_desc *desc, unsigned long start,
				  struct page **pages, unsigned long nr_pages);
void mmap_action_map_kernel_pages_full(struct vm_area_desc *desc, struct page **pages);
#endif

#endif
