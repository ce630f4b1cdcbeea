// The kernel API shim called from C: reference counting, flag helpers, page protections, page
// insertion and zapping, file swaps, and the checks the core applies to what a handler did.
#include "ModelTest.h"

extern "C" {
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
}

namespace vmaprep::model::test {
namespace {

constexpr unsigned long kBase = 0x10000000UL;

class ShimApiTest : public ModelTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(fixture_alloc_pages(), 0);
    kernel_.ledger.reset();
  }
  void TearDown() override { fixture_free_pages(); }
};

TEST_F(ShimApiTest, KrefAndRefcountAreLedgerBalanced) {
  EXPECT_EQ(api_kref_roundtrip(), 1);
  EXPECT_TRUE(kernel_.ledger.balanced()) << kernel_.ledger.describe();
  EXPECT_EQ(kernel_.ledger.acquired(Resource::Kref), 2);      // kref_init + kref_get
  EXPECT_EQ(kernel_.ledger.acquired(Resource::Refcount), 2);  // refcount_set(1) + refcount_inc
}

TEST_F(ShimApiTest, FlagAndProtectionHelpers) {
  EXPECT_EQ(api_flag_mask(), VM_IO | VM_PFNMAP | VM_DONTEXPAND);
  const unsigned long base = _PAGE_PRESENT | _PAGE_USER;
  EXPECT_EQ(api_cache_modes(), (base | _PAGE_PCD) << 16 | (base | _PAGE_PWT) << 8 | (base | _PAGE_PCD));
}

TEST_F(ShimApiTest, KfreeOfForeignMemoryIsAWarningNotACrash) {
  static int not_from_kmalloc = 0;
  kfree(&not_from_kmalloc);
  EXPECT_EQ(kernel_.warnings.size(), 1u);
  void* p = kmalloc(8, GFP_KERNEL);
  kfree(p);
  kfree(p);
  EXPECT_EQ(kernel_.warnings.size(), 2u);
  EXPECT_TRUE(kernel_.ledger.balanced());
}

TEST_F(ShimApiTest, LegacyHandlerSettingMappedIsRefused) {
  FileHandle f = open(&api_legacy_sets_mapped_fops);
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);
  EXPECT_TRUE(state().empty());
  EXPECT_EQ(kernel_.warnings.size(), 1u);
}

