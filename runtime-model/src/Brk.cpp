// brk(), after mm/mmap.c SYSCALL_DEFINE1(brk) and do_brk_flags() (mm/vma.c in 7.3, mm/mmap.c in 6.12):
// shrinking unmaps through do_munmap() (Vma.cpp), growing extends the heap VMA or adds one, refused near
// the next mapping's stack guard gap, over the map count or over RLIMIT_AS.
#include <algorithm>

#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

// ---------------------------------------------------------------------------------------------------
// brk (mm/mmap.c SYSCALL brk, mm/vma.c do_brk_flags)

unsigned long AddressSpace::brk(WriteGuard& lock, unsigned long requested) {
  require(lock, true);
  Operation op(*this, mm_.start_brk, std::max(requested, mm_.brk) + PAGE_SIZE);
  const unsigned long origbrk = mm_.brk;
  if (requested < mm_.start_brk) return op.done(origbrk);
  const unsigned long newbrk = PAGE_ALIGN(requested);
  const unsigned long oldbrk = PAGE_ALIGN(mm_.brk);
  if (oldbrk == newbrk) {
    mm_.brk = requested;
    return op.done(requested);
  }
  if (requested <= mm_.brk) {
    // Shrinking unmaps [newbrk, oldbrk) from the first VMA there; with nothing mapped there, it is refused.
    vm_area_struct* first = find(newbrk);
    if (!first || first->vm_start >= oldbrk) return op.done(origbrk);
    mm_.brk = requested;
    if (do_munmap(newbrk, oldbrk - newbrk)) {
      mm_.brk = origbrk;
      return op.done(origbrk);
    }
    return op.done(requested);
  }
  // Refuse to grow into the next mapping or its stack guard gap.
  vm_area_struct* next = find(oldbrk);
  if (next && next->vm_start < newbrk + PAGE_SIZE + config_.stack_guard_gap && newbrk + PAGE_SIZE > vm_start_gap(next))
    return op.done(origbrk);
  if (mm_.map_count > config_.max_map_count) return op.done(origbrk);
  if (mapped_pages_ + ((newbrk - oldbrk) >> PAGE_SHIFT) > (config_.rlimit_as >> PAGE_SHIFT)) return op.done(origbrk);
  const vm_flags_t flags = VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm_.def_flags;
  vm_area_struct* brkvma = prev_of(oldbrk);
  if (brkvma && brkvma->vm_end == oldbrk && brkvma->vm_start >= mm_.start_brk && mergeable(brkvma, flags, nullptr) &&
      anon_mergeable(nullptr, brkvma) && !brkvma->vm_ops) {
    set_range(brkvma, brkvma->vm_start, newbrk, brkvma->vm_pgoff);
  } else {
    VmaPtr vma = vma_alloc("vm_area_alloc");
    if (!vma) return op.done(origbrk);
    vma->vm_start = oldbrk;
    vma->vm_end = newbrk;
    vma->vm_pgoff = oldbrk >> PAGE_SHIFT;
    vma->__vm_flags = flags;
    vma->vm_page_prot = vm_get_page_prot(flags);
    vma_set_anonymous(vma.get());
    link(std::move(vma));
  }
  mm_.brk = requested;
  return op.done(requested);
}

}  // namespace vmaprep::model
