// do_mmap()'s checks: each errno path, in the kernel's order.
#include "ModelTest.h"

namespace vmaprep::model::test {
namespace {

constexpr unsigned long kBase = 0x10000000UL;

TEST_F(ModelTest, OffsetNotPageAligned) {
  FileHandle f = open(&legacy_generic_fops);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ, MAP_SHARED, 1), -EINVAL);
}

TEST_F(ModelTest, NoFileWithoutMapAnonymous) { EXPECT_EQ(map(nullptr, 0, kPage, PROT_READ, MAP_PRIVATE), -EBADF); }

TEST_F(ModelTest, ZeroLength) { EXPECT_EQ(map_anon(0, 0), -EINVAL); }

TEST_F(ModelTest, LengthOverflowsWhenPageAligned) { EXPECT_EQ(map_anon(0, ~0UL - 10), -ENOMEM); }

TEST_F(ModelTest, OffsetOverflow) {
  FileHandle f = open(&legacy_generic_fops);
  EXPECT_EQ(map(f.get(), 0, 4 * kPage, PROT_READ, MAP_SHARED, ~0UL & PAGE_MASK), -EOVERFLOW);
}

TEST_F(ModelTest, MapCountLimit) {
  AddressSpaceConfig config;
  config.max_map_count = 3;
  AddressSpace small(config);
  WriteGuard lock = small.write_lock();
  long result = 0;
  int mapped = 0;
  // Alternate protections so nothing merges; the check is map_count > max, so max + 1 VMAs fit.
  for (int i = 0; i < 10 && result >= 0; ++i) {
    result = small.mmap(lock, nullptr, kBase + 2 * i * kPage, kPage, i % 2 ? PROT_READ : PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
    if (result >= 0) ++mapped;
  }
  EXPECT_EQ(result, -ENOMEM);
  EXPECT_EQ(mapped, 4);
}

TEST_F(ModelTest, TooLongForTaskSize) {
  EXPECT_EQ(map_anon(0, as_.config().task_size + kPage), -ENOMEM);
  EXPECT_EQ(map_anon(as_.config().task_size - kPage, 2 * kPage, MAP_PRIVATE | MAP_FIXED), -ENOMEM);
}

TEST_F(ModelTest, FixedBelowMmapMinAddr) {
  EXPECT_EQ(map_anon(0, kPage, MAP_PRIVATE | MAP_FIXED), -EPERM);
  EXPECT_EQ(map_anon(as_.config().mmap_min_addr - kPage, kPage, MAP_PRIVATE | MAP_FIXED), -EPERM);
  // A hint below it is rounded up instead.
  EXPECT_EQ(map_anon(kPage, kPage), static_cast<long>(as_.config().mmap_min_addr));
}

TEST_F(ModelTest, FixedAddressNotAligned) { EXPECT_EQ(map_anon(kBase + 1, kPage, MAP_PRIVATE | MAP_FIXED), -EINVAL); }

TEST_F(ModelTest, FixedNoreplaceOverExistingMapping) {
  ASSERT_EQ(map_anon(kBase, 2 * kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(map_anon(kBase + kPage, 2 * kPage, MAP_PRIVATE | MAP_FIXED_NOREPLACE), -EEXIST);
  EXPECT_EQ(map_anon(kBase + 2 * kPage, kPage, MAP_PRIVATE | MAP_FIXED_NOREPLACE),
            static_cast<long>(kBase + 2 * kPage));
}

TEST_F(ModelTest, WritableSharedMappingOfReadOnlyFile) {
  FileHandle f = open(&legacy_generic_fops, VMAPREP_KAPI_LATEST, FMODE_READ);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ | PROT_WRITE, MAP_SHARED), -EACCES);
  // Private writable is fine: copy-on-write; and a read-only shared mapping may never gain write.
  EXPECT_GT(map(f.get(), 0, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE), 0);
  const long ro = map(f.get(), 0, kPage, PROT_READ, MAP_SHARED);
  ASSERT_GT(ro, 0);
  ReadGuard lock = as_.read_lock();
  EXPECT_FALSE(as_.find_vma(lock, ro)->vm_flags & (VM_MAYWRITE | VM_SHARED));
  EXPECT_TRUE(as_.find_vma(lock, ro)->vm_flags & VM_MAYSHARE);
}

TEST_F(ModelTest, FileWithoutReadMode) {
  FileHandle f = open(&legacy_generic_fops, VMAPREP_KAPI_LATEST, FMODE_WRITE);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ, MAP_PRIVATE), -EACCES);
}