TEST_F(ShimApiTest, VmInsertPagesChecksRangeAndReportsWhatIsLeft) {
  FileHandle f = open(&api_insert_pages_fops);
  ASSERT_EQ(map(f.get(), kBase, 3 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(ptes().size(), 3u);
}

TEST_F(ShimApiTest, ZapVmaPtesRemovesEntries) {
  FileHandle f = open(&api_zap_fops);
  ASSERT_EQ(map(f.get(), kBase, 3 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  const PageTable table = ptes();
  EXPECT_EQ(table.size(), 2u);
  EXPECT_FALSE(table.count(kBase));
}

TEST_F(ShimApiTest, VmaSetFileMovesTheReference) {
  FileHandle other = open(&legacy_generic_fops);
  FileSpec spec;
  spec.fops = &api_set_file_fops;
  FileHandle f = FileHandle::open(spec);
  f.get()->private_data = other.get();
  ASSERT_EQ(map(f.get(), kBase, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(state()[0].file, other.get());
  EXPECT_EQ(f.get()->__vmaprep_count, 1);
  EXPECT_EQ(other.get()->__vmaprep_count, 2);
  ASSERT_EQ(unmap(kBase, kPage), 0);
  EXPECT_EQ(other.get()->__vmaprep_count, 1);
}

TEST_F(ShimApiTest, ReadonlyGenericMmapRefusesSharedWritable) {
  FileHandle legacy = open(&api_readonly_fops);
  FileHandle prepared = open(&api_readonly_prepare_fops);
  EXPECT_EQ(map(legacy.get(), kBase, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);
  EXPECT_EQ(map(prepared.get(), kBase, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);
  EXPECT_EQ(map(legacy.get(), kBase, kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(map(prepared.get(), kBase + 4 * kPage, kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED),
            static_cast<long>(kBase + 4 * kPage));
}

TEST_F(ShimApiTest, FlagWritesOutsideTheWriteLockAbort) {
  ASSERT_GT(map_anon(kBase, kPage, MAP_PRIVATE | MAP_FIXED), 0);
  ReadGuard lock = as_.read_lock();
  auto* vma = const_cast<vm_area_struct*>(as_.find_vma(lock, kBase).get());
  EXPECT_DEATH(vm_flags_set(vma, VM_DONTCOPY), "without the mmap lock held for write");
}

TEST_F(ShimApiTest, VmfInsertPfnInsertsOneSpecialEntryPerPage) {
  FileHandle f = open(&api_vmf_pfn_fops);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(api_vmf_results[0], static_cast<vm_fault_t>(VM_FAULT_SIGBUS));  // neither PFNMAP nor MIXEDMAP
  EXPECT_EQ(kernel_.warnings.size(), 1u);
  EXPECT_EQ(api_vmf_results[1], static_cast<vm_fault_t>(VM_FAULT_NOPAGE));
  EXPECT_EQ(api_vmf_results[2], static_cast<vm_fault_t>(VM_FAULT_NOPAGE));  // already there: left as it is
  EXPECT_EQ(api_vmf_results[3], static_cast<vm_fault_t>(VM_FAULT_SIGBUS));  // past the VMA
  const PageTable table = ptes();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table.begin()->first, kBase);
  EXPECT_EQ(table.begin()->second.pfn, fixture_io_pfn);
  EXPECT_TRUE(pgprot_val(table.begin()->second.prot) & _PAGE_SPECIAL);
}

TEST_F(ShimApiTest, VmfInsertMixedNeedsMixedMap) {
  FileHandle f = open(&api_vmf_mixed_fops);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  EXPECT_EQ(api_vmf_results[0], static_cast<vm_fault_t>(VM_FAULT_SIGBUS));
  EXPECT_EQ(api_vmf_results[1], static_cast<vm_fault_t>(VM_FAULT_NOPAGE));
  EXPECT_EQ(api_vmf_results[2], static_cast<vm_fault_t>(VM_FAULT_SIGBUS));
  const PageTable table = ptes();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table.begin()->first, kBase + kPage);  // the page of the address
  EXPECT_EQ(table.begin()->second.pfn, fixture_io_pfn + 1);
  EXPECT_TRUE(kernel_.warnings.empty());
}

// mm/vmalloc.c remap_vmalloc_range_partial(): only a VM_USERMAP area, only as far as it reaches.
TEST_F(ShimApiTest, RemapVmallocRangeMapsAUserAreaWithinItsSize) {
  void* user = vmalloc_user(2 * kPage);
  void* plain = vmalloc(2 * kPage);
  ASSERT_TRUE(user && plain);
  FileHandle f = open(&api_remap_vmalloc_fops);
  f.get()->private_data = user;
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  const PageTable table = ptes();
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table.at(kBase + kPage).page, virt_to_page(static_cast<char*>(user) + kPage));
  EXPECT_EQ(state()[0].flags & (VM_DONTEXPAND | VM_DONTDUMP), VM_DONTEXPAND | VM_DONTDUMP);
  EXPECT_EQ(map(f.get(), kBase + 4 * kPage, 3 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);  // too big
  EXPECT_EQ(map(f.get(), kBase + 4 * kPage, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED, kPage), -EINVAL);
  EXPECT_EQ(map(f.get(), kBase + 4 * kPage, kPage, PROT_READ, MAP_SHARED | MAP_FIXED, kPage),
            static_cast<long>(kBase + 4 * kPage));  // the second page from offset 1
  f.get()->private_data = plain;                    // not VM_USERMAP
  EXPECT_EQ(map(f.get(), kBase + 8 * kPage, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);
  f.get()->private_data = page_address(fixture_pages[0]);  // page aligned, but not a vmalloc area
  EXPECT_EQ(map(f.get(), kBase + 8 * kPage, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);
  ASSERT_EQ(unmap(kBase, 8 * kPage), 0);
  vfree(user);
  vfree(plain);
  EXPECT_TRUE(kernel_.ledger.balanced()) << kernel_.ledger.describe();
}

TEST_F(ShimApiTest, IoremapIsHeldUntilIounmap) {
  EXPECT_EQ(ioremap(0xfed00000, 0), nullptr);
  void __iomem* io = ioremap(0xfed00010, 16);
  ASSERT_NE(io, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(io) & ~PAGE_MASK, 0x10u);  // the offset within the page
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::Ioremap), 1);
  EXPECT_EQ(kernel_.describe_heap_pointer(io).rfind("ioremap", 0), 0u);  // named as a mapping
  kfree(io);  // not a slab object: a warning, and the mapping stays
  EXPECT_EQ(kernel_.warnings.size(), 1u);
  iounmap(io);
  EXPECT_TRUE(kernel_.ledger.balanced()) << kernel_.ledger.describe();
  iounmap(io);  // twice
  EXPECT_EQ(kernel_.warnings.size(), 2u);
}

TEST_F(ShimApiTest, NonseekableOpenClearsTheSeekModes) {
  FileHandle seekable = open(&prep_plain_fops);
  EXPECT_EQ(seekable.get()->f_mode & (FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE),
            FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);  // do_dentry_open()
  FileHandle stream = open(&api_nonseekable_fops);
  EXPECT_EQ(stream.get()->f_mode & (FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE), 0u);
  EXPECT_EQ(stream.get()->f_mode & (FMODE_READ | FMODE_WRITE), FMODE_READ | FMODE_WRITE);
  stream.get()->f_pos = 7;
  EXPECT_EQ(stream.get()->f_op->llseek(stream.get(), 100, 0), 7);  // noop_llseek: the position stays
  EXPECT_EQ(stream.get()->f_pos, 7);
}

// vfs_mmap() from a stacked ->mmap: the lower ->mmap as it is, a lower ->mmap_prepare through
// compat_vma_mmap() with its action run on the existing VMA.
TEST_F(ShimApiTest, VfsMmapReachesTheLowerHookOfEitherKind) {
  FileHandle lower_legacy = open(&legacy_remap_fops, fixture_legacy_kapi);
  FileHandle lower_prepared = open(&prep_remap_fops, fixture_prepare_kapi);
  FileHandle stacked = open(&api_stacked_fops);
  stacked.get()->private_data = lower_legacy.get();
  ASSERT_EQ(map(stacked.get(), kBase, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED), static_cast<long>(kBase));
  stacked.get()->private_data = lower_prepared.get();
  ASSERT_EQ(map(stacked.get(), kBase + 4 * kPage, 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED),
            static_cast<long>(kBase + 4 * kPage));
  const std::vector<VmaState> vmas = state();
  ASSERT_EQ(vmas.size(), 2u);
  for (const VmaState& v : vmas) {
    EXPECT_EQ(v.flags & VM_REMAP_FLAGS, VM_REMAP_FLAGS) << describe(v);
    EXPECT_EQ(v.file, stacked.get());
  }
  const PageTable table = ptes();
  EXPECT_EQ(table.size(), 4u);
  EXPECT_EQ(table.at(kBase + 4 * kPage).pfn, table.at(kBase).pfn);  // both remap the fixture's first page
  EXPECT_TRUE(kernel_.warnings.empty());
}

TEST_F(ShimApiTest, ApplyToPageRangeIsRecordedAsNotModelled) {
  FileHandle f = open(&api_page_walk_fops);
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, MAP_SHARED | MAP_FIXED), -EINVAL);
  EXPECT_EQ(kernel_.calls_not_modelled, std::set<std::string>{"apply_to_page_range"});
}

}  // namespace
}  // namespace vmaprep::model::test
