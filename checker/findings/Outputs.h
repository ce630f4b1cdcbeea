//===- Outputs.h - the check command's output formats ---------------------===//
#ifndef VMAPREP_FINDINGS_OUTPUTS_H
#define VMAPREP_FINDINGS_OUTPUTS_H

#include "findings/CheckResult.h"
#include "vmaprep/FindingNotes.h"
#include "llvm/Support/raw_ostream.h"

namespace vmaprep {

struct TextOptions {
  bool ShowSubsystemHooks = false;
  bool ShowReads = false;
};

/// Compiler-style diagnostics, one warning per handler with notes at its
/// sites, then a summary line.
void writeText(const CheckResult &R, const TextOptions &Options, llvm::raw_ostream &OS);

/// One compiler-style diagnostic line, `FILE:LINE:COL: LEVEL: MESSAGE [CHECK]`,
/// in clang's colours when \p OS is a terminal (and NO_COLOR is not set).
void writeDiagnostic(llvm::raw_ostream &OS, llvm::StringRef Location, llvm::StringRef Level, llvm::StringRef Message,
                     llvm::StringRef Check);

/// The versioned JSON document (docs/json-schema.md).
void writeJson(const CheckResult &R, llvm::raw_ostream &OS);

/// "12 mmap handlers in 8 files: 3 auto-convertible, ..."
std::string summaryLine(const CheckResult &R);

} // namespace vmaprep

#endif
