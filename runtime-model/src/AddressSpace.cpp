// The address-space model: VMA tree, mmap lock, mmap/munmap/mprotect/brk/stack growth/fork.
// Each operation names the kernel function it follows; docs/model.md lists them.
#include "vmaprep/model/AddressSpace.h"

#include "vmaprep/model/Shim.h"

extern "C" {
#include <linux/shmem_fs.h>
}

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace vmaprep::model {

namespace {

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "vmaprep model: %s\n", what);
  std::abort();
}

void invariant(bool ok, const char* what) {
  if (!ok) throw InvariantViolation(what);
}

vm_flags_t calc_vm_prot_bits(unsigned long prot) {
  return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
}

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

// mm/mmap.c accountable_mapping(): private writable memory is charged to the commit limit and marked
// VM_ACCOUNT, which keeps it from merging with uncharged neighbours. The model has no hugetlbfs files.
bool accountable_mapping(vm_flags_t flags) { return (flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE; }


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

unsigned long desc_flags_word(const vm_area_desc& desc) { return desc.vma_flags.__vma_flags[0]; }

}  // namespace

const char* pte_kind_name(PteKind kind) {
  switch (kind) {
    case PteKind::Pfn: return "pfn";
    case PteKind::IoPfn: return "iopfn";
    case PteKind::Page: return "page";
  }
  return "?";
}

std::string describe(const VmaState& s) {
  std::ostringstream out;
  out << std::hex << "[" << s.start << "," << s.end << ") pgoff=" << s.pgoff << " flags=" << s.flags
      << " prot=" << s.page_prot << " ops=" << s.vm_ops << " priv=" << s.private_data << " file=" << s.file;
  return out.str();
}

// ---------------------------------------------------------------------------------------------------
// Locking

AddressSpace& LockedView::address_space() const {
  if (!as_) fatal("use of a moved-from or released mmap lock guard");
  return *as_;
}

bool LockedView::holds_lock() const {
  return as_ && std::find(as_->live_epochs_.begin(), as_->live_epochs_.end(), epoch_) != as_->live_epochs_.end();
}

ReadGuard::~ReadGuard() { unlock(); }
void ReadGuard::unlock() {
  if (!as_) return;
  as_->release_epoch(epoch_);
  as_->unlock_read();
  as_ = nullptr;
}

WriteGuard::~WriteGuard() { unlock(); }
void WriteGuard::unlock() {
  if (!as_) return;
  as_->release_epoch(epoch_);
  as_->unlock_write();
  as_ = nullptr;
}

ReadGuard WriteGuard::downgrade() && {
  AddressSpace& as = address_space();
  as.downgrade_write();
  ReadGuard read(&as, epoch_);
  as_ = nullptr;
  return read;
}

ReadGuard AddressSpace::read_lock() {
  if (writer_) fatal("mmap_read_lock() while the mmap lock is held for write: self-deadlock");
  ++readers_;
  live_epochs_.push_back(++lock_epoch_);
  return ReadGuard(this, lock_epoch_);
}

WriteGuard AddressSpace::write_lock() {
  if (writer_ || readers_ > 0) fatal("mmap_write_lock() while the mmap lock is held: self-deadlock");
  writer_ = true;
  live_epochs_.push_back(++lock_epoch_);
  return WriteGuard(this, lock_epoch_);
}

void AddressSpace::unlock_read() { --readers_; }
void AddressSpace::unlock_write() { writer_ = false; }
void AddressSpace::downgrade_write() {
  writer_ = false;
  ++readers_;
}
void AddressSpace::release_epoch(std::uint64_t epoch) {
  live_epochs_.erase(std::remove(live_epochs_.begin(), live_epochs_.end(), epoch), live_epochs_.end());
}

void AddressSpace::require(const LockedView& lock, bool write) const {
  if (lock.as_ != this) fatal("mmap lock guard belongs to another address space");
  if (!lock.holds_lock()) fatal("mmap lock guard no longer holds the lock");
  if (write && !writer_) fatal("operation needs the mmap lock held for write");
}

