// libFuzzer target: byte strings decoded as sequences of mmap/munmap/mprotect/brk/fork/stack-fault
// operations over anonymous memory and fixture drivers, with allocation failures injected. The model
// checks its invariants after every operation (an InvariantViolation aborts); at the end every resource
// the balanced fixtures acquired must have been released.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Shim.h"

extern "C" {
#include "fixtures/fixtures.h"
}

using namespace vmaprep::model;

namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Fixtures whose per-mapping state survives splits, forks and merges (the ->mapped fixtures share their
// private data with split-off VMAs, like a driver without ->open refcounting, and are left out).
const struct file_operations* const kFops[] = {
    &legacy_plain_fops, &legacy_remap_fops, &legacy_nosplit_fops,  &legacy_insert_fops, &legacy_ioremap_fops,
    &prep_plain_fops,   &prep_remap_fops,   &prep_map_kernel_fops, &prep_zero_fops,     &prep_ioremap_fops,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Kernel kernel;
  KernelScope scope(kernel);
  fixture_reset();
  fixture_device = {};
  if (fixture_alloc_pages()) return 0;
  const auto page_outstanding = kernel.ledger.outstanding(Resource::Page);
  {
    std::vector<FileHandle> files;
    for (const auto* fops : kFops) {
      FileSpec spec;
      spec.fops = fops;
      spec.kapi = fops->mmap ? fixture_legacy_kapi : fixture_prepare_kapi;
      files.push_back(FileHandle::open(spec));
    }
    auto as_owner = std::make_unique<AddressSpace>();
    AddressSpace& as = *as_owner;
    std::vector<std::unique_ptr<AddressSpace>> children;
    {
      WriteGuard lock = as.write_lock();
      as.setup_stack(lock, 0x7ff000000000UL, 4 * PAGE_SIZE);
    }
    Reader in(data, size);
    const unsigned long base = 0x30000000UL;
    for (int steps = 0; !in.empty() && steps < 64; ++steps) {
      const uint8_t op = in.byte();
      const unsigned long page = in.byte() % 32;
      const unsigned long pages = 1 + in.byte() % 8;
      const uint8_t arg = in.byte();
      if (op & 0x80) kernel.faults.fail_nth_allocation(arg % 4);
      const unsigned long addr = base + page * PAGE_SIZE;
      switch (op % 7) {
        case 0: {
          WriteGuard lock = as.write_lock();
          as.mmap(lock, nullptr, (arg & 1) ? addr : 0, pages * PAGE_SIZE, arg % 8 & ~PROT_EXEC,
                  ((arg & 2) ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | ((arg & 1) ? MAP_FIXED : 0), 0);
          break;
        }
        case 1: {
          FileHandle& f = files[arg % files.size()];
          WriteGuard lock = as.write_lock();
          as.mmap(lock, f.get(), addr, std::min(pages, 4UL) * PAGE_SIZE, PROT_READ | ((arg & 0x40) ? PROT_WRITE : 0),
                  ((arg & 0x20) ? MAP_PRIVATE : MAP_SHARED) | MAP_FIXED, ((arg >> 4) & 1) * PAGE_SIZE);
          break;
        }
        case 2: {
          WriteGuard lock = as.write_lock();
          as.munmap(lock, addr, pages * PAGE_SIZE);
          break;
        }
        case 3: {
          WriteGuard lock = as.write_lock();
          as.mprotect(lock, addr, pages * PAGE_SIZE, arg % 8);
          break;
        }
        case 4: {
          WriteGuard lock = as.write_lock();
          as.brk(lock, as.config().start_brk + (arg % 16) * PAGE_SIZE);
          break;
        }
        case 5: {
          int error = 0;
          WriteGuard lock = as.write_lock();
          auto child = as.fork(lock, &error);
          if (child && children.size() < 2) children.push_back(std::move(child));
          break;
        }
        case 6: {
          VmaRef vma;
          auto lock = as.lock_mm_and_find_vma(0x7ff000000000UL - (4 + arg % 16) * PAGE_SIZE, &vma);
          break;
        }
      }
      kernel.faults.disarm();
    }
    as.check_invariants();
    children.clear();
    as_owner.reset();
    for (const FileHandle& f : files) {
      if (f.get()->__vmaprep_count != 1) {
        std::fprintf(stderr, "file reference count %ld after every mapping is gone\n", f.get()->__vmaprep_count);
        std::abort();
      }
    }
  }
  fixture_free_pages();
  // Everything except the leaky-by-design fixtures (not used here) must balance once all mappings are gone.
  for (Resource r : {Resource::Kmalloc, Resource::PmRuntime, Resource::Module, Resource::Kref, Resource::Refcount,
                     Resource::FileRef, Resource::Device}) {
    if (kernel.ledger.outstanding(r) != 0) {
      std::fprintf(stderr, "resource leak: %s\n", kernel.ledger.describe().c_str());
      std::abort();
    }
  }
  (void)page_outstanding;
  if (fixture.live_mappings != 0) {
    // legacy_plain counts its own open in the hook: balanced once every mapping is closed.
    std::fprintf(stderr, "open/close unbalanced: %d live\n", fixture.live_mappings);
    std::abort();
  }
  return 0;
}
