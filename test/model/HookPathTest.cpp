// The legacy ->mmap path and the ->mmap_prepare path, driven by the C fixture drivers.
#include "ModelTest.h"

namespace vmaprep::model::test {
namespace {

constexpr unsigned long kBase = 0x10000000UL;
constexpr unsigned long kShared = MAP_SHARED | MAP_FIXED;

class HookTest : public ModelTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(fixture_alloc_pages(), 0);
    kernel_.ledger.reset();  // the device's pages are not the handlers' doing
  }
  void TearDown() override { fixture_free_pages(); }
  const vm_area_struct* vma_at(const LockedView& lock, unsigned long addr) { return as_.find_vma(lock, addr).get(); }
};

// --- legacy ->mmap ---

TEST_F(HookTest, LegacyFlagsOpsAndPrivateData) {
  FileHandle f = open(&legacy_plain_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ | PROT_WRITE, kShared), static_cast<long>(kBase));
  ReadGuard lock = as_.read_lock();
  const vm_area_struct* vma = vma_at(lock, kBase);
  EXPECT_EQ(vma->vm_flags & (VM_DONTEXPAND | VM_DONTDUMP), VM_DONTEXPAND | VM_DONTDUMP);
  EXPECT_EQ(vma->vm_ops, &legacy_vm_ops);
  EXPECT_EQ(vma->vm_private_data, &fixture_private);
  EXPECT_EQ(vma->vm_file, f.get());
  EXPECT_EQ(fixture.hook_calls, 1);
}

TEST_F(HookTest, LegacyRemapFillsPageTablesWithNoncachedProtection) {
  FileHandle f = open(&legacy_remap_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(f.get(), kBase, 4 * kPage, PROT_READ | PROT_WRITE, kShared, 2 * kPage), static_cast<long>(kBase));
  ReadGuard lock = as_.read_lock();
  const vm_area_struct* vma = vma_at(lock, kBase);
  EXPECT_EQ(vma->vm_flags & VM_REMAP_FLAGS, VM_REMAP_FLAGS);
  EXPECT_EQ(pgprot_val(vma->vm_page_prot) & _PAGE_CACHE_MASK, _PAGE_PCD);
  const PageTable& ptes = as_.page_table(lock);
  ASSERT_EQ(ptes.size(), 4u);
  EXPECT_EQ(ptes.at(kBase).pfn, page_to_pfn(fixture_pages[0]) + 2);
  EXPECT_EQ(ptes.at(kBase + 3 * kPage).pfn, page_to_pfn(fixture_pages[0]) + 5);
  EXPECT_EQ(ptes.at(kBase).kind, PteKind::Pfn);
  EXPECT_EQ(pgprot_val(ptes.at(kBase).prot) & _PAGE_CACHE_MASK, _PAGE_PCD);
}

// Found by the validator: MAP_FIXED over an existing mapping must not clear the new mapping's page
// tables when the replaced VMAs are finally freed (vms_clean_up_area() already cleared them).
TEST_F(HookTest, LegacyRemapOverAnExistingMappingKeepsItsPageTables) {
  FileHandle f = open(&legacy_remap_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, kShared, kPage), static_cast<long>(kBase));
  const PageTable table = ptes();
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table.at(kBase).pfn, page_to_pfn(fixture_pages[1]));
}

TEST_F(HookTest, LegacyPrivateRemapRewritesPgoff) {
  FileHandle f = open(&legacy_remap_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED), static_cast<long>(kBase));
  ReadGuard lock = as_.read_lock();
  EXPECT_EQ(vma_at(lock, kBase)->vm_pgoff, page_to_pfn(fixture_pages[0]));
}

