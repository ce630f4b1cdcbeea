// AddressSpace: the model of one mm_struct. VMAs are the shim's struct vm_area_struct, owned here in an
// interval map keyed by vm_start. The mmap lock is modelled as typed guards: lookups need a LockedView
// (a ReadGuard or a WriteGuard) and return VmaRefs that are checked against the guard's lifetime and
// against later mutations; every mutation needs a WriteGuard&, so mutating without the write lock does
// not compile. Operation semantics follow mm/mmap.c, mm/vma.c, mm/mprotect.c and kernel/fork.c; see
// docs/model.md for the function each behaviour follows.
#pragma once

#include "vmaprep/model/BTreeMap.h"
#include "vmaprep/model/FreeList.h"
#include "vmaprep/model/Kernel.h"

extern "C" {
#include <linux/fs.h>
#include <linux/mm.h>
}

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vmaprep::model {

class AddressSpace;

// Thrown by the invariant checker, from C++ frames only (never across driver code).
class InvariantViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

enum class InvariantMode {
  Off,
  Local,  // checks the VMAs around the range an operation touched: O(log n), for benchmarks
  Full,   // walks every VMA and page-table entry after every operation
};

struct AddressSpaceConfig {
  unsigned long task_size = (1UL << 47) - PAGE_SIZE;  // x86-64 TASK_SIZE_MAX
  // mm/mmap.c mmap_min_addr: the larger of the vm.mmap_min_addr sysctl and CONFIG_LSM_MMAP_MIN_ADDR; it
  // rounds hints up and bounds placement and stack growth. The capability check of security_mmap_addr()
  // uses the sysctl alone (dac_mmap_min_addr; 0 here means the same value).
  unsigned long mmap_min_addr = 65536;
  unsigned long dac_mmap_min_addr = 0;
  unsigned long mmap_base = 0x7f0000000000UL;  // top-down allocation starts below this
  unsigned long start_brk = 0x555555600000UL;
  unsigned long stack_guard_gap = 256 * PAGE_SIZE;
  long max_map_count = 65530;              // sysctl vm.max_map_count default
  unsigned long rlimit_as = ~0UL;          // RLIMIT_AS in bytes
  unsigned long rlimit_stack = 8UL << 20;  // RLIMIT_STACK in bytes
  // CONFIG_TRANSPARENT_HUGEPAGE: MAP_STACK sets VM_NOHUGEPAGE, and an anonymous private mapping whose
  // length is a multiple of 2 MiB is placed on a 2 MiB boundary (__get_unmapped_area()).
  bool thp = true;
  // Whether a 1 GiB hstate exists (x86 with gbpages). The model has no huge page pool: MAP_HUGETLB of a
  // size that exists fails as the kernel fails it with an empty pool (-ENOMEM), others with -EINVAL.
  bool hugetlb_1g = true;
  // CAP_SYS_RAWIO: security_mmap_addr() lets such a process map below mmap_min_addr.
  bool cap_sys_rawio = false;
  InvariantMode invariants = InvariantMode::Full;
};

enum class PteKind { Pfn, IoPfn, Page };
const char* pte_kind_name(PteKind kind);

struct Pte {
  unsigned long pfn;
  pgprot_t prot;
  PteKind kind;
  struct page* page;  // set for PteKind::Page; the PTE holds a page reference
};
using PageTable =
    std::map<unsigned long, Pte, std::less<unsigned long>,
             FreeListAllocator<std::pair<const unsigned long, Pte>>>;  // keyed by the page-aligned virtual address

// What a read of one page gets (AddressSpace::read_fault()): what the page-table entry maps (Pte), a page
// of zeros (anonymous memory, a new shmem page), the file's own page (its page cache, which the model does
// not have), whatever the driver's ->fault decides (the model does not run it), or a signal.
enum class ReadResult { Pte, Zero, File, Driver, Sigbus, Sigsegv };
const char* read_result_name(ReadResult result);

// --- the mmap lock ---

class LockedView {
 public:
  AddressSpace& address_space() const;
  bool holds_lock() const;
  std::uint64_t epoch() const { return epoch_; }

 protected:
  LockedView(AddressSpace* as, std::uint64_t epoch) : as_(as), epoch_(epoch) {}
  LockedView(LockedView&& other) noexcept : as_(other.as_), epoch_(other.epoch_) { other.as_ = nullptr; }
  LockedView& operator=(LockedView&&) = delete;
  LockedView(const LockedView&) = delete;
  ~LockedView() = default;

  AddressSpace* as_;
  std::uint64_t epoch_;
  friend class AddressSpace;
};

class ReadGuard : public LockedView {
 public:
  ReadGuard(ReadGuard&&) noexcept = default;
  ~ReadGuard();
  void unlock();

 private:
  using LockedView::LockedView;
  friend class AddressSpace;
  friend class WriteGuard;
};

class WriteGuard : public LockedView {
 public:
  WriteGuard(WriteGuard&&) noexcept = default;
  ~WriteGuard();
  void unlock();
  // mmap_write_downgrade(): keeps the lock held for read; VmaRefs taken under the write lock stay valid.
  ReadGuard downgrade() &&;

 private:
  using LockedView::LockedView;
  friend class AddressSpace;
};

// A VMA looked up under a lock. Valid while that lock is held and the tree has not been mutated since;
// any use after that aborts with a message (the model's equivalent of a use-after-unlock).
class VmaRef {
 public:
  VmaRef() = default;
  explicit operator bool() const { return vma_ != nullptr; }
  const vm_area_struct* get() const;
  const vm_area_struct* operator->() const { return get(); }
  const vm_area_struct& operator*() const { return *get(); }
  bool operator==(const VmaRef& other) const { return vma_ == other.vma_; }

 private:
  VmaRef(const vm_area_struct* vma, const AddressSpace* as, std::uint64_t epoch, std::uint64_t generation)
      : vma_(vma), as_(as), lock_epoch_(epoch), generation_(generation) {}
  const vm_area_struct* vma_ = nullptr;
  const AddressSpace* as_ = nullptr;
  std::uint64_t lock_epoch_ = 0;
  std::uint64_t generation_ = 0;
  friend class AddressSpace;
};

// Observable state of one VMA, for comparisons between runs.
struct VmaState {
  unsigned long start, end, pgoff;
  vm_flags_t flags;
  unsigned long page_prot;
  const vm_operations_struct* vm_ops;
  void* private_data;
  const struct file* file;
  bool operator==(const VmaState& o) const {
    return start == o.start && end == o.end && pgoff == o.pgoff && flags == o.flags && page_prot == o.page_prot &&
           vm_ops == o.vm_ops && private_data == o.private_data && file == o.file;
  }
  bool operator!=(const VmaState& o) const { return !(*this == o); }
};
std::string describe(const VmaState& state);

class AddressSpace {
 public:
  explicit AddressSpace(AddressSpaceConfig config = {});
  ~AddressSpace();  // exit_mmap(): closes and frees every VMA
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  static AddressSpace* from_mm(const struct mm_struct* mm);
  struct mm_struct* mm() { return &mm_; }
  const AddressSpaceConfig& config() const { return config_; }
  void set_invariant_mode(InvariantMode mode) { config_.invariants = mode; }

  // --- locking (include/linux/mmap_lock.h) ---
  ReadGuard read_lock();
  WriteGuard write_lock();
  bool write_locked() const { return writer_; }
  int readers() const { return readers_; }

  // --- lookups: any lock ---
  VmaRef find_vma(const LockedView& lock, unsigned long addr) const;
  VmaRef find_vma_intersection(const LockedView& lock, unsigned long start, unsigned long end) const;
  VmaRef find_vma_prev(const LockedView& lock, unsigned long addr, VmaRef* prev) const;
  std::vector<VmaRef> vmas(const LockedView& lock) const;
  std::vector<VmaState> state(const LockedView& lock) const;
  const PageTable& page_table(const LockedView& lock) const;
  long map_count(const LockedView& lock) const;
  unsigned long brk_value(const LockedView& lock) const;

  // --- mutations: write lock only ---
  // mmap(2): returns the address, or -errno. offset is in bytes, as for the system call.
  long mmap(WriteGuard& lock, struct file* file, unsigned long addr, unsigned long len, unsigned long prot,
            unsigned long flags, unsigned long offset);
  int munmap(WriteGuard& lock, unsigned long start, unsigned long len);
  int mprotect(WriteGuard& lock, unsigned long start, unsigned long len, unsigned long prot);
  // brk(2): returns the new break, or the old one when the request is refused.
  unsigned long brk(WriteGuard& lock, unsigned long new_brk);
  // Places an initial stack VMA [top - size, top) with VM_GROWSDOWN, as setup_arg_pages() leaves it.
  int setup_stack(WriteGuard& lock, unsigned long top, unsigned long size);
  // A VMA the model did not create, as a real process image has them (ELF segments, the heap, vdso, the
  // stack): for comparisons against a running kernel (test/model/KernelDiffTest.cpp). The file, if any,
  // gets a reference; anonymous VMAs get vm_ops NULL and, when private, an anon_vma (they have been
  // written to). Returns -EEXIST over an existing VMA, -EINVAL for a bad range.
  enum class AdoptedAnonVma { None, Own, Inherited };  // Inherited: from a fork (chain not singular)
  int adopt_vma(WriteGuard& lock, unsigned long start, unsigned long end, unsigned long pgoff, vm_flags_t flags,
                struct file* file, AdoptedAnonVma anon = AdoptedAnonVma::None);
  // Sets mm->brk, as the process being mirrored has it (start_brk comes from the configuration).
  void adopt_brk(WriteGuard& lock, unsigned long brk);
  // dup_mmap(): returns the child, or null with *error set. The child is fully torn down on failure.
  std::unique_ptr<AddressSpace> fork(WriteGuard& lock, int* error);

  // lock_mm_and_find_vma(): read lock, find the VMA for a fault at addr; if that needs stack growth,
  // drop the read lock, take the write lock, look the VMA up again (the tree may have changed
  // meanwhile), expand, and downgrade. Returns the read guard with *vma set, or nothing on failure.
  std::optional<ReadGuard> lock_mm_and_find_vma(unsigned long addr, VmaRef* vma);
  // Test hook run between dropping the read lock and taking the write lock in lock_mm_and_find_vma().
  std::function<void(AddressSpace&)> on_lock_upgrade_gap;

  // Checks every invariant now; throws InvariantViolation.
  void check_invariants() const;

  // --- used by the shim while a hook runs (the write lock is held by the running operation) ---
  void assert_write_locked(const char* what) const;
  int install_pfn_range(vm_area_struct* vma, unsigned long addr, unsigned long pfn, unsigned long size, pgprot_t prot,
                        PteKind kind);
  int install_page(vm_area_struct* vma, unsigned long addr, struct page* page, pgprot_t prot);
  void zap_range(unsigned long start, unsigned long end);
  bool pte_present(unsigned long addr) const { return ptes_.count(addr & PAGE_MASK) != 0; }
  // A read of addr as handle_mm_fault() would serve it (mm/memory.c), asked without mapping anything: the
  // answer is a function of the VMAs and page tables, so a trace can print it without changing them.
  ReadResult read_fault(const LockedView& lock, unsigned long addr) const;
  // mm/util.c compat_vma_mmap(): a stacked ->mmap (vfs_mmap()) hands its VMA to a file with ->mmap_prepare.
  int compat_vma_mmap(struct file* file, vm_area_struct* vma);

 private:
  struct VmaDeleter {
    void operator()(vm_area_struct* vma) const;
  };
  using VmaPtr = std::unique_ptr<vm_area_struct, VmaDeleter>;
  // A tree slot: the VMA and a copy of its vm_end. Like the maple tree, which keeps each VMA's range in
  // the tree itself, find() tells whether an address falls inside a VMA from the slot, without touching
  // the VMA (a cache miss once 65530 VMAs no longer fit in L2). Only set_range() changes the range of a
  // linked VMA and it updates the copy; the invariant checks compare it with vm_end, as they compare the
  // key with vm_start.
  struct VmaSlot {
    VmaPtr vma;
    unsigned long end = 0;
    vm_area_struct* get() const { return vma.get(); }
    vm_area_struct* operator->() const { return vma.get(); }
  };
  // A B+tree with wide nodes, as the kernel's maple tree is: a random lookup among 65530 VMAs touches
  // a few nodes whose keys are contiguous instead of 17 scattered red-black nodes. Every insertion or
  // erase invalidates its iterators, so each mutation drops the walk hint (hint_valid_) and re-seeds it
  // from the iterator the mutation returns.
  using VmaMap = BTreeMap<unsigned long, VmaSlot>;
  struct MmapRequest;
  struct Gathered;
  class Operation;
  friend class ReadGuard;
  friend class WriteGuard;
  friend class LockedView;
  friend class VmaRef;

  // Members declared inline below are defined in src/AddressSpaceInternal.h: the model's source is split by
  // kernel file, and these small steps on every operation's path are inlined into each part.
  void unlock_read();
  void unlock_write();
  void downgrade_write();
  void release_epoch(std::uint64_t epoch);
  inline void check_after_operation() const;
  void require(const LockedView& lock, bool write) const;
  VmaRef make_ref(const LockedView& lock, const vm_area_struct* vma) const;

  // VMA tree primitives.
  inline VmaPtr vma_alloc(const char* site);
  inline VmaPtr vma_dup(const vm_area_struct& src, const char* site);
  vm_area_struct* link(VmaPtr vma);
  VmaPtr unlink(vm_area_struct* vma);
  void set_range(vm_area_struct* vma, unsigned long start, unsigned long end, unsigned long pgoff);
  // The tree walk. Like the kernel's vma_iterator carried through an operation, the position of the last
  // lookup is kept, and a lookup that lands next to it costs O(1) instead of a descent.
  inline VmaMap::const_iterator upper(unsigned long addr) const;  // first VMA with vm_start > addr
  inline VmaMap::const_iterator lower(unsigned long addr) const;  // first VMA with vm_start >= addr
  inline VmaMap::const_iterator remember(VmaMap::const_iterator it) const;
  // ++it: O(1), the leaves are linked.
  VmaMap::const_iterator step(VmaMap::const_iterator it) const { return std::next(it); }
  inline vm_area_struct* find(unsigned long addr) const;       // first VMA with vm_end > addr
  inline vm_area_struct* prev_of(unsigned long addr) const;    // last VMA with vm_start < addr
  inline vm_area_struct* next_from(unsigned long addr) const;  // first VMA with vm_start >= addr
  inline void remove_vma(VmaPtr vma, bool call_close);

  // Operation pieces.
  unsigned long vm_start_gap(const vm_area_struct* vma) const;
  unsigned long vm_end_gap(const vm_area_struct* vma) const;
  long get_unmapped_area(struct file* file, unsigned long addr, unsigned long len, unsigned long flags);
  long unmapped_area_topdown(unsigned long len, unsigned long low, unsigned long high) const;
  long do_mmap(struct file* file, unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
               unsigned long pgoff);
  long mmap_region(MmapRequest& req);
  int mmap_legacy_hook(MmapRequest& req, vm_area_struct* vma);
  int mmap_prepare_hook(MmapRequest& req, vm_area_desc& desc);
  int mmap_action_prepare(MmapRequest& req, vm_area_desc& desc);
  int mmap_action_complete(MmapRequest& req, vm_area_struct* vma, mmap_action& action, bool is_compat = false);
  int split_vma(vm_area_struct* vma, unsigned long addr, bool new_below, bool checked);
  int gather_range(unsigned long start, unsigned long end, Gathered& out);
  void reattach(Gathered& gathered);
  void complete_munmap(Gathered& gathered, bool cleaned_up);
  int do_munmap(unsigned long start, unsigned long len);
  bool mergeable(const vm_area_struct* vma, vm_flags_t flags, const struct file* file) const;
  vm_area_struct* merge_new_range(unsigned long start, unsigned long end, unsigned long pgoff, vm_flags_t flags,
                                  struct file* file);
  vm_area_struct* vma_modify_flags(vm_area_struct* middle, unsigned long start, unsigned long end, vm_flags_t newflags,
                                   int* err);
  inline void vma_set_page_prot(vm_area_struct* vma);
  struct anon_vma* new_anon_vma(bool cloned);
  bool anon_mergeable(const vm_area_struct* src, const vm_area_struct* tgt) const;
  bool anon_compatible(const vm_area_struct* a, const vm_area_struct* b) const;
  int expand_downwards(vm_area_struct* vma, unsigned long addr);
  void check_local(unsigned long start, unsigned long end) const;
  void check_vma(const vm_area_struct* vma) const;
  void exit_mmap();

  AddressSpaceConfig config_;
  struct mm_struct mm_{};
  VmaMap vmas_;
  PageTable ptes_;
  std::deque<struct anon_vma> anon_vmas_;  // every anon_vma this mm made (identity only), freed with it
  mutable VmaMap::const_iterator hint_;
  mutable bool hint_valid_ = false;
  unsigned long mapped_pages_ = 0;
  std::vector<std::uint64_t> live_epochs_;  // epochs of the guards currently holding the lock
  int readers_ = 0;
  bool writer_ = false;
  std::uint64_t lock_epoch_ = 1;
  std::uint64_t generation_ = 1;
  unsigned long touched_start_ = 0, touched_end_ = 0;
};

}  // namespace vmaprep::model
