// Random operation sequences on private anonymous mappings, checked after every step against a naive
// reference: a sorted vector of (page, flags). The model's VMAs must cover exactly the reference's pages
// with the same flags, and (since adjacent private anonymous VMAs with equal flags always merge) its VMA
// boundaries must be the maximal runs of equal flags.
#include <random>

#include "ModelTest.h"

namespace vmaprep::model::test {
namespace {

constexpr unsigned long kBase = 0x20000000UL;
constexpr unsigned long kWindowPages = 48;

struct RefPage {
  unsigned long page;
  vm_flags_t flags;
};

class Reference {
 public:
  void set(unsigned long first, unsigned long count, vm_flags_t flags) {
    clear(first, count);
    for (unsigned long p = first; p < first + count; ++p) pages_.push_back({p, flags});
    sort();
  }
  void clear(unsigned long first, unsigned long count) {
    pages_.erase(std::remove_if(pages_.begin(), pages_.end(),
                                [&](const RefPage& r) { return r.page >= first && r.page < first + count; }),
                 pages_.end());
  }
  // mprotect: changes pages from first while they are mapped; -ENOMEM at the first hole.
  int protect(unsigned long first, unsigned long count, vm_flags_t access) {
    for (unsigned long p = first; p < first + count; ++p) {
      RefPage* r = find(p);
      if (!r) return -ENOMEM;
      r->flags = (r->flags & ~(VM_ACCESS_FLAGS | VM_ACCOUNT)) | access;
    }
    return 0;
  }
  std::vector<VmaState> expected_runs() const {
    std::vector<VmaState> runs;
    for (const RefPage& r : pages_) {
      const unsigned long start = r.page * PAGE_SIZE;
      if (!runs.empty() && runs.back().end == start && runs.back().flags == r.flags) {
        runs.back().end += PAGE_SIZE;
        continue;
      }
      runs.push_back(VmaState{start, start + PAGE_SIZE, r.page, r.flags, 0, nullptr, nullptr, nullptr});
    }
    return runs;
  }

 private:
  RefPage* find(unsigned long page) {
    for (RefPage& r : pages_)
      if (r.page == page) return &r;
    return nullptr;
  }
  void sort() {
    std::sort(pages_.begin(), pages_.end(), [](const RefPage& a, const RefPage& b) { return a.page < b.page; });
  }
  std::vector<RefPage> pages_;
};

// The access bits, and VM_ACCOUNT: private anonymous memory that never had an anon_vma is charged exactly
// while it is writable (accountable_mapping() at mmap, mprotect_fixup() both ways).
vm_flags_t access_of(unsigned long prot) {
  return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE | VM_ACCOUNT : 0) |
         (prot & PROT_EXEC ? VM_EXEC : 0);
}

TEST_F(ModelTest, RandomSequencesMatchTheReference) {
  const unsigned long prots[] = {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC};
  const vm_flags_t base_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    std::mt19937 rng(seed);
    AddressSpace as;
    Reference ref;
    for (int step = 0; step < 150; ++step) {
      const unsigned long first = rng() % kWindowPages;
      const unsigned long count = 1 + rng() % std::min<unsigned long>(8, kWindowPages - first);
      const unsigned long addr = kBase + first * PAGE_SIZE;
      const unsigned long prot = prots[rng() % 4];
      const int op = static_cast<int>(rng() % 3);
      WriteGuard lock = as.write_lock();
      if (op == 0) {
        const long got =
            as.mmap(lock, nullptr, addr, count * PAGE_SIZE, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
        ASSERT_EQ(got, static_cast<long>(addr)) << "seed " << seed << " step " << step;
        ref.set(kBase / PAGE_SIZE + first, count, base_flags | access_of(prot));
      } else if (op == 1) {
        ASSERT_EQ(as.munmap(lock, addr, count * PAGE_SIZE), 0) << "seed " << seed << " step " << step;
        ref.clear(kBase / PAGE_SIZE + first, count);
      } else {
        const int want = ref.protect(kBase / PAGE_SIZE + first, count, access_of(prot));
        ASSERT_EQ(as.mprotect(lock, addr, count * PAGE_SIZE, prot), want) << "seed " << seed << " step " << step;
      }
      const std::vector<VmaState> expected = ref.expected_runs();
      const std::vector<VmaState> actual = as.state(lock);
      ASSERT_EQ(actual.size(), expected.size()) << "seed " << seed << " step " << step;
      for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_EQ(actual[i].start, expected[i].start) << "seed " << seed << " step " << step;
        EXPECT_EQ(actual[i].end, expected[i].end) << "seed " << seed << " step " << step;
        EXPECT_EQ(actual[i].flags, expected[i].flags) << "seed " << seed << " step " << step;
        EXPECT_EQ(actual[i].pgoff, actual[i].start >> PAGE_SHIFT) << "seed " << seed << " step " << step;
      }
      if (HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace vmaprep::model::test
