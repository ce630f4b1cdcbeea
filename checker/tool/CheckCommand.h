//===- CheckCommand.h - `vmaprep check` -----------------------------------===//
#ifndef VMAPREP_TOOL_CHECKCOMMAND_H
#define VMAPREP_TOOL_CHECKCOMMAND_H

#include "CompilationInputs.h"
#include "vmaprep/ApiLevel.h"
#include "vmaprep/TranslationUnitAnalysis.h"
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
  std::vector<HandlerReport> Handlers;
  std::vector<SubsystemHookReport> SubsystemHooks;
  std::vector<BothHooksTable> BothHooks;
  std::vector<UnresolvedReport> Unresolved;
  std::vector<InputError> Errors;
  std::set<std::string> DroppedFlags;
  unsigned FilesAnalysed = 0;
  unsigned DuplicateEntries = 0;
};

struct CheckOptions {
  ApiLevel Target = NewestApiLevel;
  /// --api auto: each TU's level is read off its headers (ApiDetection).
  bool AutoApi = false;
  unsigned Jobs = 0; // 0: all cores
};

CheckResult runCheck(CompilationInputs &Inputs, const CheckOptions &Options);

/// Does the result contain anything a CI step should fail on?
bool hasFindings(const CheckResult &R);

} // namespace vmaprep

#endif