void AddressSpace::assert_write_locked(const char* what) const {
  if (!writer_) {
    std::string message = std::string(what) + " called without the mmap lock held for write";
    fatal(message.c_str());
  }
}

VmaRef AddressSpace::make_ref(const LockedView& lock, const vm_area_struct* vma) const {
  if (!vma) return VmaRef();
  return VmaRef(vma, this, lock.epoch_, generation_);
}

const vm_area_struct* VmaRef::get() const {
  if (!vma_) fatal("dereferencing an empty VmaRef");
  if (std::find(as_->live_epochs_.begin(), as_->live_epochs_.end(), lock_epoch_) == as_->live_epochs_.end())
    fatal("VmaRef used after its mmap lock was released");
  if (as_->generation_ != generation_) fatal("VmaRef used after the VMA tree was modified; look it up again");
  return vma_;
}

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

void AddressSpace::check_after_operation() const {
  switch (config_.invariants) {
    case InvariantMode::Off: return;
    case InvariantMode::Local: check_local(touched_start_, touched_end_); return;
    case InvariantMode::Full: check_invariants(); return;
  }
}

// ---------------------------------------------------------------------------------------------------
// Construction and teardown

AddressSpace::AddressSpace(AddressSpaceConfig config) : config_(config) {
  mm_.task_size = config_.task_size;
  mm_.mmap_base = config_.mmap_base;
  mm_.start_brk = config_.start_brk;
  mm_.brk = config_.start_brk;
  mm_.__vmaprep_model = this;
}

AddressSpace::~AddressSpace() {
  if (writer_ || readers_ > 0) fatal("AddressSpace destroyed while its mmap lock is held");
  exit_mmap();
}

AddressSpace* AddressSpace::from_mm(const struct mm_struct* mm) {
  return mm ? static_cast<AddressSpace*>(mm->__vmaprep_model) : nullptr;
}

// kernel/fork.c mmput() -> mm/mmap.c exit_mmap(): page tables freed, then every VMA closed and freed.
void AddressSpace::exit_mmap() {
  zap_range(0, ~0UL);
  hint_valid_ = false;
  // The VMAs leave the tree all at once (erasing them one by one from the front would shift and
  // rebalance the first leaf every time), then are closed and freed in address order. Nothing can look
  // at the tree meanwhile: the mm is being destroyed and no mmap lock can be held.
  std::vector<VmaPtr> detached;
  detached.reserve(vmas_.size());
  for (auto it = vmas_.begin(); it != vmas_.end(); ++it) detached.push_back(std::move(it->second.vma));
  vmas_.clear();
  for (VmaPtr& vma : detached) {
    --mm_.map_count;
    mapped_pages_ -= vma_pages(vma.get());
    remove_vma(std::move(vma), /*call_close=*/true);
  }
  mm_.total_vm = mapped_pages_;
}

// vm_area_struct is trivially destructible: it goes straight back to the VMA free list.
void AddressSpace::VmaDeleter::operator()(vm_area_struct* vma) const {
  FreeList<sizeof(vm_area_struct)>::release(vma);
}

// ---------------------------------------------------------------------------------------------------
// Tree primitives

AddressSpace::VmaPtr AddressSpace::vma_alloc(const char* site) {
  if (Kernel::current().faults.should_fail(site)) return nullptr;
  VmaPtr vma(new (FreeList<sizeof(vm_area_struct)>::allocate()) vm_area_struct());
  // vma_init(): every VMA starts with the dummy operations, not NULL (NULL means anonymous).
  vma->vm_mm = &mm_;
  vma->vm_ops = &vma_dummy_vm_ops;
  return vma;
}

AddressSpace::VmaPtr AddressSpace::vma_dup(const vm_area_struct& src, const char* site) {
  if (Kernel::current().faults.should_fail(site)) return nullptr;
  VmaPtr vma(new (FreeList<sizeof(vm_area_struct)>::allocate()) vm_area_struct(src));
  vma->vm_mm = &mm_;
  return vma;
}

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
  if (it == vmas_.end() || it->second.get() != vma) fatal("unlink of a VMA that is not in the tree");
  VmaPtr owned = std::move(const_cast<VmaSlot&>(it->second).vma);
  hint_valid_ = false;  // the erase invalidates every iterator, the hint's too
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