TEST_F(HookTest, LegacyIoremapAndIomap) {
  FileHandle io = open(&legacy_ioremap_fops, fixture_legacy_kapi);
  FileHandle iomap = open(&legacy_iomap_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(io.get(), kBase, 2 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(iomap.get(), kBase + 8 * kPage, 4 * kPage, PROT_READ, kShared), static_cast<long>(kBase + 8 * kPage));
  EXPECT_EQ(map(iomap.get(), kBase + 16 * kPage, 5 * kPage, PROT_READ, kShared), -EINVAL);  // larger than the region
  ReadGuard lock = as_.read_lock();
  const PageTable& ptes = as_.page_table(lock);
  EXPECT_EQ(ptes.at(kBase).kind, PteKind::IoPfn);
  EXPECT_EQ(pgprot_val(ptes.at(kBase).prot) & _PAGE_CACHE_MASK, _PAGE_PWT);
  EXPECT_EQ(ptes.at(kBase + 8 * kPage).pfn, fixture_io_pfn);
  EXPECT_EQ(ptes.size(), 6u);
}

TEST_F(HookTest, LegacyInsertPagesTakesPageReferences) {
  FileHandle f = open(&legacy_insert_fops, fixture_legacy_kapi);
  FileHandle mp = open(&legacy_map_pages_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(f.get(), kBase, 3 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(mp.get(), kBase + 8 * kPage, 2 * kPage, PROT_READ, kShared, 4 * kPage),
            static_cast<long>(kBase + 8 * kPage));
  EXPECT_EQ(map(mp.get(), kBase + 16 * kPage, 2 * kPage, PROT_READ, kShared, 15 * kPage), -ENXIO);
  {
    ReadGuard lock = as_.read_lock();
    EXPECT_TRUE(vma_at(lock, kBase)->vm_flags & VM_MIXEDMAP);
    EXPECT_EQ(as_.page_table(lock).at(kBase + 8 * kPage).pfn, page_to_pfn(fixture_pages[4]));
  }
  EXPECT_EQ(page_count(fixture_pages[0]), 2);
  ASSERT_EQ(unmap(kBase, 3 * kPage), 0);
  EXPECT_EQ(page_count(fixture_pages[0]), 1);
}

TEST_F(HookTest, LegacyFailingHookUnwindsWithoutClose) {
  FileHandle f = open(&legacy_fail_fops, fixture_legacy_kapi);
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), -EINVAL);
  EXPECT_TRUE(state().empty());
  EXPECT_EQ(f.get()->__vmaprep_count, 1);
}

TEST_F(HookTest, LegacyPartialRemapIsZappedOnError) {
  FileHandle f = open(&legacy_partial_fops, fixture_legacy_kapi);
  EXPECT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, kShared), -EBUSY);
  EXPECT_TRUE(ptes().empty());
  EXPECT_TRUE(state().empty());
}

TEST_F(HookTest, LegacyHookThatFailsAfterAllocatingLeaks) {
  FileHandle f = open(&legacy_leaky_fops, fixture_legacy_kapi);
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), -EIO);
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::Kmalloc), 1);
}

TEST_F(HookTest, LegacyPerMappingResourcesBalanceOverTheLifetime) {
  FileHandle f = open(&legacy_alloc_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), static_cast<long>(kBase));
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::Kmalloc), 1);
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::PmRuntime), 1);
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::Module), 1);
  ASSERT_EQ(unmap(kBase, kPage), 0);
  EXPECT_TRUE(kernel_.ledger.balanced()) << kernel_.ledger.describe();
}

TEST_F(HookTest, LegacyFaultInjectionInsideTheHookIsBalanced) {
  FileHandle f = open(&legacy_alloc_fops, fixture_legacy_kapi);
  for (long n = 0;; ++n) {
    kernel_.faults.fail_nth_allocation(n);
    const long result = map(f.get(), kBase, kPage, PROT_READ, kShared);
    if (!kernel_.faults.fired()) {
      ASSERT_EQ(result, static_cast<long>(kBase));
      break;
    }
    EXPECT_EQ(result, -ENOMEM) << "allocation " << n;
    EXPECT_TRUE(kernel_.ledger.balanced()) << kernel_.ledger.describe();
    EXPECT_TRUE(state().empty());
  }
}

TEST_F(HookTest, LegacyDriverMovingTheVmaIsRefused) {
  FileHandle f = open(&legacy_mover_fops, fixture_legacy_kapi);
  EXPECT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, kShared), -EINVAL);
  EXPECT_EQ(kernel_.warnings.size(), 1u);
  EXPECT_TRUE(state().empty());
}

