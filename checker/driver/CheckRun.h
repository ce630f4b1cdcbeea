//===- CheckRun.h - the analysis over a compile database ------------------===//
//
// Parses the translation units a run selects (shard, exclusions, --since, the
// lexical prefilter), analyses each, and merges their findings into one
// CheckResult. check, report and candidates share it.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_CHECKRUN_H
#define VMAPREP_DRIVER_CHECKRUN_H

#include "driver/CompilationInputs.h"
#include "driver/TranslationUnitRunner.h"
#include "findings/CheckResult.h"
#include "vmaprep/ApiLevel.h"
#include "vmaprep/TranslationUnitFindings.h"
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vmaprep {

struct CheckOptions {
  ApiLevel Target = NewestApiLevel;
  /// --api auto: each TU's level is read off its headers (ApiDetection).
  bool AutoApi = false;
  unsigned Jobs = 0; // 0: all cores
  /// Parse only TUs whose text can hold an mmap handler (mayHoldMmapHandler).
  bool Prefilter = false;
  /// Globs (Config.h) of files never parsed, relative to ExcludeBase.
  std::vector<std::string> Exclude;
  std::string ExcludeBase;
  /// --shard K/N: only the K-th (1-based) of N slices of the sorted TU list.
  unsigned ShardIndex = 0, ShardCount = 0;
  /// --since: false for a TU that cannot have a finding on a changed line
  /// (sinceMayAffect); such a TU is not parsed.
  std::function<bool(const std::string &File)> MayHaveFindings;
  /// Called (serialised) after each TU, with the number done and the total.
  std::function<void(size_t Done, size_t Total, const std::string &File)> OnProgress;
  /// Header bodies the findings do not depend on are not built (docs/benchmarks.md);
  /// VMAPREP_PARSE_ALL_BODIES=1 in the environment builds them all, to compare.
  FunctionBodies Bodies = FunctionBodies::MainFileAndHooks;
};

CheckResult runCheck(CompilationInputs &Inputs, const CheckOptions &Options);

/// The lexical prefilter: false only when \p Text cannot produce an mmap
/// handler finding. Conservative: the text has an identifier with `mmap` in it
/// (a handler, a member, an mmap_prepare) other than core mm's locking and
/// layout words (mmap_lock, mmap_read_lock(), vmemmap, ...), or `FOPS`
/// (DEFINE_DRM_GEM_FOPS and the other macros that expand to a whole
/// file_operations table).
bool mayHoldMmapHandler(llvm::StringRef Text);

/// mayHoldMmapHandler() over \p File and the headers it includes with
/// `#include "..."` that exist next to the file including them (recursively).
/// Unreadable files are kept (parsed).
bool fileMayHoldMmapHandler(const std::string &File);

} // namespace vmaprep

#endif
