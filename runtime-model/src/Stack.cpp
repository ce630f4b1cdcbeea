// The stack: the initial stack VMA as fs/exec.c setup_arg_pages() leaves it, growth on a fault as
// mm/mmap_lock.c lock_mm_and_find_vma() (mm/memory.c in 6.12) takes the lock and expands, and
// expand_downwards() (mm/vma.c in 7.3, mm/mmap.c in 6.12) with its guard gap and rlimit checks.
#include <algorithm>

#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

// ---------------------------------------------------------------------------------------------------
// Stack (fs/exec.c setup_arg_pages, mm/memory.c lock_mm_and_find_vma, mm/mmap.c expand_downwards)

int AddressSpace::setup_stack(WriteGuard& lock, unsigned long top, unsigned long size) {
  require(lock, true);
  Operation op(*this, top - size, top);
  if (!PAGE_ALIGNED(top) || !PAGE_ALIGNED(size) || size == 0 || size > top || top > config_.task_size)
    return op.done(-EINVAL);
  vm_area_struct* clash = find(top - size);
  if (clash && clash->vm_start < top) return op.done(-EEXIST);
  VmaPtr vma = vma_alloc("vm_area_alloc");
  if (!vma) return op.done(-ENOMEM);
  vma->vm_start = top - size;
  vma->vm_end = top;
  vma->vm_pgoff = vma->vm_start >> PAGE_SHIFT;
  vma->__vm_flags = VM_STACK_FLAGS;
  vma->vm_page_prot = vm_get_page_prot(VM_STACK_FLAGS);
  vma_set_anonymous(vma.get());
  vma->anon_vma = new_anon_vma(/*cloned=*/false);  // exec wrote the arguments into it
  link(std::move(vma));
  mm_.start_stack = top;
  return op.done(0);
}

int AddressSpace::expand_downwards(vm_area_struct* vma, unsigned long addr) {
  const unsigned long address = addr & PAGE_MASK;
  if (address < config_.mmap_min_addr) return -EPERM;
  vm_area_struct* prev = prev_of(vma->vm_start);
  if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
      address - prev->vm_end < config_.stack_guard_gap)
    return -ENOMEM;
  if (Kernel::current().faults.should_fail("anon_vma_prepare")) return -ENOMEM;
  if (!vma->anon_vma) vma->anon_vma = new_anon_vma(/*cloned=*/false);
  if (address >= vma->vm_start) return 0;
  const unsigned long size = vma->vm_end - address;
  const unsigned long grow = (vma->vm_start - address) >> PAGE_SHIFT;
  if (grow > vma->vm_pgoff) return -ENOMEM;
  if (size > config_.rlimit_stack) return -ENOMEM;
  if (mapped_pages_ + grow > (config_.rlimit_as >> PAGE_SHIFT)) return -ENOMEM;
  set_range(vma, address, vma->vm_end, vma->vm_pgoff - grow);
  return 0;
}

std::optional<ReadGuard> AddressSpace::lock_mm_and_find_vma(unsigned long addr, VmaRef* out) {
  ReadGuard read = read_lock();
  vm_area_struct* vma = find(addr);
  if (vma && vma->vm_start <= addr) {
    *out = make_ref(read, vma);
    return read;
  }
  if (!vma || !(vma->vm_flags & VM_GROWSDOWN)) return std::nullopt;
  // The lock cannot be upgraded in place: drop it, take it for write, and look again.
  read.unlock();
  if (on_lock_upgrade_gap) on_lock_upgrade_gap(*this);
  WriteGuard write = write_lock();
  int err = 0;
  {
    Operation op(*this, addr & PAGE_MASK, addr + 1);
    vma = find(addr);
    if (!vma || (vma->vm_start > addr && !(vma->vm_flags & VM_GROWSDOWN)))
      err = -EFAULT;
    else if (vma->vm_start > addr)
      err = expand_downwards(vma, addr);
    if (vma && !err) touched_start_ = std::min(touched_start_, vma->vm_start);
    err = op.done(err);
  }
  if (err) return std::nullopt;
  ReadGuard downgraded = std::move(write).downgrade();
  *out = make_ref(downgraded, vma);
  return downgraded;
}

}  // namespace vmaprep::model