AddressSpace::VmaMap::const_iterator AddressSpace::remember(VmaMap::const_iterator it) const {
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

AddressSpace::VmaMap::const_iterator AddressSpace::upper(unsigned long addr) const {
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

vm_area_struct* AddressSpace::find(unsigned long addr) const {
  auto it = upper(addr);
  if (it != vmas_.begin()) {
    auto before = std::prev(it);
    if (before->second.end > addr) return before->second.get();  // the slot's copy of vm_end
  }
  return it == vmas_.end() ? nullptr : it->second.get();
}

vm_area_struct* AddressSpace::prev_of(unsigned long addr) const {
  auto it = lower(addr);
  if (it == vmas_.begin()) return nullptr;
  return std::prev(it)->second.get();
}

vm_area_struct* AddressSpace::next_from(unsigned long addr) const {
  auto it = lower(addr);
  return it == vmas_.end() ? nullptr : it->second.get();
}

// mm/vma.c remove_vma(): ->close, drop the file reference, free.
void AddressSpace::remove_vma(VmaPtr vma, bool call_close) {
  if (call_close && vma->vm_ops && vma->vm_ops->close) vma->vm_ops->close(vma.get());
  if (vma->vm_file) file_ref_put(vma->vm_file);
  vma.reset();
}

void AddressSpace::zap_range(unsigned long start, unsigned long end) {
  auto it = ptes_.lower_bound(start);
  Kernel& kernel = Kernel::current();
  while (it != ptes_.end() && it->first < end) {
    if (it->second.page) kernel.put_page(it->second.page);
    it = ptes_.erase(it);
  }
}

// ---------------------------------------------------------------------------------------------------
// Lookups

VmaRef AddressSpace::find_vma(const LockedView& lock, unsigned long addr) const {
  require(lock, false);
  return make_ref(lock, find(addr));
}

VmaRef AddressSpace::find_vma_intersection(const LockedView& lock, unsigned long start, unsigned long end) const {
  require(lock, false);
  vm_area_struct* vma = find(start);
  return make_ref(lock, vma && vma->vm_start < end ? vma : nullptr);
}

VmaRef AddressSpace::find_vma_prev(const LockedView& lock, unsigned long addr, VmaRef* prev) const {
  require(lock, false);
  auto it = upper(addr);
  vm_area_struct* vma = nullptr;
  vm_area_struct* before = nullptr;
  if (it != vmas_.begin() && std::prev(it)->second.end > addr) --it;
  if (it != vmas_.end()) vma = it->second.get();
  if (it != vmas_.begin()) before = std::prev(it)->second.get();
  if (prev) *prev = make_ref(lock, before);
  return make_ref(lock, vma);
}

std::vector<VmaRef> AddressSpace::vmas(const LockedView& lock) const {
  require(lock, false);
  std::vector<VmaRef> out;
  out.reserve(vmas_.size());
  for (const auto& entry : vmas_) out.push_back(make_ref(lock, entry.second.get()));
  return out;
}

std::vector<VmaState> AddressSpace::state(const LockedView& lock) const {
  require(lock, false);
  std::vector<VmaState> out;
  out.reserve(vmas_.size());
  for (const auto& entry : vmas_) {
    const vm_area_struct* v = entry.second.get();
    out.push_back(VmaState{v->vm_start, v->vm_end, v->vm_pgoff, v->vm_flags, pgprot_val(v->vm_page_prot),
                           v->vm_ops, v->vm_private_data, v->vm_file});
  }
  return out;
}

const PageTable& AddressSpace::page_table(const LockedView& lock) const {
  require(lock, false);
  return ptes_;
}

long AddressSpace::map_count(const LockedView& lock) const {
  require(lock, false);
  return mm_.map_count;
}

unsigned long AddressSpace::brk_value(const LockedView& lock) const {
  require(lock, false);
  return mm_.brk;
}

// ---------------------------------------------------------------------------------------------------
// Page tables (mm/memory.c)

int AddressSpace::install_pfn_range(vm_area_struct* vma, unsigned long addr, unsigned long pfn,
                                    unsigned long size, pgprot_t prot, PteKind kind) {
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

void AddressSpace::vma_set_page_prot(vm_area_struct* vma) {
  // vm_pgprot_modify(): access bits follow the flags, the driver's cache mode is kept.
  const unsigned long cache = pgprot_val(vma->vm_page_prot) & _PAGE_CACHE_MASK;
  vma->vm_page_prot = __pgprot(pgprot_val(vm_get_page_prot(vma->vm_flags)) | cache);
}

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
      use_hint = mmap_end - len >= addr && addr >= config_.mmap_min_addr &&
                 (!vma || addr + len <= vm_start_gap(vma)) && (!before || addr >= vm_end_gap(before));
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

struct AddressSpace::Gathered {
  std::vector<VmaPtr> detached;
  unsigned long nr_pages = 0;
};

long AddressSpace::mmap(WriteGuard& lock, struct file* file, unsigned long addr, unsigned long len,
                        unsigned long prot, unsigned long flags, unsigned long offset) {
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

  vm_flags_t vm_flags = calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags, config_.thp) | mm_.def_flags |
                        VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

  // Anonymous MAP_HUGETLB memory is a hugetlbfs file (read-write, a regular file) by now.
  const bool hugetlb = !file && (flags & MAP_HUGETLB);
  if (file || hugetlb) {
    if (file ? !file_mmap_ok(file, pgoff, len) : len > 0x7fffffffffffffffUL - (pgoff << PAGE_SHIFT))
      return -EOVERFLOW;
    unsigned long flags_mask = LEGACY_MAP_MASK;
    if (file && (fop_flags(file) & FOP_MMAP_SYNC)) flags_mask |= MAP_SYNC;
    const fmode_t mode = file ? file->f_mode : FMODE_READ | FMODE_WRITE;
    switch (flags & MAP_TYPE) {
      case MAP_SHARED:
        flags &= LEGACY_MAP_MASK;
        [[fallthrough]];
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
      default:
        return -EINVAL;
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
      case MAP_PRIVATE:
        pgoff = addr >> PAGE_SHIFT;
        break;
      default:
        return -EINVAL;
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

long AddressSpace::mmap_region(MmapRequest& req) {
  // __mmap_setup(): gather what a MAP_FIXED mapping replaces, check limits, clean up the old area.
  Gathered gathered;
  int err = gather_range(req.addr, req.end, gathered);
  if (err) return err;
  const unsigned long pglen = req.len >> PAGE_SHIFT;
  // may_expand_vm(): the kernel adds pglen - nr_pages to a total_vm that still counts the detached VMAs;
  // here they are unlinked already, so the same sum is mapped_pages_ + pglen.
  if (mapped_pages_ + pglen > (config_.rlimit_as >> PAGE_SHIFT)) {
    reattach(gathered);
    return -ENOMEM;
  }
  // vms_clean_up_area(): from here the old mappings cannot be restored; a later failure leaves a gap.
  const bool cleaned = !gathered.detached.empty();
  for (VmaPtr& old : gathered.detached) zap_range(old->vm_start, old->vm_end);
  for (VmaPtr& old : gathered.detached)
    if (old->vm_ops && old->vm_ops->close) old->vm_ops->close(old.get());
  // __mmap_setup(): accountable_mapping() charges private writable memory and marks it VM_ACCOUNT
  // before the hook runs.
  if (accountable_mapping(req.flags)) req.flags |= VM_ACCOUNT;

  auto abort_munmap = [&](int error) -> long {
    if (req.vm_file_owned && req.vm_file) file_ref_put(req.vm_file);
    if (cleaned)
      complete_munmap(gathered, /*cleaned_up=*/true);
    else
      reattach(gathered);
    return error;
  };

  mmap_action initial_action{};
  initial_action.type = MMAP_NOTHING;
  vm_area_desc desc{&mm_,      req.file,          req.addr, req.end, req.pgoff, req.file, {req.flags},
                    req.page_prot, &vma_dummy_vm_ops, nullptr,  initial_action};
  if (req.hugetlb) return abort_munmap(-ENOMEM);  // hugetlb_reserve_pages() with an empty pool
  if (req.prepare) {
    err = mmap_prepare_hook(req, desc);
    if (err) return abort_munmap(err);
  }

  vm_area_struct* vma = merge_new_range(req.addr, req.end, req.pgoff, req.flags, req.vm_file);
  bool allocated_new = false;
  if (vma && req.vm_file_owned && req.vm_file) {
    // Merged into a VMA that already holds this file.
    file_ref_put(req.vm_file);
  }
  if (!vma) {
    // __mmap_new_vma()
    VmaPtr fresh = vma_alloc("vm_area_alloc");
    if (!fresh) return abort_munmap(-ENOMEM);
    fresh->vm_start = req.addr;
    fresh->vm_end = req.end;
    fresh->vm_pgoff = req.pgoff;
    fresh->__vm_flags = req.flags;
    fresh->vm_page_prot = req.page_prot;
    if (req.file) {
      // __mmap_new_file_vma()
      fresh->vm_file = req.vm_file;
      if (!req.vm_file_owned) file_ref_get(req.vm_file);
      req.vm_file_owned = false;
      if (!req.prepare) {
        err = mmap_legacy_hook(req, fresh.get());
        if (err) {
          if (fresh->vm_file) file_ref_put(fresh->vm_file);
          fresh->vm_file = nullptr;
          zap_range(fresh->vm_start, fresh->vm_end);  // unmap_region(): undo a partial mapping
          fresh.reset();
          return abort_munmap(err);
        }
      }
    } else if (req.flags & VM_SHARED) {
      err = shmem_zero_setup(fresh.get());
      if (err) {
        fresh.reset();
        return abort_munmap(err);
      }
    } else {
      vma_set_anonymous(fresh.get());
    }
    vma = link(std::move(fresh));
    allocated_new = true;
  }
  if (req.prepare) {
    // set_vma_user_defined_fields(): also applied to a VMA the mapping merged into. The desc started with
    // the dummy operations, so NULL here is the hook asking for an anonymous VMA (/dev/zero).
    vma->vm_ops = req.vm_ops;
    vma->vm_private_data = req.private_data;
  }

  // __mmap_complete()
  if (cleaned) complete_munmap(gathered, /*cleaned_up=*/true);
  vma_set_page_prot(vma);

  if (req.prepare && allocated_new && req.kapi >= VMAPREP_KAPI_6_19) {
    err = mmap_action_complete(req, vma, desc.action);
    if (err) return err;
  }
  return static_cast<long>(req.addr);
}

int AddressSpace::mmap_legacy_hook(MmapRequest& req, vm_area_struct* vma) {
  Kernel& kernel = Kernel::current();
  const int err = req.file->f_op->mmap(req.file, vma);
  if (err) return err;
  if (vma->vm_start != req.addr || vma->vm_end != req.end) {
    // The kernel only WARNs and then corrupts its tree; the model refuses the mapping instead.
    kernel.warn("->mmap moved the VMA");
    vma->vm_start = req.addr;
    vma->vm_end = req.end;
    return -EINVAL;
  }
  if (req.kapi >= VMAPREP_KAPI_7_1 && vma->vm_ops && vma->vm_ops->mapped) {
    kernel.warn("vm_ops->mapped set from ->mmap (only valid from ->mmap_prepare)");
    return -EINVAL;
  }
  if (!(req.flags & VM_MAYWRITE) && (vma->vm_flags & VM_MAYWRITE))
    kernel.warn("->mmap made a mapping writable that was not allowed to be");
  req.vm_file = vma->vm_file;
  req.flags = vma->vm_flags;
  return 0;
}

// call_mmap_prepare(): hook, action prepare, copy back the whitelisted fields.
int AddressSpace::mmap_prepare_hook(MmapRequest& req, vm_area_desc& desc) {
  int err = req.file->f_op->mmap_prepare(&desc);
  if (err) return err;
  if (req.kapi >= VMAPREP_KAPI_6_19) {
    err = mmap_action_prepare(req, desc);
    if (err) return err;
  }
  req.pgoff = desc.pgoff;
  struct file* vm_file = req.kapi >= VMAPREP_KAPI_6_18 ? desc.vm_file : desc.file;
  if (vm_file != req.file) {
    // The core owns the reference the hook took (file_doesnt_need_get): it moves out of the handler's
    // ledger. Without one, the kernel would later drop a reference nobody took.
    if (vm_file && !Kernel::current().take_handler_file_ref(vm_file)) {
      Kernel::current().warn("->mmap_prepare stored a file in the desc without taking a reference (get_file)");
      file_ref_get(vm_file);
    }
    req.vm_file = vm_file;
    req.vm_file_owned = true;
  }
  req.flags = desc_flags_word(desc);
  req.page_prot = desc.page_prot;
  req.vm_ops = desc.vm_ops;
  req.private_data = desc.private_data;
  return 0;
}

// mm/util.c mmap_action_prepare() and the per-type prepare steps in mm/memory.c.
int AddressSpace::mmap_action_prepare(MmapRequest& req, vm_area_desc& desc) {
  Kernel& kernel = Kernel::current();
  mmap_action& action = desc.action;
  unsigned long& flags = desc.vma_flags.__vma_flags[0];
  if (req.kapi >= VMAPREP_KAPI_7_1) {
    const long override_value = action.error_override;
    if (override_value && !(override_value < 0 && override_value >= -MAX_ERRNO)) {
      kernel.warn("mmap_action.error_override is not a valid -errno");
      return -EINVAL;
    }
  }
  auto remap_prepare = [&]() -> int {
    const unsigned long start = action.remap.start;
    const unsigned long end = start + action.remap.size;
    if (!(desc.start <= start && end <= desc.end && start <= end)) return -EFAULT;
    if (is_cow_mapping(flags)) {
      // get_remap_pgoff(): a CoW remap must cover the whole VMA, and pgoff records the pfn.
      if (start != desc.start || end != desc.end) return -EINVAL;
      desc.pgoff = action.remap.start_pfn;
    }
    flags |= VM_REMAP_FLAGS;
    return 0;
  };
  switch (action.type) {
    case MMAP_NOTHING:
      return 0;
    case MMAP_REMAP_PFN:
    case MMAP_IO_REMAP_PFN:
      return remap_prepare();
    case MMAP_SIMPLE_IO_REMAP: {
      if (req.kapi < VMAPREP_KAPI_7_1) break;
      // __simple_ioremap_prep(): vm_iomap_memory()'s arithmetic, then an I/O remap of the whole VMA.
      phys_addr_t start_phys = action.simple_ioremap.start_phys_addr;
      unsigned long size = action.simple_ioremap.size;
      const unsigned long vm_len = desc.end - desc.start;
      if (start_phys + size < start_phys) return -EINVAL;
      size += start_phys & ~PAGE_MASK;
      unsigned long pfn = start_phys >> PAGE_SHIFT;
      unsigned long pages = (size + ~PAGE_MASK) >> PAGE_SHIFT;
      if (pfn + pages < pfn) return -EINVAL;
      if (desc.pgoff > pages) return -EINVAL;
      pfn += desc.pgoff;
      pages -= desc.pgoff;
      if ((vm_len >> PAGE_SHIFT) > pages) return -EINVAL;
      action.remap.start = desc.start;
      action.remap.start_pfn = pfn;
      action.remap.size = vm_len;
      action.remap.pgprot = desc.page_prot;
      action.type = MMAP_IO_REMAP_PFN;
      return remap_prepare();
    }
    case MMAP_MAP_KERNEL_PAGES: {
      if (req.kapi < VMAPREP_KAPI_7_1) break;
      if (!(flags & VM_MIXEDMAP)) {
        if (flags & VM_PFNMAP) kernel.warn("map_kernel_pages on a PFNMAP mapping");
        flags |= VM_MIXEDMAP;
      }
      const unsigned long start = action.map_kernel.start;
      const unsigned long end = start + PAGE_SIZE * action.map_kernel.nr_pages;
      if (!(desc.start <= start && end <= desc.end && start <= end)) return -EFAULT;
      return 0;
    }
  }
  kernel.warn("unknown mmap_action type");
  return -EINVAL;
}

// mm/util.c mmap_action_complete() / mmap_action_finish() (7.1+) and the 6.19/7.0 hook variant.
int AddressSpace::mmap_action_complete(MmapRequest& req, vm_area_struct* vma, mmap_action& action) {
  int err = 0;
  switch (action.type) {
    case MMAP_NOTHING:
      break;
    case MMAP_REMAP_PFN:
    case MMAP_IO_REMAP_PFN:
      err = install_pfn_range(vma, action.remap.start, action.remap.start_pfn, action.remap.size,
                              action.remap.pgprot,
                              action.type == MMAP_IO_REMAP_PFN ? PteKind::IoPfn : PteKind::Pfn);
      break;
    case MMAP_MAP_KERNEL_PAGES: {
      unsigned long addr = action.map_kernel.start;
      for (unsigned long i = 0; i < action.map_kernel.nr_pages && !err; ++i, addr += PAGE_SIZE)
        err = install_page(vma, addr, action.map_kernel.pages[i], vma->vm_page_prot);
      break;
    }
    case MMAP_SIMPLE_IO_REMAP:
      Kernel::current().warn("simple_ioremap action reached the complete step");
      err = -EINVAL;
      break;
  }
  const unsigned long start = vma->vm_start;
  const unsigned long len = vma->vm_end - vma->vm_start;
  if (req.kapi >= VMAPREP_KAPI_7_1) {
    if (!err && vma->vm_ops && vma->vm_ops->mapped)
      err = vma->vm_ops->mapped(vma->vm_start, vma->vm_end, vma->vm_pgoff, vma->vm_file, &vma->vm_private_data);
    if (!err) return 0;
    do_munmap(start, len);
    return action.error_override ? action.error_override : err;
  }
  if (err) {
    do_munmap(start, len);
    if (action.__vmaprep_hidden_error_hook) {
      err = action.__vmaprep_hidden_error_hook(err);
      if (!err) Kernel::current().warn("mmap_action error_hook cleared the error");
    }
    return err;
  }
  // 6.19/7.0: a failing success_hook fails mmap() but leaves the VMA mapped.
  if (action.__vmaprep_hidden_success_hook) return action.__vmaprep_hidden_success_hook(vma);
  return 0;
}

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
  const bool left = prev && prev->vm_end == start && mergeable(prev, flags, file) &&
                    anon_mergeable(nullptr, prev) && prev->vm_pgoff + vma_pages(prev) == pgoff;
  const bool right = next && next->vm_start == end && mergeable(next, flags, file) &&
                     anon_mergeable(nullptr, next) && next->vm_pgoff == pgoff + pglen;
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
  invariant(lower->vm_pgoff + vma_pages(lower) == upper->vm_pgoff, "pgoff not continuous across a split");
  link(std::move(fresh));
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// munmap (mm/vma.c do_vmi_munmap, do_vmi_align_munmap)

int AddressSpace::munmap(WriteGuard& lock, unsigned long start, unsigned long len) {
  require(lock, true);
  Operation op(*this, start, start + len);
  if (offset_in_page(start) || start > config_.task_size || len > config_.task_size - start) return op.done(-EINVAL);
  const unsigned long end = start + PAGE_ALIGN(len);
  if (end == start) return op.done(-EINVAL);
  touched_end_ = end;
  return op.done(do_munmap(start, len));
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
                          anon_mergeable(middle, prev) &&
                          prev->vm_pgoff + vma_pages(prev) == pgoff;
  const bool merge_right = right_side && next && next->vm_start == end &&
                           mergeable(next, newflags, middle->vm_file) &&
                           anon_mergeable(middle, next) && next->vm_pgoff == pgoff + pglen;
  // dup_anon_vma(): a VMA that takes over another's range takes its anon_vma too.
  auto absorb = [](vm_area_struct* into, const vm_area_struct* from) {
    if (!into->anon_vma) into->anon_vma = from->anon_vma;
  };
  if (merge_left && merge_right && removable(middle) && removable(next) &&
      anon_compatible(prev, next)) {
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
    vm_flags_t newflags = calc_vm_prot_bits(prot) | (vma->vm_flags & ~VM_ACCESS_FLAGS);
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

int AddressSpace::adopt_vma(WriteGuard& lock, unsigned long start, unsigned long end, unsigned long pgoff,
                            vm_flags_t flags, struct file* file, AdoptedAnonVma anon) {
  require(lock, true);
  Operation op(*this, start, end);
  if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end) || start >= end || end > config_.task_size) return op.done(-EINVAL);
  vm_area_struct* clash = find(start);
  if (clash && clash->vm_start < end) return op.done(-EEXIST);
  VmaPtr vma = vma_alloc("vm_area_alloc");
  if (!vma) return op.done(-ENOMEM);
  vma->vm_start = start;
  vma->vm_end = end;
  vma->vm_pgoff = pgoff;
  vma->__vm_flags = flags;
  vma->vm_page_prot = vm_get_page_prot(flags);
  if (file) {
    file_ref_get(file);
    vma->vm_file = file;
  } else {
    vma_set_anonymous(vma.get());
  }
  if (anon != AdoptedAnonVma::None) vma->anon_vma = new_anon_vma(anon == AdoptedAnonVma::Inherited);
  link(std::move(vma));
  return op.done(0);
}

void AddressSpace::adopt_brk(WriteGuard& lock, unsigned long brk) {
  require(lock, true);
  mm_.brk = brk;
}

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

// ---------------------------------------------------------------------------------------------------
// Invariants

void AddressSpace::check_vma(const vm_area_struct* v) const {
  invariant(v->vm_start < v->vm_end, "empty or inverted VMA");
  invariant(PAGE_ALIGNED(v->vm_start) && PAGE_ALIGNED(v->vm_end), "VMA not page aligned");
  invariant(v->vm_end <= config_.task_size, "VMA beyond TASK_SIZE");
  invariant(v->vm_mm == &mm_, "VMA points at another mm");
}

void AddressSpace::check_invariants() const {
  long count = 0;
  unsigned long prev_end = 0;
  unsigned long pages = 0;
  for (const auto& [key, v] : vmas_) {
    check_vma(v.get());
    invariant(key == v->vm_start, "tree key differs from vm_start");
    invariant(v.end == v->vm_end, "tree copy of vm_end differs from vm_end");
    invariant(v->vm_start >= prev_end, "VMAs overlap or are unsorted");
    prev_end = v->vm_end;
    pages += vma_pages(v.get());
    ++count;
  }
  invariant(count == mm_.map_count, "map_count differs from the number of VMAs");
  invariant(pages == mapped_pages_ && pages == mm_.total_vm, "total_vm differs from the mapped pages");
  auto vma_it = vmas_.begin();
  for (const auto& [addr, pte] : ptes_) {
    while (vma_it != vmas_.end() && vma_it->second->vm_end <= addr) ++vma_it;
    invariant(vma_it != vmas_.end() && vma_it->second->vm_start <= addr, "page-table entry outside every VMA");
    invariant(PAGE_ALIGNED(addr), "page-table entry not page aligned");
  }
}

void AddressSpace::check_local(unsigned long start, unsigned long end) const {
  invariant(static_cast<long>(vmas_.size()) == mm_.map_count, "map_count differs from the number of VMAs");
  auto it = lower(start);
  if (it != vmas_.begin()) --it;
  unsigned long prev_end = 0;
  for (int after_end = 0; it != vmas_.end() && after_end < 2; it = step(it)) {
    check_vma(it->second.get());
    invariant(it->first == it->second->vm_start, "tree key differs from vm_start");
    invariant(it->second.end == it->second->vm_end, "tree copy of vm_end differs from vm_end");
    invariant(it->second->vm_start >= prev_end, "VMAs overlap or are unsorted");
    prev_end = it->second->vm_end;
    if (it->second->vm_start >= end) ++after_end;
  }
  for (auto pte = ptes_.lower_bound(start); pte != ptes_.end() && pte->first < end; ++pte) {
    const vm_area_struct* v = find(pte->first);
    invariant(v && v->vm_start <= pte->first, "page-table entry outside every VMA");
  }
}

}  // namespace vmaprep::model
