/*
 * vmaprep kernel API shim: linux/mm.h.
 *
 * Models what mmap handlers use from include/linux/mm.h: the VM_* masks and VMA_*_BIT numbers,
 * struct vm_operations_struct, the vm_flags_*() writers, vma_pages(), the page-table population calls
 * (remap_pfn_range, io_remap_pfn_range, vm_iomap_memory, vm_insert_page(s), vm_map_pages, vmf_insert_pfn,
 * vmf_insert_mixed, remap_vmalloc_range), page helpers,
 * and for ->mmap_prepare the desc flag/size helpers and mmap_action_*() constructors at each API level.
 * The out-of-line functions are implemented on the runtime model (runtime-model/kshim/src).
 */
#ifndef VMAPREP_KSHIM_LINUX_MM_H
#define VMAPREP_KSHIM_LINUX_MM_H

#include <asm/page.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/kernel.h>
#include <linux/mman.h>

__VMAPREP_BEGIN_DECLS

/* Bit numbers (7.x names) and the legacy masks built from them (x86-64 values). */
enum {
	VMA_READ_BIT = 0,
	VMA_WRITE_BIT = 1,
	VMA_EXEC_BIT = 2,
	VMA_SHARED_BIT = 3,
	VMA_MAYREAD_BIT = 4,
	VMA_MAYWRITE_BIT = 5,
	VMA_MAYEXEC_BIT = 6,
	VMA_MAYSHARE_BIT = 7,
	VMA_GROWSDOWN_BIT = 8,
	VMA_UFFD_MISSING_BIT = 9,
	VMA_PFNMAP_BIT = 10,
	VMA_MAYBE_GUARD_BIT = 11,
	VMA_UFFD_WP_BIT = 12,
	VMA_LOCKED_BIT = 13,
	VMA_IO_BIT = 14,
	VMA_SEQ_READ_BIT = 15,
	VMA_RAND_READ_BIT = 16,
	VMA_DONTCOPY_BIT = 17,
	VMA_DONTEXPAND_BIT = 18,
	VMA_LOCKONFAULT_BIT = 19,
	VMA_ACCOUNT_BIT = 20,
	VMA_NORESERVE_BIT = 21,
	VMA_HUGETLB_BIT = 22,
	VMA_SYNC_BIT = 23,
	VMA_ARCH_1_BIT = 24,
	VMA_WIPEONFORK_BIT = 25,
	VMA_DONTDUMP_BIT = 26,
	VMA_SOFTDIRTY_BIT = 27,
	VMA_MIXEDMAP_BIT = 28,
	VMA_HUGEPAGE_BIT = 29,
	VMA_NOHUGEPAGE_BIT = 30,
	VMA_MERGEABLE_BIT = 31,
	VMA_DROPPABLE_BIT = 40, /* 64-bit only */
};

