// Lookups, locking, munmap with splits, mprotect, brk, stack growth, fork, fault injection.
#include "ModelTest.h"

namespace vmaprep::model::test {
namespace {

constexpr unsigned long kBase = 0x10000000UL;

TEST_F(ModelTest, LookupsFollowFindVmaSemantics) {
  ASSERT_EQ(map_anon(kBase, 2 * kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase));
  ASSERT_EQ(map_anon(kBase + 4 * kPage, kPage, MAP_PRIVATE | MAP_FIXED, PROT_READ),
            static_cast<long>(kBase + 4 * kPage));
  ReadGuard lock = as_.read_lock();
  EXPECT_EQ(as_.find_vma(lock, kBase - 1)->vm_start, kBase);  // first VMA ending above addr
  EXPECT_EQ(as_.find_vma(lock, kBase + kPage)->vm_start, kBase);
  EXPECT_EQ(as_.find_vma(lock, kBase + 2 * kPage)->vm_start, kBase + 4 * kPage);
  EXPECT_FALSE(as_.find_vma(lock, kBase + 5 * kPage));
  EXPECT_FALSE(as_.find_vma_intersection(lock, kBase + 2 * kPage, kBase + 4 * kPage));
  EXPECT_TRUE(as_.find_vma_intersection(lock, kBase + 2 * kPage, kBase + 4 * kPage + 1));
  VmaRef prev;
  VmaRef vma = as_.find_vma_prev(lock, kBase + 3 * kPage, &prev);
  EXPECT_EQ(vma->vm_start, kBase + 4 * kPage);
  EXPECT_EQ(prev->vm_start, kBase);
  vma = as_.find_vma_prev(lock, kBase, &prev);
  EXPECT_EQ(vma->vm_start, kBase);
  EXPECT_FALSE(prev);
  EXPECT_EQ(as_.vmas(lock).size(), 2u);
  EXPECT_EQ(as_.map_count(lock), 2);
}

TEST_F(ModelTest, AdjacentAnonymousMappingsMerge) {
  ASSERT_EQ(map_anon(kBase, kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase));
  ASSERT_EQ(map_anon(kBase + kPage, kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase + kPage));
  ASSERT_EQ(map_anon(kBase + 3 * kPage, kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase + 3 * kPage));
  ASSERT_EQ(state().size(), 2u);
  // Filling the hole merges all three (prev and next both compatible).
  ASSERT_EQ(map_anon(kBase + 2 * kPage, kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase + 2 * kPage));
  auto s = state();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].start, kBase);
  EXPECT_EQ(s[0].end, kBase + 4 * kPage);
  // Different protection: no merge.
  ASSERT_EQ(map_anon(kBase + 4 * kPage, kPage, MAP_PRIVATE | MAP_FIXED, PROT_READ),
            static_cast<long>(kBase + 4 * kPage));
  EXPECT_EQ(state().size(), 2u);
}

TEST_F(ModelTest, TopDownPlacementAndHints) {
  const long a = map_anon(0, kPage);
  ASSERT_GT(a, 0);
  EXPECT_EQ(static_cast<unsigned long>(a), as_.config().mmap_base - kPage);
  const long b = map_anon(0, 2 * kPage, MAP_PRIVATE, PROT_READ);
  EXPECT_EQ(static_cast<unsigned long>(b), as_.config().mmap_base - 3 * kPage);
  // A free hint is honoured; an occupied one is not.
  EXPECT_EQ(map_anon(kBase, kPage), static_cast<long>(kBase));
  const long c = map_anon(kBase, kPage, MAP_PRIVATE, PROT_READ);
  EXPECT_NE(c, static_cast<long>(kBase));
  EXPECT_GT(c, 0);
}

TEST_F(ModelTest, MunmapSplitsAndKeepsPgoffContinuous) {
  FileHandle file = open(&legacy_plain_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(file.get(), kBase, 4 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED, 8 * kPage), static_cast<long>(kBase));
  EXPECT_EQ(fixture.open_calls, 1);
  ASSERT_EQ(unmap(kBase + kPage, kPage), 0);  // punches a hole: two splits, each new piece opened
  auto s = state();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].end, kBase + kPage);
  EXPECT_EQ(s[0].pgoff, 8u);
  EXPECT_EQ(s[1].start, kBase + 2 * kPage);
  EXPECT_EQ(s[1].pgoff, 10u);
  EXPECT_EQ(fixture.open_calls, 1 + 2);
  EXPECT_EQ(fixture.close_calls, 1);
  EXPECT_EQ(fixture.live_mappings, 1 + 2 - 1);
  // Nothing mapped in the range is success.
  EXPECT_EQ(unmap(kBase + kPage, kPage), 0);
  ASSERT_EQ(unmap(kBase, 4 * kPage), 0);
  EXPECT_TRUE(state().empty());
  EXPECT_EQ(fixture.live_mappings, 0);
}

