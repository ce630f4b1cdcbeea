// The validator core on fixture pairs: faithful rewrites validate, unfaithful or contract-breaking ones
// do not.
#include <gtest/gtest.h>

#include "vmaprep/model/Validator.h"

extern "C" {
#include "fixtures/fixtures.h"
}

namespace vmaprep::model::test {
namespace {

DriverUnderTest driver(const char* name, const struct file_operations* fops, int kapi) {
  DriverUnderTest d;
  d.name = name;
  d.file.fops = fops;
  d.file.kapi = kapi;
  d.setup = [] {
    fixture_reset();
    return fixture_alloc_pages();
  };
  d.teardown = [] { fixture_free_pages(); };
  return d;
}

DriverUnderTest legacy(const char* name, const struct file_operations* fops) {
  return driver(name, fops, fixture_legacy_kapi);
}
DriverUnderTest prepared(const char* name, const struct file_operations* fops) {
  return driver(name, fops, fixture_prepare_kapi);
}

TEST(ValidatorTest, StandardMatrixCoversShapesPlacementsAndFollowUps) {
  const auto scenarios = standard_scenarios(2);
  EXPECT_EQ(scenarios.size(), 2u * 2 * 2 * 2 + 2 + 4);
}

// The offset-limit scenarios per kind of file: the kernel calls a character device's hook with an offset
// past MAX_LFS_FILESIZE (mm/mmap.c file_mmap_size_max()), and refuses it for a regular file.
TEST(ValidatorTest, OffsetScenariosReachTheHookOfACharacterDevice) {
  const DriverUnderTest plain = legacy("plain", &legacy_plain_fops);
  auto outcome = [&](const char* name) {
    for (const Scenario& s : edge_scenarios())
      if (s.name == name) {
        const ScenarioRun run = run_scenario(plain, s);
        for (const std::string& line : run.trace)
          if (line.rfind("mmap: ", 0) == 0) return line;
      }
    return std::string("<no such scenario>");
  };
  EXPECT_EQ(outcome("2p off-overflow rw shared regular"), "mmap: -75");
  EXPECT_EQ(outcome("2p off-overflow rw shared chr"), "mmap: ok");
  EXPECT_EQ(outcome("2p off-max rw shared chr"), "mmap: -75");
  EXPECT_EQ(outcome("2p off-max rw shared unsigned-offset"), "mmap: ok");
  EXPECT_EQ(validation_matrix(4).size(), 50u);
}

TEST(ValidatorTest, RemapRewriteValidates) {
  const auto report =
      validate(legacy("remap", &legacy_remap_fops), prepared("remap", &prep_remap_fops), standard_scenarios(3));
  EXPECT_TRUE(report.ok()) << report.describe();
}

TEST(ValidatorTest, IoremapRewriteValidates) {
  const auto report =
      validate(legacy("ioremap", &legacy_ioremap_fops), prepared("ioremap", &prep_ioremap_fops), standard_scenarios(3));
  EXPECT_TRUE(report.ok()) << report.describe();
}

TEST(ValidatorTest, IomapToSimpleIoremapValidates) {
  const auto report = validate(legacy("iomap", &legacy_iomap_fops),
                               prepared("simple_ioremap", &prep_simple_ioremap_fops), standard_scenarios(4));
  EXPECT_TRUE(report.ok()) << report.describe();
}

TEST(ValidatorTest, InsertPagesToMapKernelPagesValidates) {
  const auto report = validate(legacy("insert", &legacy_insert_fops), prepared("map_kernel", &prep_map_kernel_fops),
                               standard_scenarios(3));
  EXPECT_TRUE(report.ok()) << report.describe();
}

TEST(ValidatorTest, GenericFileMmapValidates) {
  const auto report =
      validate(legacy("generic", &legacy_generic_fops), prepared("generic", &prep_generic_fops), standard_scenarios(2));
  EXPECT_TRUE(report.ok()) << report.describe();
}

TEST(ValidatorTest, DifferentPageProtectionIsAMismatch) {
  // The "rewrite" makes the mapping noncached and uses other callbacks: every scenario differs.
  const auto report =
      validate(legacy("plain", &legacy_plain_fops), prepared("plain", &prep_plain_fops), standard_scenarios(1));
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.mismatches.empty());
}

TEST(ValidatorTest, AcquiringInTheHookBreaksTheContract) {
  const auto report =
      validate(legacy("generic", &legacy_generic_fops), prepared("leaky", &prep_leaky_fops), standard_scenarios(1));
  EXPECT_FALSE(report.ok());
  bool contract = false;
  for (const auto& p : report.problems) contract |= p.find("outstanding") != std::string::npos;
  EXPECT_TRUE(contract) << report.describe();
}

// prep_mapped allocates in ->mapped but its mappings can merge: the second mmap merges into the first
// VMA, and set_vma_user_defined_fields() overwrites that VMA's vm_private_data with the hook's (NULL), so
// the first mapping's state is lost. The validator must report it.
TEST(ValidatorTest, PerMappingStateOnAMergeableMappingIsReported) {
  Scenario merge;
  merge.pages = 1;
  merge.pgoff = 1;
  merge.setup = Scenario::Setup::MergeableNeighbour;
  merge.name = "merge";
  const auto run = run_scenario(prepared("mapped", &prep_mapped_fops), merge);
  ASSERT_FALSE(run.problems.empty());
  EXPECT_NE(run.problems.front().find("kmalloc=1"), std::string::npos) << run.problems.front();
  Scenario alone;
  alone.pages = 2;
  alone.name = "alone";
  EXPECT_TRUE(run_scenario(prepared("mapped", &prep_mapped_fops), alone).problems.empty());
  EXPECT_TRUE(sweep_failures(prepared("mapped", &prep_mapped_fops), alone).empty());
}

TEST(ValidatorTest, TracesNameWhatIsObservable) {
  Scenario s;
  s.pages = 2;
  s.name = "two pages";
  const auto run = run_scenario(legacy("remap", &legacy_remap_fops), s);
  ASSERT_GE(run.trace.size(), 5u);
  EXPECT_EQ(run.trace[1], "mmap: ok");
  EXPECT_NE(run.trace[2].find("mapped vma [0,8192)"), std::string::npos) << run.trace[2];
  EXPECT_NE(run.trace[3].find("page"), std::string::npos) << run.trace[3];
}

// 6.12's mmap_zero (shmem if VM_SHARED) against 7.3's mmap_zero_prepare (shmem if VMA_MAYSHARE_BIT): for a
// /dev/zero opened read-only, do_mmap() clears VM_SHARED and keeps VM_MAYSHARE, so 7.3 backs the shared
// mapping with a shmem file the size of the mapping. At offset 0 that reads zeros as 6.12's anonymous memory
// does; at offset 1 the page is past the file's end and the read gets SIGBUS, as it does in a real 7.3
// kernel (test/kernel-vm). Only the read-only file's shared scenarios diverge.
TEST(ValidatorTest, ReadOnlyZeroSharedAtAnOffsetGetsSigbusWhereAnonymousMemoryReadsZeros) {
  const DriverUnderTest original = legacy("mmap_zero", &legacy_zero_fops);
  const DriverUnderTest upstream = prepared("mmap_zero_prepare", &prep_zero_mayshare_fops);
  auto reads = [](const ScenarioRun& run) {
    std::vector<std::string> out;
    for (const std::string& line : run.trace)
      if (line.rfind("mapped page ", 0) == 0) out.push_back(line);
    return out;
  };
  const std::vector<Scenario> matrix = validation_matrix(4);
  for (const Scenario& s : matrix) {
    if (s.name == "1p off1 ro shared ro-file") {
      EXPECT_EQ(reads(run_scenario(original, s)), std::vector<std::string>{"mapped page 0 read=zero"});
      EXPECT_EQ(reads(run_scenario(upstream, s)), std::vector<std::string>{"mapped page 0 read=sigbus"});
    }
    if (s.name == "2p off0 ro shared ro-file") {
      const std::vector<std::string> zeros{"mapped page 0 read=zero", "mapped page 4096 read=zero"};
      EXPECT_EQ(reads(run_scenario(original, s)), zeros);
      EXPECT_EQ(reads(run_scenario(upstream, s)), zeros);
    }
    // A read-write file's shared mapping at an offset is shmem on both sides: SIGBUS on both.
    if (s.name == "1p off1 ro shared")
      EXPECT_EQ(reads(run_scenario(original, s)), std::vector<std::string>{"mapped page 0 read=sigbus"});
  }
  const ValidationReport report = validate(original, upstream, matrix);
  std::vector<std::string> diverging;
  for (const Divergence& d : report.divergences) diverging.push_back(d.scenario);
  EXPECT_EQ(diverging, (std::vector<std::string>{"2p off0 ro shared ro-file", "1p off1 ro shared ro-file"}))
      << report.describe();
  EXPECT_TRUE(report.problems.empty()) << report.describe();
}

// A call the model cannot follow is a problem that names it, on whichever side makes it.
TEST(ValidatorTest, CallsTheModelDoesNotImplementAreReported) {
  const ValidationReport report = validate(driver("walker", &api_page_walk_fops, VMAPREP_KAPI_LATEST),
                                           prepared("remap", &prep_remap_fops), standard_scenarios(1));
  ASSERT_FALSE(report.problems.empty());
  bool named = false;
  for (const std::string& p : report.problems)
    named |=
        p.find("[walker]: walker calls apply_to_page_range(), which the model does not implement") != std::string::npos;
  EXPECT_TRUE(named) << report.describe();
}

}  // namespace
}  // namespace vmaprep::model::test
