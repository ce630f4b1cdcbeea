//===- TranslationUnitRunner.h - run the analysis over many TUs -----------===//
//
// One ClangTool per translation unit, on a thread pool. Each TU gets its own
// physical file system (ClangTool otherwise changes the process's working
// directory per command) whose working directory is the command's, the
// compile command resolved in that directory (resolveInCommandDirectory: what
// clang reads outside the file system, such as the randstruct seed, must not
// depend on where vmaprep was started) minus GCC-only flags and
// dependency-file output, plus -w (or -Wno-error, for fix). A TU with compiler errors is reported and
// its AST is not handed to the caller: findings from a broken AST would not be
// trustworthy. A file the database lists several times is run with its first
// command. Every front door that reads TUs goes through here.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_TRANSLATIONUNITRUNNER_H
#define VMAPREP_DRIVER_TRANSLATIONUNITRUNNER_H

#include "clang/Tooling/CompilationDatabase.h"
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace vmaprep {

/// A compiler warning in the TU's main file.
struct CompilerWarning {
  unsigned Offset = 0; // in the main file as parsed (an overlay's text, if any)
  std::string Text;    // the message and its option: "unused variable 'size' [-Wunused-variable]"
};

struct TranslationUnitStatus {
  bool Analysed = false;
  std::string Error; // first compiler error, with its location, when !Analysed
  std::string Crash; // how clang or the analysis crashed on it (CrashIsolation.h), or ""
  std::set<std::string> DroppedFlags;
  std::vector<CompilerWarning> Warnings; // with KeepWarnings only
};

/// Called on a worker thread, once per TU that compiled, while its AST lives.
using TranslationUnitCallback = std::function<void(size_t Index, clang::ASTContext &Ctx)>;

/// Which function bodies the parser builds.
enum class FunctionBodies {
  All,
  /// Those in the main file, and those of functions that take a VMA or a desc
  /// (takesVmaOrDesc: a hook defined in a header is still analysed). Most of a
  /// kernel TU is header inlines the analysis never looks into; check's
  /// findings do not depend on them. Fix's interpreter runs header inlines a
  /// handler calls, so fix parses them all.
  MainFileAndHooks,
};

/// \p Overlay maps absolute paths to contents that replace the files on disk
/// (a rewrite being verified before it is written). \p KeepWarnings parses
/// under the TU's own warning flags (-Wno-error instead of -w) and collects
/// the main file's warnings, so that fix can compare a rewrite's with the
/// original's. \p ExtraArgs go at the end of every command (fix's
/// configuration variants: an -include of a header the overlay holds).
std::vector<TranslationUnitStatus> runOnTranslationUnits(const clang::tooling::CompilationDatabase &Database,
                                                         const std::vector<std::string> &Files, unsigned Jobs,
                                                         const TranslationUnitCallback &OnAst,
                                                         const std::map<std::string, std::string> &Overlay = {},
                                                         FunctionBodies Bodies = FunctionBodies::All,
                                                         bool KeepWarnings = false,
                                                         const std::vector<std::string> &ExtraArgs = {});

/// Why a TU was not analysed, for an input error naming it.
std::string notAnalysedReason(const TranslationUnitStatus &S);

} // namespace vmaprep

#endif
