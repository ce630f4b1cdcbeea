// The kernel API shim called from C: reference counting, flag helpers, page protections, page
// insertion and zapping, file swaps, and the checks the core applies to what a handler did.
#include "ModelTest.h"

extern "C" {
#include <linux/slab.h>
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

}  // namespace
}  // namespace vmaprep::model::test
