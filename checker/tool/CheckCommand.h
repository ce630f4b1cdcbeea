//===- CheckCommand.h - `vmaprep check` -----------------------------------===//
#ifndef VMAPREP_TOOL_CHECKCOMMAND_H
#define VMAPREP_TOOL_CHECKCOMMAND_H

#include "CompilationInputs.h"
#include "TranslationUnitRunner.h"
#include "vmaprep/ApiLevel.h"
#include "vmaprep/TranslationUnitFindings.h"
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vmaprep {

/// Everything one run found, merged over its translation units.
struct CheckResult {
  ApiLevel Target = NewestApiLevel;
  /// With --api auto: what the headers showed ("7.1: struct mmap_action has
  /// error_override"), one entry per distinct finding.
  std::vector<std::string> ApiDetections;
  /// For each detection: how many TUs with an mmap handler showed it, and
  /// the first of them. Only those TUs decide; host programs (scripts/,
  /// tools/) see no kernel headers and are not counted, unless no TU has a
  /// handler at all.
  std::map<std::string, std::pair<unsigned, std::string>> ApiDeciders;
  std::vector<HandlerReport> Handlers;
  std::vector<SubsystemHookReport> SubsystemHooks;
  std::vector<BothHooksTable> BothHooks;
  std::vector<UnresolvedReport> Unresolved;
  std::vector<InputError> Errors;
  std::set<std::string> DroppedFlags;
  unsigned FilesAnalysed = 0;
  unsigned DuplicateEntries = 0;
  /// Translation units never parsed: the prefilter found no mmap handler
  /// could be in them; a config file excluded them.
  unsigned FilesSkippedByPrefilter = 0;
  unsigned FilesExcluded = 0;
  /// --since: TUs neither whose file nor whose headers changed (not parsed).
  unsigned FilesUnchanged = 0;
  /// Findings removed after the analysis (FindingFilters.h): NOLINT
  /// comments, the baseline, --since.
  unsigned Suppressed = 0;
  unsigned Baselined = 0;
  unsigned OutsideChangedLines = 0;
};

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

/// Does the result contain anything a CI step should fail on?
bool hasFindings(const CheckResult &R);

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
