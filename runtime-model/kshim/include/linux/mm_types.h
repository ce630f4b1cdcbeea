/*
 * vmaprep kernel API shim: linux/mm_types.h.
 *
 * Models the address-space data structures as drivers see them: struct page, struct mm_struct,
 * struct vm_area_struct, vma_flags_t, struct mmap_action and struct vm_area_desc, with the kernel's field
 * names. The runtime model stores VMAs as these very structs, so a driver's view and the model's are one.
 * Per-level differences (see vmaprep/kapi.h) keep one layout: absent fields carry a reserved name.
 * Not modelled: locks, rb/maple nodes, anon_vma chains, NUMA policy, userfaultfd context.
 */
#ifndef VMAPREP_KSHIM_LINUX_MM_TYPES_H
#define VMAPREP_KSHIM_LINUX_MM_TYPES_H

#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

struct file;
struct vm_operations_struct;

typedef struct {
	unsigned long pgprot;
} pgprot_t;

/* A physical page frame. pfn and virtual address are the model's identity mapping of host memory. */
struct page {
	unsigned long __vmaprep_pfn;
	int _refcount;
	int __vmaprep_order;
	void *__vmaprep_virt;
};

struct mm_struct {
	int map_count;
	unsigned long task_size;
	unsigned long mmap_base;
	unsigned long start_brk;
	unsigned long brk;
	unsigned long start_stack;
	unsigned long total_vm;
	vm_flags_t def_flags;
	void *__vmaprep_model; /* the owning vmaprep::model::AddressSpace */
};

/* 7.x: VMA flags as a bitmap (one word on 64-bit). Only accessed through the helpers. */
#define NUM_VMA_FLAG_BITS BITS_PER_LONG
typedef struct {
	unsigned long __vma_flags[1];
} vma_flags_t;
typedef int vma_flag_t;

#if VMAPREP_KAPI >= VMAPREP_KAPI_7_0
/* The first word of the bitmap as the legacy mask, "for APIs that haven't migrated yet" (7.x). */
static inline vm_flags_t vma_flags_to_legacy(vma_flags_t flags)
{
	return (vm_flags_t)flags.__vma_flags[0];
}
#endif

/* Only its identity is modelled, and whether it came from anon_vma_fork() (the VMA's anon_vma_chain is
 * then not singular, which stops merges with VMAs that have no anon_vma: mm/vma.c is_mergeable_anon_vma()). */
struct anon_vma {
	int __vmaprep_cloned;
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	/* Read-only since 6.3: writes go through vm_flags_set()/vm_flags_clear()/vm_flags_mod(). */
	union {
		const vm_flags_t vm_flags;
		vm_flags_t __vm_flags;
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
		vma_flags_t flags;
#else
		vma_flags_t __VMAPREP_HIDDEN(flags);
#endif
	};
	unsigned long vm_pgoff;
	struct file *vm_file;
	void *vm_private_data;
	const struct vm_operations_struct *vm_ops;
	struct anon_vma *anon_vma;
};

enum mmap_action_type {
	MMAP_NOTHING,          /* Mapping is complete, no further action. */
	MMAP_REMAP_PFN,        /* Remap PFN range. */
	MMAP_IO_REMAP_PFN,     /* I/O remap PFN range. */
	MMAP_SIMPLE_IO_REMAP,  /* I/O remap with guardrails (7.1+). */
	MMAP_MAP_KERNEL_PAGES, /* Map kernel page range from array (7.1+). */
};

/* 6.19+: page-table work the core performs after the VMA exists. Set only through mmap_action_*(). */
struct mmap_action {
	union {
		struct {
			unsigned long start;
			unsigned long start_pfn;
			unsigned long size;
			pgprot_t pgprot;
		} remap;
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
	};
	enum mmap_action_type type;
#if VMAPREP_KAPI >= VMAPREP_KAPI_7_1
	int error_override;
#else
	int __VMAPREP_HIDDEN(error_override);
#endif
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19 && VMAPREP_KAPI < VMAPREP_KAPI_7_1
	int (*success_hook)(const struct vm_area_struct *vma);
	int (*error_hook)(int err);
#else
	int (*__VMAPREP_HIDDEN(success_hook))(const struct vm_area_struct *vma);
	int (*__VMAPREP_HIDDEN(error_hook))(int err);
#endif
	bool hide_from_rmap_until_complete : 1;
};

/*
 * A VMA that is about to be mapped (6.16+). Only pgoff, vm_file, the flags, page_prot, vm_ops and
 * private_data are copied into the new VMA; mm, file, start and end are the request. At 6.12 there is
 * no such struct (nothing at that level embeds it, so the layout of the others does not change).
 */
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_16
struct vm_area_desc {
	const struct mm_struct *const mm;
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_18
	struct file *const file;
#else
	struct file *file;
#endif
	unsigned long start;
	unsigned long end;

	pgoff_t pgoff;
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_18
	struct file *vm_file;
#else
	struct file *__VMAPREP_HIDDEN(vm_file);
#endif
	union {
#if VMAPREP_KAPI < VMAPREP_KAPI_7_0
		vm_flags_t vm_flags;
#else
		vm_flags_t __VMAPREP_HIDDEN(vm_flags);
#endif
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
		vma_flags_t vma_flags;
#else
		vma_flags_t __VMAPREP_HIDDEN(vma_flags);
#endif
	};
	pgprot_t page_prot;

	const struct vm_operations_struct *vm_ops;
	void *private_data;

#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
	struct mmap_action action;
#else
	struct mmap_action __VMAPREP_HIDDEN(action);
#endif
};
#endif

__VMAPREP_END_DECLS

#endif
