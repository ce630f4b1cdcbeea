// mprotect(), after mm/mprotect.c do_mprotect_pkey() and mprotect_fixup(): PROT_GROWSDOWN, the VM_MAY*
// check, vm_ops->mprotect, VM_ACCOUNT charging, merging or splitting through vma_modify_flags() (Vma.cpp),
// and change_protection() on the present page-table entries.
#include <algorithm>

#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

// ---------------------------------------------------------------------------------------------------
// mprotect (mm/mprotect.c do_mprotect_pkey, mprotect_fixup)

int AddressSpace::mprotect(WriteGuard& lock, unsigned long start, unsigned long len, unsigned long prot) {
  require(lock, true);
  Operation op(*this, start, start + len);
  const unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
  prot &= ~static_cast<unsigned long>(PROT_GROWSDOWN | PROT_GROWSUP);
  if (grows == (PROT_GROWSDOWN | PROT_GROWSUP)) return op.done(-EINVAL);
  if (start & ~PAGE_MASK) return op.done(-EINVAL);
  if (!len) return op.done(0);
  len = PAGE_ALIGN(len);
  const unsigned long end = start + len;
  if (end <= start) return op.done(-ENOMEM);
  // arch_validate_prot(): PROT_SEM is accepted (and means nothing on x86).
  if (prot & ~static_cast<unsigned long>(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)) return op.done(-EINVAL);
  prot &= ~static_cast<unsigned long>(PROT_SEM);
  touched_end_ = end;

  vm_area_struct* vma = find(start);
  if (!vma || vma->vm_start >= end) return op.done(-ENOMEM);
  if (grows & PROT_GROWSDOWN) {
    // The change extends down to the start of a VM_GROWSDOWN VMA, wherever in it start was.
    if (!(vma->vm_flags & VM_GROWSDOWN)) return op.done(-EINVAL);
    start = vma->vm_start;
    touched_start_ = start;
  } else {
    if (vma->vm_start > start) return op.done(-ENOMEM);
    if (grows & PROT_GROWSUP) return op.done(-EINVAL);  // no VM_GROWSUP on x86
  }
  unsigned long nstart = start;
  int err = 0;
  while (nstart < end) {
    vma = find(nstart);
    // A VMA may start below nstart: the first one, or one a merge extended over the range.
    if (!vma || vma->vm_start > nstart) {
      err = -ENOMEM;
      break;
    }
    vm_flags_t newflags = detail::calc_vm_prot_bits(prot) | (vma->vm_flags & ~VM_ACCESS_FLAGS);
    // newflags >> 4 moves the VM_MAY* bits onto VM_*: asking for an access the mapping may not have.
    if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
      err = -EACCES;
      break;
    }
    const unsigned long tmp = std::min(vma->vm_end, end);
    if (vma->vm_ops && vma->vm_ops->mprotect) {
      err = vma->vm_ops->mprotect(vma, nstart, tmp, newflags);
      if (err) break;
    }
    if (newflags != vma->vm_flags) {
      // mprotect_fixup(): memory that becomes writable is charged (VM_ACCOUNT) unless it is shared, was
      // charged or writable already, or is NORESERVE; anonymous memory that never had an anon_vma is
      // uncharged when it stops being writable. Private file mappings stay charged.
      const vm_flags_t oldflags = vma->vm_flags;
      if (newflags & VM_WRITE) {
        if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) newflags |= VM_ACCOUNT;
      } else if ((oldflags & VM_ACCOUNT) && !vma->vm_ops && !vma->anon_vma) {
        newflags &= ~VM_ACCOUNT;
      }
      vm_area_struct* target = vma_modify_flags(vma, nstart, tmp, newflags, &err);
      if (!target) break;
      target->__vm_flags = newflags;
      vma_set_page_prot(target);
      ++generation_;
      // change_protection(): present PTEs take the new access bits, keep pfn, kind and cache mode.
      const unsigned long access = pgprot_val(target->vm_page_prot) & ~static_cast<unsigned long>(_PAGE_CACHE_MASK);
      for (auto it = ptes_.lower_bound(nstart); it != ptes_.end() && it->first < tmp; ++it) {
        const unsigned long keep = pgprot_val(it->second.prot) & (_PAGE_CACHE_MASK | _PAGE_SPECIAL);
        it->second.prot = __pgprot(access | keep);
      }
    }
    nstart = tmp;
  }
  return op.done(err);
}

}  // namespace vmaprep::model