TEST_F(HookTest, LegacyFileMappingMergesBeforeTheHook) {
  FileHandle f = open(&legacy_generic_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(f.get(), kBase + kPage, kPage, PROT_READ, kShared, kPage), static_cast<long>(kBase + kPage));
  EXPECT_EQ(state().size(), 1u);  // contiguous offsets of the same file: one VMA
  ASSERT_EQ(map(f.get(), kBase + 2 * kPage, kPage, PROT_READ, kShared, 7 * kPage),
            static_cast<long>(kBase + 2 * kPage));
  EXPECT_EQ(state().size(), 2u);
}

// --- ->mmap_prepare (7.1+) ---

TEST_F(HookTest, PrepareCopiesOnlyWhitelistedFields) {
  FileHandle f = open(&prep_plain_fops, fixture_prepare_kapi);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ReadGuard lock = as_.read_lock();
  const vm_area_struct* vma = vma_at(lock, kBase);
  EXPECT_EQ(vma->vm_start, kBase);  // the hook's write to desc->start was ignored
  EXPECT_EQ(vma->vm_end, kBase + 2 * kPage);
  EXPECT_EQ(vma->vm_flags & (VM_DONTEXPAND | VM_DONTDUMP), VM_DONTEXPAND | VM_DONTDUMP);
  EXPECT_EQ(vma->vm_ops, &prep_vm_ops);
  EXPECT_EQ(vma->vm_private_data, &fixture_private);
  EXPECT_EQ(pgprot_val(vma->vm_page_prot) & _PAGE_CACHE_MASK, _PAGE_PCD);
}

TEST_F(HookTest, PrepareRemapMatchesTheLegacyRemap) {
  FileHandle legacy = open(&legacy_remap_fops, fixture_legacy_kapi);
  FileHandle prepared = open(&prep_remap_fops, fixture_prepare_kapi);
  ASSERT_EQ(map(legacy.get(), kBase, 4 * kPage, PROT_READ | PROT_WRITE, kShared, kPage), static_cast<long>(kBase));
  ASSERT_EQ(map(prepared.get(), kBase + 8 * kPage, 4 * kPage, PROT_READ | PROT_WRITE, kShared, kPage),
            static_cast<long>(kBase + 8 * kPage));
  ReadGuard lock = as_.read_lock();
  const vm_area_struct* a = vma_at(lock, kBase);
  const vm_area_struct* b = vma_at(lock, kBase + 8 * kPage);
  EXPECT_EQ(a->vm_flags, b->vm_flags);
  EXPECT_EQ(pgprot_val(a->vm_page_prot), pgprot_val(b->vm_page_prot));
  const PageTable& ptes = as_.page_table(lock);
  for (unsigned long i = 0; i < 4; ++i) {
    EXPECT_EQ(ptes.at(kBase + i * kPage).pfn, ptes.at(kBase + (8 + i) * kPage).pfn);
    EXPECT_EQ(pgprot_val(ptes.at(kBase + i * kPage).prot), pgprot_val(ptes.at(kBase + (8 + i) * kPage).prot));
  }
}

