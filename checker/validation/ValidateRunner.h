//===- ValidateRunner.h - run two compiled handlers on the model ----------===//
//
// The execution half of `vmaprep validate`: loads two shared objects built
// from the wrapper ValidateCommand generates, hands their file_operations to
// the runtime model's validator and returns what it found. This file sees
// neither Clang nor the kernel shim, so the command and the model stay in
// translation units of their own (the shim's linux/ headers must not shadow
// the system's for LLVM code).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_VALIDATION_VALIDATERUNNER_H
#define VMAPREP_VALIDATION_VALIDATERUNNER_H

#include <string>
#include <vector>

namespace vmaprep {

struct ValidateDivergence {
  std::string Scenario;
  std::string Field, Original, Rewrite;  // the first differing field and its values
  std::string OriginalLine, RewriteLine; // the trace lines it is in
};

struct ValidateRun {
  std::string Error; // could not load or run: usage-level failure
  /// Compiled mode: the driver code ended or stalled the process the matrix
  /// ran in (a signal, an exit, the time limit); never equivalent.
  std::string Aborted;
  int Scenarios = 0;
  std::vector<std::string> ScenarioNames;
  std::vector<ValidateDivergence> Divergences;
  std::vector<std::string> Problems; // contract violations, leaks, failure-sweep findings
  int AcceptedMerges = 0;            // divergences left out because isIntendedMerge() holds
                                     // (AcceptedDifferences.h)
  int SucceededRuns = 0;             // interpreted runs whose original hook returned 0
  int AcceptedIgnoredFailures = 0;   // interpreted: the rewrite failed where the original dropped
                                     // a mapping call's error (an action reports it)
};

/// Names the first driver frame of a captured acquisition stack ("fn (file.c:12)").
using SiteDescriber = std::string (*)(void *const *Frames, int Depth);

/// Loads both objects (RTLD_NOW | RTLD_LOCAL), runs the validation matrix,
/// or its first \p ScenarioLimit scenarios when non-zero.
ValidateRun runValidation(const std::string &OriginalObject, const std::string &RewriteObject,
                          const std::string &OriginalName, const std::string &RewriteName, unsigned ScenarioLimit,
                          SiteDescriber Describer);

} // namespace vmaprep

#endif
