// The model's global kernel state: the resource ledger, allocation fault injection, the physical page
// table, and warnings raised where the kernel would WARN. A Kernel is made current for a thread with a
// KernelScope; shim functions called by driver code act on the current Kernel.
#pragma once

extern "C" {
#include <linux/mm_types.h>
}

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace vmaprep::model {

// Kinds of resources a handler can acquire; each has an acquire and a release operation in the shim.
enum class Resource : int {
  Kmalloc,    // kmalloc/kzalloc/kcalloc/vmalloc ... kfree/vfree
  Page,       // alloc_pages/__get_free_pages ... __free_pages/free_pages
  Kref,       // kref_get ... kref_put
  Refcount,   // refcount_inc ... refcount_dec(_and_test)
  PmRuntime,  // pm_runtime_get* ... pm_runtime_put*
  Module,     // try_module_get/__module_get ... module_put
  FileRef,    // get_file ... fput (called by handlers, not by the core)
  Device,     // get_device ... put_device
  Ioremap,    // ioremap ... iounmap
};
inline constexpr int kResourceKinds = 9;
const char* resource_name(Resource r);

class Ledger {
 public:
  using Counts = std::array<long, kResourceKinds>;

  void acquire(Resource r) {
    ++acquired_[index(r)];
    if (capture_sites) record_site(r);
  }
  void release(Resource r) { ++released_[index(r)]; }
  long acquired(Resource r) const { return acquired_[index(r)]; }
  long released(Resource r) const { return released_[index(r)]; }
  long outstanding(Resource r) const { return acquired(r) - released(r); }
  // Net outstanding count per kind: compare two snapshots to see what an operation leaked.
  Counts outstanding_all() const;
  bool balanced() const;
  std::string describe() const;
  void reset();

  // Live kmalloc-family blocks, vmalloc areas and ioremap mappings (host memory here), so a double or
  // foreign free is reported instead of crashing.
  struct Block {
    std::size_t size;
    long sequence;  // allocation order within this Kernel: names the block independently of its address
    Resource kind = Resource::Kmalloc;  // Kmalloc (the kmalloc and vmalloc families) or Ioremap
    bool vmalloc = false;               // a vmalloc area, which find_vm_area() finds
    bool usermap = false;               // vmalloc_user(): VM_USERMAP, which remap_vmalloc_range() requires
  };
  std::unordered_map<const void*, Block> live_blocks;
  long next_sequence = 0;

  // Where acquisitions happened, for reports (`vmaprep validate`): off by default because it walks the
  // stack on every acquisition. The frames start inside the model; site_describer names the first frame
  // that belongs to driver code.
  struct Acquisition {
    Resource kind;
    int depth;
    std::array<void*, 12> frames;
    std::string note;  // from site_note, when set: the site in words, no frames taken
  };
  using SiteDescriber = std::string (*)(void* const* frames, int depth);
  static inline bool capture_sites = false;
  static inline SiteDescriber site_describer = nullptr;  // null: describe_frames_with_dladdr
  // A driver that is interpreted rather than compiled names its own acquisition sites ("fn() at
  // file.c:12"); an empty answer falls back to the stack.
  using SiteNote = std::string (*)();
  static inline SiteNote site_note = nullptr;
  std::vector<Acquisition> sites;
  // "<kind> acquired in <site>" for each acquisition from sites[from] on whose kind is still outstanding
  // by more than `baseline` says; empty when no sites were captured.
  std::string describe_sites(std::size_t from, const Counts& baseline) const;

 private:
  static int index(Resource r) { return static_cast<int>(r); }
  void record_site(Resource r);
  Counts acquired_{};
  Counts released_{};
};

// Fails the N-th (0-based) allocation of the next top-level operation (mmap, munmap, mprotect, brk,
// stack expansion, fork). Allocation sites are the model's VMA and page-table allocations and every
// allocation a handler makes through the shim.
class FaultInjector {
 public:
  void fail_nth_allocation(long n) { armed_ = n; }
  void disarm() { armed_ = -1; }
  bool should_fail(const char* site);

  void begin_operation();
  void end_operation();
  bool in_operation() const { return depth_ > 0; }
  bool fired() const { return fired_; }
  long allocations_in_last_operation() const { return last_count_; }
  // Allocation sites of the last operation, in order (string literals naming the allocation).
  const std::vector<std::string>& sites_in_last_operation() const;

 private:
  long armed_ = -1;
  long active_ = -1;
  long count_ = 0;
  long last_count_ = 0;
  int depth_ = 0;
  bool fired_ = false;
  std::vector<const char*> sites_;
  std::vector<const char*> last_sites_;
  mutable std::vector<std::string> last_sites_text_;
};

class Kernel {
 public:
  Kernel();
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // The Kernel of this thread (set by KernelScope), or a process-wide default.
  static Kernel& current();

  Ledger ledger;
  FaultInjector faults;
  // File references handler code holds, per file: taken with get_file() (counted in the ledger) or made
  // by a shim helper that hands a new file over (shmem_zero_setup_desc(): not in the ledger). When an
  // ->mmap_prepare hook stores a file in desc->vm_file, the core takes one of them over (mm/vma.c does
  // not get the file again); a hook that holds none hands over a reference it does not have, which in
  // a kernel underflows the file's count: the model warns (and keeps its own count sound).
  struct HeldFileRefs {
    long counted = 0, uncounted = 0;
  };
  std::unordered_map<const struct file*, HeldFileRefs> handler_file_refs;
  // Moves one handler reference on file to the core; false if the handler held none.
  bool take_handler_file_ref(const struct file* file);
  std::vector<std::string> warnings;
  void warn(std::string message) { warnings.push_back(std::move(message)); }
  // Kernel functions the shim declares for handlers but the model cannot follow (apply_to_page_range():
  // its callback edits page-table pages the model does not have). Each is recorded once; validation
  // reports it as a problem naming the function.
  std::set<std::string> calls_not_modelled;
  void call_not_modelled(const char* function) { calls_not_modelled.insert(function); }

  // Physical pages. Pages from alloc_pages() own host memory; other kernel memory (kmalloc, static
  // buffers) gets a page record on first virt_to_page()/pfn_to_page().
  struct page* alloc_pages(unsigned order, bool zero);
  void free_pages(struct page* head, unsigned order);
  struct page* page_for_pfn(unsigned long pfn);
  void get_page(struct page* page) { ++page->_refcount; }
  void put_page(struct page* page);
  std::size_t live_page_count() const { return pages_.size(); }
  // A name for a pfn that is the same in two runs making the same allocations: "page<n>.<i>" for the
  // i-th page of the n-th alloc_pages(), "kmalloc<n>+<page>" inside a live heap block ("ioremap<n>+<page>"
  // inside an ioremap mapping), else the number.
  std::string describe_pfn(unsigned long pfn) const;
  // "kmalloc<n>" for a pointer into a live heap block ("ioremap<n>" into a mapping), or an empty string.
  std::string describe_heap_pointer(const void* p) const;

 private:
  struct Block {
    void* memory;
    unsigned nr_pages;
    unsigned live_pages;
    long sequence;
  };
  struct PageRecord {
    std::unique_ptr<struct page> page;
    Block* block;  // null for pages not allocated through alloc_pages()
  };
  std::unordered_map<unsigned long, PageRecord> pages_;
  std::unordered_map<void*, std::unique_ptr<Block>> blocks_;
  long page_sequence_ = 0;
};

class KernelScope {
 public:
  explicit KernelScope(Kernel& kernel);
  ~KernelScope();
  KernelScope(const KernelScope&) = delete;
  KernelScope& operator=(const KernelScope&) = delete;

 private:
  Kernel* previous_;
};

}  // namespace vmaprep::model