TEST_F(HookTest, PrepareRemapRangeAndCowChecks) {
  FileHandle outside = open(&prep_remap_outside_fops, fixture_prepare_kapi);
  EXPECT_EQ(map(outside.get(), kBase, 2 * kPage, PROT_READ, kShared), -EFAULT);
  FileHandle partial = open(&prep_remap_partial_fops, fixture_prepare_kapi);
  EXPECT_EQ(map(partial.get(), kBase, 2 * kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED), -EINVAL);  // CoW, partial
  ASSERT_EQ(map(partial.get(), kBase, 2 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  EXPECT_EQ(ptes().size(), 1u);
  FileHandle full = open(&prep_remap_fops, fixture_prepare_kapi);
  ASSERT_EQ(map(full.get(), kBase + 8 * kPage, 2 * kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED),
            static_cast<long>(kBase + 8 * kPage));
  ReadGuard lock = as_.read_lock();
  EXPECT_EQ(vma_at(lock, kBase + 8 * kPage)->vm_pgoff, page_to_pfn(fixture_pages[0]));
}

TEST_F(HookTest, PrepareIoremapAndSimpleIoremap) {
  FileHandle io = open(&prep_ioremap_fops, fixture_prepare_kapi);
  FileHandle simple = open(&prep_simple_ioremap_fops, fixture_prepare_kapi);
  FileHandle legacy = open(&legacy_iomap_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(io.get(), kBase, 2 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(simple.get(), kBase + 8 * kPage, 3 * kPage, PROT_READ, kShared, kPage),
            static_cast<long>(kBase + 8 * kPage));
  ASSERT_EQ(map(legacy.get(), kBase + 16 * kPage, 3 * kPage, PROT_READ, kShared, kPage),
            static_cast<long>(kBase + 16 * kPage));
  EXPECT_EQ(map(simple.get(), kBase + 24 * kPage, 4 * kPage, PROT_READ, kShared, kPage), -EINVAL);
  ReadGuard lock = as_.read_lock();
  const PageTable& ptes = as_.page_table(lock);
  EXPECT_EQ(ptes.at(kBase).kind, PteKind::IoPfn);
  EXPECT_EQ(pgprot_val(ptes.at(kBase).prot) & _PAGE_CACHE_MASK, _PAGE_PWT);
  for (unsigned long i = 0; i < 3; ++i) {
    EXPECT_EQ(ptes.at(kBase + (8 + i) * kPage).pfn, fixture_io_pfn + 1 + i);
    EXPECT_EQ(ptes.at(kBase + (8 + i) * kPage).pfn, ptes.at(kBase + (16 + i) * kPage).pfn);
  }
  EXPECT_EQ(vma_at(lock, kBase + 8 * kPage)->vm_flags, vma_at(lock, kBase + 16 * kPage)->vm_flags);
}

TEST_F(HookTest, PrepareMapKernelPagesMatchesVmInsertPages) {
  FileHandle prepared = open(&prep_map_kernel_fops, fixture_prepare_kapi);
  FileHandle legacy = open(&legacy_insert_fops, fixture_legacy_kapi);
  ASSERT_EQ(map(prepared.get(), kBase, 3 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(legacy.get(), kBase + 8 * kPage, 3 * kPage, PROT_READ, kShared), static_cast<long>(kBase + 8 * kPage));
  ReadGuard lock = as_.read_lock();
  EXPECT_EQ(vma_at(lock, kBase)->vm_flags, vma_at(lock, kBase + 8 * kPage)->vm_flags);
  const PageTable& ptes = as_.page_table(lock);
  for (unsigned long i = 0; i < 3; ++i) {
    EXPECT_EQ(ptes.at(kBase + i * kPage).kind, PteKind::Page);
    EXPECT_EQ(ptes.at(kBase + i * kPage).pfn, ptes.at(kBase + (8 + i) * kPage).pfn);
  }
  EXPECT_EQ(page_count(fixture_pages[0]), 3);
}

TEST_F(HookTest, PrepareErrorOverrideReplacesActionErrors) {
  FileHandle f = open(&prep_override_fops, fixture_prepare_kapi);
  // Fail the page-table allocation of the remap: the action fails after the VMA exists.
  long n = 0;
  for (;; ++n) {
    kernel_.faults.fail_nth_allocation(n);
    const long result = map(f.get(), kBase, 2 * kPage, PROT_READ, kShared);
    if (!kernel_.faults.fired()) {
      EXPECT_EQ(result, static_cast<long>(kBase));
      break;
    }
    const auto& sites = kernel_.faults.sites_in_last_operation();
    if (sites[n] == "pte_alloc")
      EXPECT_EQ(result, -EAGAIN);
    else
      EXPECT_EQ(result, -ENOMEM);
    EXPECT_TRUE(state().empty());
    EXPECT_TRUE(ptes().empty());
  }
  EXPECT_EQ(n, 2);  // vm_area_alloc, pte_alloc
}

TEST_F(HookTest, PrepareMappedRunsOnlyForANewVmaAndOwnsPerMappingState) {
  FileHandle f = open(&prep_mapped_fops, fixture_prepare_kapi);
  ASSERT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), static_cast<long>(kBase));
  EXPECT_EQ(fixture.mapped_calls, 1);
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::Kmalloc), 1);
  {
    ReadGuard lock = as_.read_lock();
    EXPECT_NE(vma_at(lock, kBase)->vm_private_data, nullptr);
  }
  ASSERT_EQ(unmap(kBase, kPage), 0);
  EXPECT_TRUE(kernel_.ledger.balanced()) << kernel_.ledger.describe();
}

