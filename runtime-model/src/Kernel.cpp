// Global model state: ledger, fault injection and the physical page table.
#include "vmaprep/model/Kernel.h"

extern "C" {
#include <asm/page.h>
}

#include <dlfcn.h>
#include <execinfo.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace vmaprep::model {

const char* resource_name(Resource r) {
  switch (r) {
    case Resource::Kmalloc: return "kmalloc";
    case Resource::Page: return "page";
    case Resource::Kref: return "kref";
    case Resource::Refcount: return "refcount";
    case Resource::PmRuntime: return "pm_runtime";
    case Resource::Module: return "module";
    case Resource::FileRef: return "file";
    case Resource::Device: return "device";
    case Resource::Ioremap: return "ioremap";
  }
  return "?";
}

Ledger::Counts Ledger::outstanding_all() const {
  Counts net{};
  for (int i = 0; i < kResourceKinds; ++i) net[i] = acquired_[i] - released_[i];
  return net;
}

bool Ledger::balanced() const {
  for (int i = 0; i < kResourceKinds; ++i)
    if (acquired_[i] != released_[i]) return false;
  return true;
}

std::string Ledger::describe() const {
  std::ostringstream out;
  for (int i = 0; i < kResourceKinds; ++i) {
    if (acquired_[i] == 0 && released_[i] == 0) continue;
    out << resource_name(static_cast<Resource>(i)) << " +" << acquired_[i] << " -" << released_[i] << "; ";
  }
  return out.str();
}

void Ledger::reset() {
  acquired_ = {};
  released_ = {};
  sites.clear();
}

void Ledger::record_site(Resource r) {
  Acquisition a{r, 0, {}, {}};
  if (site_note) a.note = site_note();
  if (a.note.empty()) a.depth = backtrace(a.frames.data(), static_cast<int>(a.frames.size()));
  sites.push_back(a);
}

namespace {

// The first frame outside the object the model lives in, as "symbol+0xoff" (dladdr sees only exported
// symbols; tools with debug information install a better describer).
std::string describe_frames_with_dladdr(void* const* frames, int depth) {
  Dl_info self{};
  dladdr(reinterpret_cast<void*>(&describe_frames_with_dladdr), &self);
  for (int i = 0; i < depth; ++i) {
    Dl_info info{};
    if (!dladdr(frames[i], &info) || info.dli_fbase == self.dli_fbase) continue;
    std::ostringstream out;
    if (info.dli_sname)
      out << info.dli_sname << "+0x" << std::hex
          << (reinterpret_cast<const char*>(frames[i]) - reinterpret_cast<const char*>(info.dli_saddr));
    else
      out << (info.dli_fname ? info.dli_fname : "?") << "+0x" << std::hex
          << (reinterpret_cast<const char*>(frames[i]) - reinterpret_cast<const char*>(info.dli_fbase));
    return out.str();
  }
  return "";
}

}  // namespace

std::string Ledger::describe_sites(std::size_t from, const Counts& baseline) const {
  const Counts now = outstanding_all();
  std::string out;
  for (std::size_t i = from; i < sites.size(); ++i) {
    const Acquisition& a = sites[i];
    if (now[index(a.kind)] <= baseline[index(a.kind)]) continue;
    const std::string where =
        !a.note.empty() ? a.note
                        : (site_describer ? site_describer : describe_frames_with_dladdr)(a.frames.data(), a.depth);
    if (where.empty()) continue;
    const std::string line = std::string(resource_name(a.kind)) + " acquired in " + where;
    if (out.find(line) != std::string::npos) continue;
    out += (out.empty() ? "" : "; ") + line;
  }
  return out;
}

bool FaultInjector::should_fail(const char* site) {
  if (depth_ == 0) return false;
  sites_.push_back(site);
  const bool fail = active_ >= 0 && count_ == active_;
  ++count_;
  if (fail) fired_ = true;
  return fail;
}

void FaultInjector::begin_operation() {
  if (depth_++ > 0) return;
  active_ = armed_;
  armed_ = -1;
  count_ = 0;
  fired_ = false;
  sites_.clear();
}

void FaultInjector::end_operation() {
  if (--depth_ > 0) return;
  active_ = -1;
  last_count_ = count_;
  last_sites_.swap(sites_);
}

const std::vector<std::string>& FaultInjector::sites_in_last_operation() const {
  last_sites_text_.assign(last_sites_.begin(), last_sites_.end());
  return last_sites_text_;
}

namespace {
thread_local Kernel* current_kernel = nullptr;
}  // namespace

Kernel::Kernel() = default;

// Whatever handlers leaked stays visible in the ledger until here; the host memory is reclaimed so leak
// checkers only report the model's own leaks.
Kernel::~Kernel() {
  for (auto& [memory, block] : blocks_) std::free(memory);
  for (auto& [memory, block] : ledger.live_blocks) std::free(const_cast<void*>(memory));
}

