// Behaviours the differential run against the machine's kernel (test/model/KernelDiffTest.cpp) found the
// model getting wrong, each pinned here with the kernel function it follows, so a regression names itself
// without a kernel to compare against.
#include "ModelTest.h"

extern "C" {
#include <linux/anon_inodes.h>
}

namespace vmaprep::model::test {
namespace {

constexpr unsigned long kBase = 0x10000000UL;
constexpr unsigned long k2M = 2UL << 20;

FileHandle open_kind(const struct file_operations* fops, FileKind kind) {
  FileSpec spec;
  spec.fops = fops;
  spec.kapi = fixture_legacy_kapi;
  spec.kind = kind;
  return FileHandle::open(spec);
}

int protect(AddressSpace& as, unsigned long start, unsigned long len, unsigned long prot) {
  WriteGuard lock = as.write_lock();
  return as.mprotect(lock, start, len, prot);
}

// --- 1. VM_ACCOUNT (mm/vma.c accountable_mapping(), mm/mprotect.c mprotect_fixup()) ---

TEST_F(ModelTest, PrivateWritableMemoryIsAccounted) {
  ASSERT_EQ(map_anon(kBase, kPage), static_cast<long>(kBase));
  ASSERT_EQ(map_anon(kBase + 2 * kPage, kPage, MAP_PRIVATE, PROT_READ), static_cast<long>(kBase + 2 * kPage));
  ASSERT_EQ(map_anon(kBase + 4 * kPage, kPage, MAP_SHARED), static_cast<long>(kBase + 4 * kPage));
  ASSERT_EQ(map_anon(kBase + 6 * kPage, kPage, MAP_PRIVATE | MAP_NORESERVE), static_cast<long>(kBase + 6 * kPage));
  const std::vector<VmaState> vmas = state();
  ASSERT_EQ(vmas.size(), 4u);
  EXPECT_TRUE(vmas[0].flags & VM_ACCOUNT);
  EXPECT_FALSE(vmas[1].flags & VM_ACCOUNT);  // not writable
  EXPECT_FALSE(vmas[2].flags & VM_ACCOUNT);  // shared
  EXPECT_FALSE(vmas[3].flags & VM_ACCOUNT);  // NORESERVE
}

TEST_F(ModelTest, MprotectChargesAndUnchargesAnonymousMemory) {
  ASSERT_EQ(map_anon(kBase, 2 * kPage, MAP_PRIVATE, PROT_READ), static_cast<long>(kBase));
  ASSERT_EQ(protect(as_, kBase, 2 * kPage, PROT_READ | PROT_WRITE), 0);
  EXPECT_TRUE(state().at(0).flags & VM_ACCOUNT);
  ASSERT_EQ(protect(as_, kBase, 2 * kPage, PROT_READ), 0);
  EXPECT_FALSE(state().at(0).flags & VM_ACCOUNT);  // anonymous, no anon_vma: uncharged again
}

TEST_F(ModelTest, PrivateFileMappingOnceWritableStaysChargedAndDoesNotMergeBack) {
  FileHandle f = open(&legacy_generic_fops);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED, 0), static_cast<long>(kBase));
  ASSERT_EQ(protect(as_, kBase + kPage, kPage, PROT_READ | PROT_WRITE), 0);
  ASSERT_EQ(state().size(), 2u);
  ASSERT_EQ(protect(as_, kBase + kPage, kPage, PROT_READ), 0);
  const std::vector<VmaState> vmas = state();
  ASSERT_EQ(vmas.size(), 2u);  // the kernel keeps VM_ACCOUNT on the file mapping: no merge back
  EXPECT_FALSE(vmas[0].flags & VM_ACCOUNT);
  EXPECT_TRUE(vmas[1].flags & VM_ACCOUNT);
}

