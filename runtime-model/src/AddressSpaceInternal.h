// What the parts of AddressSpace (AddressSpace.cpp, VmaTree.cpp, Memory.cpp, Mmap.cpp, MmapRegion.cpp,
// MmapAction.cpp, Vma.cpp, Mprotect.cpp, Brk.cpp, Stack.cpp, Fork.cpp) share and nothing outside
// runtime-model/src needs: the abort and invariant helpers, calc_vm_prot_bits() (include/linux/mman.h),
// the bracket every operation runs in, the tree walk and the small steps every operation takes (inline
// here, as they were within the single source file the parts come from), and the two records the mmap
// path passes between mm/mmap.c's do_mmap() and mm/vma.c's __mmap_region() and munmap gathering. A
// private header: the class interface stays in include/vmaprep/model/AddressSpace.h.
#pragma once

#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Kernel.h"
#include "vmaprep/model/Shim.h"

extern "C" {
#include <linux/fs.h>
#include <linux/mm.h>
}

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <vector>

namespace vmaprep::model {

namespace detail {

[[noreturn]] inline void fatal(const char* what) {
  std::fprintf(stderr, "vmaprep model: %s\n", what);
  std::abort();
}

// Throws InvariantViolation (C++ frames only): the invariant checks and split_vma() use it.
inline void invariant(bool ok, const char* what) {
  if (!ok) throw InvariantViolation(what);
}

// include/linux/mman.h calc_vm_prot_bits() (x86: no arch bits): mmap() and mprotect() both use it.
inline vm_flags_t calc_vm_prot_bits(unsigned long prot) {
  return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------------
// Operations bracket: fault-injection scope and the invariant check afterwards.

class AddressSpace::Operation {
 public:
  Operation(AddressSpace& as, unsigned long start, unsigned long end) : as_(as), kernel_(Kernel::current()) {
    kernel_.faults.begin_operation();
    as.touched_start_ = start;
    as.touched_end_ = end;
  }
  ~Operation() {
    if (!finished_) kernel_.faults.end_operation();
  }
  template <class T>
  T done(T value) {
    finished_ = true;
    kernel_.faults.end_operation();
    as_.check_after_operation();
    return value;
  }
  Kernel& kernel() { return kernel_; }

 private:
  AddressSpace& as_;
  Kernel& kernel_;
  bool finished_ = false;
};

// ---------------------------------------------------------------------------------------------------
// The tree walk (VmaTree.cpp has the rest of the tree): every operation looks VMAs up, and a lookup next
// to the last one is a few instructions, so the walk is inlined into each part rather than called
// across files.

inline AddressSpace::VmaMap::const_iterator AddressSpace::remember(VmaMap::const_iterator it) const {
  if (it != vmas_.end()) {
    hint_ = it;
    hint_valid_ = true;
  } else if (!vmas_.empty()) {
    hint_ = std::prev(vmas_.end());
    hint_valid_ = true;
  } else {
    hint_valid_ = false;
  }
  return it;
}

inline AddressSpace::VmaMap::const_iterator AddressSpace::upper(unsigned long addr) const {
  if (hint_valid_) {
    const auto h = hint_;
    if (h->first > addr) {
      if (h == vmas_.begin() || std::prev(h)->first <= addr) return remember(h);
    } else {
      const auto n = step(h);
      if (n == vmas_.end() || n->first > addr) return remember(n);
    }
  }
  return remember(vmas_.upper_bound(addr));
}

inline AddressSpace::VmaMap::const_iterator AddressSpace::lower(unsigned long addr) const {
  return addr ? upper(addr - 1) : vmas_.begin();
}

inline vm_area_struct* AddressSpace::find(unsigned long addr) const {
  auto it = upper(addr);
  if (it != vmas_.begin()) {
    auto before = std::prev(it);
    if (before->second.end > addr) return before->second.get();  // the slot's copy of vm_end
  }
  return it == vmas_.end() ? nullptr : it->second.get();
}

inline vm_area_struct* AddressSpace::prev_of(unsigned long addr) const {
  auto it = lower(addr);
  if (it == vmas_.begin()) return nullptr;
  return std::prev(it)->second.get();
}

inline vm_area_struct* AddressSpace::next_from(unsigned long addr) const {
  auto it = lower(addr);
  return it == vmas_.end() ? nullptr : it->second.get();
}

// ---------------------------------------------------------------------------------------------------
// Small steps every mapping operation takes, defined here so that each part inlines them as the single
// source file did: the check after an operation, VMA allocation (mm/vma_init.c vm_area_alloc(),
// vm_area_dup(); kernel/fork.c in 6.12), mm/vma.c remove_vma(), mm/mmap.c vma_set_page_prot().

inline void AddressSpace::check_after_operation() const {
  switch (config_.invariants) {
    case InvariantMode::Off: return;
    case InvariantMode::Local: check_local(touched_start_, touched_end_); return;
    case InvariantMode::Full: check_invariants(); return;
  }
}

inline AddressSpace::VmaPtr AddressSpace::vma_alloc(const char* site) {
  if (Kernel::current().faults.should_fail(site)) return nullptr;
  VmaPtr vma(new (FreeList<sizeof(vm_area_struct)>::allocate()) vm_area_struct());
  // vma_init(): every VMA starts with the dummy operations, not NULL (NULL means anonymous).
  vma->vm_mm = &mm_;
  vma->vm_ops = &vma_dummy_vm_ops;
  return vma;
}

inline AddressSpace::VmaPtr AddressSpace::vma_dup(const vm_area_struct& src, const char* site) {
  if (Kernel::current().faults.should_fail(site)) return nullptr;
  VmaPtr vma(new (FreeList<sizeof(vm_area_struct)>::allocate()) vm_area_struct(src));
  vma->vm_mm = &mm_;
  return vma;
}

// mm/vma.c remove_vma(): ->close, drop the file reference, free.
inline void AddressSpace::remove_vma(VmaPtr vma, bool call_close) {
  if (call_close && vma->vm_ops && vma->vm_ops->close) vma->vm_ops->close(vma.get());
  if (vma->vm_file) file_ref_put(vma->vm_file);
  vma.reset();
}

inline void AddressSpace::vma_set_page_prot(vm_area_struct* vma) {
  // vm_pgprot_modify(): access bits follow the flags, the driver's cache mode is kept.
  const unsigned long cache = pgprot_val(vma->vm_page_prot) & _PAGE_CACHE_MASK;
  vma->vm_page_prot = __pgprot(pgprot_val(vm_get_page_prot(vma->vm_flags)) | cache);
}

// What do_mmap() hands to mmap_region() (mm/mmap.c to mm/vma.c), and what the hooks change in it.
struct AddressSpace::MmapRequest {
  struct file* file;  // the file being mapped (the original; the VMA may end up with another)
  unsigned long addr, end, len, pgoff;
  vm_flags_t flags;
  pgprot_t page_prot;
  int kapi;
  bool prepare;
  struct file* vm_file;  // what goes into vma->vm_file
  bool vm_file_owned;    // the hook supplied vm_file with its own reference (file_doesnt_need_get)
  const vm_operations_struct* vm_ops;
  void* private_data;
  bool hugetlb;  // anonymous MAP_HUGETLB: hugetlbfs's mmap fails it, the model having no huge page pool
};

// The VMAs vms_gather_munmap_vmas() detached: reattached on failure, else closed and freed.
struct AddressSpace::Gathered {
  std::vector<VmaPtr> detached;
  unsigned long nr_pages = 0;
};

}  // namespace vmaprep::model