#define VM_NONE 0x00000000UL
#define VM_READ BIT(VMA_READ_BIT)
#define VM_WRITE BIT(VMA_WRITE_BIT)
#define VM_EXEC BIT(VMA_EXEC_BIT)
#define VM_SHARED BIT(VMA_SHARED_BIT)
#define VM_MAYREAD BIT(VMA_MAYREAD_BIT)
#define VM_MAYWRITE BIT(VMA_MAYWRITE_BIT)
#define VM_MAYEXEC BIT(VMA_MAYEXEC_BIT)
#define VM_MAYSHARE BIT(VMA_MAYSHARE_BIT)
#define VM_GROWSDOWN BIT(VMA_GROWSDOWN_BIT)
#define VM_GROWSUP VM_NONE
#define VM_UFFD_MISSING BIT(VMA_UFFD_MISSING_BIT)
#define VM_PFNMAP BIT(VMA_PFNMAP_BIT)
#define VM_MAYBE_GUARD BIT(VMA_MAYBE_GUARD_BIT)
#define VM_UFFD_WP BIT(VMA_UFFD_WP_BIT)
#define VM_LOCKED BIT(VMA_LOCKED_BIT)
#define VM_IO BIT(VMA_IO_BIT)
#define VM_SEQ_READ BIT(VMA_SEQ_READ_BIT)
#define VM_RAND_READ BIT(VMA_RAND_READ_BIT)
#define VM_DONTCOPY BIT(VMA_DONTCOPY_BIT)
#define VM_DONTEXPAND BIT(VMA_DONTEXPAND_BIT)
#define VM_LOCKONFAULT BIT(VMA_LOCKONFAULT_BIT)
#define VM_ACCOUNT BIT(VMA_ACCOUNT_BIT)
#define VM_NORESERVE BIT(VMA_NORESERVE_BIT)
#define VM_HUGETLB BIT(VMA_HUGETLB_BIT)
#define VM_SYNC BIT(VMA_SYNC_BIT)
#define VM_WIPEONFORK BIT(VMA_WIPEONFORK_BIT)
#define VM_DONTDUMP BIT(VMA_DONTDUMP_BIT)
#define VM_SOFTDIRTY BIT(VMA_SOFTDIRTY_BIT)
#define VM_MIXEDMAP BIT(VMA_MIXEDMAP_BIT)
#define VM_HUGEPAGE BIT(VMA_HUGEPAGE_BIT)
#define VM_NOHUGEPAGE BIT(VMA_NOHUGEPAGE_BIT)
#define VM_MERGEABLE BIT(VMA_MERGEABLE_BIT)
#define VM_DROPPABLE BIT(VMA_DROPPABLE_BIT)

#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
/* Mappings that never merge (include/linux/mm.h). */
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
/* What remap_pfn_range() sets (mm/memory.c). */
#define VM_REMAP_FLAGS (VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
#define VM_STACK_FLAGS (VM_GROWSDOWN | VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT)
#define VM_DATA_DEFAULT_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* Page protection bits (x86-64 subset) and the cache-mode helpers of asm/pgtable.h. */
#define _PAGE_PRESENT 0x001UL
#define _PAGE_RW 0x002UL
#define _PAGE_USER 0x004UL
#define _PAGE_PWT 0x008UL
#define _PAGE_PCD 0x010UL
#define _PAGE_PAT 0x080UL
#define _PAGE_SPECIAL 0x200UL
#define _PAGE_NX (1UL << 63)
#define _PAGE_CACHE_MASK (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT)

#define pgprot_val(x) ((x).pgprot)
#define __pgprot(x) ((pgprot_t){ (x) })
#define PAGE_SHARED __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | 0x60UL)
/* x86 spells pgprot_noncached() as a macro (UC- on every CPU since the 486), not a call. */
extern int boot_cpu_x86;
#define pgprot_noncached(prot) \
	((boot_cpu_x86 > 3) ? __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) | _PAGE_PCD) : (prot))
pgprot_t pgprot_writecombine(pgprot_t prot) __VMAPREP_NOEXCEPT;
#define pgprot_device pgprot_noncached
#define pgprot_decrypted(prot) (prot)
pgprot_t vm_get_page_prot(vm_flags_t vm_flags) __VMAPREP_NOEXCEPT;

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned int flags;
	pgoff_t pgoff;
	unsigned long address;
	struct page *page;
};

#define VM_FAULT_OOM 0x000001
#define VM_FAULT_SIGBUS 0x000002
#define VM_FAULT_NOPAGE 0x000100
#define VM_FAULT_LOCKED 0x000200

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *area);
	void (*close)(struct vm_area_struct *area);
#if VMAPREP_KAPI >= VMAPREP_KAPI_7_1
	int (*mapped)(unsigned long start, unsigned long end, pgoff_t pgoff, const struct file *file,
		      void **vm_private_data);
#else
	int (*__VMAPREP_HIDDEN(mapped))(unsigned long start, unsigned long end, pgoff_t pgoff,
				       const struct file *file, void **vm_private_data);
#endif
	int (*may_split)(struct vm_area_struct *area, unsigned long addr);
	int (*mremap)(struct vm_area_struct *area);
	int (*mprotect)(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			unsigned long newflags);
	vm_fault_t (*fault)(struct vm_fault *vmf);
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	vm_fault_t (*pfn_mkwrite)(struct vm_fault *vmf);
	int (*access)(struct vm_area_struct *vma, unsigned long addr, void *buf, int len, int write);
	const char *(*name)(struct vm_area_struct *vma);
};