TEST_F(ModelTest, AnonymousMappingMergesWithTheBrkVma) {
  WriteGuard lock = as_.write_lock();
  const unsigned long start = as_.brk_value(lock);
  ASSERT_EQ(as_.brk(lock, start + 2 * kPage), start + 2 * kPage);
  ASSERT_EQ(as_.mmap(lock, nullptr, start + 2 * kPage, kPage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            static_cast<long>(start + 2 * kPage));
  EXPECT_EQ(as_.map_count(lock), 1);  // both are charged private memory
}

// --- 2. offset limits per file kind (mm/mmap.c file_mmap_size_max()) ---

TEST_F(ModelTest, OffsetLimitDependsOnTheFileKind) {
  const unsigned long past_lfs = (0x7fffffffffffffffUL >> PAGE_SHIFT) << PAGE_SHIFT;  // 2^63 - 4096
  for (FileKind kind : {FileKind::Regular, FileKind::Block, FileKind::Socket}) {
    FileHandle f = open_kind(&legacy_plain_fops, kind);
    fixture_reset();
    EXPECT_EQ(map(f.get(), 0, 2 * kPage, PROT_READ, MAP_SHARED, past_lfs), -EOVERFLOW) << file_kind_name(kind);
    EXPECT_EQ(fixture.hook_calls, 0) << file_kind_name(kind);
  }
  // A character device stops at ULONG_MAX: the driver's hook sees the offset.
  FileHandle chr = open_kind(&legacy_plain_fops, FileKind::Char);
  fixture_reset();
  EXPECT_GT(map(chr.get(), 0, 2 * kPage, PROT_READ, MAP_SHARED, past_lfs), 0);
  EXPECT_EQ(fixture.hook_calls, 1);
  // The last two page offsets: ULONG_MAX refuses them, FOP_UNSIGNED_OFFSET accepts the first.
  const unsigned long near_top = ((1UL << 52) - 2) << PAGE_SHIFT;
  EXPECT_EQ(map(chr.get(), 0, 2 * kPage, PROT_READ, MAP_SHARED, near_top), -EOVERFLOW);
  FileHandle unsigned_offset = open_kind(&legacy_plain_fops, FileKind::UnsignedOffset);
  EXPECT_GT(map(unsigned_offset.get(), 0, 2 * kPage, PROT_READ, MAP_SHARED, near_top), 0);
  EXPECT_EQ(map(unsigned_offset.get(), 0, 2 * kPage, PROT_READ, MAP_SHARED, near_top + kPage), -EOVERFLOW);
}

// --- 3. MAP_STACK (include/linux/mman.h calc_vm_flag_bits()) ---

TEST_F(ModelTest, MapStackSetsNoHugepageUnderThp) {
  ASSERT_EQ(map_anon(kBase, kPage, MAP_PRIVATE | MAP_STACK), static_cast<long>(kBase));
  ASSERT_EQ(map_anon(kBase + kPage, kPage), static_cast<long>(kBase + kPage));
  const std::vector<VmaState> vmas = state();
  ASSERT_EQ(vmas.size(), 2u);  // VM_NOHUGEPAGE keeps them apart
  EXPECT_TRUE(vmas[0].flags & VM_NOHUGEPAGE);

  AddressSpaceConfig no_thp;
  no_thp.thp = false;
  AddressSpace plain(no_thp);
  WriteGuard lock = plain.write_lock();
  ASSERT_EQ(plain.mmap(lock, nullptr, kBase, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, 0),
            static_cast<long>(kBase));
  EXPECT_FALSE(plain.state(lock).at(0).flags & VM_NOHUGEPAGE);
}

// --- 4. MAP_SHARED_VALIDATE (include/linux/mman.h LEGACY_MAP_MASK) ---

TEST_F(ModelTest, SharedValidateAcceptsTheWholeLegacyMask) {
  FileHandle f = open(&legacy_generic_fops);
  for (unsigned long extra : {0x40UL /* MAP_32BIT */, 0x80UL /* MAP_ABOVE4G */, 21UL << 26, 30UL << 26})
    EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, MAP_SHARED_VALIDATE | MAP_FIXED | extra, 0),
              static_cast<long>(kBase))
        << std::hex << extra;
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, MAP_SHARED_VALIDATE | MAP_FIXED | MAP_SYNC, 0), -EOPNOTSUPP);
}

