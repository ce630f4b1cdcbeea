// VMA merging, splitting and unmapping, after mm/vma.c: is_mergeable_vma() and is_mergeable_anon_vma()
// (with anon_vma identity from mm/rmap.c), vma_merge_new_range(), vma_modify_flags() ->
// vma_merge_existing_range(), __split_vma(), and munmap as do_vmi_munmap() -> do_vmi_align_munmap() ->
// vms_gather_munmap_vmas() / vms_complete_munmap_vmas(). The mmap path (MmapRegion.cpp) and mprotect
// (Mprotect.cpp) build on these.
#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Shim.h"

namespace vmaprep::model {

// mm/rmap.c anon_vma_prepare() / anon_vma_fork(): the model has no reverse map, only anon_vma identity
// (merges need equal or absent ones; mprotect() keeps VM_ACCOUNT on memory that has one).
struct anon_vma* AddressSpace::new_anon_vma(bool cloned) {
  anon_vmas_.push_back(anon_vma{cloned ? 1 : 0});
  return &anon_vmas_.back();
}

// mm/vma.c is_mergeable_anon_vma() (7.x form): src's range goes to tgt. Either one may have no anon_vma,
// unless the one that has it had "uncowed parents" (it was cloned in a fork: its anon_vma_chain is not
// singular); otherwise they must share it. src is null for a new mapping (no anon_vma yet).
bool AddressSpace::anon_mergeable(const vm_area_struct* src, const vm_area_struct* tgt) const {
  auto cloned = [](const vm_area_struct* v) { return v && v->anon_vma && v->anon_vma->__vmaprep_cloned; };
  const struct anon_vma* src_anon = src ? src->anon_vma : nullptr;
  if (!tgt->anon_vma && src_anon) return !cloned(src);
  if (tgt->anon_vma && !src_anon) return !cloned(tgt);
  return src_anon == tgt->anon_vma;
}

// mm/vma.c are_anon_vmas_compatible(): merging both neighbours needs their anon_vmas to agree.
bool AddressSpace::anon_compatible(const vm_area_struct* a, const vm_area_struct* b) const {
  return !a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma;
}

// ---------------------------------------------------------------------------------------------------
// Merging (mm/vma.c is_mergeable_vma, can_vma_merge_before/after, vma_merge_new_range; the existing-range
// merge of mprotect is in vma_modify_flags below)

bool AddressSpace::mergeable(const vm_area_struct* vma, vm_flags_t flags, const struct file* file) const {
  return ((vma->vm_flags ^ flags) & ~VM_SOFTDIRTY) == 0 && vma->vm_file == file && !(flags & VM_SPECIAL);
}

vm_area_struct* AddressSpace::merge_new_range(unsigned long start, unsigned long end, unsigned long pgoff,
                                              vm_flags_t flags, struct file* file) {
  if (flags & VM_SPECIAL) return nullptr;
  vm_area_struct* prev = prev_of(start);
  vm_area_struct* next = next_from(end);
  const unsigned long pglen = (end - start) >> PAGE_SHIFT;
  const bool left = prev && prev->vm_end == start && mergeable(prev, flags, file) && anon_mergeable(nullptr, prev) &&
                    prev->vm_pgoff + vma_pages(prev) == pgoff;
  const bool right = next && next->vm_start == end && mergeable(next, flags, file) && anon_mergeable(nullptr, next) &&
                     next->vm_pgoff == pgoff + pglen;
  // Merging both removes next: not allowed when next has ->close (can_merge_remove_vma()), nor when the two
  // have different anon_vmas.
  if (left && right && !(next->vm_ops && next->vm_ops->close) && anon_compatible(prev, next)) {
    const unsigned long new_end = next->vm_end;
    if (!prev->anon_vma) prev->anon_vma = next->anon_vma;
    VmaPtr removed = unlink(next);
    set_range(prev, prev->vm_start, new_end, prev->vm_pgoff);
    remove_vma(std::move(removed), /*call_close=*/false);
    return prev;
  }
  if (left) {
    set_range(prev, prev->vm_start, end, prev->vm_pgoff);
    return prev;
  }
  if (right) {
    set_range(next, start, next->vm_end, pgoff);
    return next;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------------
// Splitting (mm/vma.c __split_vma, split_vma)

int AddressSpace::split_vma(vm_area_struct* vma, unsigned long addr, bool new_below, bool checked) {
  if (checked && mm_.map_count >= config_.max_map_count) return -ENOMEM;
  if (vma->vm_ops && vma->vm_ops->may_split) {
    const int err = vma->vm_ops->may_split(vma, addr);
    if (err) return err;
  }
  VmaPtr fresh = vma_dup(*vma, "vm_area_dup");
  if (!fresh) return -ENOMEM;
  if (new_below) {
    fresh->vm_end = addr;
  } else {
    fresh->vm_start = addr;
    fresh->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
  }
  if (fresh->vm_file) file_ref_get(fresh->vm_file);
  if (fresh->vm_ops && fresh->vm_ops->open) fresh->vm_ops->open(fresh.get());
  if (new_below)
    set_range(vma, addr, vma->vm_end, vma->vm_pgoff + ((addr - fresh->vm_start) >> PAGE_SHIFT));
  else
    set_range(vma, vma->vm_start, addr, vma->vm_pgoff);
  const vm_area_struct* lower = new_below ? fresh.get() : vma;
  const vm_area_struct* upper = new_below ? vma : fresh.get();
  detail::invariant(lower->vm_pgoff + vma_pages(lower) == upper->vm_pgoff, "pgoff not continuous across a split");
  link(std::move(fresh));
  return 0;
}

// vma_modify_flags() -> vma_merge_existing_range(), else split_vma(): gives [start, end) of middle to a
// neighbour that already has the new flags when the range touches it, so no split (and no ->open) is
// needed; otherwise splits (checked against the map count) so that a VMA covers exactly [start, end).
// Returns the VMA covering the range, or null with *err set.
vm_area_struct* AddressSpace::vma_modify_flags(vm_area_struct* middle, unsigned long start, unsigned long end,
                                               vm_flags_t newflags, int* err) {
  vm_area_struct* prev = prev_of(middle->vm_start);
  vm_area_struct* next = next_from(middle->vm_end);
  const bool left_side = start == middle->vm_start;
  const bool right_side = end == middle->vm_end;
  const unsigned long pgoff = middle->vm_pgoff + ((start - middle->vm_start) >> PAGE_SHIFT);
  const unsigned long pglen = (end - start) >> PAGE_SHIFT;
  auto removable = [](const vm_area_struct* v) { return !(v->vm_ops && v->vm_ops->close); };
  const bool merge_left = left_side && prev && prev->vm_end == start && mergeable(prev, newflags, middle->vm_file) &&
                          anon_mergeable(middle, prev) && prev->vm_pgoff + vma_pages(prev) == pgoff;
  const bool merge_right = right_side && next && next->vm_start == end && mergeable(next, newflags, middle->vm_file) &&
                           anon_mergeable(middle, next) && next->vm_pgoff == pgoff + pglen;
  // dup_anon_vma(): a VMA that takes over another's range takes its anon_vma too.
  auto absorb = [](vm_area_struct* into, const vm_area_struct* from) {
    if (!into->anon_vma) into->anon_vma = from->anon_vma;
  };
  if (merge_left && merge_right && removable(middle) && removable(next) && anon_compatible(prev, next)) {
    absorb(prev, middle);
    absorb(prev, next);
    const unsigned long new_end = next->vm_end;
    VmaPtr gone_next = unlink(next);
    VmaPtr gone_middle = unlink(middle);
    set_range(prev, prev->vm_start, new_end, prev->vm_pgoff);
    remove_vma(std::move(gone_middle), /*call_close=*/false);
    remove_vma(std::move(gone_next), /*call_close=*/false);
    return prev;
  }
  if (merge_left && (!right_side || removable(middle))) {
    absorb(prev, middle);
    if (right_side) {
      remove_vma(unlink(middle), /*call_close=*/false);
    } else {
      set_range(middle, end, middle->vm_end, middle->vm_pgoff + ((end - middle->vm_start) >> PAGE_SHIFT));
    }
    set_range(prev, prev->vm_start, end, prev->vm_pgoff);
    return prev;
  }
  if (merge_right && (!left_side || removable(middle))) {
    absorb(next, middle);
    if (left_side)
      remove_vma(unlink(middle), /*call_close=*/false);
    else
      set_range(middle, middle->vm_start, start, middle->vm_pgoff);
    set_range(next, start, next->vm_end, pgoff);
    return next;
  }
  if (middle->vm_start < start) {
    *err = split_vma(middle, start, /*new_below=*/true, /*checked=*/true);
    if (*err) return nullptr;
  }
  if (middle->vm_end > end) {
    *err = split_vma(middle, end, /*new_below=*/false, /*checked=*/true);
    if (*err) return nullptr;
  }
  return middle;
}

// ---------------------------------------------------------------------------------------------------
// munmap (mm/vma.c do_vmi_munmap, do_vmi_align_munmap)

// vms_gather_munmap_vmas(): split at the edges, then detach everything in [start, end).
int AddressSpace::gather_range(unsigned long start, unsigned long end, Gathered& out) {
  vm_area_struct* vma = find(start);
  if (!vma || vma->vm_start >= end) return 0;
  if (start > vma->vm_start) {
    // Let map_count go over the limit only where unmapping does not add a VMA in the end.
    if (end < vma->vm_end && mm_.map_count >= config_.max_map_count) return -ENOMEM;
    const int err = split_vma(vma, start, /*new_below=*/true, /*checked=*/false);
    if (err) return err;
  }
  vm_area_struct* last = prev_of(end);
  if (last && last->vm_end > end) {
    // A failure here leaves the split at start in place, as the kernel does.
    const int err = split_vma(last, end, /*new_below=*/false, /*checked=*/false);
    if (err) return err;
  }
  auto it = lower(start);
  while (it != vmas_.end() && it->first < end) {
    vm_area_struct* raw = it->second.get();
    out.nr_pages += vma_pages(raw);
    out.detached.push_back(unlink(raw));
    // unlink() invalidated it and left the walk hint on the successor: this lookup is O(1).
    it = lower(start);
  }
  return 0;
}

void AddressSpace::reattach(Gathered& gathered) {
  for (VmaPtr& vma : gathered.detached) link(std::move(vma));
  gathered.detached.clear();
  gathered.nr_pages = 0;
}

// vms_complete_munmap_vmas(): page tables cleared and each VMA closed, unless vms_clean_up_area() did
// both already (MAP_FIXED: the new mapping's page tables are in the range by now), then freed.
void AddressSpace::complete_munmap(Gathered& gathered, bool cleaned_up) {
  if (!cleaned_up)
    for (VmaPtr& vma : gathered.detached) zap_range(vma->vm_start, vma->vm_end);
  for (VmaPtr& vma : gathered.detached) remove_vma(std::move(vma), !cleaned_up);
  gathered.detached.clear();
  gathered.nr_pages = 0;
}

int AddressSpace::do_munmap(unsigned long start, unsigned long len) {
  Gathered gathered;
  const int err = gather_range(start, start + PAGE_ALIGN(len), gathered);
  if (err) return err;
  complete_munmap(gathered, /*cleaned_up=*/false);
  return 0;
}

int AddressSpace::munmap(WriteGuard& lock, unsigned long start, unsigned long len) {
  require(lock, true);
  Operation op(*this, start, start + len);
  if (offset_in_page(start) || start > config_.task_size || len > config_.task_size - start) return op.done(-EINVAL);
  const unsigned long end = start + PAGE_ALIGN(len);
  if (end == start) return op.done(-EINVAL);
  touched_end_ = end;
  return op.done(do_munmap(start, len));
}

}  // namespace vmaprep::model
