// Page tables, after mm/memory.c: remap_pfn_range() / io_remap_pfn_range() (install_pfn_range),
// vm_insert_page() (install_page), the zapping of a range (zap_vma_range(), unmap_vmas()), and what a read
// fault gets (read_fault). A page table here is a map from page-aligned address to a Pte; the shim
// (kshim/src/kshim.cpp) calls these while a driver's hook runs under the write lock.
#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Shim.h"

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

// ---------------------------------------------------------------------------------------------------
// A read fault (mm/memory.c handle_mm_fault() on a read, x86's do_user_addr_fault() before it)

ReadResult AddressSpace::read_fault(const LockedView& lock, unsigned long addr) const {
  require(lock, false);
  const vm_area_struct* vma = find(addr);
  // No VMA there: SIGSEGV (the model's scenarios have no stack below to grow).
  if (!vma || addr < vma->vm_start) return ReadResult::Sigsegv;
  // arch/x86/mm/fault.c access_error(): a read of a page not present needs any of read, write or exec.
  if (!(vma->vm_flags & VM_ACCESS_FLAGS)) return ReadResult::Sigsegv;
  if (pte_present(addr)) return ReadResult::Pte;
  // do_pte_missing(): vma_is_anonymous() goes to do_anonymous_page(), which refuses a shared mapping
  // without ->vm_ops ("File mapping without ->vm_ops ?") and maps the zero page for a read.
  if (!vma->vm_ops) return (vma->vm_flags & VM_SHARED) ? ReadResult::Sigbus : ReadResult::Zero;
  // do_fault(): no ->fault and no entry (the VMA was not fully populated on mmap()) is SIGBUS.
  if (!vma->vm_ops->fault) return ReadResult::Sigbus;
  if (!shim_vm_ops_name(vma->vm_ops)) return ReadResult::Driver;
  // A table the shim provides: its ->fault (shmem_fault(), filemap_fault() in kshim.cpp) only says whether
  // the page would be refused; vmf->pgoff is linear_page_index(), the file's index of the page.
  struct vm_fault vmf{};
  vmf.vma = const_cast<vm_area_struct*>(vma);
  vmf.address = addr & PAGE_MASK;
  vmf.pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
  if (vma->vm_ops->fault(&vmf) & VM_FAULT_SIGBUS) return ReadResult::Sigbus;
  // shmem_get_folio_gfp() allocates a shmem file's missing page cleared; any other file has its contents.
  return is_shmem_file(vma->vm_file) ? ReadResult::Zero : ReadResult::File;
}

}  // namespace vmaprep::model