/* --- VMA accessors used by legacy ->mmap handlers --- */

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

#if VMAPREP_KAPI >= VMAPREP_KAPI_7_1
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

/* Flag writers; the model asserts the mmap lock is held for write when a VMA in a tree is changed. */
void __vmaprep_vma_flags_write(struct vm_area_struct *vma, vm_flags_t flags) __VMAPREP_NOEXCEPT;
static inline void vm_flags_init(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->__vm_flags = flags;
}
static inline void vm_flags_reset(struct vm_area_struct *vma, vm_flags_t flags)
{
	__vmaprep_vma_flags_write(vma, flags);
}
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	__vmaprep_vma_flags_write(vma, vma->vm_flags | flags);
}
static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	__vmaprep_vma_flags_write(vma, vma->vm_flags & ~flags);
}
static inline void vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set, vm_flags_t clear)
{
	__vmaprep_vma_flags_write(vma, (vma->vm_flags | set) & ~clear);
}

extern const struct vm_operations_struct vma_dummy_vm_ops;

static inline void vma_set_anonymous(struct vm_area_struct *vma)
{
	vma->vm_ops = NULL;
}
static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}
void vma_set_file(struct vm_area_struct *vma, struct file *file) __VMAPREP_NOEXCEPT;

static inline bool range_in_vma(const struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	return vma && vma->vm_start <= start && end <= vma->vm_end;
}

/* --- page-table population (mm/memory.c), implemented on the model's page tables --- */

int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn, unsigned long size,
		    pgprot_t prot) __VMAPREP_NOEXCEPT;
int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		       unsigned long size, pgprot_t prot) __VMAPREP_NOEXCEPT;
int vm_iomap_memory(struct vm_area_struct *vma, phys_addr_t start, unsigned long len) __VMAPREP_NOEXCEPT;
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page) __VMAPREP_NOEXCEPT;
int vm_insert_pages(struct vm_area_struct *vma, unsigned long addr, struct page **pages,
		    unsigned long *num) __VMAPREP_NOEXCEPT;
int vm_map_pages(struct vm_area_struct *vma, struct page **pages, unsigned long num) __VMAPREP_NOEXCEPT;
int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages, unsigned long num) __VMAPREP_NOEXCEPT;
void zap_vma_ptes(struct vm_area_struct *vma, unsigned long address, unsigned long size) __VMAPREP_NOEXCEPT;
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn) __VMAPREP_NOEXCEPT;
vm_fault_t vmf_insert_pfn_prot(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
			       pgprot_t pgprot) __VMAPREP_NOEXCEPT;
vm_fault_t vmf_insert_mixed(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn) __VMAPREP_NOEXCEPT;
/* linux/vmalloc.h in the kernel: here beside the other population calls. */
int remap_vmalloc_range(struct vm_area_struct *vma, void *addr, unsigned long pgoff) __VMAPREP_NOEXCEPT;
int remap_vmalloc_range_partial(struct vm_area_struct *vma, unsigned long uaddr, void *kaddr, unsigned long pgoff,
				unsigned long size) __VMAPREP_NOEXCEPT;
/* Not modelled: a call is reported by validation ("calls apply_to_page_range(), which the model does not
 * implement") and fails with -EINVAL; declared for the analysis. */
typedef int (*pte_fn_t)(void *pte, unsigned long addr, void *data);
int apply_to_page_range(struct mm_struct *mm, unsigned long address, unsigned long size, pte_fn_t fn,
			void *data) __VMAPREP_NOEXCEPT;

/* --- struct page helpers --- */

struct page *pfn_to_page(unsigned long pfn) __VMAPREP_NOEXCEPT;
struct page *virt_to_page(const void *addr) __VMAPREP_NOEXCEPT;
struct page *vmalloc_to_page(const void *addr) __VMAPREP_NOEXCEPT;
static inline unsigned long page_to_pfn(const struct page *page)
{
	return page->__vmaprep_pfn;
}
static inline void *page_address(const struct page *page)
{
	return page->__vmaprep_virt;
}
static inline int page_count(const struct page *page)
{
	return page->_refcount;
}
static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page->__vmaprep_pfn);
}
void get_page(struct page *page) __VMAPREP_NOEXCEPT;
void put_page(struct page *page) __VMAPREP_NOEXCEPT;
#define virt_to_pfn(addr) PHYS_PFN(virt_to_phys(addr))

