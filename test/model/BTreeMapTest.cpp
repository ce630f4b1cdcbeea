// BTreeMap (the VMA tree) against std::map as the reference: random insertions (plain and hinted),
// erases (single and during sweeps in both directions), re-keying, lookups, and iteration both ways,
// with the B+tree's structure verified after every step. Small node capacities make splits, borrows,
// merges and root changes happen within a few dozen keys; the production capacities are run too.
// Last, the AddressSpace on top of a tree several levels deep (the other model tests stay within one
// leaf): random mmap/munmap/mprotect among 20000 VMAs against a per-page reference.
#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <memory>
#include <random>

#include "ModelTest.h"
#include "vmaprep/model/BTreeMap.h"

using vmaprep::model::BTreeMap;

namespace {

// A move-only value that counts live instances, so leaks and double destruction show up.
struct Tracked {
  static inline long live = 0;
  std::unique_ptr<long> v;
  Tracked() = default;
  explicit Tracked(long x) : v(std::make_unique<long>(x)) { ++live; }
  Tracked(Tracked&& o) noexcept : v(std::move(o.v)) {}
  Tracked& operator=(Tracked&& o) noexcept {
    if (v) --live;
    v = std::move(o.v);
    return *this;
  }
  ~Tracked() {
    if (v) --live;
  }
  long value() const { return v ? *v : -1; }
};

template <class Map>
void expect_same(const Map& m, const std::map<unsigned long, long>& ref) {
  ASSERT_TRUE(m.verify()) << "BTreeMap.h:" << m.verify_failed_line();
  ASSERT_EQ(m.size(), ref.size());
  ASSERT_EQ(m.empty(), ref.empty());
  auto r = ref.begin();
  for (const auto& [key, value] : m) {
    ASSERT_NE(r, ref.end());
    ASSERT_EQ(key, r->first);
    ASSERT_EQ(value.value(), r->second);
    ++r;
  }
  ASSERT_EQ(r, ref.end());
  // Backwards from end(), as std::prev(end()) and --it are used by the model.
  auto it = m.end();
  for (auto rr = ref.rbegin(); rr != ref.rend(); ++rr) {
    ASSERT_NE(it, m.begin());
    --it;
    ASSERT_EQ(it->first, rr->first);
    ASSERT_EQ(it->second.value(), rr->second);
  }
  ASSERT_EQ(it, m.begin());
  ASSERT_EQ(Tracked::live, static_cast<long>(ref.size()));
}

template <class Map>
void check_lookup(Map& m, const std::map<unsigned long, long>& ref, unsigned long key) {
  const Map& cm = m;
  auto lb = cm.lower_bound(key);
  auto rlb = ref.lower_bound(key);
  if (rlb == ref.end()) {
    ASSERT_EQ(lb, cm.end());
  } else {
    ASSERT_NE(lb, cm.end());
    ASSERT_EQ(lb->first, rlb->first);
  }
  auto ub = m.upper_bound(key);
  auto rub = ref.upper_bound(key);
  if (rub == ref.end()) {
    ASSERT_EQ(ub, m.end());
  } else {
    ASSERT_NE(ub, m.end());
    ASSERT_EQ(ub->first, rub->first);
  }
  auto f = m.find(key);
  if (ref.count(key)) {
    ASSERT_NE(f, m.end());
    ASSERT_EQ(f->second.value(), ref.at(key));
  } else {
    ASSERT_EQ(f, m.end());
  }
  // std::prev/std::next as the model's walk uses them.
  if (ub != m.begin()) {
    ASSERT_NE(rub, ref.begin());
    ASSERT_EQ(std::prev(ub)->first, std::prev(rub)->first);
  } else {
    ASSERT_EQ(rub, ref.begin());
  }
  if (lb != cm.end()) {
    auto n = std::next(lb);
    auto rn = std::next(rlb);
    if (rn == ref.end())
      ASSERT_EQ(n, cm.end());
    else
      ASSERT_EQ(n->first, rn->first);
  }
}

template <class Map>
void random_operations(unsigned seed, int steps, unsigned long key_space) {
  Tracked::live = 0;
  {
    Map m;
    std::map<unsigned long, long> ref;
    std::mt19937_64 rng(seed);
    long next_value = 0;
    auto random_key = [&] { return rng() % key_space; };
    for (int step = 0; step < steps; ++step) {
      SCOPED_TRACE(::testing::Message() << "seed " << seed << " step " << step);
      const unsigned op = rng() % 100;
      if (op < 30) {  // emplace
        const unsigned long k = random_key();
        const long v = next_value++;
        auto [it, inserted] = m.emplace(k, Tracked(v));
        const bool ref_inserted = ref.emplace(k, v).second;
        ASSERT_EQ(inserted, ref_inserted);
        ASSERT_EQ(it->first, k);
        ASSERT_EQ(it->second.value(), ref.at(k));
      } else if (op < 45) {  // emplace_hint, with the right hint (the successor) or a wrong one
        const unsigned long k = random_key();
        const long v = next_value++;
        auto hint = (rng() % 4 == 0) ? m.lower_bound(random_key()) : m.upper_bound(k);
        auto it = m.emplace_hint(hint, k, Tracked(v));
        ref.emplace(k, v);
        ASSERT_EQ(it->first, k);
        ASSERT_EQ(it->second.value(), ref.at(k));
      } else if (op < 50) {  // insert(pair)
        const unsigned long k = random_key();
        const long v = next_value++;
        auto [it, inserted] = m.insert(std::pair<unsigned long, Tracked>(k, Tracked(v)));
        ASSERT_EQ(inserted, ref.emplace(k, v).second);
        ASSERT_EQ(it->first, k);
      } else if (op < 70) {  // erase one, check the returned successor
        if (ref.empty()) continue;
        auto it = m.lower_bound(random_key());
        if (it == m.end()) it = std::prev(m.end());
        const unsigned long k = it->first;
        auto next = m.erase(it);
        auto rnext = ref.erase(ref.find(k));
        if (rnext == ref.end())
          ASSERT_EQ(next, m.end());
        else
          ASSERT_EQ(next->first, rnext->first);
      } else if (op < 75) {  // forward sweep erasing a random subset of a range
        const unsigned long lo = random_key(), hi = lo + rng() % (key_space / 4 + 1);
        auto it = m.lower_bound(lo);
        auto rit = ref.lower_bound(lo);
        while (it != m.end() && it->first < hi) {
          ASSERT_EQ(it->first, rit->first);
          if (rng() % 3) {
            it = m.erase(it);
            rit = ref.erase(rit);
          } else {
            ++it;
            ++rit;
          }
        }
      } else if (op < 78) {  // backward sweep erasing from the top down
        if (ref.empty()) continue;
        const unsigned long hi = random_key(), lo = hi > key_space / 4 ? hi - key_space / 4 : 0;
        auto it = m.upper_bound(hi);
        while (it != m.begin()) {
          auto victim = std::prev(it);
          if (victim->first < lo) break;
          ref.erase(victim->first);
          it = m.erase(victim);
        }
      } else if (op < 85) {  // rekey inside the gap to the neighbours
        if (ref.empty()) continue;
        auto it = m.lower_bound(random_key());
        if (it == m.end()) it = std::prev(m.end());
        const unsigned long k = it->first;
        const unsigned long below = it == m.begin() ? 0 : std::prev(it)->first + 1;
        auto n = std::next(it);
        const unsigned long above = n == m.end() ? key_space + 1000 : n->first - 1;
        const unsigned long nk = below + rng() % (above - below + 1);
        auto moved = m.rekey(it, nk);
        ASSERT_EQ(moved->first, nk);
        const long v = ref.at(k);
        ref.erase(k);
        ref.emplace(nk, v);
        ASSERT_EQ(moved->second.value(), v);
      } else if (op < 99) {  // lookups
        for (int i = 0; i < 4; ++i) check_lookup(m, ref, random_key());
        continue;
      } else {  // clear, now and then
        if (rng() % 4 == 0) {
          m.clear();
          ref.clear();
        }
      }
      expect_same(m, ref);
    }
    expect_same(m, ref);
  }
  EXPECT_EQ(Tracked::live, 0);
}

using Small = BTreeMap<unsigned long, Tracked, std::less<unsigned long>, 4, 4>;
using Odd = BTreeMap<unsigned long, Tracked, std::less<unsigned long>, 7, 5>;
using Production = BTreeMap<unsigned long, Tracked>;

TEST(BTreeMap, RandomOperationsSmallNodes) {
  for (unsigned seed = 1; seed <= 40; ++seed) random_operations<Small>(seed, 2000, 400);
}

TEST(BTreeMap, RandomOperationsOddCapacities) {
  for (unsigned seed = 1; seed <= 10; ++seed) random_operations<Odd>(seed, 1500, 1000);
}

TEST(BTreeMap, RandomOperationsProductionNodes) {
  for (unsigned seed = 1; seed <= 3; ++seed) random_operations<Production>(seed, 3000, 5000);
}

// The model's patterns at scale: ascending fill (populate, fork), churn at the top (top-down mmap and
// munmap), churn in the middle, then teardown from the front (exit_mmap).
TEST(BTreeMap, ModelPatterns) {
  Tracked::live = 0;
  {
    Production m;
    std::map<unsigned long, long> ref;
    for (unsigned long i = 0; i < 20000; ++i) {
      auto it = m.emplace_hint(m.end(), i * 2, Tracked(static_cast<long>(i)));
      ASSERT_EQ(it->first, i * 2);
      ref.emplace(i * 2, static_cast<long>(i));
    }
    expect_same(m, ref);
    EXPECT_LE(m.depth(), 4);
    for (int round = 0; round < 500; ++round) {
      auto it = m.emplace_hint(m.end(), 1000000, Tracked(7));
      ASSERT_EQ(std::prev(m.end()), it);
      auto next = m.erase(it);
      ASSERT_EQ(next, m.end());
      const unsigned long mid = 20001;  // a hole among the keys
      auto h = m.emplace_hint(m.upper_bound(mid), mid, Tracked(8));
      ASSERT_EQ(std::prev(h)->first, mid - 1);
      ASSERT_EQ(std::next(h)->first, mid + 1);
      m.erase(h);
    }
    expect_same(m, ref);
    while (!m.empty()) {
      auto b = m.begin();
      ASSERT_EQ(b->first, ref.begin()->first);
      m.erase(b);
      ref.erase(ref.begin());
      if (ref.size() % 1000 == 0) expect_same(m, ref);
    }
    expect_same(m, ref);
    EXPECT_EQ(m.begin(), m.end());
  }
  EXPECT_EQ(Tracked::live, 0);
}

TEST(BTreeMap, EmptyMap) {
  Small m;
  const Small& cm = m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.begin(), m.end());
  EXPECT_EQ(cm.lower_bound(5), cm.end());
  EXPECT_EQ(m.upper_bound(5), m.end());
  EXPECT_EQ(m.find(5), m.end());
  EXPECT_TRUE(m.verify());
  auto it = m.emplace(3, Tracked(1)).first;
  EXPECT_EQ(std::prev(m.end()), it);
  EXPECT_EQ(m.erase(it), m.end());
  EXPECT_TRUE(m.empty());
  EXPECT_TRUE(m.verify());
}

}  // namespace