TEST_F(ModelTest, MunmapErrnoPaths) {
  EXPECT_EQ(unmap(kBase + 1, kPage), -EINVAL);
  EXPECT_EQ(unmap(kBase, 0), -EINVAL);
  EXPECT_EQ(unmap(as_.config().task_size, kPage), -EINVAL);
  EXPECT_EQ(unmap(kBase, as_.config().task_size), -EINVAL);
}

TEST_F(ModelTest, MunmapSplitRespectsMapCountLimit) {
  AddressSpaceConfig config;
  config.max_map_count = 2;
  AddressSpace small(config);
  WriteGuard lock = small.write_lock();
  ASSERT_GT(small.mmap(lock, nullptr, kBase, 4 * kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), 0);
  ASSERT_GT(small.mmap(lock, nullptr, kBase + 8 * kPage, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            0);
  EXPECT_EQ(small.munmap(lock, kBase + kPage, kPage), -ENOMEM);  // would make three VMAs
  EXPECT_EQ(small.map_count(lock), 2);
  EXPECT_EQ(small.munmap(lock, kBase, kPage), 0);  // trimming the edge adds nothing
  EXPECT_EQ(small.map_count(lock), 2);
}

TEST_F(ModelTest, MaySplitVetoesUnmapAndMprotect) {
  FileHandle file = open(&legacy_nosplit_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(file.get(), kBase, 4 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(unmap(kBase + kPage, kPage), -EINVAL);
  EXPECT_EQ(fixture.may_split_calls, 1);
  {
    WriteGuard lock = as_.write_lock();
    EXPECT_EQ(as_.mprotect(lock, kBase, kPage, PROT_NONE), -EINVAL);
  }
  EXPECT_EQ(state().size(), 1u);
  EXPECT_EQ(unmap(kBase, 4 * kPage), 0);  // no split needed
}

TEST_F(ModelTest, MprotectSplitsMergesAndChecksMayBits) {
  ASSERT_EQ(map_anon(kBase, 4 * kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase));
  WriteGuard lock = as_.write_lock();
  EXPECT_EQ(as_.mprotect(lock, kBase + kPage, kPage, PROT_READ), 0);
  EXPECT_EQ(as_.state(lock).size(), 3u);
  EXPECT_EQ(as_.state(lock)[1].flags & VM_ACCESS_FLAGS, VM_READ);
  EXPECT_EQ(as_.mprotect(lock, kBase + kPage, kPage, PROT_READ | PROT_WRITE), 0);
  EXPECT_EQ(as_.state(lock).size(), 1u);  // merged back
  EXPECT_EQ(as_.mprotect(lock, kBase + 1, kPage, PROT_READ), -EINVAL);
  EXPECT_EQ(as_.mprotect(lock, kBase, 0, PROT_READ), 0);
  EXPECT_EQ(as_.mprotect(lock, kBase + 8 * kPage, kPage, PROT_READ), -ENOMEM);  // unmapped
  EXPECT_EQ(as_.mprotect(lock, kBase, 5 * kPage, PROT_READ), -ENOMEM);          // runs past the end
  EXPECT_EQ(as_.mprotect(lock, kBase, kPage, 0x40), -EINVAL);
}

// vma_merge_existing_range() before split_vma(): at the map-count limit, a change that a neighbour can
// absorb needs no split and succeeds.
TEST_F(ModelTest, MprotectMergesIntoANeighbourBeforeSplitting) {
  AddressSpaceConfig config;
  config.max_map_count = 2;
  AddressSpace small(config);
  WriteGuard lock = small.write_lock();
  ASSERT_GT(small.mmap(lock, nullptr, kBase, 2 * kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), 0);
  ASSERT_GT(small.mmap(lock, nullptr, kBase + 2 * kPage, 2 * kPage, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            0);
  EXPECT_EQ(small.mprotect(lock, kBase + 2 * kPage, kPage, PROT_READ), 0);
  auto s = small.state(lock);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].end, kBase + 3 * kPage);
  EXPECT_EQ(s[1].start, kBase + 3 * kPage);
  EXPECT_EQ(s[1].pgoff, (kBase + 3 * kPage) >> PAGE_SHIFT);
  // The middle of a VMA needs two splits: refused at the limit.
  EXPECT_EQ(small.mprotect(lock, kBase + kPage, kPage, PROT_NONE), -ENOMEM);
}

TEST_F(ModelTest, MprotectWriteOnReadOnlyFileMappingIsEacces) {
  FileHandle file = open(&legacy_generic_fops, fixture_legacy_kapi, FMODE_READ);
  ASSERT_EQ(map(file.get(), kBase, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  WriteGuard lock = as_.write_lock();
  EXPECT_EQ(as_.mprotect(lock, kBase, kPage, PROT_READ | PROT_WRITE), -EACCES);
}

TEST_F(ModelTest, BrkGrowsMergesAndShrinks) {
  WriteGuard lock = as_.write_lock();
  const unsigned long start = as_.brk_value(lock);
  EXPECT_EQ(as_.brk(lock, start + 3 * kPage), start + 3 * kPage);
  EXPECT_EQ(as_.brk(lock, start + 5 * kPage + 10), start + 5 * kPage + 10);
  auto s = as_.state(lock);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].end, start + 6 * kPage);
  EXPECT_EQ(as_.brk(lock, start + kPage), start + kPage);
  EXPECT_EQ(as_.state(lock)[0].end, start + kPage);
  EXPECT_EQ(as_.brk(lock, start - kPage), start + kPage);  // below start_brk: refused
  // Growing into another mapping is refused.
  ASSERT_GT(as_.mmap(lock, nullptr, start + 4 * kPage, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            0);
  EXPECT_EQ(as_.brk(lock, start + 8 * kPage), start + kPage);
}

TEST_F(ModelTest, StackGrowthUpgradesRetriesAndDowngrades) {
  const unsigned long top = 0x7ff000000000UL;
  {
    WriteGuard lock = as_.write_lock();
    ASSERT_EQ(as_.setup_stack(lock, top, 4 * kPage), 0);
  }
  VmaRef vma;
  {
    auto lock = as_.lock_mm_and_find_vma(top - 6 * kPage + 12, &vma);
    ASSERT_TRUE(lock);
    EXPECT_EQ(as_.readers(), 1);  // downgraded: read lock held
    EXPECT_FALSE(as_.write_locked());
    EXPECT_EQ(vma->vm_start, top - 6 * kPage);
    EXPECT_EQ(vma->vm_pgoff, (top - 6 * kPage) >> PAGE_SHIFT);
  }
  EXPECT_EQ(as_.readers(), 0);
  // Not a stack below: fails and releases the lock.
  EXPECT_FALSE(as_.lock_mm_and_find_vma(0x20000, &vma));
  EXPECT_EQ(as_.readers(), 0);
  // Another thread unmaps the stack while the lock is dropped: the retry sees it and fails.
  as_.on_lock_upgrade_gap = [=](AddressSpace& as) {
    WriteGuard lock = as.write_lock();
    as.munmap(lock, top - 6 * kPage, 6 * kPage);
  };
  EXPECT_FALSE(as_.lock_mm_and_find_vma(top - 7 * kPage, &vma));
  EXPECT_FALSE(as_.write_locked());
  EXPECT_EQ(as_.readers(), 0);
}

TEST_F(ModelTest, StackGrowthHonoursTheGuardGapAndRlimit) {
  const unsigned long top = 0x7ff000000000UL;
  {
    WriteGuard lock = as_.write_lock();
    ASSERT_EQ(as_.setup_stack(lock, top, 4 * kPage), 0);
    ASSERT_GT(as_.mmap(lock, nullptr, top - 4 * kPage - as_.config().stack_guard_gap - kPage, kPage, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
              0);
  }
  VmaRef vma;
  EXPECT_FALSE(as_.lock_mm_and_find_vma(top - 8 * kPage, &vma));
  EXPECT_EQ(state().size(), 2u);
}

TEST_F(ModelTest, ForkCopiesOpensAndSkipsDontcopy) {
  ASSERT_EQ(fixture_alloc_pages(), 0);
  FileHandle plain = open(&legacy_plain_fops, fixture_legacy_kapi);
  FileHandle remap = open(&legacy_remap_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(plain.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  ASSERT_EQ(map(remap.get(), kBase + 4 * kPage, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED),
            static_cast<long>(kBase + 4 * kPage));
  ASSERT_EQ(map_anon(kBase + 8 * kPage, kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase + 8 * kPage));
  {
    // Mark the anonymous VMA DONTCOPY the way madvise(MADV_DONTFORK) would.
    WriteGuard lock = as_.write_lock();
    vm_flags_set(const_cast<vm_area_struct*>(as_.find_vma(lock, kBase + 8 * kPage).get()), VM_DONTCOPY);
  }
  int error = 1;
  std::unique_ptr<AddressSpace> child;
  {
    WriteGuard lock = as_.write_lock();
    child = as_.fork(lock, &error);
  }
  ASSERT_EQ(error, 0);
  ASSERT_TRUE(child);
  EXPECT_EQ(fixture.open_calls, 2);  // one from the hook, one from fork
  {
    ReadGuard lock = child->read_lock();
    auto s = child->state(lock);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(child->page_table(lock).size(), 2u);  // PFNMAP page tables are copied
  }
  child.reset();
  EXPECT_EQ(fixture.live_mappings, 1);
  EXPECT_EQ(plain.get()->__vmaprep_count, 2);  // the opener and the parent's VMA
  fixture_free_pages();
}

// Fails every allocation of fork in turn: each failure must leave no trace.
TEST_F(ModelTest, ForkUnwindsCompletelyAtEveryAllocation) {
  FileHandle plain = open(&legacy_plain_fops, fixture_legacy_kapi);
  FileHandle remap = open(&legacy_ioremap_fops, fixture_legacy_kapi);
  ASSERT_GT(map(plain.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), 0);
  ASSERT_GT(map(remap.get(), kBase + 4 * kPage, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), 0);
  ASSERT_GT(map(plain.get(), kBase + 8 * kPage, kPage, PROT_READ, MAP_SHARED | MAP_FIXED, 4 * kPage), 0);
  const auto before = state();
  const long refs = plain.get()->__vmaprep_count;
  int failures = 0;
  for (long n = 0;; ++n) {
    kernel_.faults.fail_nth_allocation(n);
    int error = 0;
    std::unique_ptr<AddressSpace> child;
    {
      WriteGuard lock = as_.write_lock();
      child = as_.fork(lock, &error);
    }
    if (!kernel_.faults.fired()) {
      ASSERT_TRUE(child);
      break;
    }
    ++failures;
    EXPECT_EQ(error, -ENOMEM);
    EXPECT_FALSE(child);
    EXPECT_EQ(fixture.live_mappings, 2) << "open/close unbalanced after failing allocation " << n;
    EXPECT_EQ(plain.get()->__vmaprep_count, refs);
    EXPECT_EQ(state(), before);
  }
  EXPECT_EQ(failures, 1 + 3 + 1);  // mm, three VMAs, one page-table copy
}

TEST_F(ModelTest, InjectedFailuresInMmapAndMunmapLeaveConsistentState) {
  ASSERT_EQ(map_anon(kBase, 4 * kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase));
  kernel_.faults.fail_nth_allocation(0);
  EXPECT_EQ(unmap(kBase + kPage, kPage), -ENOMEM);  // the split's VMA allocation
  EXPECT_EQ(state().size(), 1u);
  kernel_.faults.fail_nth_allocation(0);
  EXPECT_EQ(map_anon(kBase + 8 * kPage, kPage, MAP_PRIVATE | MAP_FIXED, PROT_READ), -ENOMEM);
  EXPECT_EQ(state().size(), 1u);
}

TEST_F(ModelTest, VmaRefsDieWithTheirLock) {
  ASSERT_GT(map_anon(kBase, kPage, MAP_PRIVATE | MAP_FIXED), 0);
  VmaRef vma;
  {
    ReadGuard lock = as_.read_lock();
    vma = as_.find_vma(lock, kBase);
    EXPECT_EQ(vma->vm_start, kBase);
  }
  EXPECT_DEATH((void)vma->vm_start, "after its mmap lock was released");
}

TEST_F(ModelTest, VmaRefsDieWithTreeMutation) {
  ASSERT_GT(map_anon(kBase, 2 * kPage, MAP_PRIVATE | MAP_FIXED), 0);
  WriteGuard lock = as_.write_lock();
  VmaRef vma = as_.find_vma(lock, kBase);
  ASSERT_EQ(as_.munmap(lock, kBase, kPage), 0);
  EXPECT_DEATH((void)vma->vm_start, "tree was modified");
}

TEST_F(ModelTest, InvariantCheckerCatchesCorruption) {
  ASSERT_GT(map_anon(kBase, 2 * kPage, MAP_PRIVATE | MAP_FIXED), 0);
  {
    ReadGuard lock = as_.read_lock();
    // Corrupt a VMA behind the model's back, as a buggy driver storing the pointer might.
    auto* vma = const_cast<vm_area_struct*>(as_.find_vma(lock, kBase).get());
    vma->vm_end = kBase + kPage + 1;
  }
  EXPECT_THROW(as_.check_invariants(), InvariantViolation);
  ReadGuard lock = as_.read_lock();
  const_cast<vm_area_struct*>(as_.find_vma(lock, kBase).get())->vm_end = kBase + 2 * kPage;
}

}  // namespace
}  // namespace vmaprep::model::test
