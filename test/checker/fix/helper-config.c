// A helper whose VMA this configuration ignores: drivers/char/mem.c (6.12)
// private_mapping_ok() is `return 1;` under CONFIG_MMU and reads the flags
// under !CONFIG_MMU. The parse sees one branch; the helper converts in both,
// the skipped one by what is right whatever the code around it means: its
// VMA parameter, and reads of fields the desc has (docs/rewrites.md).
// From 7.0 the skipped branch's flags query takes its twin over the bitmap,
// as 7.3 has it, and the whole rewrite is upstream's mmap_mem_prepare().
// Before bitmap flags (6.19) it reads desc->vm_flags, as upstream's first
// conversion did; 6.19 has no error_override, so that run maps without the
// -EAGAIN (REMAP-619-LINE).
// RUN: sed -e '/Remap-pfn-range will [m]ark/,/^\treturn 0;$/d' -e 's|^// REMAP-619-LINE: ||' %s | sed '/^\/\/ [A-Z0-9-]*:/d' > %t.619.c && %vmaprep fix --api 6.19 %t.619.c -- %kflags -DVMAPREP_KAPI=61900 -DCONFIG_MMU=1 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.619.c --check-prefixes=FIXED,FIXED619 --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// RUN: sed '/^\/\/ [A-Z0-9-]*:/d' %s > %t.71.c
// RUN: %vmaprep fix %t.71.c -- %kflags -DCONFIG_MMU=1 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.71.c --check-prefixes=FIXED,FIXED71 --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// REPORT: remark: converted 'mmap_mem' to 'mmap_mem_prepare'
// With !CONFIG_MMU parsed, the other branch is the skipped one (at 6.19: the
// model runs the flags query on desc->vm_flags).
// RUN: sed -e '/Remap-pfn-range will [m]ark/,/^\treturn 0;$/d' -e 's|^// REMAP-619-LINE: ||' %s | sed '/^\/\/ [A-Z0-9-]*:/d' > %t.nommu.c
// RUN: %vmaprep fix --api 6.19 %t.nommu.c -- %kflags -DVMAPREP_KAPI=61900 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t.nommu.c --check-prefixes=FIXED,FIXED619 --implicit-check-not=vma- --implicit-check-not=vm_area_struct
// A skipped branch that uses the VMA other than to read a field is refused,
// naming the condition, and nothing is written.
// RUN: sed 's|^// WRITE-LINE: ||' %s | sed '/^\/\/ [A-Z0-9-]*:/d' > %t.write.c
// RUN: cp %t.write.c %t.write.orig.c
// RUN: %vmaprep fix %t.write.c -- %kflags -DCONFIG_MMU=1 2>&1 | FileCheck %s --check-prefix=WRITE
// RUN: diff %t.write.c %t.write.orig.c
// WRITE: warning: 'mmap_mem' not converted: private_mapping_ok()'s 'vma' writes vma->vm_pgoff in code under #ifndef CONFIG_MMU (line {{[0-9]+}}), which this parse did not compile; there vmaprep rewrites only reads of fields the desc has
#include <linux/fs.h>
#include <linux/mm.h>

#ifndef CONFIG_MMU
// include/linux/mm.h's, which the shim does not have.
static inline int is_nommu_shared_mapping(vm_flags_t flags)
{
	return flags & VM_MAYSHARE;
}
#endif

int phys_mem_access_prot_allowed(struct file *file, unsigned long pfn,
				 unsigned long size, pgprot_t *vma_prot);

#ifndef CONFIG_MMU
// FIXED: static inline int private_mapping_ok(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED619-NEXT: return is_nommu_shared_mapping(desc->vm_flags);
// FIXED71-NEXT: return is_nommu_shared_vma_flags(&desc->vma_flags);
static inline int private_mapping_ok(struct vm_area_struct *vma)
{
	return is_nommu_shared_mapping(vma->vm_flags);
// WRITE-LINE: 	vma->vm_pgoff = 0;
}
#else

// FIXED: static inline int private_mapping_ok(struct vm_area_desc *desc)
// FIXED-NEXT: {
// FIXED-NEXT: return 1;
static inline int private_mapping_ok(struct vm_area_struct *vma)
{
	return 1;
}
#endif

static const struct vm_operations_struct mmap_mem_ops = {
};

// FIXED: static int mmap_mem_prepare(struct vm_area_desc *desc)
static int mmap_mem(struct file *file, struct vm_area_struct *vma)
{
	size_t size = vma->vm_end - vma->vm_start;
	phys_addr_t offset = (phys_addr_t)vma->vm_pgoff << PAGE_SHIFT;

	if (offset >> PAGE_SHIFT != vma->vm_pgoff)
		return -EINVAL;
// FIXED: if (!private_mapping_ok(desc))
	if (!private_mapping_ok(vma))
		return -ENOSYS;
	if (!phys_mem_access_prot_allowed(file, vma->vm_pgoff, size,
					  &vma->vm_page_prot))
		return -EINVAL;
	vma->vm_ops = &mmap_mem_ops;

// FIXED619: mmap_action_remap_full(desc, desc->pgoff);
// FIXED619-NEXT: return 0;
// FIXED71: mmap_action_remap_full(desc, desc->pgoff);
// FIXED71-NEXT: desc->action.error_override = -EAGAIN;
	/* Remap-pfn-range will mark the range VM_IO */
	if (remap_pfn_range(vma,
			    vma->vm_start,
			    vma->vm_pgoff,
			    size,
			    vma->vm_page_prot)) {
		return -EAGAIN;
	}
	return 0;
// REMAP-619-LINE: 	return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, size, vma->vm_page_prot);
}

static const struct file_operations mem_fops = {
	.mmap		= mmap_mem,
};