TEST_F(HookTest, PrepareMappedFailureUnmapsTheNewVma) {
  FileHandle f = open(&prep_mapped_fail_fops, fixture_prepare_kapi);
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), -ENODEV);
  EXPECT_EQ(fixture.mapped_calls, 1);
  EXPECT_EQ(fixture.close_calls, 1);  // do_munmap() closes it
  EXPECT_TRUE(state().empty());
  EXPECT_EQ(f.get()->__vmaprep_count, 1);
}

TEST_F(HookTest, PrepareFailingHookLeavesNothing) {
  FileHandle f = open(&prep_fail_fops, fixture_prepare_kapi);
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), -EINVAL);
  EXPECT_TRUE(state().empty());
  EXPECT_TRUE(kernel_.ledger.balanced());
}

TEST_F(HookTest, PrepareHookAcquiringStateLeaksWhenTheMappingFailsLater) {
  FileHandle f = open(&prep_leaky_fops, fixture_prepare_kapi);
  kernel_.faults.fail_nth_allocation(1);  // 0: the hook's kzalloc, 1: vm_area_alloc
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), -ENOMEM);
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::Kmalloc), 1);
  EXPECT_EQ(kernel_.ledger.outstanding(Resource::PmRuntime), 1);
}

TEST_F(HookTest, PrepareMergeSkipsActionAndMapped) {
  FileHandle f = open(&prep_mapped_fops, fixture_prepare_kapi);
  ASSERT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(f.get(), kBase + kPage, kPage, PROT_READ, kShared, kPage), static_cast<long>(kBase + kPage));
  EXPECT_EQ(state().size(), 1u);
  EXPECT_EQ(fixture.hook_calls, 2);
  EXPECT_EQ(fixture.mapped_calls, 1);
}

TEST_F(HookTest, PrepareAnonymousAndShmemZero) {
  FileHandle anon = open(&prep_anon_fops, fixture_prepare_kapi);
  FileHandle zero = open(&prep_zero_fops, fixture_prepare_kapi);
  ASSERT_EQ(map(anon.get(), kBase, kPage, PROT_READ, kShared), static_cast<long>(kBase));
  ASSERT_EQ(map(zero.get(), kBase + 4 * kPage, kPage, PROT_READ, kShared), static_cast<long>(kBase + 4 * kPage));
  ReadGuard lock = as_.read_lock();
  EXPECT_EQ(vma_at(lock, kBase)->vm_ops, nullptr);
  const vm_area_struct* z = vma_at(lock, kBase + 4 * kPage);
  EXPECT_NE(z->vm_file, zero.get());
  EXPECT_NE(z->vm_file, nullptr);
  EXPECT_EQ(z->vm_file->__vmaprep_count, 1);
}

// mm/shmem.c shmem_zero_setup(_desc)() makes a shmem file the size of the mapping and keeps the caller's
// offset: a shared /dev/zero mapping at offset 1 page of a 1-page mapping reads index 1 of a 1-page file,
// past its end, which shmem_fault() answers with SIGBUS (a real 7.3 kernel does, and 6.12 did); at offset 0
// it reads zeros. Both hooks, the legacy one (shmem_zero_setup) and the prepare one (the _desc variant).
TEST_F(HookTest, SharedZeroMappingAtAnOffsetFaultsPastTheShmemFile) {
  auto read = [&](unsigned long addr) {
    ReadGuard lock = as_.read_lock();
    return as_.read_fault(lock, addr);
  };
  for (const auto& [fops, kapi] :
       {std::pair{&legacy_zero_fops, fixture_legacy_kapi}, std::pair{&prep_zero_fops, fixture_prepare_kapi}}) {
    FileHandle zero = open(fops, kapi);
    ASSERT_EQ(map(zero.get(), kBase, kPage, PROT_READ | PROT_WRITE, kShared), static_cast<long>(kBase));
    ASSERT_EQ(map(zero.get(), kBase + 4 * kPage, kPage, PROT_READ | PROT_WRITE, kShared, kPage),
              static_cast<long>(kBase + 4 * kPage));
    {
      ReadGuard lock = as_.read_lock();
      ASSERT_TRUE(is_shmem_file(vma_at(lock, kBase)->vm_file));
      EXPECT_EQ(vma_at(lock, kBase)->vm_file->f_inode->i_size, static_cast<loff_t>(kPage));
      EXPECT_EQ(vma_at(lock, kBase + 4 * kPage)->vm_pgoff, 1u);
    }
    EXPECT_EQ(read(kBase), ReadResult::Zero) << kapi;
    EXPECT_EQ(read(kBase + 4 * kPage), ReadResult::Sigbus) << kapi;
    // A private mapping is anonymous memory (vma_set_anonymous()): zeros at any offset.
    ASSERT_EQ(map(zero.get(), kBase + 8 * kPage, kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED, kPage),
              static_cast<long>(kBase + 8 * kPage));
    EXPECT_EQ(read(kBase + 8 * kPage), ReadResult::Zero) << kapi;
    ASSERT_EQ(unmap(kBase, 16 * kPage), 0);
  }
  // Nothing mapped there.
  EXPECT_EQ(read(kBase), ReadResult::Sigsegv);
}

