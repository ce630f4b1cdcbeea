//===- SarifOutput.h - SARIF 2.1.0 for code scanning ----------------------===//
//
// One run, one result per finding, shaped for GitHub code scanning: stable
// rule ids, repo-relative URIs under %SRCROOT%, regions, related locations
// for the ops tables and the effects that decided a verdict, and
// partialFingerprints that survive line moves (docs/ci.md).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_SARIFOUTPUT_H
#define VMAPREP_FINDINGS_SARIFOUTPUT_H

#include "findings/CheckResult.h"
#include "findings/Paths.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

namespace vmaprep {

struct SarifOptions {
  /// Absolute directory that URIs are made relative to (%SRCROOT%). Files
  /// outside it keep absolute file:// URIs.
  std::string Root;
  /// Also report subsystem hooks (fb_mmap, proc_mmap, ...) as notes.
  bool ShowSubsystemHooks = false;
};

void writeSarif(const CheckResult &R, const SarifOptions &Options, llvm::raw_ostream &OS);

/// GitLab Code Quality (a CodeClimate issue array) for merge-request widgets:
/// one issue per finding, repo-relative path, the SARIF fingerprint.
void writeCodeQuality(const CheckResult &R, const SarifOptions &Options, llvm::raw_ostream &OS);

} // namespace vmaprep

#endif