namespace vmaprep::model::test {
namespace {

// Per-page reference: the access flags of each page in the window, or -1 when unmapped. Private
// anonymous VMAs with equal flags always merge, so a VMA is a maximal run of equal values.
class PageReference {
 public:
  explicit PageReference(unsigned long pages) : prot_(pages, -1) {}
  void set(unsigned long first, unsigned long count, int prot) {
    for (unsigned long p = first; p < first + count; ++p) prot_[p] = prot;
  }
  // mprotect: changes pages from first while they are mapped; -ENOMEM at the first hole.
  int protect(unsigned long first, unsigned long count, int prot) {
    for (unsigned long p = first; p < first + count; ++p) {
      if (prot_[p] < 0) return -ENOMEM;
      prot_[p] = prot;
    }
    return 0;
  }
  // find_vma(): the run containing the first mapped page at or after page, as [start, end) in pages.
  bool find(unsigned long page, unsigned long* start, unsigned long* end) const {
    while (page < prot_.size() && prot_[page] < 0) ++page;
    if (page >= prot_.size()) return false;
    *start = page;
    while (*start > 0 && prot_[*start - 1] == prot_[page]) --*start;
    *end = page;
    while (*end < prot_.size() && prot_[*end] == prot_[page]) ++*end;
    return true;
  }
  std::vector<std::pair<unsigned long, unsigned long>> runs() const {
    std::vector<std::pair<unsigned long, unsigned long>> out;
    for (unsigned long p = 0; p < prot_.size(); ++p) {
      if (prot_[p] < 0) continue;
      if (!out.empty() && out.back().second == p && prot_[p - 1] == prot_[p])
        ++out.back().second;
      else
        out.emplace_back(p, p + 1);
    }
    return out;
  }

