// What the parts of AddressSpace (AddressSpace.cpp, VmaTree.cpp, Memory.cpp, Mmap.cpp, MmapRegion.cpp,
// MmapAction.cpp, Vma.cpp, Mprotect.cpp, Brk.cpp, Stack.cpp, Fork.cpp) share and nothing outside
// runtime-model/src needs: the abort and invariant helpers, calc_vm_prot_bits() (include/linux/mman.h),
// the bracket every operation runs in, and the two records the mmap path passes between mm/mmap.c's
// do_mmap() and mm/vma.c's __mmap_region() and munmap gathering. A private header: the class interface
// stays in include/vmaprep/model/AddressSpace.h.
#pragma once

#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Kernel.h"

extern "C" {
#include <linux/fs.h>
#include <linux/mm.h>
}

#include <cstdio>
#include <cstdlib>
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