/* --- ->mmap_prepare helpers --- */

#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
static inline unsigned long vma_desc_size(const struct vm_area_desc *desc)
{
	return desc->end - desc->start;
}
static inline unsigned long vma_desc_pages(const struct vm_area_desc *desc)
{
	return vma_desc_size(desc) >> PAGE_SHIFT;
}
static inline void vma_desc_set_anonymous(struct vm_area_desc *desc)
{
	desc->vm_ops = NULL;
}
static inline bool range_in_vma_desc(const struct vm_area_desc *desc, unsigned long start, unsigned long end)
{
	return desc && desc->start <= start && end <= desc->end;
}
#endif

#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
/* The bitmap's constructor: mk_vma_flags(VMA_IO_BIT, ...) ORs the bits it is given. */
#define EMPTY_VMA_FLAGS ((vma_flags_t){ { 0 } })
static inline vma_flags_t __mk_vma_flags(vma_flags_t flags, size_t count, const vma_flag_t *bits)
{
	size_t i;

	for (i = 0; i < count; i++)
		flags.__vma_flags[0] |= 1UL << bits[i];
	return flags;
}
#define mk_vma_flags(...) __mk_vma_flags(EMPTY_VMA_FLAGS, COUNT_ARGS(__VA_ARGS__), (const vma_flag_t[]){ __VA_ARGS__ })
#endif

#if VMAPREP_KAPI >= VMAPREP_KAPI_7_0
/* Bitmap flag helpers; the variadic forms build a mask with mk_vma_flags(). */
static inline bool vma_flags_test(const vma_flags_t *flags, vma_flag_t bit)
{
	return (flags->__vma_flags[0] >> bit) & 1UL;
}
static inline bool vma_flags_test_any_mask(const vma_flags_t *flags, vma_flags_t mask)
{
	return (flags->__vma_flags[0] & mask.__vma_flags[0]) != 0;
}
static inline bool vma_flags_test_all_mask(const vma_flags_t *flags, vma_flags_t mask)
{
	return (flags->__vma_flags[0] & mask.__vma_flags[0]) == mask.__vma_flags[0];
}
static inline void vma_flags_set_mask(vma_flags_t *flags, vma_flags_t mask)
{
	flags->__vma_flags[0] |= mask.__vma_flags[0];
}
static inline void vma_flags_clear_mask(vma_flags_t *flags, vma_flags_t mask)
{
	flags->__vma_flags[0] &= ~mask.__vma_flags[0];
}

static inline void vma_desc_set_flags_mask(struct vm_area_desc *desc, vma_flags_t flags)
{
	vma_flags_set_mask(&desc->vma_flags, flags);
}
static inline void vma_desc_clear_flags_mask(struct vm_area_desc *desc, vma_flags_t flags)
{
	vma_flags_clear_mask(&desc->vma_flags, flags);
}
static inline bool vma_desc_test_any_mask(const struct vm_area_desc *desc, vma_flags_t flags)
{
	return vma_flags_test_any_mask(&desc->vma_flags, flags);
}
static inline bool vma_desc_test_all_mask(const struct vm_area_desc *desc, vma_flags_t flags)
{
	return vma_flags_test_all_mask(&desc->vma_flags, flags);
}
#define vma_desc_set_flags(desc, ...) vma_desc_set_flags_mask(desc, mk_vma_flags(__VA_ARGS__))
#define vma_desc_clear_flags(desc, ...) vma_desc_clear_flags_mask(desc, mk_vma_flags(__VA_ARGS__))
#define vma_desc_test_any(desc, ...) vma_desc_test_any_mask(desc, mk_vma_flags(__VA_ARGS__))
#define vma_desc_test_all(desc, ...) vma_desc_test_all_mask(desc, mk_vma_flags(__VA_ARGS__))
#if VMAPREP_KAPI >= VMAPREP_KAPI_7_1
static inline bool vma_desc_test(const struct vm_area_desc *desc, vma_flag_t bit)
{
	return vma_flags_test(&desc->vma_flags, bit);
}
#else
static inline bool vma_desc_test_flags(const struct vm_area_desc *desc, vma_flag_t bit)
{
	return vma_flags_test(&desc->vma_flags, bit);
}
#endif
static inline bool vma_desc_is_cow_mapping(const struct vm_area_desc *desc)
{
	return is_cow_mapping(desc->vma_flags.__vma_flags[0]);
}

