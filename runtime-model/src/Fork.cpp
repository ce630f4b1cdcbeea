// fork(), after kernel/fork.c dup_mm() -> dup_mmap() (mm/mmap.c in 7.3, kernel/fork.c in 6.12):
// VM_DONTCOPY and VM_WIPEONFORK, anon_vma_fork() (mm/rmap.c), ->open on each copy, and mm/memory.c
// copy_page_range() for the mappings vma_needs_copy() says must be copied.
#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Shim.h"

namespace vmaprep::model {

// ---------------------------------------------------------------------------------------------------
// fork (kernel/fork.c dup_mm -> mm/mmap.c dup_mmap)

std::unique_ptr<AddressSpace> AddressSpace::fork(WriteGuard& lock, int* error) {
  require(lock, true);
  Operation op(*this, 0, config_.task_size);
  Kernel& kernel = op.kernel();
  if (kernel.faults.should_fail("mm_alloc")) {
    *error = -ENOMEM;
    return op.done(std::unique_ptr<AddressSpace>());
  }
  auto child = std::make_unique<AddressSpace>(config_);
  child->mm_.start_brk = mm_.start_brk;
  child->mm_.brk = mm_.brk;
  child->mm_.start_stack = mm_.start_stack;
  child->mm_.def_flags = mm_.def_flags;
  int err = 0;
  {
    WriteGuard child_lock = child->write_lock();
    for (const auto& entry : vmas_) {
      const vm_area_struct* src = entry.second.get();
      if (src->vm_flags & VM_DONTCOPY) continue;
      VmaPtr copy = child->vma_dup(*src, "vm_area_dup");
      if (!copy) {
        err = -ENOMEM;
        break;
      }
      // anon_vma_fork(): the child's VMA gets its own anon_vma, chained to the parent's.
      if (copy->anon_vma) copy->anon_vma = child->new_anon_vma(/*cloned=*/true);
      if (copy->vm_flags & VM_WIPEONFORK) copy->anon_vma = nullptr;
      if (copy->vm_file) file_ref_get(copy->vm_file);
      vm_area_struct* tmp = child->link(std::move(copy));
      if (tmp->vm_ops && tmp->vm_ops->open) tmp->vm_ops->open(tmp);
      // vma_needs_copy(): only PFN/mixed maps (and anon memory, not modelled) copy page tables.
      if (!(tmp->vm_flags & VM_WIPEONFORK) && (src->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))) {
        if (kernel.faults.should_fail("copy_page_range")) {
          err = -ENOMEM;
          break;
        }
        for (auto it = ptes_.lower_bound(src->vm_start); it != ptes_.end() && it->first < src->vm_end; ++it) {
          if (it->second.page) kernel.get_page(it->second.page);
          child->ptes_[it->first] = it->second;
        }
      }
    }
  }
  if (err) {
    child.reset();  // exit_mmap() on the partial child closes what was opened and drops every reference
    *error = err;
    return op.done(std::unique_ptr<AddressSpace>());
  }
  if (config_.invariants != InvariantMode::Off) child->check_invariants();
  *error = 0;
  return op.done(std::move(child));
}

}  // namespace vmaprep::model
