/* Parse-only: struct vm_area_struct, vm_operations_struct, vm_area_desc and
 * mmap_action, at the API level VMAPREP_KAPI selects (kernel-api.md 2-3). */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H
#include <linux/types.h>

struct file;
struct page;
struct mm_struct { unsigned long task_size; };
struct vm_fault { struct vm_area_struct *vma; unsigned long address; pgoff_t pgoff; struct page *page; };

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *area);
	void (*close)(struct vm_area_struct *area);
	int (*may_split)(struct vm_area_struct *area, unsigned long addr);
	int (*mremap)(struct vm_area_struct *area);
	vm_fault_t (*fault)(struct vm_fault *vmf);
	int (*access)(struct vm_area_struct *vma, unsigned long addr, void *buf, int len, int write);
#if VMAPREP_KAPI >= 70100
	int (*mapped)(unsigned long start, unsigned long end, pgoff_t pgoff,
		      const struct file *file, void **vm_private_data);
#endif
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	/* Since 6.3 flags are written only through vm_flags_*() helpers. */
	union {
		const vm_flags_t vm_flags;
		vm_flags_t __vm_flags;
	};
	unsigned long vm_pgoff;
	struct file *vm_file;
	void *vm_private_data;
	const struct vm_operations_struct *vm_ops;
};

#if VMAPREP_KAPI >= 61900
typedef struct { unsigned long __vma_flags[1]; } vma_flags_t;
typedef int vma_flag_t;
#endif

#if VMAPREP_KAPI >= 61900
enum mmap_action_type {
	MMAP_NOTHING,
	MMAP_REMAP_PFN,
	MMAP_IO_REMAP_PFN,
#if VMAPREP_KAPI >= 70100
	MMAP_SIMPLE_IO_REMAP,
	MMAP_MAP_KERNEL_PAGES,
#endif
};

struct mmap_action {
	union {
		struct {
			unsigned long start;
			unsigned long start_pfn;
			unsigned long size;
			pgprot_t pgprot;
		} remap;
#if VMAPREP_KAPI >= 70100
		struct {
			phys_addr_t start_phys_addr;
			unsigned long size;
		} simple_ioremap;
		struct {
			unsigned long start;
			struct page **pages;
			unsigned long nr_pages;
			pgoff_t pgoff;
		} map_kernel;
#endif
	};
	enum mmap_action_type type;
#if VMAPREP_KAPI >= 70100
	int error_override;
#else
	int (*success_hook)(const struct vm_area_struct *vma);
	int (*error_hook)(int err);
#endif
	bool hide_from_rmap_until_complete : 1;
};
#endif

#if VMAPREP_KAPI >= 61600 /* 6.12 and older (61200): no mmap_prepare at all */
struct vm_area_desc {
	/* Immutable state. */
	const struct mm_struct *const mm;
#if VMAPREP_KAPI >= 61800
	struct file *const file;
#endif
	const unsigned long start;
	const unsigned long end;
	/* Mutable fields. */
	pgoff_t pgoff;
#if VMAPREP_KAPI >= 61800
	struct file *vm_file;
#else
	struct file *file;
#endif
#if VMAPREP_KAPI >= 70000
	vma_flags_t vma_flags;
#elif VMAPREP_KAPI >= 61900
	union {
		vm_flags_t vm_flags;
		vma_flags_t vma_flags;
	};
#else
	vm_flags_t vm_flags;
#endif
	pgprot_t page_prot;
	/* Write-only fields. */
	const struct vm_operations_struct *vm_ops;
	void *private_data;
#if VMAPREP_KAPI >= 61900
	struct mmap_action action;
#endif
};
#endif

#endif