TEST_F(ModelTest, NeitherOrBothHooksIsEnodev) {
  FileHandle none = open(&no_hook_fops);
  EXPECT_EQ(map(none.get(), 0, kPage, PROT_READ, MAP_SHARED), -ENODEV);
  FileHandle both = open(&both_hooks_fops);
  EXPECT_EQ(map(both.get(), 0, kPage, PROT_READ, MAP_SHARED), -ENODEV);
  EXPECT_EQ(kernel_.warnings.size(), 1u);  // can_mmap_file() WARNs for both
}

TEST_F(ModelTest, BadMapType) {
  FileHandle f = open(&legacy_generic_fops);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ, 0x0f), -EINVAL);
  EXPECT_EQ(map_anon(0, kPage, MAP_SHARED_VALIDATE), -EINVAL);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ, MAP_SHARED_VALIDATE | 0x400000), -EOPNOTSUPP);
}

TEST_F(ModelTest, GrowsdownFileMappingIsEinval) {
  FileHandle f = open(&legacy_generic_fops);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN), -EINVAL);
}

TEST_F(ModelTest, ChecksRunInKernelOrder) {
  // Zero length wins over a bad map type and a missing hook.
  FileHandle none = open(&no_hook_fops, VMAPREP_KAPI_LATEST, FMODE_WRITE);
  EXPECT_EQ(map(none.get(), 0, 0, PROT_READ, 0x0f), -EINVAL);
  // NOREPLACE collision comes before the file mode checks.
  ASSERT_GT(map_anon(kBase, kPage, MAP_PRIVATE | MAP_FIXED), 0);
  EXPECT_EQ(map(none.get(), kBase, kPage, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE), -EEXIST);
  // Mode checks come before the hook check.
  EXPECT_EQ(map(none.get(), 0, kPage, PROT_READ, MAP_SHARED), -EACCES);
}

TEST_F(ModelTest, AnonymousSharedMappingGetsShmemFile) {
  const long addr = map_anon(0, 2 * kPage, MAP_SHARED);
  ASSERT_GT(addr, 0);
  auto s = state();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NE(s[0].file, nullptr);
  EXPECT_NE(s[0].vm_ops, nullptr);
  EXPECT_EQ(s[0].pgoff, 0u);
  EXPECT_EQ(unmap(addr, 2 * kPage), 0);
}

TEST_F(ModelTest, MapFixedReplacesAndTheKernelLeavesAGapOnLaterFailure) {
  FileHandle plain = open(&legacy_plain_fops, fixture_legacy_kapi);
  FileHandle failing = open(&legacy_fail_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(plain.get(), kBase, 4 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  // Replacing the middle two pages splits twice and closes the replaced piece.
  ASSERT_EQ(map_anon(kBase + kPage, 2 * kPage, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase + kPage));
  EXPECT_EQ(state().size(), 3u);
  EXPECT_EQ(fixture.live_mappings, 1 + 2 - 1);
  // A hook failing after vms_clean_up_area(): the old mapping is gone (closed), the range is a gap.
  EXPECT_EQ(map(failing.get(), kBase + kPage, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);
  auto s = state();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].end, kBase + kPage);
  EXPECT_EQ(s[1].start, kBase + 3 * kPage);
}

TEST_F(ModelTest, MapFixedRestoresWhenFailingBeforeCleanup) {
  AddressSpaceConfig config;
  config.max_map_count = 1;
  AddressSpace small(config);
  WriteGuard lock = small.write_lock();
  ASSERT_GT(small.mmap(lock, nullptr, kBase, 4 * kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), 0);
  const auto before = small.state(lock);
  // Splitting inside the old mapping would exceed the map count: the gather fails, nothing changes.
  EXPECT_EQ(small.mmap(lock, nullptr, kBase + kPage, kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            -ENOMEM);
  EXPECT_EQ(small.state(lock), before);
  // Over the address-space limit: the detached VMAs are reattached.
  AddressSpaceConfig limited;
  limited.rlimit_as = 4 * kPage;
  AddressSpace tight(limited);
  WriteGuard tight_lock = tight.write_lock();
  ASSERT_GT(tight.mmap(tight_lock, nullptr, kBase, 4 * kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            0);
  EXPECT_EQ(tight.mmap(tight_lock, nullptr, kBase, 8 * kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            -ENOMEM);
  ASSERT_EQ(tight.state(tight_lock).size(), 1u);
  EXPECT_EQ(tight.state(tight_lock)[0].end, kBase + 4 * kPage);
}

}  // namespace
}  // namespace vmaprep::model::test
