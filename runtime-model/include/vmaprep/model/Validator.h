// The validator core: runs a driver's mmap handler through a matrix of scenarios on the model and writes
// what is observable as canonical trace lines (VMAs, page-table entries, what a read of each page gets,
// resource deltas, return values), so an original ->mmap handler and its ->mmap_prepare rewrite can be
// compared line by line. It also sweeps allocation failures through every scenario and checks the
// mmap_prepare contract: nothing a handler acquired may outlive a mapping that failed or merged.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vmaprep/model/Shim.h"

namespace vmaprep::model {

struct Scenario {
  enum class Setup {
    None,
    ExistingMapping,     // the same file is mapped over the range first; the scenario maps MAP_FIXED over it
    MergeableNeighbour,  // the same file is mapped right below the range with contiguous offsets
  };
  enum class After { Nothing, Fork, UnmapFirstPage, UnmapMiddlePage, ProtectReadOnly };

  std::string name;
  unsigned long pages = 1;
  unsigned long pgoff = 0;
  unsigned long prot = PROT_READ | PROT_WRITE;
  unsigned long map_type = MAP_SHARED;
  Setup setup = Setup::None;
  After after = After::Nothing;
  // Request length in bytes when it is not pages * PAGE_SIZE (an unaligned request; pages is the length
  // rounded up, the range the trace looks at).
  unsigned long length = 0;
  // The file is opened FMODE_READ only (no FMODE_WRITE): shared writable mappings are refused, shared
  // read-only ones lose VM_MAYWRITE.
  bool read_only_file = false;
  // vm.max_map_count for the scenario's address space (0: the default).
  long max_map_count = 0;
  // The kind of file the handler is reached through, when the scenario is about it (the offset limits of
  // mm/mmap.c file_mmap_size_max() differ per kind); otherwise the driver's FileSpec::kind.
  std::optional<FileKind> file_kind;
};

// Sizes 1..max_pages, offsets 0 and 1, shared and private, read-only and read-write, each setup and
// each follow-up operation.
std::vector<Scenario> standard_scenarios(unsigned long max_pages = 4);
// The edge cases `vmaprep validate` adds to the standard matrix: an unaligned request length, the offset
// limits per file kind (past MAX_LFS_FILESIZE: -EOVERFLOW for a regular file, the hook for a character
// device; the last page offsets: -EOVERFLOW for a character device, the hook with FOP_UNSIGNED_OFFSET), a
// large offset the handler must refuse or honour, a file opened read-only (shared read-only, shared
// writable, private writable, and shared read-only at an offset), a write-only shared mapping (no
// VM_READ), and a partial munmap that fails because the split would exceed vm.max_map_count.
std::vector<Scenario> edge_scenarios();
// standard_scenarios(max_pages) followed by edge_scenarios().
std::vector<Scenario> validation_matrix(unsigned long max_pages = 4);

// A driver as the validator runs it. setup() runs inside each scenario's fresh Kernel before the file is
// opened (e.g. to allocate the device's pages), teardown() after the file is closed.
struct DriverUnderTest {
  std::string name;
  FileSpec file;
  std::function<int()> setup;
  std::function<void()> teardown;
  // Names a pointer the driver stored in a VMA (vm_ops, vm_private_data) when the default naming would
  // not tell two of them apart (an interpreted driver's tables and opaque objects); "" for the default.
  std::function<std::string(const void*)> name_pointer;
  // The driver's own state as "name=value" lines, compared after the mmap and after teardown (an
  // interpreted driver reports what it wrote outside the VMA); null when the driver cannot say.
  std::function<std::vector<std::string>()> describe_state;
};

struct ScenarioRun {
  std::vector<std::string> trace;
  std::vector<std::string> problems;  // leaks and contract violations found while running
  // "<driver> calls <function>(), which the model does not implement", for each such call the driver made.
  std::vector<std::string> not_modelled;
};

// Runs one scenario in a fresh Kernel and AddressSpace.
ScenarioRun run_scenario(const DriverUnderTest& driver, const Scenario& scenario);
// Fails each allocation of the scenario's mmap in turn; every failure must leave the address space as
// before (or, over an existing mapping, with the range unmapped) and no resource outstanding.
std::vector<std::string> sweep_failures(const DriverUnderTest& driver, const Scenario& scenario);

// The first difference between two trace lines: the field (`flags`, `prot`, `pte 4096`, `mmap`, ...)
// and its value on each side; a line that exists on one side only has field "line".
struct FieldDifference {
  std::string field, original, rewrite;
};
FieldDifference first_field_difference(const std::string& original_line, const std::string& rewrite_line);

struct Divergence {
  std::string scenario;
  std::string original_line, rewrite_line;  // "<end>" when one trace is shorter
  FieldDifference difference;
};

struct ValidationReport {
  int scenarios = 0;
  std::vector<std::string> mismatches;  // "<scenario>: original `<line>` / rewrite `<line>`"
  std::vector<Divergence> divergences;  // the same, structured (one per mismatch, same order)
  std::vector<std::string> problems;    // "<scenario> [<driver>]: <what>"
  bool ok() const { return mismatches.empty() && problems.empty(); }
  std::string describe() const;
};

ValidationReport validate(const DriverUnderTest& original, const DriverUnderTest& rewrite,
                          const std::vector<Scenario>& scenarios);

}  // namespace vmaprep::model
