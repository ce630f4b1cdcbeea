// The VMA tree: what the kernel keeps in mm->mm_mt, the maple tree (lib/maple_tree.c), and changes with
// a vma_iterator (mm/vma.h vma_iter_store() and friends): linking, unlinking and re-ranging a VMA, the
// VMA free list, and the invariant checks, the kernel's mm/vma.c validate_mm() (CONFIG_DEBUG_VM_MAPLE_TREE).
// The walk itself (find(), the hint) and VMA allocation (mm/vma_init.c vm_area_alloc()) are inline in
// AddressSpaceInternal.h. Here the tree is a B+tree (include/vmaprep/model/BTreeMap.h) whose slots keep a
// copy of vm_end, as the maple tree keeps each range.
#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

// vm_area_struct is trivially destructible: it goes straight back to the VMA free list.
void AddressSpace::VmaDeleter::operator()(vm_area_struct* vma) const { FreeList<sizeof(vm_area_struct)>::release(vma); }

// ---------------------------------------------------------------------------------------------------
// Tree primitives

vm_area_struct* AddressSpace::link(VmaPtr vma) {
  vm_area_struct* raw = vma.get();
  mapped_pages_ += vma_pages(raw);
  const unsigned long key = raw->vm_start;
  const auto pos = upper(key);
  hint_valid_ = false;  // the insertion invalidates every iterator, the hint's too
  remember(vmas_.emplace_hint(pos, key, VmaSlot{std::move(vma), raw->vm_end}));
  ++mm_.map_count;
  mm_.total_vm = mapped_pages_;
  ++generation_;
  return raw;
}

AddressSpace::VmaPtr AddressSpace::unlink(vm_area_struct* vma) {
  auto it = lower(vma->vm_start);
  if (it == vmas_.end() || it->second.get() != vma) detail::fatal("unlink of a VMA that is not in the tree");
  VmaPtr owned = std::move(const_cast<VmaSlot&>(it->second).vma);
  hint_valid_ = false;        // the erase invalidates every iterator, the hint's too
  remember(vmas_.erase(it));  // erase() returns the successor
  --mm_.map_count;
  mapped_pages_ -= vma_pages(vma);
  mm_.total_vm = mapped_pages_;
  ++generation_;
  return owned;
}

void AddressSpace::set_range(vm_area_struct* vma, unsigned long start, unsigned long end, unsigned long pgoff) {
  auto it = lower(vma->vm_start);
  const bool linked = it != vmas_.end() && it->second.get() == vma;
  if (linked) mapped_pages_ -= vma_pages(vma);
  if (linked && start != vma->vm_start) {
    // Re-keying never moves a VMA past a neighbour, so the entry stays where it was.
    hint_valid_ = false;  // rekey() may erase and insert: iterators are invalidated
    vma->vm_start = start;
    it = remember(vmas_.rekey(it, start));
  }
  vma->vm_start = start;
  vma->vm_end = end;
  vma->vm_pgoff = pgoff;
  if (linked) {
    const_cast<VmaSlot&>(it->second).end = end;
    mapped_pages_ += vma_pages(vma);
    mm_.total_vm = mapped_pages_;
  }
  ++generation_;
}

// ---------------------------------------------------------------------------------------------------
// Invariants

void AddressSpace::check_vma(const vm_area_struct* v) const {
  detail::invariant(v->vm_start < v->vm_end, "empty or inverted VMA");
  detail::invariant(PAGE_ALIGNED(v->vm_start) && PAGE_ALIGNED(v->vm_end), "VMA not page aligned");
  detail::invariant(v->vm_end <= config_.task_size, "VMA beyond TASK_SIZE");
  detail::invariant(v->vm_mm == &mm_, "VMA points at another mm");
}

void AddressSpace::check_invariants() const {
  long count = 0;
  unsigned long prev_end = 0;
  unsigned long pages = 0;
  for (const auto& [key, v] : vmas_) {
    check_vma(v.get());
    detail::invariant(key == v->vm_start, "tree key differs from vm_start");
    detail::invariant(v.end == v->vm_end, "tree copy of vm_end differs from vm_end");
    detail::invariant(v->vm_start >= prev_end, "VMAs overlap or are unsorted");
    prev_end = v->vm_end;
    pages += vma_pages(v.get());
    ++count;
  }
  detail::invariant(count == mm_.map_count, "map_count differs from the number of VMAs");
  detail::invariant(pages == mapped_pages_ && pages == mm_.total_vm, "total_vm differs from the mapped pages");
  auto vma_it = vmas_.begin();
  for (const auto& [addr, pte] : ptes_) {
    while (vma_it != vmas_.end() && vma_it->second->vm_end <= addr) ++vma_it;
    detail::invariant(vma_it != vmas_.end() && vma_it->second->vm_start <= addr, "page-table entry outside every VMA");
    detail::invariant(PAGE_ALIGNED(addr), "page-table entry not page aligned");
  }
}

void AddressSpace::check_local(unsigned long start, unsigned long end) const {
  detail::invariant(static_cast<long>(vmas_.size()) == mm_.map_count, "map_count differs from the number of VMAs");
  auto it = lower(start);
  if (it != vmas_.begin()) --it;
  unsigned long prev_end = 0;
  for (int after_end = 0; it != vmas_.end() && after_end < 2; it = step(it)) {
    check_vma(it->second.get());
    detail::invariant(it->first == it->second->vm_start, "tree key differs from vm_start");
    detail::invariant(it->second.end == it->second->vm_end, "tree copy of vm_end differs from vm_end");
    detail::invariant(it->second->vm_start >= prev_end, "VMAs overlap or are unsorted");
    prev_end = it->second->vm_end;
    if (it->second->vm_start >= end) ++after_end;
  }
  for (auto pte = ptes_.lower_bound(start); pte != ptes_.end() && pte->first < end; ++pte) {
    const vm_area_struct* v = find(pte->first);
    detail::invariant(v && v->vm_start <= pte->first, "page-table entry outside every VMA");
  }
}

}  // namespace vmaprep::model
