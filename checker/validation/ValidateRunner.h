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
  /// Interpreted: worlds run after the drawn ones with driver state the success search learned (the
  /// reads it had to set for the original to reach its success return, "name=value, ..." per world);
  /// their runs are in Scenarios and their successes in SucceededRuns.
  unsigned LearnedWorlds = 0;
  std::vector<std::string> LearnedStates;
  /// Interpreted: the original has a return that can give success on a path no constant condition
  /// closes (mtdchar_mmap's `if (0 /* ... */) return vm_iomap_memory(...);` does not count): without
  /// one, its error paths are the whole of what can be proved.
  bool OriginalMaySucceed = true;
  int AcceptedIgnoredFailures = 0; // interpreted: the rewrite failed where the original dropped
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
