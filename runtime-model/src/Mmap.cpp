// The mmap() system call up to the region step, after mm/mmap.c: ksys_mmap_pgoff() (the MAP_HUGETLB
// length rounding), do_mmap() (flag and file checks, VM_* flags from PROT_* and MAP_*, file_mmap_ok()),
// __get_unmapped_area() and generic_get_unmapped_area_topdown() with the THP alignment of
// mm/huge_memory.c __thp_get_unmapped_area() (vma_set_page_prot() is inline in AddressSpaceInternal.h).
// unmapped_area_topdown() is in mm/vma.c in 7.3 (mm/mmap.c in 6.12). do_mmap() ends in mmap_region(),
// MmapRegion.cpp.
#include <algorithm>

#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

namespace {

// include/linux/mman.h calc_vm_flag_bits()
// MAP_SYNC becomes VM_SYNC whatever is mapped (it is computed before MAP_SHARED drops unknown flags);
// arch_calc_vm_flag_bits() adds nothing on x86.
vm_flags_t calc_vm_flag_bits(unsigned long flags, bool thp) {
  return (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) | (flags & MAP_LOCKED ? VM_LOCKED : 0) |
         (flags & MAP_SYNC ? VM_SYNC : 0) | (thp && (flags & MAP_STACK) ? VM_NOHUGEPAGE : 0);
}

fop_flags_t fop_flags(const struct file* file) {
  return (file->f_op ? file->f_op->fop_flags : 0) | file->__vmaprep_fop_flags;
}

// mm/mmap.c file_mmap_size_max() and file_mmap_ok(): regular files, block devices and sockets stop at
// MAX_LFS_FILESIZE, FOP_UNSIGNED_OFFSET files have no limit (0), everything else stops at ULONG_MAX.
bool file_mmap_ok(const struct file* file, unsigned long pgoff, unsigned long len) {
  const unsigned int mode = file->f_inode ? file->f_inode->i_mode : 0;
  unsigned long maxsize = ~0UL;
  if (S_ISREG(mode) || S_ISBLK(mode) || S_ISSOCK(mode))
    maxsize = 0x7fffffffffffffffUL;  // MAX_LFS_FILESIZE
  else if (fop_flags(file) & FOP_UNSIGNED_OFFSET)
    maxsize = 0;
  if (maxsize && len > maxsize) return false;
  maxsize -= len;
  return pgoff <= maxsize >> PAGE_SHIFT;
}

constexpr unsigned long kPmdSize = 1UL << 21;

bool has_valid_mmap_hooks(const struct file* file, Kernel& kernel) {
  const file_operations* fops = file->f_op;
  if (!fops) return false;
  if (fops->mmap && fops->mmap_prepare) {
    kernel.warn("file_operations defines both .mmap and .mmap_prepare");
    return false;
  }
  return fops->mmap || fops->mmap_prepare;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// get_unmapped_area (mm/mmap.c __get_unmapped_area, generic_get_unmapped_area_topdown)

unsigned long AddressSpace::vm_start_gap(const vm_area_struct* vma) const {
  unsigned long start = vma->vm_start;
  if (vma->vm_flags & VM_GROWSDOWN) {
    start -= config_.stack_guard_gap;
    if (start > vma->vm_start) start = 0;
  }
  return start;
}

unsigned long AddressSpace::vm_end_gap(const vm_area_struct* vma) const { return vma->vm_end; }

// mm/mmap.c unmapped_area_topdown(): the highest gap between VMAs (below high, above low) that holds len;
// if the VMA above it grows down and its guard gap reaches into the gap, the search starts again below
// that guard gap, skipping every gap above it (even one below a mapping placed inside the guard gap whose
// own gap would have fitted). Walks the gaps from high downwards: O(gaps skipped), where the kernel keeps
// gap sizes in the maple tree and finds the gap in O(log n).
long AddressSpace::unmapped_area_topdown(unsigned long len, unsigned long low, unsigned long high) const {
  for (;;) {
    auto it = lower(high);  // the VMA above the first gap looked at
    bool retry = false;
    for (;;) {
      const vm_area_struct* upper = it != vmas_.end() ? it->second.get() : nullptr;
      const unsigned long gap_end = upper ? std::min(high, upper->vm_start) : high;
      unsigned long gap_start = low;
      if (it != vmas_.begin()) gap_start = std::max(low, vm_end_gap(std::prev(it)->second.get()));
      if (gap_end >= gap_start && gap_end - gap_start >= len) {
        if (upper && (upper->vm_flags & VM_GROWSDOWN) && vm_start_gap(upper) < gap_end) {
          high = vm_start_gap(upper);
          retry = true;
          break;
        }
        return static_cast<long>(gap_end - len);
      }
      if (it == vmas_.begin()) return -ENOMEM;
      --it;
    }
    if (!retry || high < low + len) return -ENOMEM;
  }
}

long AddressSpace::get_unmapped_area(struct file* file, unsigned long addr, unsigned long len, unsigned long flags) {
  (void)file;
  if (len > config_.task_size) return -ENOMEM;
  unsigned long chosen = addr;
  if (!(flags & MAP_FIXED)) {
    const unsigned long mmap_end = config_.task_size;
    if (len > mmap_end - config_.mmap_min_addr) return -ENOMEM;
    bool use_hint = false;
    if (addr) {
      addr = PAGE_ALIGN(addr);
      vm_area_struct* vma = find(addr);
      vm_area_struct* before = nullptr;
      auto it = vma ? lower(vma->vm_start) : vmas_.end();
      if (!vma) it = vmas_.end();
      if (it != vmas_.begin()) before = std::prev(it)->second.get();
      use_hint = mmap_end - len >= addr && addr >= config_.mmap_min_addr && (!vma || addr + len <= vm_start_gap(vma)) &&
                 (!before || addr >= vm_end_gap(before));
    }
    const unsigned long low = std::max(PAGE_SIZE, config_.mmap_min_addr);
    long found = -ENOMEM;
    if (use_hint) {
      found = static_cast<long>(addr);
    } else if (config_.thp && !file && !(flags & MAP_SHARED) && !(flags & MAP_HUGETLB) && !addr &&
               (len & (kPmdSize - 1)) == 0) {
      // __thp_get_unmapped_area() for anonymous memory (offset 0): search len + 2 MiB, then move up to
      // the first 2 MiB boundary, or by a whole 2 MiB when the search landed on one (top-down).
      // A failure because of the padding falls back to the plain search.
      if (len + kPmdSize > len) {
        const long padded = unmapped_area_topdown(len + kPmdSize, low, config_.mmap_base);
        if (padded >= 0) {
          const unsigned long off_sub = (0 - static_cast<unsigned long>(padded)) & (kPmdSize - 1);
          found = static_cast<long>(padded + (off_sub ? off_sub : kPmdSize));
        }
      }
      if (found < 0) found = unmapped_area_topdown(len, low, config_.mmap_base);
    } else {
      found = unmapped_area_topdown(len, low, config_.mmap_base);
    }
    if (found < 0) return found;
    chosen = static_cast<unsigned long>(found);
  }
  if (chosen > config_.task_size - len) return -ENOMEM;
  if (offset_in_page(chosen)) return -EINVAL;
  // security_mmap_addr() -> cap_mmap_addr(): below dac_mmap_min_addr needs CAP_SYS_RAWIO.
  const unsigned long dac_min = config_.dac_mmap_min_addr ? config_.dac_mmap_min_addr : config_.mmap_min_addr;
  if (chosen < dac_min && !config_.cap_sys_rawio) return -EPERM;
  return static_cast<long>(chosen);
}

// ---------------------------------------------------------------------------------------------------
// mmap (arch sys_mmap -> ksys_mmap_pgoff -> do_mmap -> mmap_region -> __mmap_region)

long AddressSpace::mmap(WriteGuard& lock, struct file* file, unsigned long addr, unsigned long len, unsigned long prot,
                        unsigned long flags, unsigned long offset) {
  require(lock, true);
  Operation op(*this, addr, addr + len);
  if (offset_in_page(offset)) return op.done(-EINVAL);
  if (flags & MAP_ANONYMOUS) {
    file = nullptr;
  } else if (!file) {
    return op.done(-EBADF);
  } else if (flags & MAP_HUGETLB) {
    return op.done(-EINVAL);  // ksys_mmap_pgoff(): MAP_HUGETLB of a file that is not on hugetlbfs
  }
  if (!file && (flags & MAP_HUGETLB)) {
    // ksys_mmap_pgoff(): hstate_sizelog() picks the huge page size (0: the default, 2 MiB), the length is
    // rounded up to it; the mapping then fails in hugetlbfs's mmap because the model has no pool.
    const unsigned long log = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
    if (log != 0 && log != 21 && !(log == 30 && config_.hugetlb_1g)) return op.done(-EINVAL);
    const unsigned long huge = 1UL << (log ? log : 21);
    len = (len + huge - 1) & ~(huge - 1);
  }
  const long result = do_mmap(file, addr, len, prot, flags, offset >> PAGE_SHIFT);
  if (result >= 0) {
    touched_start_ = static_cast<unsigned long>(result);
    touched_end_ = touched_start_ + PAGE_ALIGN(len);
  }
  return op.done(result);
}

long AddressSpace::do_mmap(struct file* file, unsigned long addr, unsigned long len, unsigned long prot,
                           unsigned long flags, unsigned long pgoff) {
  Kernel& kernel = Kernel::current();
  if (!len) return -EINVAL;
  if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
  if (!(flags & MAP_FIXED)) {
    // round_hint_to_min()
    addr &= PAGE_MASK;
    if (addr && addr < config_.mmap_min_addr) addr = PAGE_ALIGN(config_.mmap_min_addr);
  }
  len = PAGE_ALIGN(len);
  if (!len) return -ENOMEM;
  if (pgoff + (len >> PAGE_SHIFT) < pgoff) return -EOVERFLOW;
  if (mm_.map_count > config_.max_map_count) return -ENOMEM;

  if ((flags & MAP_HUGETLB) && !file && (flags & MAP_FIXED)) {
    // hugetlb_get_unmapped_area(): a fixed address must be huge-page aligned.
    const unsigned long log = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
    if (addr & ((1UL << (log ? log : 21)) - 1)) return -EINVAL;
  }
  const long area = get_unmapped_area(file, addr, len, flags);
  if (area < 0) return area;
  addr = static_cast<unsigned long>(area);

  if (flags & MAP_FIXED_NOREPLACE) {
    vm_area_struct* vma = find(addr);
    if (vma && vma->vm_start < addr + len) return -EEXIST;
  }

  vm_flags_t vm_flags = detail::calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags, config_.thp) | mm_.def_flags |
                        VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

  // Anonymous MAP_HUGETLB memory is a hugetlbfs file (read-write, a regular file) by now.
  const bool hugetlb = !file && (flags & MAP_HUGETLB);
  if (file || hugetlb) {
    if (file ? !file_mmap_ok(file, pgoff, len) : len > 0x7fffffffffffffffUL - (pgoff << PAGE_SHIFT)) return -EOVERFLOW;
    unsigned long flags_mask = LEGACY_MAP_MASK;
    if (file && (fop_flags(file) & FOP_MMAP_SYNC)) flags_mask |= MAP_SYNC;
    const fmode_t mode = file ? file->f_mode : FMODE_READ | FMODE_WRITE;
    switch (flags & MAP_TYPE) {
      case MAP_SHARED: flags &= LEGACY_MAP_MASK; [[fallthrough]];
      case MAP_SHARED_VALIDATE:
        if (flags & ~flags_mask) return -EOPNOTSUPP;
        if ((prot & PROT_WRITE) && !(mode & FMODE_WRITE)) return -EACCES;
        vm_flags |= VM_SHARED | VM_MAYSHARE;
        if (!(mode & FMODE_WRITE)) vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
        [[fallthrough]];
      case MAP_PRIVATE:
        if (!(mode & FMODE_READ)) return -EACCES;
        if (file && !has_valid_mmap_hooks(file, kernel)) return -ENODEV;
        if (vm_flags & VM_GROWSDOWN) return -EINVAL;
        break;
      default: return -EINVAL;
    }
  } else {
    switch (flags & MAP_TYPE) {
      case MAP_SHARED:
        if (vm_flags & VM_GROWSDOWN) return -EINVAL;
        pgoff = 0;
        vm_flags |= VM_SHARED | VM_MAYSHARE;
        break;
      case MAP_DROPPABLE:
        // Not with mlock, hugetlb or stack growth; never reserved, copied on fork or dumped.
        if (flags & (MAP_LOCKED | MAP_HUGETLB)) return -EINVAL;
        if (vm_flags & VM_GROWSDOWN) return -EINVAL;
        vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
        [[fallthrough]];
      case MAP_PRIVATE: pgoff = addr >> PAGE_SHIFT; break;
      default: return -EINVAL;
    }
  }
  // The model runs with vm.overcommit_memory != OVERCOMMIT_NEVER, where MAP_NORESERVE is honoured.
  if (flags & MAP_NORESERVE) vm_flags |= VM_NORESERVE;

  MmapRequest req{};
  req.file = file;
  req.addr = addr;
  req.len = len;
  req.end = addr + len;
  req.pgoff = pgoff;
  req.flags = vm_flags;
  req.page_prot = vm_get_page_prot(vm_flags);
  req.kapi = file ? file->__vmaprep_kapi : VMAPREP_KAPI_LATEST;
  req.prepare = file && file->f_op->mmap_prepare;
  req.vm_file = file;
  req.vm_ops = &vma_dummy_vm_ops;
  req.hugetlb = hugetlb;
  return mmap_region(req);
}

}  // namespace vmaprep::model
