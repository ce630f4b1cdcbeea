// Page tables, after mm/memory.c: remap_pfn_range() / io_remap_pfn_range() (install_pfn_range),
// vm_insert_page() (install_page) and the zapping of a range (zap_vma_range(), unmap_vmas()). A
// page table here is a map from page-aligned address to a Pte; the shim (kshim/src/kshim.cpp) calls these
// while a driver's hook runs under the write lock.
#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

void AddressSpace::zap_range(unsigned long start, unsigned long end) {
  auto it = ptes_.lower_bound(start);
  Kernel& kernel = Kernel::current();
  while (it != ptes_.end() && it->first < end) {
    if (it->second.page) kernel.put_page(it->second.page);
    it = ptes_.erase(it);
  }
}

// ---------------------------------------------------------------------------------------------------
// Page tables (mm/memory.c)

int AddressSpace::install_pfn_range(vm_area_struct* vma, unsigned long addr, unsigned long pfn, unsigned long size,
                                    pgprot_t prot, PteKind kind) {
  assert_write_locked("remap_pfn_range");
  Kernel& kernel = Kernel::current();
  const unsigned long end = addr + PAGE_ALIGN(size);
  if (!PAGE_ALIGNED(addr)) {
    kernel.warn("remap: address not page aligned");
    return -EINVAL;
  }
  if (addr >= end) {
    kernel.warn("remap: empty or wrapping range");  // BUG_ON(addr >= end) in the kernel
    return -EINVAL;
  }
  if (!range_in_vma(vma, addr, end)) {
    // The kernel does not check this in remap_pfn_range() and would write page tables outside the VMA.
    kernel.warn("remap: range outside the VMA");
    return -EFAULT;
  }
  if (kernel.faults.should_fail("pte_alloc")) return -ENOMEM;
  for (unsigned long a = addr; a < end; a += PAGE_SIZE) {
    if (ptes_.count(a)) {
      zap_range(addr, a);  // remap_pfn_range_notrack() zaps what it populated before failing
      return -EACCES;
    }
    ptes_[a] = Pte{pfn + ((a - addr) >> PAGE_SHIFT), __pgprot(pgprot_val(prot) | _PAGE_SPECIAL), kind, nullptr};
  }
  return 0;
}

int AddressSpace::install_page(vm_area_struct* vma, unsigned long addr, struct page* page, pgprot_t prot) {
  assert_write_locked("vm_insert_page");
  Kernel& kernel = Kernel::current();
  if (addr < vma->vm_start || addr >= vma->vm_end) return -EFAULT;
  if (!page || page_count(page) == 0) return -EINVAL;
  if (kernel.faults.should_fail("pte_alloc")) return -ENOMEM;
  const unsigned long key = addr & PAGE_MASK;
  if (ptes_.count(key)) return -EBUSY;
  kernel.get_page(page);
  ptes_[key] = Pte{page_to_pfn(page), prot, PteKind::Page, page};
  return 0;
}

}  // namespace vmaprep::model
