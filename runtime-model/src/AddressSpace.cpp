// The address-space model's core: construction and teardown (kernel/fork.c mmput() -> mm/mmap.c
// exit_mmap()), the mmap lock as guards (include/linux/mmap_lock.h), the lookups (mm/mmap.c find_vma(),
// find_vma_intersection(), find_vma_prev()), and the adopt_* calls that mirror a running
// process for test/model/KernelDiffTest.cpp. The operations live in files named after the kernel file
// they follow: Mmap.cpp (mm/mmap.c), MmapRegion.cpp and Vma.cpp (mm/vma.c), MmapAction.cpp (mm/util.c),
// Mprotect.cpp (mm/mprotect.c), Memory.cpp (mm/memory.c), Brk.cpp, Stack.cpp, Fork.cpp; the VMA tree is in
// VmaTree.cpp. docs/model.md lists the kernel function each behaviour follows.
#include "vmaprep/model/AddressSpace.h"

#include <algorithm>
#include <sstream>

#include "AddressSpaceInternal.h"
#include "vmaprep/model/Shim.h"

namespace vmaprep::model {

const char* pte_kind_name(PteKind kind) {
  switch (kind) {
    case PteKind::Pfn: return "pfn";
    case PteKind::IoPfn: return "iopfn";
    case PteKind::Page: return "page";
  }
  return "?";
}

const char* read_result_name(ReadResult result) {
  switch (result) {
    case ReadResult::Pte: return "pte";
    case ReadResult::Zero: return "zero";
    case ReadResult::File: return "file";
    case ReadResult::Driver: return "driver";
    case ReadResult::Sigbus: return "sigbus";
    case ReadResult::Sigsegv: return "sigsegv";
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
  if (!as_) detail::fatal("use of a moved-from or released mmap lock guard");
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
  if (writer_) detail::fatal("mmap_read_lock() while the mmap lock is held for write: self-deadlock");
  ++readers_;
  live_epochs_.push_back(++lock_epoch_);
  return ReadGuard(this, lock_epoch_);
}

WriteGuard AddressSpace::write_lock() {
  if (writer_ || readers_ > 0) detail::fatal("mmap_write_lock() while the mmap lock is held: self-deadlock");
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
  if (lock.as_ != this) detail::fatal("mmap lock guard belongs to another address space");
  if (!lock.holds_lock()) detail::fatal("mmap lock guard no longer holds the lock");
  if (write && !writer_) detail::fatal("operation needs the mmap lock held for write");
}

void AddressSpace::assert_write_locked(const char* what) const {
  if (!writer_) {
    std::string message = std::string(what) + " called without the mmap lock held for write";
    detail::fatal(message.c_str());
  }
}

VmaRef AddressSpace::make_ref(const LockedView& lock, const vm_area_struct* vma) const {
  if (!vma) return VmaRef();
  return VmaRef(vma, this, lock.epoch_, generation_);
}

const vm_area_struct* VmaRef::get() const {
  if (!vma_) detail::fatal("dereferencing an empty VmaRef");
  if (std::find(as_->live_epochs_.begin(), as_->live_epochs_.end(), lock_epoch_) == as_->live_epochs_.end())
    detail::fatal("VmaRef used after its mmap lock was released");
  if (as_->generation_ != generation_) detail::fatal("VmaRef used after the VMA tree was modified; look it up again");
  return vma_;
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
  if (writer_ || readers_ > 0) detail::fatal("AddressSpace destroyed while its mmap lock is held");
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
    out.push_back(VmaState{v->vm_start, v->vm_end, v->vm_pgoff, v->vm_flags, pgprot_val(v->vm_page_prot), v->vm_ops,
                           v->vm_private_data, v->vm_file});
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

}  // namespace vmaprep::model