std::string Kernel::describe_pfn(unsigned long pfn) const {
  auto it = pages_.find(pfn);
  if (it != pages_.end() && it->second.block) {
    const Block* block = it->second.block;
    const unsigned long first = reinterpret_cast<std::uintptr_t>(block->memory) >> PAGE_SHIFT;
    return "page" + std::to_string(block->sequence) + "." + std::to_string(pfn - first);
  }
  const std::uintptr_t addr = static_cast<std::uintptr_t>(pfn) << PAGE_SHIFT;
  for (const auto& [memory, block] : ledger.live_blocks) {
    const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(memory) & PAGE_MASK;
    const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(memory) + block.size;
    if (addr >= start && addr < end)
      return resource_name(block.kind) + std::to_string(block.sequence) + "+" +
             std::to_string((addr - start) >> PAGE_SHIFT);
  }
  std::ostringstream out;
  out << "pfn:0x" << std::hex << pfn;
  return out.str();
}

std::string Kernel::describe_heap_pointer(const void* p) const {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  for (const auto& [memory, block] : ledger.live_blocks) {
    const auto start = reinterpret_cast<std::uintptr_t>(memory);
    if (addr >= start && addr < start + block.size) return resource_name(block.kind) + std::to_string(block.sequence);
  }
  return std::string();
}

Kernel& Kernel::current() {
  if (current_kernel) return *current_kernel;
  static Kernel fallback;
  return fallback;
}

struct page* Kernel::alloc_pages(unsigned order, bool zero) {
  const std::size_t nr = std::size_t{1} << order;
  void* memory = std::aligned_alloc(PAGE_SIZE, nr * PAGE_SIZE);
  if (!memory) return nullptr;
  if (zero) std::memset(memory, 0, nr * PAGE_SIZE);
  auto block =
      std::make_unique<Block>(Block{memory, static_cast<unsigned>(nr), static_cast<unsigned>(nr), page_sequence_++});
  const unsigned long first_pfn = reinterpret_cast<std::uintptr_t>(memory) >> PAGE_SHIFT;
  for (std::size_t i = 0; i < nr; ++i) {
    auto pg = std::make_unique<struct page>();
    pg->__vmaprep_pfn = first_pfn + i;
    // Every page is independently refcounted, as after split_page(), so drivers can map tail pages.
    pg->_refcount = 1;
    pg->__vmaprep_order = i == 0 ? static_cast<int>(order) : 0;
    pg->__vmaprep_virt = static_cast<char*>(memory) + i * PAGE_SIZE;
    pages_[first_pfn + i] = PageRecord{std::move(pg), block.get()};
  }
  struct page* head = pages_[first_pfn].page.get();
  blocks_[memory] = std::move(block);
  return head;
}

void Kernel::free_pages(struct page* head, unsigned order) {
  const unsigned long nr = 1UL << order;
  const unsigned long first = head->__vmaprep_pfn;
  for (unsigned long i = 0; i < nr; ++i) {
    auto it = pages_.find(first + i);
    if (it != pages_.end()) put_page(it->second.page.get());
  }
}

void Kernel::put_page(struct page* page) {
  if (page->_refcount <= 0) {
    warn("put_page on a page with no references");
    return;
  }
  if (--page->_refcount > 0) return;
  auto it = pages_.find(page->__vmaprep_pfn);
  if (it == pages_.end() || !it->second.block) return;  // kernel memory not from alloc_pages(): kept
  Block* block = it->second.block;
  pages_.erase(it);
  if (--block->live_pages == 0) {
    void* memory = block->memory;
    blocks_.erase(memory);
    std::free(memory);
  }
}

struct page* Kernel::page_for_pfn(unsigned long pfn) {
  auto it = pages_.find(pfn);
  if (it != pages_.end()) return it->second.page.get();
  auto pg = std::make_unique<struct page>();
  pg->__vmaprep_pfn = pfn;
  pg->_refcount = 1;
  pg->__vmaprep_virt = reinterpret_cast<void*>(pfn << PAGE_SHIFT);
  struct page* raw = pg.get();
  pages_[pfn] = PageRecord{std::move(pg), nullptr};
  return raw;
}

KernelScope::KernelScope(Kernel& kernel) : previous_(current_kernel) { current_kernel = &kernel; }
KernelScope::~KernelScope() { current_kernel = previous_; }

bool Kernel::take_handler_file_ref(const struct file* file) {
  auto it = handler_file_refs.find(file);
  if (it == handler_file_refs.end()) return false;
  if (it->second.counted > 0) {
    --it->second.counted;
    ledger.release(Resource::FileRef);
    return true;
  }
  if (it->second.uncounted > 0) {
    --it->second.uncounted;
    return true;
  }
  return false;
}

}  // namespace vmaprep::model