// --- 5. MAP_DROPPABLE (mm/mmap.c do_mmap()) ---

TEST_F(ModelTest, MapDroppableIsAnonymousOnly) {
  ASSERT_EQ(map_anon(kBase, kPage, MAP_DROPPABLE), static_cast<long>(kBase));
  const vm_flags_t flags = state().at(0).flags;
  EXPECT_EQ(flags & (VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP),
            VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP);
  EXPECT_FALSE(flags & VM_ACCOUNT);
  EXPECT_EQ(map_anon(0, kPage, MAP_DROPPABLE | MAP_LOCKED), -EINVAL);
  EXPECT_EQ(map_anon(0, kPage, MAP_DROPPABLE | MAP_GROWSDOWN), -EINVAL);
  FileHandle f = open(&legacy_generic_fops);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ, MAP_DROPPABLE, 0), -EINVAL);
}

// --- 6. mprotect's prot bits (mm/mprotect.c do_mprotect_pkey()) ---

TEST_F(ModelTest, MprotectAcceptsProtSem) {
  ASSERT_EQ(map_anon(kBase, kPage), static_cast<long>(kBase));
  EXPECT_EQ(protect(as_, kBase, kPage, PROT_READ | PROT_SEM), 0);
  EXPECT_EQ(state().at(0).flags & VM_ACCESS_FLAGS, VM_READ);
  EXPECT_EQ(protect(as_, kBase, kPage, PROT_READ | 0x10), -EINVAL);
}

TEST_F(ModelTest, MprotectGrowsdownExtendsToTheVmaStart) {
  ASSERT_EQ(map_anon(kBase, 4 * kPage, MAP_PRIVATE | MAP_GROWSDOWN), static_cast<long>(kBase));
  ASSERT_EQ(map_anon(kBase + 8 * kPage, 4 * kPage), static_cast<long>(kBase + 8 * kPage));
  EXPECT_EQ(protect(as_, kBase + 2 * kPage, kPage, PROT_READ | PROT_GROWSDOWN), 0);
  std::vector<VmaState> vmas = state();
  ASSERT_EQ(vmas.size(), 3u);  // [kBase, +3 pages) read-only, the rest unchanged
  EXPECT_EQ(vmas[0].start, kBase);
  EXPECT_EQ(vmas[0].end, kBase + 3 * kPage);
  EXPECT_EQ(vmas[0].flags & VM_ACCESS_FLAGS, VM_READ);
  EXPECT_EQ(protect(as_, kBase + 8 * kPage, kPage, PROT_READ | PROT_GROWSDOWN), -EINVAL);  // not growsdown
  EXPECT_EQ(protect(as_, kBase + 8 * kPage, kPage, PROT_READ | PROT_GROWSUP), -EINVAL);    // no VM_GROWSUP
  EXPECT_EQ(protect(as_, kBase + 6 * kPage, kPage, PROT_READ | PROT_GROWSUP), -ENOMEM);    // hole first
}

// --- 7. brk (mm/mmap.c SYSCALL_DEFINE1(brk)) ---