TEST_F(HookTest, GenericFileMmapAndPrepareAgree) {
  FileHandle legacy = open(&legacy_generic_fops, fixture_legacy_kapi);
  FileHandle prepared = open(&prep_generic_fops, fixture_prepare_kapi);
  ASSERT_GT(map(legacy.get(), kBase, kPage, PROT_READ, kShared), 0);
  ASSERT_GT(map(prepared.get(), kBase + 4 * kPage, kPage, PROT_READ, kShared), 0);
  auto s = state();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].vm_ops, s[1].vm_ops);
  EXPECT_EQ(s[0].flags, s[1].flags);
}

// --- earlier API levels ---

TEST_F(HookTest, Level619SuccessHookRunsAfterTheAction) {
  FileHandle f = open(&p619_remap_success_fops, fixture_619_kapi);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  EXPECT_EQ(fixture.success_hook_calls, 1);
  EXPECT_EQ(ptes().size(), 2u);
  ReadGuard lock = as_.read_lock();
  EXPECT_TRUE(vma_at(lock, kBase)->vm_flags & VM_DONTDUMP);
}

TEST_F(HookTest, Level619FailingSuccessHookLeavesTheVmaMapped) {
  FileHandle f = open(&p619_success_fail_fops, fixture_619_kapi);
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), -ENOMEM);
  EXPECT_EQ(state().size(), 1u);
}

TEST_F(HookTest, Level619ErrorHookFiltersTheError) {
  FileHandle f = open(&p619_error_hook_fops, fixture_619_kapi);
  kernel_.faults.fail_nth_allocation(1);  // the remap's page-table allocation
  EXPECT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared), -EAGAIN);
  EXPECT_EQ(fixture.error_hook_calls, 1);
  EXPECT_TRUE(state().empty());
}

TEST_F(HookTest, Level70FlagHelpersAndSuccessHook) {
  FileHandle f = open(&p70_remap_fops, fixture_70_kapi);
  ASSERT_EQ(map(f.get(), kBase, 2 * kPage, PROT_READ, kShared), static_cast<long>(kBase));
  EXPECT_EQ(map(f.get(), kBase + 4 * kPage, kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED), -EINVAL);
  EXPECT_EQ(fixture.success_hook_calls, 1);
  ReadGuard lock = as_.read_lock();
  const vm_flags_t flags = vma_at(lock, kBase)->vm_flags;
  EXPECT_TRUE(flags & VM_DONTCOPY);
  EXPECT_FALSE(flags & VM_MAYEXEC);
  EXPECT_EQ(flags & VM_REMAP_FLAGS, VM_REMAP_FLAGS);
  EXPECT_EQ(as_.page_table(lock).at(kBase).kind, PteKind::IoPfn);
}

TEST_F(HookTest, Level616DescFlagsAndPgoff) {
  FileHandle f = open(&p616_flags_fops, fixture_616_kapi);
  ASSERT_EQ(map(f.get(), kBase, kPage, PROT_READ, kShared, 3 * kPage), static_cast<long>(kBase));
  EXPECT_EQ(map(f.get(), kBase + 4 * kPage, kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED), -EINVAL);
  ReadGuard lock = as_.read_lock();
  EXPECT_TRUE(vma_at(lock, kBase)->vm_flags & VM_DONTEXPAND);
  EXPECT_EQ(vma_at(lock, kBase)->vm_pgoff, 4u);
}

}  // namespace
}  // namespace vmaprep::model::test