 private:
  std::vector<int> prot_;
};

TEST_F(ModelTest, VmaTreeSeveralLevelsDeep) {
  constexpr unsigned long kWindow = 20000;
  constexpr unsigned long kBase = 0x20000000UL;
  const unsigned long prots[] = {PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_READ | PROT_EXEC};
  as_.set_invariant_mode(InvariantMode::Local);  // Full walks 20000 VMAs: run it every few hundred steps
  PageReference ref(kWindow);
  {
    WriteGuard lock = as_.write_lock();
    for (unsigned long p = 0; p < kWindow; ++p) {  // alternating protections: one VMA per page
      ASSERT_EQ(
          as_.mmap(lock, nullptr, kBase + p * kPage, kPage, prots[p % 2], MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
          static_cast<long>(kBase + p * kPage));
      ref.set(p, 1, static_cast<int>(p % 2));
    }
    as_.check_invariants();
  }
  std::mt19937 rng(7);
  for (int step = 0; step < 3000; ++step) {
    SCOPED_TRACE(::testing::Message() << "step " << step);
    const unsigned long first = rng() % kWindow;
    const unsigned long count = 1 + rng() % std::min<unsigned long>(40, kWindow - first);
    const unsigned long addr = kBase + first * kPage;
    const int which = static_cast<int>(rng() % 4);
    WriteGuard lock = as_.write_lock();
    switch (rng() % 3) {
      case 0:
        ASSERT_EQ(
            as_.mmap(lock, nullptr, addr, count * kPage, prots[which], MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            static_cast<long>(addr));
        ref.set(first, count, which);
        break;
      case 1:
        ASSERT_EQ(as_.munmap(lock, addr, count * kPage), 0);
        ref.set(first, count, -1);
        break;
      default:
        ASSERT_EQ(as_.mprotect(lock, addr, count * kPage, prots[which]), ref.protect(first, count, which));
        break;
    }
    // Lookups around the operation and anywhere, through the walk hint and through fresh descents.
    unsigned long probes[12] = {first ? first - 1 : 0, first, first + count - 1, first + count};
    for (int i = 4; i < 12; ++i) probes[i] = rng() % kWindow;
    for (unsigned long page : probes) {
      unsigned long start = 0, end = 0;
      const bool mapped = ref.find(page, &start, &end);
      VmaRef vma = as_.find_vma(lock, kBase + page * kPage);
      ASSERT_EQ(static_cast<bool>(vma), mapped) << "page " << page;
      if (!mapped) continue;
      ASSERT_EQ(vma->vm_start, kBase + start * kPage) << "page " << page;
      ASSERT_EQ(vma->vm_end, kBase + end * kPage) << "page " << page;
      VmaRef prev;
      VmaRef same = as_.find_vma_prev(lock, kBase + page * kPage, &prev);
      ASSERT_EQ(same, vma);
      if (prev) ASSERT_LE(prev->vm_end, vma->vm_start);
    }
    if (step % 300 == 299) {
      as_.check_invariants();
      const std::vector<VmaState> actual = as_.state(lock);
      const auto expected = ref.runs();
      ASSERT_EQ(actual.size(), expected.size());
      for (std::size_t i = 0; i < actual.size(); ++i) {
        ASSERT_EQ(actual[i].start, kBase + expected[i].first * kPage);
        ASSERT_EQ(actual[i].end, kBase + expected[i].second * kPage);
      }
    }
  }
}

}  // namespace
}  // namespace vmaprep::model::test