/* VMA-side bitmap helpers of 7.x, for legacy handlers written against 7.x (out of line here, so the
 * model sees the write as it sees vm_flags_set()'s). */
void vma_set_flags_mask(struct vm_area_struct *vma, vma_flags_t flags) __VMAPREP_NOEXCEPT;
void vma_clear_flags_mask(struct vm_area_struct *vma, vma_flags_t flags) __VMAPREP_NOEXCEPT;
#define vma_set_flags(vma, ...) vma_set_flags_mask(vma, mk_vma_flags(__VA_ARGS__))
#define vma_clear_flags(vma, ...) vma_clear_flags_mask(vma, mk_vma_flags(__VA_ARGS__))
static inline bool vma_test(const struct vm_area_struct *vma, vma_flag_t bit)
{
	return (vma->vm_flags >> bit) & 1UL;
}
#elif VMAPREP_KAPI >= VMAPREP_KAPI_6_19
static inline bool vma_desc_is_cow_mapping(const struct vm_area_desc *desc)
{
	return is_cow_mapping(desc->vm_flags);
}
#endif

#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
static inline void mmap_action_remap(struct vm_area_desc *desc, unsigned long start, unsigned long start_pfn,
				     unsigned long size)
{
	struct mmap_action *action = &desc->action;

	action->remap.start = start;
	action->remap.start_pfn = start_pfn;
	action->remap.size = size;
	/* The protection in effect now: set desc->page_prot before calling this. */
	action->remap.pgprot = desc->page_prot;
	action->type = MMAP_REMAP_PFN;
}
static inline void mmap_action_remap_full(struct vm_area_desc *desc, unsigned long start_pfn)
{
	mmap_action_remap(desc, desc->start, start_pfn, vma_desc_size(desc));
}
static inline void mmap_action_ioremap(struct vm_area_desc *desc, unsigned long start,
				       unsigned long start_pfn, unsigned long size)
{
	mmap_action_remap(desc, start, start_pfn, size);
	desc->action.type = MMAP_IO_REMAP_PFN;
}
static inline void mmap_action_ioremap_full(struct vm_area_desc *desc, unsigned long start_pfn)
{
	mmap_action_ioremap(desc, desc->start, start_pfn, vma_desc_size(desc));
}
#endif

#if VMAPREP_KAPI >= VMAPREP_KAPI_7_1
static inline void mmap_action_simple_ioremap(struct vm_area_desc *desc, phys_addr_t start_phys_addr,
					      unsigned long size)
{
	struct mmap_action *action = &desc->action;

	action->simple_ioremap.start_phys_addr = start_phys_addr;
	action->simple_ioremap.size = size;
	action->type = MMAP_SIMPLE_IO_REMAP;
}
static inline void mmap_action_map_kernel_pages(struct vm_area_desc *desc, unsigned long start,
						struct page **pages, unsigned long nr_pages)
{
	struct mmap_action *action = &desc->action;

	action->type = MMAP_MAP_KERNEL_PAGES;
	action->map_kernel.start = start;
	action->map_kernel.pages = pages;
	action->map_kernel.nr_pages = nr_pages;
	action->map_kernel.pgoff = desc->pgoff;
}
static inline void mmap_action_map_kernel_pages_full(struct vm_area_desc *desc, struct page **pages)
{
	mmap_action_map_kernel_pages(desc, desc->start, pages, vma_desc_pages(desc));
}
#endif

__VMAPREP_END_DECLS

#endif