TEST_F(ModelTest, BrkRefusesToShrinkOverNothing) {
  WriteGuard lock = as_.write_lock();
  const unsigned long start = as_.brk_value(lock);
  ASSERT_EQ(as_.brk(lock, start + 4 * kPage), start + 4 * kPage);
  ASSERT_EQ(as_.munmap(lock, start, 4 * kPage), 0);
  EXPECT_EQ(as_.brk(lock, start + kPage), start + 4 * kPage);  // nothing mapped in [newbrk, oldbrk)
  ASSERT_EQ(as_.mmap(lock, nullptr, start + 3 * kPage, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
            static_cast<long>(start + 3 * kPage));
  EXPECT_EQ(as_.brk(lock, start + kPage), start + kPage);  // any VMA there is unmapped
  EXPECT_EQ(as_.map_count(lock), 0);
}

// --- 8. hugetlb without a pool, THP placement ---

TEST_F(ModelTest, HugetlbIsRefusedAsWithAnEmptyPool) {
  EXPECT_EQ(map_anon(0, k2M, MAP_PRIVATE | MAP_HUGETLB), -ENOMEM);
  EXPECT_EQ(map_anon(0, k2M, MAP_SHARED | MAP_HUGETLB | (21UL << 26)), -ENOMEM);
  EXPECT_EQ(map_anon(0, k2M, MAP_PRIVATE | MAP_HUGETLB | (20UL << 26)), -EINVAL);  // no such huge page size
  EXPECT_EQ(map_anon(0, 0, MAP_PRIVATE | MAP_HUGETLB), -EINVAL);
  FileHandle f = open(&legacy_generic_fops);
  EXPECT_EQ(map(f.get(), 0, kPage, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, 0), -EINVAL);
  // MAP_FIXED: the range is cleared before hugetlbfs fails the mapping, as for any late failure.
  const unsigned long fixed = 0x40000000UL;
  ASSERT_EQ(map_anon(fixed, k2M), static_cast<long>(fixed));
  EXPECT_EQ(map_anon(fixed + kPage, k2M, MAP_PRIVATE | MAP_FIXED | MAP_HUGETLB), -EINVAL);  // unaligned
  EXPECT_EQ(state().size(), 1u);
  EXPECT_EQ(map_anon(fixed, k2M, MAP_PRIVATE | MAP_FIXED | MAP_HUGETLB), -ENOMEM);
  EXPECT_TRUE(state().empty());
}

TEST_F(ModelTest, LargeAnonymousMappingsAreThpAligned) {
  const unsigned long base = as_.config().mmap_base;
  ASSERT_EQ(map_anon(0, kPage), static_cast<long>(base - kPage));
  const long big = map_anon(0, 2 * k2M);
  ASSERT_GT(big, 0);
  EXPECT_EQ(static_cast<unsigned long>(big) % k2M, 0u);
  EXPECT_EQ(static_cast<unsigned long>(big), base - 3 * k2M);
  const long odd = map_anon(0, k2M + kPage);  // not a multiple of 2 MiB: placed as usual
  EXPECT_EQ(static_cast<unsigned long>(odd), static_cast<unsigned long>(big) - k2M - kPage);
}

// --- found by the differential run ---

TEST_F(ModelTest, ForkedAnonymousMemoryDoesNotMergeWithNewMappings) {
  // mm/vma.c is_mergeable_anon_vma(): a VMA cloned in a fork has a non-singular anon_vma_chain.
  ASSERT_EQ(map_anon(kBase + 4 * kPage, 4 * kPage, MAP_PRIVATE | MAP_GROWSDOWN), static_cast<long>(kBase + 4 * kPage));
  {
    VmaRef vma;
    ASSERT_TRUE(as_.lock_mm_and_find_vma(kBase + 3 * kPage, &vma).has_value());  // grows: gets an anon_vma
  }
  int err = 0;
  std::unique_ptr<AddressSpace> child;
  {
    WriteGuard lock = as_.write_lock();
    child = as_.fork(lock, &err);
  }
  ASSERT_TRUE(child);
  WriteGuard lock = child->write_lock();
  ASSERT_EQ(child->mmap(lock, nullptr, kBase + 8 * kPage, kPage, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, 0),
            static_cast<long>(kBase + 8 * kPage));
  EXPECT_EQ(child->map_count(lock), 2);
  lock.unlock();
  // In the parent the same mapping merges.
  ASSERT_EQ(map_anon(kBase + 8 * kPage, kPage, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN),
            static_cast<long>(kBase + 8 * kPage));
  EXPECT_EQ(state().size(), 1u);
}

TEST_F(ModelTest, MapSyncSetsVmSyncOnAnyMapping) {
  ASSERT_EQ(map_anon(kBase, kPage, MAP_SHARED | MAP_SYNC), static_cast<long>(kBase));
  EXPECT_TRUE(state().at(0).flags & VM_SYNC);
}

TEST_F(ModelTest, TopDownSearchRestartsBelowAStackGuardGap) {
  // unmapped_area_topdown(): a gap that fits but lies in a growsdown VMA's guard gap sends the search
  // below the guard gap, past gaps under other mappings in between.
  const unsigned long base = as_.config().mmap_base;
  const unsigned long guard = as_.config().stack_guard_gap;
  ASSERT_EQ(map_anon(base - kPage, kPage, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN), static_cast<long>(base - kPage));
  ASSERT_EQ(map_anon(base - 5 * kPage, 2 * kPage, MAP_PRIVATE | MAP_FIXED, PROT_READ),
            static_cast<long>(base - 5 * kPage));
  // Gaps of 2 pages above and below the read-only mapping, both inside the guard gap.
  EXPECT_EQ(map_anon(0, 2 * kPage), static_cast<long>(base - kPage - guard - 2 * kPage));
}

TEST_F(ModelTest, HugetlbMemoryIsCheckedAsAFile) {
  EXPECT_EQ(map_anon(0, k2M, MAP_PRIVATE | MAP_HUGETLB | MAP_GROWSDOWN), -EINVAL);
  EXPECT_EQ(map_anon(0, k2M, MAP_DROPPABLE | MAP_HUGETLB), -EINVAL);
}

TEST_F(ModelTest, CapSysRawioMapsBelowMmapMinAddr) {
  AddressSpaceConfig config;
  config.mmap_min_addr = 65536;
  config.dac_mmap_min_addr = 4096;
  AddressSpace plain(config);
  config.cap_sys_rawio = true;
  AddressSpace raw(config);
  WriteGuard lock = plain.write_lock();
  EXPECT_EQ(plain.mmap(lock, nullptr, 0, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), -EPERM);
  EXPECT_EQ(plain.mmap(lock, nullptr, 4096, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), 4096);
  EXPECT_EQ(plain.mmap(lock, nullptr, 8192, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 0),
            65536);  // hint rounded up
  WriteGuard raw_lock = raw.write_lock();
  EXPECT_EQ(raw.mmap(raw_lock, nullptr, 0, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), 0);
}

// --- file references the core takes over (issue 11: a rewrite dropped one) ---

TEST_F(ModelTest, HookSuppliedFileCarriesItsOwnReference) {
  fixture_backing_file = anon_inode_getfile("backing", nullptr, nullptr, 2);
  ASSERT_NE(fixture_backing_file, nullptr);
  FileHandle f = open(&prep_set_file_fops);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(state().at(0).file, fixture_backing_file);
  EXPECT_EQ(fixture_backing_file->__vmaprep_count, 2);  // ours and the VMA's (the hook's, taken over)
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::FileRef), 0);
  EXPECT_TRUE(kernel_.warnings.empty());
  ASSERT_EQ(unmap(kBase, 2 * kPage), 0);
  EXPECT_EQ(fixture_backing_file->__vmaprep_count, 1);
  fput(fixture_backing_file);
}

TEST_F(ModelTest, HookSuppliedFileWithoutAReferenceIsReported) {
  fixture_backing_file = anon_inode_getfile("backing", nullptr, nullptr, 2);
  FileHandle f = open(&prep_set_file_noref_fops);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  ASSERT_EQ(kernel_.warnings.size(), 1u);
  EXPECT_NE(kernel_.warnings[0].find("without taking a reference"), std::string::npos);
  // The model keeps the count sound (the kernel would underflow it at munmap): the file outlives the VMA.
  ASSERT_EQ(unmap(kBase, 2 * kPage), 0);
  EXPECT_EQ(fixture_backing_file->__vmaprep_count, 1);
  fput(fixture_backing_file);
}

}  // namespace
}  // namespace vmaprep::model::test
